"""``lava-aptn report``: tables (Markdown, CSV) and figures (PNG) of a sweep folder.

Every finished point contributes one row of measurements (``result.json``) and the
measures relative to its unpruned baseline, the ``none`` point of the same dataset,
size and seed:

* ``accuracy_loss_pp``: baseline accuracy minus the point's, in percentage points;
* ``sops_train_reduction``, ``sops_infer_reduction``: ``1 - SOPs / SOPs_baseline``;
* ``sops_train_effective_reduction``: the same for training SOPs that count only the STDP
  updates that changed a weight (``sops_train_effective_per_image`` = accumulations +
  ``stdp_updates_effective``; the headline ``sops_train_*`` count every active synapse a
  pre or post spike reaches, as the learning rule's hardware executes it);
* ``sops_total_norm``: (training + inference SOPs/image) over the baseline's;
* ``fom``: the figure of merit, **reconstructed** (the paper's formula was an image):
  ``(A / A_0) / (S / S_0)``, relative accuracy over relative total SOPs/image; the
  best connectivity maximises it;
* ``prune_share``: the pruning steps' share of the training wall time.

Rows then group over seeds (mean, sample standard deviation, count). What is tabulated
and drawn comes from the grid's ``[report]`` table::

    [report]
    rows = ["dataset", "neurons", "method"]        # grouping of the table (seeds averaged)
    metrics = ["accuracy", "accuracy_loss_pp", "connectivity"]

    [[report.figures]]
    name = "accuracy_vs_connectivity"
    x = "connectivity"                              # an axis or a metric (mean over seeds)
    y = "accuracy"
    series = "method"                               # one line per value
    panels = ["dataset", "neurons"]                 # one panel per combination

and the paper's values from ``[paper]``, keyed by the row's values joined with ``/``
(``[paper."mnist/100/none"] accuracy = 0.8578``); they are printed beside ours.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.errors import LavaAptnError
from lava_aptn.experiments.grid import value_text
from lava_aptn.experiments.sweep import read_plan
from lava_aptn.io import atomic_write_bytes, atomic_write_text
from lava_aptn.pruning import TargetResult

AXES = ("dataset", "neurons", "method", "seed", "target_connectivity")
DEFAULT_METRICS = (
    "accuracy",
    "accuracy_loss_pp",
    "connectivity",
    "unpruned_fraction",
    "sops_train_per_image",
    "sops_infer_per_image",
    "sops_train_reduction",
    "sops_infer_reduction",
)
#: Metrics shown as percentages in Markdown tables.
PERCENT = {
    "accuracy",
    "connectivity",
    "unpruned_fraction",
    "sops_train_reduction",
    "sops_infer_reduction",
    "sops_train_effective_reduction",
    "prune_share",
}


def effective_train_sops(result: dict) -> float:
    """Return training SOPs/image with only the weight-changing STDP updates counted.

    Accumulations plus ``stdp_updates_effective`` of ``result["counters_per_image"]["train"]``;
    NaN for a result without those counters.
    """
    train = (result.get("counters_per_image") or {}).get("train") or {}
    try:
        return float(train["accumulations"]) + float(train["stdp_updates_effective"])
    except KeyError:
        return math.nan


def _diagnosis(search: dict) -> str:
    """Return a target search's diagnosis (:attr:`TargetResult.diagnosis`); ``""`` if none.

    Results written before the diagnosis was recorded get it from their search history.
    """
    if not search:
        return ""
    if "diagnosis" in search:
        return str(search["diagnosis"])
    history = tuple((float(p), float(c)) for p, c in search.get("history", ()))
    if not history:
        return ""
    return TargetResult(
        param=float(search["value"]),
        achieved=float(search["achieved"]),
        evaluations=len(history),
        history=history,
        converged=bool(search["converged"]),
        target=float(search["target"]),
        tol=float(search["tol"]),
        bounds=tuple(search["bounds"]) if "bounds" in search else None,
    ).diagnosis


def point_rows(out: str | Path) -> tuple[list[dict], dict]:
    """Return one row per finished point (axes, measures, relative measures) and the plan."""
    grid, plan = read_plan(out)
    rows = []
    for entry in plan["points"]:
        path = Path(out) / "runs" / entry["key"] / "result.json"
        if not path.is_file():
            continue
        result = json.loads(path.read_text())
        energy = result.get("energy_uj_per_image") or {}
        search = result.get("target_search") or {}
        train_wall = float(result.get("train_wall_seconds", 0.0))
        prune_wall = float(result.get("prune_wall_seconds", 0.0))
        rows.append(
            {
                **entry,
                "accuracy": float(result["accuracy"]),
                "connectivity": float(result["connectivity"]),
                "unpruned_fraction": float(result["unpruned_fraction"]),
                "sops_train_per_image": float(result["sops_train_per_image"]),
                "sops_infer_per_image": float(result["sops_infer_per_image"]),
                "sops_train_effective_per_image": effective_train_sops(result),
                "energy_train_uj": float(energy.get("train", math.nan)),
                "energy_infer_uj": float(energy.get("infer", math.nan)),
                "train_wall_seconds": train_wall,
                "prune_wall_seconds": prune_wall,
                "prune_share": prune_wall / train_wall if train_wall > 0 else math.nan,
                "target_converged": bool(search.get("converged", True)),
                "target_diagnosis": _diagnosis(search),
                "w_th0_found": float(search.get("value", math.nan)),
            }
        )
    _add_relative(rows)
    return rows, plan


def _add_relative(rows: list[dict]) -> None:
    base = {(r["dataset"], r["neurons"], r["seed"]): r for r in rows if r["method"] == "none"}
    for r in rows:
        b = base.get((r["dataset"], r["neurons"], r["seed"]))
        if b is None:
            for name in (
                "accuracy_loss_pp",
                "sops_train_reduction",
                "sops_infer_reduction",
                "sops_train_effective_reduction",
                "sops_train_norm",
                "sops_infer_norm",
                "sops_total_norm",
                "fom",
            ):
                r[name] = math.nan
            continue
        total = r["sops_train_per_image"] + r["sops_infer_per_image"]
        total_b = b["sops_train_per_image"] + b["sops_infer_per_image"]
        r["accuracy_loss_pp"] = 100.0 * (b["accuracy"] - r["accuracy"])
        r["sops_train_norm"] = r["sops_train_per_image"] / b["sops_train_per_image"]
        r["sops_infer_norm"] = r["sops_infer_per_image"] / b["sops_infer_per_image"]
        r["sops_train_reduction"] = 1.0 - r["sops_train_norm"]
        r["sops_infer_reduction"] = 1.0 - r["sops_infer_norm"]
        r["sops_train_effective_reduction"] = (
            1.0 - r["sops_train_effective_per_image"] / b["sops_train_effective_per_image"]
        )
        r["sops_total_norm"] = total / total_b
        r["fom"] = (r["accuracy"] / b["accuracy"]) / r["sops_total_norm"]


def aggregate(rows: list[dict], by: list[str], metrics: list[str]) -> list[dict]:
    """Group ``rows`` by the ``by`` columns; mean, std (ddof 1) and count of each metric."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[tuple(r.get(k) for k in by)].append(r)
    out = []
    for key, members in groups.items():
        agg: dict[str, Any] = dict(zip(by, key, strict=True))
        agg["seeds"] = len(members)
        for m in metrics:
            values = np.array([float(x[m]) for x in members if m in x], dtype=float)
            values = values[~np.isnan(values)]
            agg[m] = float(values.mean()) if values.size else math.nan
            agg[f"{m}_std"] = float(values.std(ddof=1)) if values.size > 1 else 0.0
        if "target_converged" in members[0]:
            missed = [x.get("target_diagnosis", "") for x in members if not x["target_converged"]]
            agg["targets_missed"] = len(missed)
            agg["targets_missed_why"] = ", ".join(sorted({m for m in missed if m}))
        out.append(agg)
    return out


def _varying_axes(rows: list[dict]) -> list[str]:
    names = [a for a in rows[0] if a not in ("key",)] if rows else []
    axes = [a for a in names if a in AXES or a in _pruning_axes(rows)]
    return [a for a in axes if a != "seed" and len({str(r.get(a)) for r in rows}) > 1] or ["method"]


def _pruning_axes(rows: list[dict]) -> set[str]:
    from lava_aptn.experiments.grid import PRUNING_FIELDS

    return {k for r in rows for k in r if k in PRUNING_FIELDS}


def _label(agg: dict, by: list[str]) -> str:
    return "/".join(value_text(agg[k]) for k in by)


def _fmt(metric: str, mean: float, std: float, n: int) -> str:
    if math.isnan(mean):
        return "n/a"
    if metric in PERCENT:
        text = f"{100 * mean:.2f} %"
        return f"{text} ± {100 * std:.2f}" if n > 1 else text
    digits = 0 if abs(mean) >= 1000 else 3
    text = f"{mean:,.{digits}f}"
    return f"{text} ± {std:,.{digits}f}" if n > 1 else text


def _fmt_paper(metric: str, value: Any) -> str:
    if isinstance(value, (int, float)):
        return f"{100 * value:.2f} %" if metric in PERCENT else f"{value:g}"
    return str(value)


def markdown_table(
    aggs: list[dict], by: list[str], metrics: list[str], paper: dict[str, dict]
) -> str:
    """Markdown table: one row per group, ``mean ± std`` per metric, paper values beside."""
    paper_metrics = [m for m in metrics if any(m in v for v in paper.values())]
    head = [*by, "seeds"]
    for m in metrics:
        head.append(m)
        if m in paper_metrics:
            head.append(f"{m} (paper)")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for agg in aggs:
        cells = [value_text(agg[k]) for k in by] + [str(agg["seeds"])]
        ref = paper.get(_label(agg, by), {})
        for m in metrics:
            cells.append(_fmt(m, agg[m], agg[f"{m}_std"], agg["seeds"]))
            if m in paper_metrics:
                cells.append(_fmt_paper(m, ref[m]) if m in ref else "")
        if agg.get("targets_missed"):
            why = agg.get("targets_missed_why")
            cells[len(by)] += f" ({agg['targets_missed']} off target{': ' + why if why else ''})"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def csv_text(rows: list[dict]) -> str:
    """CSV of dictionaries (columns: union of keys, first-seen order)."""
    columns: list[str] = []
    for r in rows:
        columns += [k for k in r if k not in columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _sort_key(agg: dict, by: list[str]):
    from lava_aptn.pruning import METHODS

    key = []
    for k in by:
        v = agg[k]
        if k == "method" and v in METHODS:
            key.append((0, METHODS.index(v), ""))
        elif isinstance(v, (int, float)):
            key.append((0, float(v), ""))
        else:
            key.append((1, 0.0, str(v)))
    return key


def make_report(sweep_dir: str | Path, report_dir: str | Path) -> dict[str, Any]:
    """Write ``<name>.md``, ``<name>.csv``, ``<name>_points.csv`` and figures.

    Returns
    -------
    dict
        ``{"markdown": text, "files": [paths], "points": n, "missing": n}``.
    """
    rows, plan = point_rows(sweep_dir)
    grid = plan["grid"]
    name = plan["name"]
    missing = len(plan["points"]) - len(rows)
    if not rows:
        raise LavaAptnError(
            f"{sweep_dir} has no finished points yet; run `lava-aptn sweep` into it first"
        )
    spec = grid.get("report", {})
    by = list(spec.get("rows", _varying_axes(rows)))
    metrics = list(spec.get("metrics", DEFAULT_METRICS))
    for m in by + metrics:
        if m not in rows[0] and m not in _pruning_axes(rows):
            raise LavaAptnError(f"grid {name!r}: [report] names unknown column {m!r}")
    all_metrics = sorted(
        {k for k, v in rows[0].items() if isinstance(v, float) and k not in AXES} | set(metrics)
    )
    aggs = sorted(aggregate(rows, by, all_metrics), key=lambda a: _sort_key(a, by))
    out = Path(report_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(aggs, by, metrics, grid.get("paper", {}))
    files = []
    figures = []
    for fig_spec in spec.get("figures", []):
        from lava_aptn.experiments.report_plots import draw

        png = out / f"{name}_{fig_spec['name']}.png"
        atomic_write_bytes(png, draw(rows, fig_spec))
        figures.append(png)
    text = [f"# {grid.get('title') or name}", ""]
    if grid.get("description"):
        text += [grid["description"].strip(), ""]
    text += [
        f"Sweep `{sweep_dir}`: {len(rows)} of {len(plan['points'])} points finished"
        + (f" ({missing} missing)." if missing else "."),
        "Values are mean ± sample standard deviation over seeds; losses and reductions are "
        "against the unpruned (`none`) run of the same dataset, size and seed.",
        "",
        table,
        "",
    ]
    text += [f"![{p.stem}]({p.name})" for p in figures]
    markdown = "\n".join(text).rstrip() + "\n"
    files.append(atomic_write_text(out / f"{name}.md", markdown))
    files.append(atomic_write_text(out / f"{name}.csv", csv_text(aggs)))
    files.append(atomic_write_text(out / f"{name}_points.csv", csv_text(rows)))
    return {
        "markdown": markdown,
        "files": [str(f) for f in files + figures],
        "points": len(rows),
        "missing": missing,
    }
