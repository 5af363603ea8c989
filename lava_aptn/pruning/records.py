"""Rows for ``thresholds.csv``: one per (step, group). Pure: returns rows, writes nothing."""

from __future__ import annotations

from lava_aptn.pruning.protocol import PruneStep

THRESHOLD_COLUMNS = ("step", "group", "threshold", "neurons")
"""Header of ``thresholds.csv``."""

__all__ = ["THRESHOLD_COLUMNS", "threshold_rows"]


def threshold_rows(step: PruneStep) -> list[tuple[int, int, float, int]]:
    """One ``(step, group, threshold, neurons)`` row per group of ``step``.

    ``threshold`` is in weight units, or spikes per batch for neuron pruning
    (``step.unit``); empty hardware intervals appear with 0 neurons.

    Examples
    --------
    >>> import numpy as np
    >>> from lava_aptn.pruning import PruningConfig, make_method
    >>> method = make_method(PruningConfig(method="aptn", w_th0=0.1, neuron_factor=2.0))
    >>> out = method.step(k=0, weights=np.full((3, 3), 0.5),
    ...                   syn_state=np.zeros((3, 3), np.uint8), spike_counts=np.array([0, 5, 90]))
    >>> threshold_rows(out)
    [(0, 0, 0.1, 2), (0, 1, 0.2, 1)]
    """
    return [
        (int(step.k), g, float(step.group_thresholds[g]), int(step.group_sizes[g]))
        for g in range(step.n_groups)
    ]
