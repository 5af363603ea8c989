r"""The eight pruning methods as small strategy objects sharing one interface.

Every method implements

.. code-block:: python

    step(*, k, weights, syn_state, spike_counts) -> PruneStep

where ``weights`` is ``(n_inputs, n_neurons)`` (input-major: rows are input pixels, columns
are excitatory neurons), ``syn_state`` the matching ``uint8`` state array
(:mod:`lava_aptn.pruning.state`), ``spike_counts`` the ``(n_neurons,)`` spike totals of the last
batch and ``k`` the pruning-step index. The result holds **new** arrays; inputs are never
written. Thresholds per method, with :math:`f_T`, :math:`f_N` the adaptation functions
(:mod:`lava_aptn.pruning.functions`, index 0 = base threshold):

============== ==========================================================================
method         threshold of neuron ``j`` in group ``g(j)`` at step ``k``
============== ==========================================================================
none           nothing pruned
constant       :math:`w_{th0}`
apt            :math:`f_T(w_{th0}, k)`
apn            :math:`f_N(w_{th0}, g(j))` (groups recomputed each step, thresholds fixed)
aptn           :math:`f_N(w_g, g(j))` with :math:`w_g = f_T(w_{th0}, k)`
post-training  :math:`w_{th0}`, called once after training (see ``schedule``)
soft           :math:`w_{th0}`; below it ``ACTIVE`` -> ``FROZEN``, weight kept
neuron         remove whole neuron ``j`` when :math:`c_j < s_0 a^k` (**reconstructed**)
============== ==========================================================================

Users may pass any object with a ``name`` and this ``step``
(:class:`~lava_aptn.pruning.protocol.PruningMethod`);
:func:`~lava_aptn.pruning.protocol.run_step` checks its result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from lava_aptn.errors import ConfigError
from lava_aptn.pruning.config import PruningConfig
from lava_aptn.pruning.functions import (
    adapted_threshold,
    make_adaptation_fn,
    threshold_table,
)
from lava_aptn.pruning.grouping import Grouping, group_neurons
from lava_aptn.pruning.masks import check_step_inputs, prune_below, remove_neurons
from lava_aptn.pruning.protocol import PruneStep, PruningMethod, readonly
from lava_aptn.pruning.state import REMOVED

__all__ = [
    "NoPruning",
    "ConstantPruning",
    "AptPruning",
    "ApnPruning",
    "AptnPruning",
    "PostTrainingPruning",
    "SoftPruning",
    "NeuronPruning",
    "METHOD_CLASSES",
    "make_method",
    "as_method",
    "spike_threshold",
]


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 0:
        raise ConfigError(f"k (pruning step index) must be an integer >= 0, got {k!r}")
    return int(k)


def spike_threshold(*, k: int, s_0: float, factor: float) -> float:
    r"""Neuron-pruning spike-count threshold (**reconstructed**), in spikes per batch.

    .. math:: s_{th}(k) = s_0\, a^{k}

    Examples
    --------
    >>> round(spike_threshold(k=2, s_0=50.0, factor=1.3), 9)
    84.5
    """
    k = _check_k(k)
    with np.errstate(over="ignore"):
        return float(s_0 * np.power(np.float64(factor), k))


@dataclass(frozen=True)
class _ConfigMethod:
    """Shared plumbing of the built-in methods: validation and result packing."""

    config: PruningConfig
    name: ClassVar[str] = ""
    needs_counts: ClassVar[bool] = False

    def __post_init__(self) -> None:
        if not isinstance(self.config, PruningConfig):
            raise ConfigError(f"config must be a PruningConfig, got {type(self.config)!r}")

    def step(
        self,
        *,
        k: int,
        weights: np.ndarray,
        syn_state: np.ndarray,
        spike_counts: np.ndarray | None = None,
    ) -> PruneStep:
        """Validate the inputs and run this method's step (see the module docstring)."""
        k = _check_k(k)
        counts = check_step_inputs(
            weights=weights,
            syn_state=syn_state,
            spike_counts=spike_counts,
            need_counts=self.needs_counts,
        )
        return self._step(k, weights, syn_state, counts)

    def _step(
        self, k: int, weights: np.ndarray, syn_state: np.ndarray, counts: np.ndarray | None
    ) -> PruneStep:
        raise NotImplementedError

    def _pack(
        self,
        k: int,
        new: tuple[np.ndarray, np.ndarray],
        group_thresholds: np.ndarray,
        grouping: Grouping | None = None,
        unit: str = "weight",
    ) -> PruneStep:
        n = new[0].shape[1]
        if grouping is None:
            groups = np.zeros(n, dtype=np.int64)
            sizes = np.array([n], dtype=np.int64)
        else:
            groups, sizes = grouping.groups, grouping.sizes
        group_thresholds = np.asarray(group_thresholds, dtype=np.float64)
        return PruneStep(
            method=self.name,
            k=k,
            weights=new[0],
            syn_state=new[1],
            thresholds=readonly(group_thresholds[groups]),
            groups=readonly(groups),
            group_thresholds=readonly(group_thresholds),
            group_sizes=readonly(sizes),
            unit=unit,
        )

    def _global(self, k: int) -> float:
        """``f_T(w_th0, k)``, checked."""
        c = self.config
        fn = make_adaptation_fn(c.time_fn, factor=c.time_factor, w_cap=c.w_cap)
        return adapted_threshold(
            fn, base_threshold=c.w_th0, index=k, w_th0=c.w_th0, w_cap=c.w_cap, what="time_fn"
        )

    def _grouped(self, counts: np.ndarray, base: float) -> tuple[Grouping, np.ndarray]:
        """Group by spike counts; return the groups and ``f_N(base, n)`` per group, checked."""
        c = self.config
        grouping = group_neurons(
            spike_counts=counts, spike_interval=c.spike_interval, grouping=c.grouping
        )
        if c.group_order == "descending":  # most active neurons in group 0
            last = grouping.n_groups - 1
            grouping = Grouping(
                groups=readonly(last - grouping.groups),
                sizes=readonly(grouping.sizes[::-1].copy()),
                starts=readonly(grouping.starts[::-1].copy()),
            )
        fn = make_adaptation_fn(c.neuron_fn, factor=c.neuron_factor, w_cap=c.w_cap)
        table = threshold_table(
            fn,
            base_threshold=base,
            count=grouping.n_groups,
            w_th0=c.w_th0,
            w_cap=c.w_cap,
            what="neuron_fn",
        )
        return grouping, table


class NoPruning(_ConfigMethod):
    """Baseline: returns copies, prunes nothing; thresholds are NaN."""

    name = "none"

    def _step(self, k, weights, syn_state, counts):
        new = (weights.copy(), syn_state.copy())
        new[0][new[1] == REMOVED] = 0
        return self._pack(k, new, np.array([np.nan]))


class ConstantPruning(_ConfigMethod):
    """Online constant pruning: ``w_th0`` for every weight at every step."""

    name = "constant"

    def _step(self, k, weights, syn_state, counts):
        th = self.config.w_th0
        new = prune_below(weights=weights, syn_state=syn_state, thresholds=th)
        return self._pack(k, new, np.array([th]))


class PostTrainingPruning(ConstantPruning):
    """Rathi et al. 2019: one constant-threshold prune after training (driver calls it once)."""

    name = "post-training"


class SoftPruning(_ConfigMethod):
    """Shi et al. 2019: weights below ``w_th0`` are frozen (kept, no STDP), never removed."""

    name = "soft"

    def _step(self, k, weights, syn_state, counts):
        th = self.config.w_th0
        new = prune_below(weights=weights, syn_state=syn_state, thresholds=th, freeze=True)
        return self._pack(k, new, np.array([th]))


class AptPruning(_ConfigMethod):
    """Adaptation over time: one threshold ``f_T(w_th0, k)`` for all neurons."""

    name = "apt"

    def _step(self, k, weights, syn_state, counts):
        th = self._global(k)
        new = prune_below(weights=weights, syn_state=syn_state, thresholds=th)
        return self._pack(k, new, np.array([th]))


class ApnPruning(_ConfigMethod):
    """Adaptation over neurons: group ``n`` gets ``f_N(w_th0, n)``, constant over time."""

    name = "apn"
    needs_counts = True

    def _step(self, k, weights, syn_state, counts):
        grouping, table = self._grouped(counts, self.config.w_th0)
        new = prune_below(weights=weights, syn_state=syn_state, thresholds=table[grouping.groups])
        return self._pack(k, new, table, grouping)


class AptnPruning(_ConfigMethod):
    """The paper's method: ``w_g = f_T(w_th0, k)``, then group ``n`` gets ``f_N(w_g, n)``."""

    name = "aptn"
    needs_counts = True

    def _step(self, k, weights, syn_state, counts):
        grouping, table = self._grouped(counts, self._global(k))
        new = prune_below(weights=weights, syn_state=syn_state, thresholds=table[grouping.groups])
        return self._pack(k, new, table, grouping)


class NeuronPruning(_ConfigMethod):
    r"""Adaptive online neuron pruning (**reconstructed**, Guo et al. 2020, Electronics).

    At step ``k`` every neuron whose batch spike count is below
    :math:`s_{th}(k) = s_0 a^k` loses all its input weights (its column is removed).
    """

    name = "neuron"
    needs_counts = True

    def _step(self, k, weights, syn_state, counts):
        c = self.config
        s_th = spike_threshold(k=k, s_0=c.spike_th0, factor=c.spike_th_factor)
        new = remove_neurons(weights=weights, syn_state=syn_state, neurons=counts < s_th)
        return self._pack(k, new, np.array([s_th]), unit="spikes")


METHOD_CLASSES: dict[str, type[_ConfigMethod]] = {
    cls.name: cls
    for cls in (
        NoPruning,
        ConstantPruning,
        AptPruning,
        ApnPruning,
        AptnPruning,
        PostTrainingPruning,
        SoftPruning,
        NeuronPruning,
    )
}


def make_method(config: PruningConfig) -> PruningMethod:
    """Return the built-in method named by ``config.method``.

    Examples
    --------
    >>> make_method(PruningConfig(method="apt")).name
    'apt'
    """
    if not isinstance(config, PruningConfig):
        raise ConfigError(f"config must be a PruningConfig, got {type(config)!r}")
    return METHOD_CLASSES[config.method](config)


def as_method(method: PruningMethod | PruningConfig) -> PruningMethod:
    """Accept a :class:`PruningConfig` (built-in method) or a user object with ``step``."""
    if isinstance(method, PruningConfig):
        return make_method(method)
    if callable(getattr(method, "step", None)):
        return method
    raise ConfigError(
        f"method must be a PruningConfig or an object with a step(...) method, got {method!r}"
    )
