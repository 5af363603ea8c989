"""Label assignment and classification from spike counts (Diehl & Cook's scheme)."""

from __future__ import annotations

import numpy as np

#: Label of a neuron that never fired during label assignment.
UNASSIGNED = -1


def assign_labels(counts: np.ndarray, labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Give each neuron the class for which its mean spike count is highest.

    Parameters
    ----------
    counts : ndarray, shape (n_images, N)
        Spike counts per image and neuron (learning off).
    labels : ndarray of int, shape (n_images,)
        True class of each image.
    n_classes
        Number of classes.

    Returns
    -------
    ndarray of int64, shape (N,)
        Each neuron's class; :data:`UNASSIGNED` for a neuron that never fired.

    Examples
    --------
    >>> counts = np.array([[3, 0], [0, 1], [5, 0]])
    >>> assign_labels(counts, np.array([1, 0, 1]), n_classes=2)
    array([1, 0])
    """
    counts = np.asarray(counts, dtype=np.float64)
    labels = np.asarray(labels)
    if counts.shape[0] != labels.shape[0]:
        raise ValueError(f"{counts.shape[0]} count rows but {labels.shape[0]} labels")
    rates = np.zeros((n_classes, counts.shape[1]))
    for c in range(n_classes):
        members = labels == c
        if members.any():
            rates[c] = counts[members].mean(axis=0)
    assigned = rates.argmax(axis=0).astype(np.int64)
    assigned[rates.max(axis=0) <= 0] = UNASSIGNED
    return assigned


def classify(counts: np.ndarray, neuron_labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Predict each image's class: the class whose neurons have the highest mean count.

    Classes with no assigned neuron score 0; ties go to the lowest class index.
    """
    counts = np.asarray(counts, dtype=np.float64)
    scores = np.zeros((counts.shape[0], n_classes))
    for c in range(n_classes):
        members = neuron_labels == c
        if members.any():
            scores[:, c] = counts[:, members].mean(axis=1)
    return scores.argmax(axis=1)


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, n_classes: int = 10):
    """Return the confusion matrix, rows true class, columns predicted class."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predictions)), 1)
    return matrix
