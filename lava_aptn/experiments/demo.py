"""The main job: an unpruned baseline against APTN at a target connectivity, same seed.

Both runs share their first ``prune_start`` training images (same seed, same input
spikes, no pruning yet); that prefix is trained once. Then, in parallel processes,
the baseline continues without pruning while APTN searches the initial threshold that
ends at the target connectivity (:mod:`lava_aptn.engine.target`). The summary table
compares accuracy, connectivity, SOPs per image and SOP energy.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import time
from pathlib import Path
from typing import Any

from lava_aptn.config import RunConfig, preset
from lava_aptn.engine.run import Dataset, Session, config_record, evaluate_and_write
from lava_aptn.engine.target import run_at_connectivity, search_prefix
from lava_aptn.io import atomic_write_json, atomic_write_text
from lava_aptn.pruning import paper_config

#: Loihi's minimum energy per synaptic operation (Davies et al. 2018), pJ.
SOP_ENERGY_PJ = 23.6

_PREFIX: dict[str, Any] = {}  # handed to forked workers (set before the pool starts)


def _baseline(out: str) -> dict:
    prefix: Session = _PREFIX["session"]
    data: Dataset = _PREFIX["data"]
    cfg = prefix.driver.config  # the prefix is trained without pruning
    session = prefix.branch(cfg)
    t0 = time.perf_counter()
    session.advance(data.x_train, session.run_cfg.train_images, progress=False)
    record = config_record(session.net.config, session.run_cfg, cfg, _PREFIX["preset"])
    return evaluate_and_write(
        session,
        data,
        Path(out),
        record,
        wall0=t0,
        progress=False,
        initial_weights=_PREFIX["initial"],
    )


def _aptn(out: str, target: float) -> dict:
    session: Session = _PREFIX["session"]
    return run_at_connectivity(
        session.net.config,
        session.run_cfg,
        _PREFIX["prune_cfg"],
        out,
        target=target,
        preset=_PREFIX["preset"],
        progress=False,
        log=_PREFIX["log"],
        data=_PREFIX["raw"],
        prefix=session,
    )


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
    jobs: int = 2,
    preset_name: str | None = None,
    progress: bool = True,
    log=print,
    data: tuple | None = None,
) -> dict[str, dict]:
    """Run the demo; write ``out_dir/{baseline,aptn}/`` and ``out_dir/summary.md``."""
    from lava_aptn.config import DEFAULT_PRESET

    preset_name = preset_name or DEFAULT_PRESET
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    net_cfg = preset(preset_name, n_neurons=neurons)
    run_cfg = RunConfig(
        dataset=dataset,
        seed=seed,
        train_images=train_images,
        label_images=label_images,
        test_images=test_images,
        checkpoint_every=0,
    )
    prune_cfg = paper_config(method="aptn", neurons=neurons)
    if train_images < 60000:  # keep the paper's schedule proportions on shorter runs
        prune_cfg = prune_cfg.replace(
            prune_start=train_images // 2, prune_batch=max(train_images // 12, 1)
        )
    dataset_obj = Dataset.load(run_cfg, data)
    t0 = time.perf_counter()
    log(
        f"demo: {dataset}, N = {neurons}, seed {seed}: training the {prune_cfg.prune_start:,} "
        "images the baseline and APTN share"
    )
    session = search_prefix(net_cfg, run_cfg, prune_cfg, dataset_obj, progress=progress)
    from lava_aptn.engine.run import new_session

    _PREFIX.update(
        session=session,
        data=dataset_obj,
        preset=preset_name,
        prune_cfg=prune_cfg,
        log=log,
        raw=data
        or (dataset_obj.x_train, dataset_obj.y_train, dataset_obj.x_test, dataset_obj.y_test),
        initial=new_session(net_cfg, run_cfg, prune_cfg).net.weights(),
    )
    log(
        f"demo: baseline and APTN search (target connectivity {target:.3f}) in "
        f"{'parallel' if jobs > 1 else 'turn'}"
    )
    if jobs > 1:
        ctx = multiprocessing.get_context("fork")
        with cf.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
            f_base = pool.submit(_baseline, str(out / "baseline"))
            f_aptn = pool.submit(_aptn, str(out / "aptn"), target)
            baseline, aptn = f_base.result(), f_aptn.result()
    else:
        baseline, aptn = _baseline(str(out / "baseline")), _aptn(str(out / "aptn"), target)
    _PREFIX.clear()
    summary = table(baseline, aptn)
    wall = time.perf_counter() - t0
    atomic_write_text(
        out / "summary.md", f"# lava-aptn demo\n\n{summary}\n\nwall time {wall:.0f} s\n"
    )
    atomic_write_json(
        out / "summary.json",
        {"baseline": str(out / "baseline"), "aptn": str(out / "aptn"), "wall_seconds": wall},
    )
    return {"baseline": baseline, "aptn": aptn, "table": summary, "wall_seconds": wall}
