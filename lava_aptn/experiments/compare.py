"""Several pruning methods from one seed's shared prefix, at a target connectivity.

Every method trains the same first ``prune_start`` images of a seed without pruning
(same weights, same input spikes); that prefix is trained once per seed and each
method branches from it (:meth:`lava_aptn.engine.run.Session.branch`): the unpruned
baseline continues as is, the others search their initial threshold for the target
connectivity (:mod:`lava_aptn.engine.target`). Methods run in parallel processes.
Run folders: ``OUT/seed<s>/<method>/``.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import time
from pathlib import Path
from typing import Any

from lava_aptn.config import NetworkConfig, RunConfig
from lava_aptn.engine.run import Dataset, config_record, evaluate_and_write, new_session
from lava_aptn.engine.target import run_at_connectivity, search_prefix
from lava_aptn.pruning import (
    PruningConfig,
    check_target_connectivity,
    paper_config,
    scaled_schedule,
)

_SHARED: dict[str, Any] = {}  # handed to forked workers (set before a pool starts)


def _one(method: str, out: str, target: float) -> dict:
    prefix, data = _SHARED["prefix"], _SHARED["data"]
    cfg = _SHARED["configs"][method]
    if method == "none":
        t0 = time.perf_counter()
        session = prefix.branch(cfg)
        session.advance(data.x_train, session.run_cfg.train_images, progress=False)
        record = config_record(session.net.config, session.run_cfg, cfg, _SHARED["preset"])
        return evaluate_and_write(
            session,
            data,
            Path(out),
            record,
            wall0=t0,
            progress=False,
            initial_weights=_SHARED["initial"],
        )
    return run_at_connectivity(
        prefix.net.config,
        prefix.run_cfg,
        cfg,
        out,
        target=target,
        preset=_SHARED["preset"],
        progress=False,
        log=_SHARED["log"],
        data=data,
        prefix=prefix,
    )


def method_configs(
    methods: list[str], neurons: int, train_images: int, **overrides: Any
) -> dict[str, PruningConfig]:
    """Return the paper's configuration of each method (schedule scaled on short runs)."""
    configs = {}
    for method in methods:
        cfg = paper_config(method=method, neurons=neurons, **overrides)
        if "prune_start" not in overrides:
            cfg = scaled_schedule(cfg, train_images)
        configs[method] = cfg
    return configs


def compare(
    out_dir: str | Path,
    *,
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    methods: list[str],
    seeds: list[int],
    target: float,
    jobs: int = 2,
    preset_name: str | None = None,
    progress: bool = True,
    log=print,
    data: tuple | None = None,
    prune_overrides: dict[str, Any] | None = None,
    folder=None,
) -> dict[int, dict[str, dict]]:
    """Run every method for every seed; return ``{seed: {method: result}}``.

    ``folder(seed, method) -> Path`` names each run folder (default
    ``OUT/seed<seed>/<method>``).
    """
    if any(m != "none" for m in methods):
        check_target_connectivity(target)  # before the shared prefix is trained
    out = Path(out_dir)
    configs = method_configs(
        methods, net_cfg.n_neurons, run_cfg.train_images, **(prune_overrides or {})
    )
    shared_cfg = next(iter(configs.values()))
    results: dict[int, dict[str, dict]] = {}
    for seed in seeds:
        seed_cfg = RunConfig(**{**run_cfg.__dict__, "seed": seed})
        dataset = Dataset.load(seed_cfg, data)  # a shuffled order is the seed's own
        log(f"seed {seed}: training the {shared_cfg.prune_start:,} images all methods share")
        prefix = search_prefix(net_cfg, seed_cfg, shared_cfg, dataset, progress=progress)
        _SHARED.update(
            prefix=prefix,
            data=dataset,
            configs=configs,
            preset=preset_name,
            log=log,
            initial=new_session(net_cfg, seed_cfg, shared_cfg).net.weights(),
        )
        folders = {m: str(folder(seed, m) if folder else out / f"seed{seed}" / m) for m in methods}
        try:
            if jobs > 1 and len(methods) > 1:
                ctx = multiprocessing.get_context("fork")
                with cf.ProcessPoolExecutor(
                    max_workers=min(jobs, len(methods)), mp_context=ctx
                ) as pool:
                    futures = {m: pool.submit(_one, m, folders[m], target) for m in methods}
                    results[seed] = {m: f.result() for m, f in futures.items()}
            else:
                results[seed] = {m: _one(m, folders[m], target) for m in methods}
        finally:
            _SHARED.clear()
        for m in methods:
            r = results[seed][m]
            log(
                f"seed {seed} {m:>13}: accuracy {r['accuracy']:.4f}, connectivity "
                f"{r['connectivity']:.4f}, unpruned {r['unpruned_fraction']:.4f}"
            )
    return results


def table(results: dict[int, dict[str, dict]], methods: list[str]) -> str:
    """Markdown table: per method, mean (and per-seed) accuracy, connectivity, SOPs."""
    import numpy as np

    seeds = sorted(results)
    lines = [
        "| method | accuracy mean | per seed | connectivity | unpruned | training "
        "SOPs/image | inference SOPs/image |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in methods:
        rs = [results[s][m] for s in seeds]

        def mean(key: str, rs: list = rs) -> float:
            return float(np.mean([r[key] for r in rs]))

        per_seed = ", ".join(f"{r['accuracy']:.4f}" for r in rs)
        lines.append(
            f"| {m} | {mean('accuracy'):.4f} | {per_seed} | "
            f"{mean('connectivity'):.3f} | {mean('unpruned_fraction'):.3f} | "
            f"{mean('sops_train_per_image'):,.0f} | "
            f"{mean('sops_infer_per_image'):,.0f} |"
        )
    return "\n".join(lines)
