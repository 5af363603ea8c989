"""Figures of ``lava-aptn report``: one panel per combination, one line per series.

Each point of a line is the mean over seeds with the sample standard deviation as an
error bar (in both directions when ``x`` is itself a measured quantity, such as the
achieved connectivity). When the panels are split by ``method``, the unpruned baseline
(``method = "none"``) gets no panel of its own: it is drawn in every panel as a dashed
horizontal line at its mean ``y`` (:func:`panel_rows`).
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from typing import Any

import numpy as np

#: Axis labels of the common columns.
LABELS = {
    "accuracy": "accuracy",
    "accuracy_loss_pp": "accuracy loss (pp)",
    "connectivity": "connectivity",
    "unpruned_fraction": "unpruned fraction",
    "target_connectivity": "target connectivity",
    "sops_train_norm": "training SOPs/image (normalised)",
    "sops_infer_norm": "inference SOPs/image (normalised)",
    "sops_total_norm": "total SOPs/image (normalised)",
    "fom": "figure of merit (reconstructed)",
    "train_wall_seconds": "training wall time (s)",
    "prune_share": "pruning share of training time",
    "prune_start": "pruning start (images)",
    "prune_batch": "pruning batch (images)",
}


def _num(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def draw(rows: list[dict], spec: dict) -> bytes:
    """Return a PNG of ``spec`` drawn from the report's point rows.

    ``spec`` keys: ``x``, ``y`` (column names), optional ``series`` (a column or a list of
    columns: one line per value), ``panels`` (columns: one panel per combination),
    ``title``, ``logx``, ``logy``.
    """
    from matplotlib.figure import Figure

    x, y = spec["x"], spec["y"]
    series = spec.get("series")
    series_keys = [series] if isinstance(series, str) else list(series or [])
    panel_keys = list(spec.get("panels", []))
    panels, baselines = panel_rows(rows, spec)
    keys = sorted(panels, key=lambda k: [str(v) for v in k])
    n = max(len(keys), 1)
    cols = min(n, 2)
    nrows = math.ceil(n / cols)
    fig = Figure(figsize=(5.2 * cols, 3.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, cols, squeeze=False).ravel()
    for ax, key in zip(axes, keys, strict=False):
        lines: dict[Any, list[dict]] = defaultdict(list)
        for r in panels[key]:
            lines[series_label(r, series_keys) if series else y].append(r)
        for label in sorted(lines, key=lambda t: series_order(lines[t][0], series_keys, t)):
            _line(ax, lines[label], x, y, label)
        if key in baselines:
            ax.axhline(baselines[key], color="0.4", ls="--", lw=1, label="unpruned")
        ax.set_xlabel(LABELS.get(x, x))
        ax.set_ylabel(LABELS.get(y, y))
        if spec.get("logx"):
            ax.set_xscale("log")
        if spec.get("logy"):
            ax.set_yscale("log")
        ax.grid(alpha=0.3)
        if panel_keys:
            ax.set_title(", ".join(f"{k}={v}" for k, v in zip(panel_keys, key, strict=True)))
        if series or key in baselines:
            ax.legend(fontsize=8)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    if spec.get("title"):
        fig.suptitle(spec["title"])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()


def panel_rows(rows: list[dict], spec: dict) -> tuple[dict[tuple, list[dict]], dict[tuple, float]]:
    """Split the point rows into the panels of ``spec``, and the baseline of each panel.

    Rows without a value of ``x`` or ``y`` are left out. With ``method`` among the
    panel columns, the unpruned rows (``method = "none"``) form no panel; each other
    panel whose remaining panel values they share gets their mean ``y`` as its baseline.
    Without other panels (a grid of baselines only) they keep theirs.

    Returns
    -------
    (dict, dict)
        ``{panel key: rows}`` and ``{panel key: baseline y}``; a panel key is the tuple
        of the row's values of ``spec["panels"]``.

    Examples
    --------
    >>> rows = [{"method": "none", "connectivity": 1.0, "accuracy": 0.9},
    ...         {"method": "apt", "connectivity": 0.1, "accuracy": 0.8}]
    >>> panels, baselines = panel_rows(rows, {"x": "connectivity", "y": "accuracy",
    ...                                       "panels": ["method"]})
    >>> list(panels), baselines
    ([('apt',)], {('apt',): 0.9})
    """
    x, y = spec["x"], spec["y"]
    panel_keys = list(spec.get("panels", []))
    panels: dict[tuple, list[dict]] = defaultdict(list)
    unpruned: dict[tuple, list[float]] = defaultdict(list)
    split = "method" in panel_keys
    others = [k for k in panel_keys if k != "method"]
    drawn = [r for r in rows if not (math.isnan(_num(r.get(y))) or math.isnan(_num(r.get(x))))]
    if split and all(r.get("method") == "none" for r in drawn):
        split = False  # baselines only: they keep their panels
    for r in drawn:
        if split and r.get("method") == "none":
            unpruned[tuple(r.get(k) for k in others)].append(_num(r.get(y)))
        else:
            panels[tuple(r.get(k) for k in panel_keys)].append(r)
    baselines = {}
    for key in panels:
        rest = tuple(v for k, v in zip(panel_keys, key, strict=True) if k != "method")
        if rest in unpruned:
            baselines[key] = float(np.mean(unpruned[rest]))
    return dict(panels), baselines


def series_label(row: dict, series_keys: list[str]) -> str:
    """Legend text of ``row``'s line: its series values, or its method where it has none.

    An APT point with series ``time_fn, time_factor`` reads ``f1 time_factor=1.3``; the
    unpruned baseline, which has no pruning values, reads ``none``.
    """
    parts = [_series_text(k, row.get(k)) for k in series_keys]
    return " ".join(t for t in parts if t) or str(row.get("method", ""))


def series_order(row: dict, series_keys: list[str], label: str) -> tuple:
    """Sort key of ``row``'s line in the legend: numbers by value, then text, then none.

    Per series column; the baseline, with no series values, comes last.

    >>> rows = [{"spike_interval": v} for v in (120.0, 30.0, float("inf"), 10.0)]
    >>> [r["spike_interval"] for r in sorted(rows, key=lambda r: series_order(
    ...     r, ["spike_interval"], ""))]
    [10.0, 30.0, 120.0, inf]
    """
    parts = []
    for k in series_keys:
        value = row.get(k)
        number = _num(value)
        if value is None or value == "":
            parts.append((2, 0.0, ""))
        elif math.isnan(number):
            parts.append((1, 0.0, str(value)))
        else:
            parts.append((0, number, ""))
    return (*parts, label)


def _series_text(name: str, value: Any) -> str:
    from lava_aptn.experiments.grid import value_text

    if value is None:
        return ""
    text = value_text(value)
    return text if name in ("method", "dataset", "time_fn", "neuron_fn") else f"{name}={text}"


def _line(ax, members: list[dict], x: str, y: str, label: Any) -> None:
    """Mean (and std) of y per x-group; x measured per point when it is a metric."""
    from lava_aptn.experiments.report import AXES

    by_x: dict[Any, list[dict]] = defaultdict(list)
    group_key = x
    if x not in AXES and x not in ("prune_start", "prune_batch"):  # a measured x
        for name in ("target_connectivity", "w_th0", "spike_th0", "spike_interval"):
            if any(r.get(name) is not None for r in members):
                group_key = name
                break
    for r in members:
        by_x[r.get(group_key)].append(r)
    pts = []
    for group in by_x.values():
        xs = np.array([_num(r.get(x)) for r in group])
        ys = np.array([_num(r.get(y)) for r in group])
        pts.append(
            (
                xs.mean(),
                ys.mean(),
                xs.std(ddof=1) if xs.size > 1 else 0.0,
                ys.std(ddof=1) if ys.size > 1 else 0.0,
            )
        )
    pts.sort()
    arr = np.array(pts)
    ax.errorbar(
        arr[:, 0],
        arr[:, 1],
        xerr=arr[:, 2],
        yerr=arr[:, 3],
        marker="o",
        ms=3,
        capsize=2,
        label=str(label),
    )
