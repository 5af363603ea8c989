r"""Grouping of excitatory neurons by spike count (APN, APTN).

**Spike counts are batch totals**: ``spike_counts[j]`` is the number of spikes neuron ``j``
fired over the last pruning batch (``prune_batch`` images, 5,000 by default), learning on.
The paper calls it "the average spike count during one batch training", which could also
mean a per-image average; but with per-image averages (a few spikes per image) an interval
SI = 30 would put every neuron in one group, whereas batch totals (hundreds per neuron) give
the "fewer than 20 groups" the paper reports. Counts must be non-negative integers.

Two groupings are provided.

**Sort-based** (:func:`group_sorted`, the paper's): sort the counts ascending; let ``S`` be the
smallest count not yet grouped; the next group is every ungrouped neuron whose count lies in
``[S, S + SI]``; repeat. Group 0 (G0) holds the weakest neurons.

**Hardware** (:func:`group_hardware`, the paper's "min/max scan and fixed intervals"): with
``m = min(counts)``, ``M = max(counts)`` and, for integer counts, the interval width
:math:`W = \lfloor SI \rfloor + 1` (the closed interval ``[S, S + SI]`` holds exactly ``W``
integers), neuron ``j`` goes to interval

.. math:: g_j = \left\lfloor \frac{c_j - m}{W} \right\rfloor,
          \qquad n_{groups} = \left\lfloor \frac{M - m}{W} \right\rfloor + 1 .

Intervals are fixed, so some may be empty (size 0); their index still counts, as a hardware
unit that computes ``g`` arithmetically would assign thresholds. ``compact=True`` renumbers
the non-empty intervals 0, 1, 2, ...

**When they agree** (proved in ``docs/pruning.md``, tested with hypothesis): call
:math:`\mu_g` the smallest count in hardware interval ``g``.

* Same partition (``compact=True``) iff for every two *adjacent* non-empty intervals ``g``,
  ``g + 1``: :math:`\mu_{g+1} > \mu_g + SI`. (Always true for ``SI = 0`` and ``SI = inf``.)
* Same group index for every neuron (``compact=False``) iff, in addition, no interval
  between ``m`` and ``M`` is empty. Sufficient for both: the counts have no gap, i.e. every
  integer in ``[m, M]`` occurs (then :math:`\mu_g = m + gW`).

``SI = inf`` puts every neuron in one group (no adaptation over neurons).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lava_aptn.errors import ConfigError

GROUPINGS = ("sort", "hardware")

__all__ = [
    "GROUPINGS",
    "Grouping",
    "check_spike_counts",
    "check_spike_interval",
    "group_sorted",
    "group_hardware",
    "group_neurons",
]


@dataclass(frozen=True)
class Grouping:
    """Result of a grouping; arrays are read-only.

    Attributes
    ----------
    groups
        ``(n_neurons,)`` int64, group index of each neuron (0 = weakest).
    sizes
        ``(n_groups,)`` int64, neurons in each group (0 possible for hardware intervals).
    starts
        ``(n_groups,)`` int64, lowest spike count each group covers: ``S`` of the sort-based
        rule, ``m + g W`` of the hardware rule.
    """

    groups: np.ndarray
    sizes: np.ndarray
    starts: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of groups (including empty hardware intervals)."""
        return int(self.sizes.size)


def check_spike_interval(spike_interval: float) -> float:
    """Validate ``SI`` (a number ``>= 0``, ``inf`` allowed) and return it as a float."""
    if isinstance(spike_interval, bool) or not isinstance(
        spike_interval, int | float | np.integer | np.floating
    ):
        raise ConfigError(f"spike_interval must be a number >= 0 or inf, got {spike_interval!r}")
    si = float(spike_interval)
    if math.isnan(si) or si < 0:
        raise ConfigError(f"spike_interval must be a number >= 0 or inf, got {spike_interval!r}")
    return si


def check_spike_counts(spike_counts: np.ndarray, *, n_neurons: int | None = None) -> np.ndarray:
    """Validate batch spike counts and return them as a new int64 array.

    Accepts integer arrays, or float arrays whose values are whole numbers.
    """
    counts = np.asarray(spike_counts)
    if counts.ndim != 1 or counts.size == 0:
        raise ConfigError(f"spike_counts must be a non-empty 1-D array, got shape {counts.shape}")
    if n_neurons is not None and counts.size != n_neurons:
        raise ConfigError(
            f"spike_counts must have one entry per neuron ({n_neurons}), got {counts.size}"
        )
    if counts.dtype.kind in "iu":
        out = counts.astype(np.int64)
    elif counts.dtype.kind == "f":
        if not np.all(np.isfinite(counts)) or np.any(counts != np.floor(counts)):
            bad = counts[~np.isfinite(counts) | (counts != np.floor(counts))][0]
            raise ConfigError(
                f"spike_counts must be whole numbers (batch totals), found {float(bad)!r}"
            )
        out = counts.astype(np.int64)
    else:
        raise ConfigError(f"spike_counts must be integers, got dtype {counts.dtype}")
    if out.min() < 0:
        raise ConfigError(f"spike_counts must be >= 0, found {int(out.min())}")
    return out


def _frozen(**arrays: np.ndarray) -> Grouping:
    for a in arrays.values():
        a.setflags(write=False)
    return Grouping(**arrays)


def _width(si: float, span: int) -> int:
    """Integer interval width ``floor(SI) + 1``, clamped to ``span + 1`` (one group)."""
    if math.isinf(si) or si >= span:
        return span + 1
    return int(math.floor(si)) + 1


def group_sorted(*, spike_counts: np.ndarray, spike_interval: float) -> Grouping:
    """Sort-based grouping, exactly as the paper describes it.

    Examples
    --------
    Counts 5, 12, 40, 41, 70, 200 with SI = 30: G0 = [5, 35] -> {5, 12}; then S = 40,
    G1 = [40, 70] -> {40, 41, 70}; then S = 200, G2 = {200}.

    >>> g = group_sorted(spike_counts=np.array([40, 5, 200, 12, 70, 41]), spike_interval=30)
    >>> g.groups.tolist(), g.sizes.tolist(), g.starts.tolist()
    ([1, 0, 2, 0, 1, 1], [2, 3, 1], [5, 40, 200])
    """
    counts = check_spike_counts(spike_counts)
    si = check_spike_interval(spike_interval)
    order = np.argsort(counts, kind="stable")
    ordered = counts[order]
    width = _width(si, int(ordered[-1] - ordered[0]))
    sorted_groups = np.empty(counts.size, dtype=np.int64)
    starts: list[int] = []
    sizes: list[int] = []
    i = 0
    while i < counts.size:
        start = int(ordered[i])
        j = int(np.searchsorted(ordered, start + width - 1, side="right"))
        sorted_groups[i:j] = len(starts)
        starts.append(start)
        sizes.append(j - i)
        i = j
    groups = np.empty_like(sorted_groups)
    groups[order] = sorted_groups
    return _frozen(
        groups=groups,
        sizes=np.array(sizes, dtype=np.int64),
        starts=np.array(starts, dtype=np.int64),
    )


def group_hardware(
    *, spike_counts: np.ndarray, spike_interval: float, compact: bool = False
) -> Grouping:
    r"""Min/max scan with fixed intervals of ``floor(SI) + 1`` counts from the minimum.

    .. math:: g_j = \lfloor (c_j - \min c) / (\lfloor SI \rfloor + 1) \rfloor

    Examples
    --------
    Same counts as :func:`group_sorted`, W = 31, m = 5: (c - 5) // 31 gives 0, 0, 1, 1, 2, 6,
    so 70 lands in interval 2 (the sort-based rule put it with 40 and 41).

    >>> g = group_hardware(spike_counts=np.array([40, 5, 200, 12, 70, 41]), spike_interval=30)
    >>> g.groups.tolist(), g.sizes.tolist()
    ([1, 0, 6, 0, 2, 1], [2, 2, 1, 0, 0, 0, 1])
    """
    counts = check_spike_counts(spike_counts)
    si = check_spike_interval(spike_interval)
    low = int(counts.min())
    span = int(counts.max()) - low
    width = _width(si, span)
    groups = (counts - low) // width
    n_groups = span // width + 1
    starts = low + width * np.arange(n_groups, dtype=np.int64)
    if compact:
        used, groups = np.unique(groups, return_inverse=True)
        starts = starts[used]
        n_groups = used.size
    sizes = np.bincount(groups, minlength=n_groups).astype(np.int64)
    return _frozen(groups=groups.astype(np.int64), sizes=sizes, starts=starts.astype(np.int64))


def group_neurons(
    *, spike_counts: np.ndarray, spike_interval: float, grouping: str = "sort"
) -> Grouping:
    """Dispatch to :func:`group_sorted` (``"sort"``) or :func:`group_hardware` (``"hardware"``)."""
    if grouping == "sort":
        return group_sorted(spike_counts=spike_counts, spike_interval=spike_interval)
    if grouping == "hardware":
        return group_hardware(spike_counts=spike_counts, spike_interval=spike_interval)
    raise ConfigError(f"grouping must be one of {GROUPINGS}, got {grouping!r}")
