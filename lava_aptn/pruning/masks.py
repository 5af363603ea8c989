r"""Array operations shared by every method: validate, prune below a threshold, drop neurons.

All functions return **new** arrays and never write to their inputs. Weights are input-major,
shape ``(n_inputs, n_neurons)``: column ``j`` holds the input weights of excitatory neuron
``j``. A per-neuron threshold :math:`\theta_j` prunes weight :math:`w_{ij}` when

.. math:: w_{ij} < \theta_j \quad (\text{strictly below}).

Whatever the input, every ``REMOVED`` synapse leaves with weight 0 and stays ``REMOVED``.
"""

from __future__ import annotations

import numpy as np

from lava_aptn.errors import ConfigError
from lava_aptn.pruning.grouping import check_spike_counts
from lava_aptn.pruning.state import ACTIVE, FROZEN, REMOVED, check_state

__all__ = ["check_weights", "check_step_inputs", "prune_below", "remove_neurons"]


def check_weights(weights: np.ndarray) -> np.ndarray:
    """Validate a finite, real, 2-D ``(n_inputs, n_neurons)`` weight array; return it."""
    if not isinstance(weights, np.ndarray):
        raise ConfigError(f"weights must be a numpy array, got {type(weights)!r}")
    if weights.ndim != 2 or weights.size == 0:
        raise ConfigError(
            f"weights must be a non-empty (n_inputs, n_neurons) array, got shape {weights.shape}"
        )
    if weights.dtype.kind not in "fiu":
        raise ConfigError(f"weights must be real numbers, got dtype {weights.dtype}")
    if weights.dtype.kind == "f" and not np.all(np.isfinite(weights)):
        raise ConfigError("weights must be finite, found NaN or inf")
    return weights


def check_step_inputs(
    *,
    weights: np.ndarray,
    syn_state: np.ndarray,
    spike_counts: np.ndarray | None,
    need_counts: bool,
) -> np.ndarray | None:
    """Validate the arguments of a pruning step; return the spike counts as int64 (or None).

    Raises
    ------
    ConfigError
        On a wrong shape, dtype or value; ``spike_counts`` missing when ``need_counts``.
    """
    check_weights(weights)
    check_state(syn_state)
    if syn_state.shape != weights.shape:
        raise ConfigError(
            f"syn_state shape {syn_state.shape} must equal weights shape {weights.shape}"
        )
    if spike_counts is None:
        if need_counts:
            raise ConfigError("this method needs spike_counts (batch totals per neuron), got None")
        return None
    return check_spike_counts(spike_counts, n_neurons=weights.shape[1])


def _finish(weights: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    weights[state == REMOVED] = 0
    return weights, state


def prune_below(
    *,
    weights: np.ndarray,
    syn_state: np.ndarray,
    thresholds: np.ndarray | float,
    freeze: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Prune every weight strictly below its neuron's threshold.

    Parameters
    ----------
    weights, syn_state
        ``(n_inputs, n_neurons)`` arrays (not modified).
    thresholds
        One threshold per neuron, shape ``(n_neurons,)``, or one scalar for all.
    freeze
        ``False``: hard pruning, ``ACTIVE`` or ``FROZEN`` synapses below threshold become
        ``REMOVED`` with weight 0. ``True``: soft pruning, ``ACTIVE`` synapses below threshold
        become ``FROZEN`` and keep their weight.

    Returns
    -------
    tuple of numpy.ndarray
        New weights (same dtype) and new states.

    Examples
    --------
    >>> w = np.array([[0.05, 0.30], [0.20, 0.10]])
    >>> s = np.zeros((2, 2), dtype=np.uint8)
    >>> new_w, new_s = prune_below(weights=w, syn_state=s, thresholds=np.array([0.1, 0.2]))
    >>> new_w.tolist(), new_s.tolist()
    ([[0.0, 0.3], [0.2, 0.0]], [[2, 0], [0, 2]])
    """
    check_weights(weights)
    check_state(syn_state)
    if syn_state.shape != weights.shape:
        raise ConfigError(
            f"syn_state shape {syn_state.shape} must equal weights shape {weights.shape}"
        )
    th = np.asarray(thresholds, dtype=np.float64)
    if th.ndim == 0:
        th = np.full(weights.shape[1], float(th))
    if th.shape != (weights.shape[1],) or np.any(np.isnan(th)):
        raise ConfigError(
            f"thresholds must be one number per neuron ({weights.shape[1]}), got shape {th.shape}"
        )
    new_w = weights.copy()
    new_s = syn_state.copy()
    below = weights < th[np.newaxis, :]
    if freeze:
        new_s[below & (syn_state == ACTIVE)] = FROZEN
    else:
        new_s[below & (syn_state != REMOVED)] = REMOVED
    return _finish(new_w, new_s)


def remove_neurons(
    *, weights: np.ndarray, syn_state: np.ndarray, neurons: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Remove every input weight of the selected neurons (whole columns).

    Parameters
    ----------
    neurons
        Boolean mask of shape ``(n_neurons,)``: ``True`` removes that neuron's column.

    Examples
    --------
    >>> w = np.array([[0.5, 0.3], [0.2, 0.1]])
    >>> s = np.zeros((2, 2), dtype=np.uint8)
    >>> remove_neurons(weights=w, syn_state=s, neurons=np.array([False, True]))[0].tolist()
    [[0.5, 0.0], [0.2, 0.0]]
    """
    check_weights(weights)
    check_state(syn_state)
    mask = np.asarray(neurons)
    if mask.dtype != np.bool_ or mask.shape != (weights.shape[1],):
        raise ConfigError(
            f"neurons must be a boolean mask of shape ({weights.shape[1]},), "
            f"got dtype {mask.dtype} shape {mask.shape}"
        )
    new_w = weights.copy()
    new_s = syn_state.copy()
    new_s[:, mask] = REMOVED
    return _finish(new_w, new_s)
