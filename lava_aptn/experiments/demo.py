"""The main job: an unpruned baseline against APTN at a target connectivity, same seed.

Both runs share their first ``prune_start`` training images (same seed, same input
spikes, no pruning yet); that prefix is trained once. Then, in parallel processes,
the baseline continues without pruning while APTN searches the initial threshold that
ends at the target connectivity (:mod:`lava_aptn.engine.target`). The summary table
compares accuracy, connectivity, SOPs per image and SOP energy.
"""

from __future__ import annotations

import time
from pathlib import Path

from lava_aptn.config import DEFAULT_ORDER, RunConfig, preset
from lava_aptn.experiments.compare import compare
from lava_aptn.io import atomic_write_json, atomic_write_text

#: Loihi's minimum energy per synaptic operation (Davies et al. 2018), pJ.
SOP_ENERGY_PJ = 23.6


def table(baseline: dict, aptn: dict) -> str:
    """Return the demo's Markdown summary table."""
    rows = []
    for name, r in (("unpruned", baseline), ("APTN", aptn)):
        rows.append(
            (
                name,
                r["accuracy"],
                r["connectivity"],
                r["sops_train_per_image"],
                r["sops_infer_per_image"],
            )
        )
    b_train, b_infer = rows[0][3], rows[0][4]
    lines = [
        "| run | accuracy | connectivity | training SOPs/image | reduction | inference "
        "SOPs/image | reduction | SOP energy train / infer (uJ/image, 23.6 pJ/SOP) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, acc, conn, s_train, s_infer in rows:
        lines.append(
            f"| {name} | {acc:.4f} | {conn:.3f} | {s_train:,.0f} | "
            f"{1 - s_train / b_train:.1%} | {s_infer:,.0f} | {1 - s_infer / b_infer:.1%} | "
            f"{s_train * SOP_ENERGY_PJ * 1e-6:.2f} / {s_infer * SOP_ENERGY_PJ * 1e-6:.2f} |"
        )
    loss = 100 * (baseline["accuracy"] - aptn["accuracy"])
    lines.append("")
    lines.append(f"accuracy loss of APTN: {loss:.2f} percentage points")
    return "\n".join(lines)


def run_demo(
    out_dir: str | Path,
    *,
    neurons: int = 100,
    target: float = 0.145,
    dataset: str = "mnist",
    seed: int = 0,
    train_images: int = 60000,
    label_images: int = 60000,
    test_images: int = 10000,
    order: str | None = DEFAULT_ORDER,
    jobs: int = 2,
    preset_name: str | None = None,
    progress: bool = True,
    log=print,
    data: tuple | None = None,
) -> dict:
    """Run the demo; write ``out_dir/{baseline,aptn}/`` and ``out_dir/summary.md``."""
    from lava_aptn.config import DEFAULT_PRESET

    preset_name = preset_name or DEFAULT_PRESET
    out = Path(out_dir)
    run_cfg = RunConfig(
        dataset=dataset,
        seed=seed,
        train_images=train_images,
        label_images=label_images,
        test_images=test_images,
        order=order,
        checkpoint_every=0,
    )
    t0 = time.perf_counter()
    log(
        f"demo: {dataset}, N = {neurons}, seed {seed}; unpruned baseline and APTN at "
        f"{target:.1%} connectivity"
    )
    results = compare(
        out,
        net_cfg=preset(preset_name, n_neurons=neurons),
        run_cfg=run_cfg,
        methods=["none", "aptn"],
        seeds=[seed],
        target=target,
        jobs=jobs,
        preset_name=preset_name,
        progress=progress,
        log=log,
        data=data,
        folder=lambda s, m: out / ("baseline" if m == "none" else m),
    )
    baseline, aptn = results[seed]["none"], results[seed]["aptn"]
    summary = table(baseline, aptn)
    wall = time.perf_counter() - t0
    atomic_write_text(
        out / "summary.md", f"# lava-aptn demo\n\n{summary}\n\nwall time {wall:.0f} s\n"
    )
    atomic_write_json(
        out / "summary.json",
        {
            "baseline": str(out / "baseline"),
            "aptn": str(out / "aptn"),
            "wall_seconds": wall,
        },
    )
    return {"baseline": baseline, "aptn": aptn, "table": summary, "wall_seconds": wall}
