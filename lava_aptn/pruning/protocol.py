"""The contract between a pruning method and its caller (engine or Lava PruningProcess).

:class:`PruningMethod` is the one interface all methods share, built-in or the user's;
:class:`PruneStep` is what a step returns; :func:`run_step` is how drivers should call a
method: it checks the result, so a user method cannot silently revive a removed synapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from lava_aptn.errors import ConfigError
from lava_aptn.pruning.masks import check_weights
from lava_aptn.pruning.state import REMOVED, STATE_DTYPE, check_state, connectivity
from lava_aptn.pruning.state import unpruned_fraction as _unpruned_fraction

__all__ = ["PruneStep", "PruningMethod", "run_step", "readonly"]


def readonly(a: np.ndarray) -> np.ndarray:
    """Return a read-only copy of ``a``."""
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class PruneStep:
    """Outcome of one pruning step.

    ``weights`` and ``syn_state`` are new arrays owned by the caller (writable, e.g. to
    become the engine's buffers); the per-neuron and per-group arrays are read-only.

    Attributes
    ----------
    method, k
        Method name and step index.
    weights, syn_state
        ``(n_inputs, n_neurons)`` after pruning.
    thresholds
        ``(n_neurons,)`` float64, the threshold applied to each neuron (NaN for ``none``).
    groups
        ``(n_neurons,)`` int64, group index of each neuron (all 0 without grouping).
    group_thresholds, group_sizes
        ``(n_groups,)`` threshold and number of neurons of each group.
    unit
        ``"weight"``, or ``"spikes"`` for neuron pruning (a spike-count threshold).
    """

    method: str
    k: int
    weights: np.ndarray
    syn_state: np.ndarray
    thresholds: np.ndarray
    groups: np.ndarray
    group_thresholds: np.ndarray
    group_sizes: np.ndarray
    unit: str = "weight"

    @property
    def n_groups(self) -> int:
        """Number of groups."""
        return int(self.group_sizes.size)

    @property
    def connectivity(self) -> float:
        """Fraction of synapses not removed after this step."""
        return connectivity(self.syn_state)

    @property
    def unpruned_fraction(self) -> float:
        """Fraction of synapses still active (learning) after this step."""
        return _unpruned_fraction(self.syn_state)


@runtime_checkable
class PruningMethod(Protocol):
    """What the training driver (engine or Lava PruningProcess) calls at each step."""

    name: str

    def step(
        self,
        *,
        k: int,
        weights: np.ndarray,
        syn_state: np.ndarray,
        spike_counts: np.ndarray | None,
    ) -> PruneStep:
        """Prune and return the new arrays plus the thresholds applied."""
        ...


def run_step(
    method: PruningMethod,
    *,
    k: int,
    weights: np.ndarray,
    syn_state: np.ndarray,
    spike_counts: np.ndarray | None,
) -> PruneStep:
    """Call ``method.step`` and check the contract, for built-in and user methods alike.

    Checks: a :class:`PruneStep` comes back; shapes, dtypes and state codes are valid; the
    inputs were not modified; every synapse ``REMOVED`` before is still ``REMOVED``; every
    ``REMOVED`` synapse has weight 0.
    """
    name = getattr(method, "name", type(method).__name__)
    check_weights(weights)
    check_state(syn_state)
    before_w, before_s = weights.copy(), syn_state.copy()
    out = method.step(k=k, weights=weights, syn_state=syn_state, spike_counts=spike_counts)
    if not isinstance(out, PruneStep):
        raise ConfigError(f"method {name!r} must return a PruneStep, got {type(out)!r}")
    if not (np.array_equal(weights, before_w) and np.array_equal(syn_state, before_s)):
        raise ConfigError(f"method {name!r} modified its input arrays; it must return new ones")
    n = weights.shape[1]
    if out.weights.shape != weights.shape or out.syn_state.shape != weights.shape:
        raise ConfigError(
            f"method {name!r} returned shapes {out.weights.shape}/{out.syn_state.shape}, "
            f"expected {weights.shape}"
        )
    if out.syn_state.dtype != STATE_DTYPE:
        raise ConfigError(f"method {name!r} returned syn_state of dtype {out.syn_state.dtype}")
    check_state(out.syn_state, name=f"syn_state returned by {name!r}")
    if np.shape(out.thresholds) != (n,) or np.shape(out.groups) != (n,):
        raise ConfigError(f"method {name!r} must return one threshold and group per neuron ({n})")
    removed = out.syn_state == REMOVED
    revived = int(np.count_nonzero((syn_state == REMOVED) & ~removed))
    if revived:
        raise ConfigError(f"method {name!r} revived {revived} removed synapses; removal is final")
    if np.any(out.weights[removed] != 0):
        raise ConfigError(f"method {name!r} left non-zero weights on removed synapses")
    return out
