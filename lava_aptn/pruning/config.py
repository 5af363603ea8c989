"""Pruning configuration: one frozen, validated dataclass.

Defaults are the paper's selected values (Guo et al. 2020): f1 for both adaptations, time
factor ``a = 1.3`` (APT, N = 100), neuron factor ``a = 1.15`` and spike interval ``SI = 30``
(APN), pruning from 30,000 images every 5,000 images. :func:`paper_config` returns the
paper's choice for a given method and network size (APTN on N = 800 uses a time factor 1.2).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_aptn.errors import ConfigError
from lava_aptn.pruning.functions import FUNCTION_NAMES, AdaptationFn, check_factor
from lava_aptn.pruning.grouping import GROUPINGS, check_spike_interval

METHODS = ("none", "constant", "apt", "apn", "aptn", "post-training", "soft", "neuron")
"""Names of the eight built-in methods (``--method``)."""

PAPER_TIME_FACTORS = {"f1": 1.3, "f2": 1.1, "f3": 0.01}
"""Factors the paper selected for adaptation over time (APT, N = 100, Figure 4)."""
PAPER_NEURON_FACTORS = {"f1": 1.15, "f2": 1.05, "f3": 0.03}
"""Factors the paper selected for adaptation over neurons (APN, SI = 30, Figure 6)."""
W_CAP_FRACTION = 0.9
"""Default ``w_cap = W_CAP_FRACTION * w_max`` (our choice; the paper only needs w_cap < w_max)."""

__all__ = [
    "METHODS",
    "PAPER_TIME_FACTORS",
    "PAPER_NEURON_FACTORS",
    "W_CAP_FRACTION",
    "PruningConfig",
    "paper_config",
]


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    return float(value)


def _integer(name: str, value: Any, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ConfigError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _fn(name: str, value: Any) -> str | AdaptationFn:
    if callable(value):
        return value
    if value not in FUNCTION_NAMES:
        raise ConfigError(f"{name} must be one of {FUNCTION_NAMES} or a callable, got {value!r}")
    return value


@dataclass(frozen=True)
class PruningConfig:
    """Everything a pruning method needs; validated at construction.

    Parameters
    ----------
    method
        One of :data:`METHODS`.
    w_th0
        Initial (base) weight threshold, in weight units, ``0 <= w_th0 <= w_cap``. Default
        0.036, the example of the paper's Figure 3B; a target connectivity overrides it.
    time_fn, time_factor
        Adaptation over the step index ``k`` (APT, APTN): ``"f1"``, ``"f2"``, ``"f3"`` or a
        callable ``(base_threshold, k) -> threshold``. ``time_factor=None`` takes the paper's
        selection for the named function (:data:`PAPER_TIME_FACTORS`).
    neuron_fn, neuron_factor
        Adaptation over the group index ``n`` (APN, APTN); ``None`` factor takes
        :data:`PAPER_NEURON_FACTORS`.
    spike_interval
        ``SI`` of the grouping, in spikes per batch, ``>= 0``; ``inf`` means one group.
    grouping
        ``"sort"`` (the paper's rule) or ``"hardware"`` (fixed intervals); see
        :mod:`lava_aptn.pruning.grouping`.
    group_order
        ``"ascending"`` (the paper's): group 0, which gets the base threshold, holds the
        neurons with the fewest spikes, so the most active neurons get the highest
        thresholds. ``"descending"`` reverses the group indices (an ablation: the most
        active neurons keep the most weights).
    w_max
        Largest weight (STDP clips to ``[0, w_max]``), ``> 0``.
    w_cap
        Highest threshold any adaptation function may return, ``0 < w_cap < w_max``.
        ``None`` means ``0.9 * w_max`` (our choice, see ``docs/pruning.md``).
    prune_start
        Images trained before the first pruning step (``>= 0``; paper: 30,000).
    prune_batch
        Images between pruning steps (``>= 1``; paper: 5,000).
    prune_end
        Last image count at which a step may run (``>= prune_start``). ``None`` (default):
        the end of training, so a run of 60,000 images also prunes after its last image
        (our reading of the paper's "until training ends"). ``55_000`` leaves the last
        5,000 images to train the pruned network before labelling.
    spike_th0, spike_th_factor
        Neuron pruning (**reconstructed**): at step ``k`` remove every neuron whose batch
        spike count is below ``spike_th0 * spike_th_factor**k`` (spikes per batch).
        ``spike_th0 >= 0``, ``spike_th_factor >= 1``.

    Examples
    --------
    >>> cfg = PruningConfig(method="apt", w_th0=0.05)
    >>> cfg.time_factor, cfg.w_cap
    (1.3, 0.9)
    >>> PruningConfig(method="apt", w_th0=2.0)
    Traceback (most recent call last):
    ...
    lava_aptn.errors.ConfigError: w_th0 must be in [0, w_cap] = [0, 0.9], got 2.0
    """

    method: str = "aptn"
    w_th0: float = 0.036
    time_fn: str | AdaptationFn = "f1"
    time_factor: float | None = None
    neuron_fn: str | AdaptationFn = "f1"
    neuron_factor: float | None = None
    spike_interval: float = 30.0
    grouping: str = "sort"
    group_order: str = "ascending"
    w_max: float = 1.0
    w_cap: float | None = None
    prune_start: int = 30_000
    prune_batch: int = 5_000
    prune_end: int | None = None
    spike_th0: float = 50.0
    spike_th_factor: float = 1.3

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        if self.method not in METHODS:
            raise ConfigError(f"method must be one of {METHODS}, got {self.method!r}")
        w_max = _number("w_max", self.w_max)
        if not math.isfinite(w_max) or w_max <= 0:
            raise ConfigError(f"w_max must be a finite number > 0, got {self.w_max!r}")
        put("w_max", w_max)
        if self.w_cap is None:
            put("w_cap", W_CAP_FRACTION * w_max)
        w_cap = _number("w_cap", self.w_cap)
        if not (0 < w_cap < w_max):
            raise ConfigError(f"w_cap must be in (0, w_max) = (0, {w_max!r}), got {self.w_cap!r}")
        put("w_cap", w_cap)
        w_th0 = _number("w_th0", self.w_th0)
        if not (0 <= w_th0 <= w_cap):
            raise ConfigError(f"w_th0 must be in [0, w_cap] = [0, {w_cap!r}], got {self.w_th0!r}")
        put("w_th0", w_th0)
        for fn_field, factor_field, paper in (
            ("time_fn", "time_factor", PAPER_TIME_FACTORS),
            ("neuron_fn", "neuron_factor", PAPER_NEURON_FACTORS),
        ):
            fn = _fn(fn_field, getattr(self, fn_field))
            factor = getattr(self, factor_field)
            if isinstance(fn, str):
                factor = paper[fn] if factor is None else factor
                factor = check_factor(name=fn, factor=factor, field=factor_field)
            elif factor is not None:
                factor = _number(factor_field, factor)
            put(factor_field, factor)
        put("spike_interval", check_spike_interval(self.spike_interval))
        if self.grouping not in GROUPINGS:
            raise ConfigError(f"grouping must be one of {GROUPINGS}, got {self.grouping!r}")
        if self.group_order not in GROUP_ORDERS:
            raise ConfigError(
                f"group_order must be one of {GROUP_ORDERS}, got {self.group_order!r}"
            )
        put("prune_start", _integer("prune_start", self.prune_start, 0))
        put("prune_batch", _integer("prune_batch", self.prune_batch, 1))
        if self.prune_end is not None:
            put("prune_end", _integer("prune_end", self.prune_end, self.prune_start))
        s0 = _number("spike_th0", self.spike_th0)
        if not math.isfinite(s0) or s0 < 0:
            raise ConfigError(f"spike_th0 must be a finite number >= 0, got {self.spike_th0!r}")
        put("spike_th0", s0)
        put(
            "spike_th_factor",
            check_factor(name="f1", factor=self.spike_th_factor, field="spike_th_factor"),
        )

    def replace(self, **changes: Any) -> PruningConfig:
        """Return a validated copy with ``changes`` applied.

        ``w_cap`` is kept as resolved unless given (changing ``w_max`` alone keeps the old
        cap; pass ``w_cap=None`` to re-derive it).
        """
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict; callables appear as their ``__name__`` (or ``repr``)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if callable(value):
                value = getattr(value, "__name__", None) or repr(value)
            out[f.name] = value
        return out


#: Orders of the neuron groups (:attr:`PruningConfig.group_order`).
GROUP_ORDERS = ("ascending", "descending")


def paper_config(*, method: str, neurons: int, **overrides: Any) -> PruningConfig:
    """Return the paper's selected factors for ``method`` at network size ``neurons``.

    f1 everywhere; SI = 30; time factor 1.3 (N = 100, Figure 4B) or 1.2 (N = 800, APTN,
    section "Comparison Among the Proposed Weight Pruning Methods"); neuron factor 1.15.
    Sizes other than 800 take the N = 100 values. ``overrides`` replace any field.

    Examples
    --------
    >>> paper_config(method="aptn", neurons=800).time_factor
    1.2
    """
    neurons = _integer("neurons", neurons, 1)
    fields: dict[str, Any] = {
        "method": method,
        "time_fn": "f1",
        "time_factor": 1.2 if neurons == 800 else 1.3,
        "neuron_fn": "f1",
        "neuron_factor": 1.15,
        "spike_interval": 30.0,
    }
    fields.update(overrides)
    return PruningConfig(**fields)
