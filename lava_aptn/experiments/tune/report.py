"""What a search reports: seed statistics, ``best.json`` and ``summary.md``."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.experiments.tune.candidates import _ranked
from lava_aptn.experiments.tune.log import SUMMARY_FILE
from lava_aptn.experiments.tune.settings import TuneSettings
from lava_aptn.experiments.tune.space import SearchSpace
from lava_aptn.io import atomic_write_text


def seed_statistics(seed_records: Iterable[dict]) -> dict[str, dict[str, Any]]:
    """Return per candidate id: ``seeds``, ``scores``, ``mean`` and ``std`` (ddof 1).

    Records scored at several sizes add ``by_size``: per size, the scores seed by seed.
    """
    by_id: dict[str, dict[str, Any]] = {}
    for r in seed_records:
        entry = by_id.setdefault(r["id"], {"seeds": [], "scores": []})
        entry["seeds"].append(r["seed"])
        entry["scores"].append(r["score"] if r["status"] == "ok" else 0.0)
        for n, m in (r.get("by_size") or {}).items():
            entry.setdefault("by_size", {}).setdefault(n, []).append(m["score"])
    for entry in by_id.values():
        scores = np.asarray(entry["scores"], dtype=float)
        entry["mean"] = float(scores.mean())
        entry["std"] = float(scores.std(ddof=1)) if len(scores) > 1 else 0.0
    return by_id


def train_command(
    settings: TuneSettings, overrides: Mapping[str, Any], neurons: int | None = None
) -> str:
    """Return the ``lava-aptn train`` command that trains a network with ``overrides``.

    ``neurons`` picks one of ``settings.sizes`` (default: the first).
    """
    parts = [
        "lava-aptn train",
        f"--preset {settings.preset}",
        f"--neurons {settings.sizes[0] if neurons is None else neurons}",
        f"--dataset {settings.dataset}",
    ]
    parts.append(f"--order {settings.order or 'dataset'}")
    parts += [f"--set {shlex.quote(f'{k}={json.dumps(v)}')}" for k, v in overrides.items()]
    return " ".join(parts) + " --out runs/tuned"


def best_record(
    records: list[dict], seed_records: list[dict], settings: TuneSettings, space: SearchSpace
) -> dict[str, Any] | None:
    """Return ``best.json``: the best candidate (by mean over fresh seeds when re-evaluated)."""
    ranked = _ranked(records)
    if not ranked:
        return None
    stats = seed_statistics(seed_records)
    best = ranked[0]
    if stats:
        best = max(
            (r for r in ranked if r["id"] in stats),
            key=lambda r: (stats[r["id"]]["mean"], r["score"], -r["index"]),
        )
    overrides = {**space.fixed, **settings.fixed, **best["params"]}
    by_name = {p.name: p for p in space.params}
    return {
        "id": best["id"],
        "score": best["score"],
        "label_accuracy": best["label_accuracy"],
        "params": best["params"],
        "overrides": overrides,
        "preset": settings.preset,
        "neurons": settings.neurons,
        "dataset": settings.dataset,
        "protocol": {
            "train_images": settings.train_images,
            "label_images": settings.train_images,
            "eval_images": settings.eval_images,
            "held_out": "the last eval_images images of the training split",
            "order": settings.order or "dataset",
            "seed": settings.seed,
            "repeats": settings.repeats,
        },
        "seeds": stats.get(best["id"]),
        **({"search_seeds": list(settings.search_seeds)} if settings.repeats > 1 else {}),
        "at_range_edge": {
            k: e for k, v in best["params"].items() if (e := by_name[k].edge(v)) is not None
        },
        "candidates": len(records),
        "command": train_command(settings, overrides),
        **(
            {
                "by_size": {n: m["score"] for n, m in best["by_size"].items()},
                "commands": {str(n): train_command(settings, overrides, n) for n in settings.sizes},
            }
            if len(settings.sizes) > 1
            else {}
        ),
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def summary_markdown(
    space: SearchSpace,
    settings: TuneSettings,
    records: list[dict],
    seed_records: list[dict],
    best: dict | None,
) -> str:
    """Return ``summary.md``: settings, every candidate sorted by held-out accuracy, the best."""
    names = list(space.names)
    shuffled = " (shuffled per seed)" if settings.order else ""
    sizes = [str(n) for n in settings.sizes]
    several = len(sizes) > 1
    size_text = (
        f"N = {', '.join(sizes)} (a candidate's score: the mean of its held-out accuracies)"
        if several
        else f"N = {sizes[0]}"
    )
    lines = [
        "# lava-aptn tune",
        "",
        f"Space `{space.source}`; base preset `{settings.preset}`, {size_text}, "
        f"{settings.dataset}. Trained and labelled on the first {settings.train_images:,} "
        f"training images{shuffled}, scored on the last {settings.eval_images:,} "
        f"(held out; the test set is not used). "
        + (
            f"Each candidate scored as the mean over seeds {list(settings.search_seeds)}; "
            if settings.repeats > 1
            else f"Seed {settings.seed}; "
        )
        + "population "
        f"{settings.population}, parents {settings.n_parents}, mutation {settings.mutation}; "
        f"{len(records)} of {settings.n_candidates} candidates evaluated.",
        "",
    ]
    fixed = {**space.fixed, **settings.fixed}
    if fixed:
        lines += ["Fixed: " + ", ".join(f"`{k}={v}`" for k, v in fixed.items()), ""]
    lines += ["| parameter | searched |", "|---|---|"]
    lines += [f"| `{p.name}` | {p.describe()} |" for p in space.params]
    lines += ["", "## Candidates (best first)", ""]
    # several sizes: the held-out accuracy at each size in place of the spikes per image
    middle_header = [f"N={n}" for n in sizes] if several else ["spikes/img"]
    header = ["rank", "id", "held-out acc", "label-set acc", *middle_header, "wall s", *names]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    ok = _ranked(records)
    failed = [r for r in records if r.get("status") != "ok"]
    for rank, r in enumerate(ok, 1):
        if several:
            middle = [f"{r['by_size'][n]['score']:.4f}" for n in sizes]
        else:
            middle = [f"{r['eval_spikes_per_image']:.1f}"]
        row = [
            str(rank),
            r["id"],
            f"{r['score']:.4f}",
            f"{r['label_accuracy']:.4f}",
            *middle,
            f"{r['wall_seconds']:.1f}",
            *(_fmt(r["params"][n]) for n in names),
        ]
        lines.append("| " + " | ".join(row) + " |")
    for r in sorted(failed, key=lambda r: r["index"]):
        row = ["-", r["id"], "failed", "-", *["-"] * len(middle_header)]
        row += [f"{r['wall_seconds']:.1f}"]
        row += [_fmt(r["params"][n]) for n in names]
        lines.append("| " + " | ".join(row) + " |")
    for r in failed:
        lines.append(f"\n{r['id']} failed: {r['error']}")
    stats = seed_statistics(seed_records)
    if stats:
        lines += ["", f"## Top {len(stats)} on {settings.seeds} fresh seed(s)", ""]
        lines += ["| id | search score | mean | std | per seed |", "|---|---|---|---|---|"]
        search = {r["id"]: r["score"] for r in records}
        for cid, s in sorted(stats.items(), key=lambda kv: -kv[1]["mean"]):
            per = ", ".join(
                f"{seed}: {score:.4f}" for seed, score in zip(s["seeds"], s["scores"], strict=True)
            )
            if len(s.get("by_size", {})) > 1:
                per += "; " + "; ".join(
                    f"N={n}: " + ", ".join(f"{v:.4f}" for v in values)
                    for n, values in s["by_size"].items()
                )
            lines.append(
                f"| {cid} | {search[cid]:.4f} | {s['mean']:.4f} | {s['std']:.4f} | {per} |"
            )
    if best is not None:
        lines += ["", "## Best", "", f"`{best['id']}`, held-out accuracy {best['score']:.4f}."]
        if best["at_range_edge"]:
            edges = ", ".join(f"`{k}` ({v})" for k, v in best["at_range_edge"].items())
            lines.append(f"At the edge of its range (consider widening it): {edges}.")
        lines += ["", "```", best["command"], "```"]
    return "\n".join(lines) + "\n"


def write_summary(
    out: Path,
    space: SearchSpace,
    settings: TuneSettings,
    records: list[dict],
    seed_records: list[dict],
    best: dict | None,
) -> None:
    """Write ``summary.md`` atomically."""
    atomic_write_text(
        out / SUMMARY_FILE, summary_markdown(space, settings, records, seed_records, best)
    )
