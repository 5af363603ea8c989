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


#: Label-set sizes (first images of the label pass) at which
#: :func:`accuracy_by_label_images` scores the test set, besides the whole label set.
LABEL_IMAGE_SIZES = (1000, 2000, 5000, 10000, 20000, 30000)


def accuracy_by_label_images(
    label_counts: np.ndarray,
    label_classes: np.ndarray,
    test_counts: np.ndarray,
    test_classes: np.ndarray,
    sizes: tuple[int, ...] = LABEL_IMAGE_SIZES,
    n_classes: int = 10,
) -> dict[int, float]:
    """Test accuracy with the neurons labelled from only the first ``k`` label images.

    The spike counts come from one label pass and one test pass; only the labelling
    (:func:`assign_labels`) is repeated on the first ``k`` rows, for each ``k`` in
    ``sizes`` below the number of label images and for all of them. It tells whether a
    smaller label set would do: a cheap check, since labelling is as costly per image as
    training and runs over every label image.

    Returns
    -------
    dict
        ``{k: accuracy}``, ``k`` ascending; the last entry is the whole label set.

    Examples
    --------
    >>> counts = np.array([[3, 0], [0, 2], [0, 4], [5, 1]])
    >>> accuracy_by_label_images(counts, np.array([0, 1, 1, 1]), np.array([[2, 0], [0, 3]]),
    ...                          np.array([0, 1]), sizes=(1,), n_classes=2)
    {1: 0.5, 4: 1.0}
    """
    n = int(np.asarray(label_counts).shape[0])
    test_classes = np.asarray(test_classes)
    out = {}
    for k in sorted({int(k) for k in sizes if 0 < k < n} | {n}):
        labels = assign_labels(label_counts[:k], label_classes[:k], n_classes)
        out[k] = float(np.mean(classify(test_counts, labels, n_classes) == test_classes))
    return out


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, n_classes: int = 10):
    """Return the confusion matrix, rows true class, columns predicted class."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(labels), np.asarray(predictions)), 1)
    return matrix
