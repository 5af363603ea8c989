"""Train to a target connectivity: search the initial threshold, reusing the shared prefix.

The pruning method's parameter (``w_th0``; ``spike_th0`` for neuron pruning) only acts
from ``prune_start`` on, so every candidate shares the first ``prune_start`` training
images. They are trained once; each candidate continues from a copy of that state
(for post-training pruning the whole training is shared and a candidate costs one
pruning step). The search itself is :func:`lava_aptn.pruning.find_parameter`: bracketing
in log-parameter space, then interpolation of logit(connectivity); it usually needs
3-6 continuations. The chosen candidate's network is kept, so the final run is not
trained again: it is labelled, tested and written like any other run, with the search
record in ``result.json["target_search"]``.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.config import NetworkConfig, RunConfig
from lava_aptn.engine.run import Dataset, Session, config_record, evaluate_and_write, new_session
from lava_aptn.errors import ConfigError
from lava_aptn.pruning import (
    TARGET_MAX_EVALS,
    TARGET_TOL,
    PruningConfig,
    check_target_connectivity,
    connectivity,
    find_parameter,
    unpruned_fraction,
)


def _parameter(prune_cfg: PruningConfig) -> tuple[str, float, float, float]:
    """Name, start, lower and upper bound of the searched parameter."""
    if prune_cfg.method == "neuron":
        return "spike_th0", max(prune_cfg.spike_th0, 1.0), 0.1, 1e6
    if prune_cfg.method == "none":
        raise ConfigError("--target-connectivity needs a pruning method other than 'none'")
    return "w_th0", min(max(prune_cfg.w_th0, 1e-3), prune_cfg.w_cap), 1e-4, prune_cfg.w_cap


def static_guess(prefix: Session, prune_cfg: PruningConfig, target: float) -> float | None:
    """Guess the parameter from the prefix's weights alone (no further learning).

    Applies every scheduled pruning step to the prefix's weights and last batch spike
    counts as if training stopped, and bisects (in log space) for the target; a few
    milliseconds of numpy that often saves the search one or two training runs.
    Returns ``None`` when the target is out of reach this way.
    """
    from lava_aptn.pruning import as_method, prune_points, run_step

    name, _, lower, upper = _parameter(prune_cfg)
    weights = prefix.net.weights()
    counts = prefix.driver.batch_counts(prefix.net.config.n_neurons)
    points = prune_points(prefix.run_cfg.train_images, prune_cfg)

    def measure(value: float) -> float:
        cfg = prune_cfg.replace(**{name: value})
        method = as_method(cfg)
        w, state = weights, prefix.net.syn_state
        for point in points:
            step = run_step(method, k=point.k, weights=w, syn_state=state, spike_counts=counts)
            w, state = step.weights, step.syn_state
        return unpruned_fraction(state) if cfg.method == "soft" else connectivity(state)

    lo, hi = math.log(lower), math.log(upper)
    if not measure(math.exp(hi)) <= target <= measure(math.exp(lo)):
        return None
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        if measure(math.exp(mid)) > target:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


def search_prefix(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    data: Dataset,
    *,
    progress: bool = True,
) -> Session:
    """Train, without pruning, the images every candidate shares (to the first step).

    Branch candidates from it with :meth:`~lava_aptn.engine.run.Session.branch`.
    """
    session = new_session(net_cfg, run_cfg, prune_cfg.replace(method="none"))
    shared = (
        run_cfg.train_images
        if prune_cfg.method == "post-training"
        else min(prune_cfg.prune_start, run_cfg.train_images)
    )
    if shared:
        session.advance(data.x_train, shared, progress=progress)
    return session


def run_at_connectivity(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    out_dir: str | Path,
    *,
    target: float,
    tol: float = TARGET_TOL,
    max_evals: int = TARGET_MAX_EVALS,
    preset: str | None = None,
    progress: bool = True,
    log=print,
    data: tuple | Dataset | None = None,
    prefix: Session | None = None,
    extra: dict[str, Any] | None = None,
    start: float | None = None,
    slope: float | None = None,
) -> dict[str, Any]:
    """Train with the parameter that gives ``target`` connectivity; write the run folder.

    Parameters
    ----------
    target
        Wanted final connectivity (for soft pruning: unpruned fraction), in (0, 1).
    tol
        Accepted distance (0.005 = 0.5 percentage points).
    max_evals
        Most continuations tried (:data:`~lava_aptn.pruning.TARGET_MAX_EVALS`, 12).
    prefix
        A session already trained up to the first pruning step (shared between calls,
        e.g. by the demo); it is copied, not changed.
    extra
        Further entries for ``result.json``.
    start, slope
        A warm start from a related search (a sweep's first seed): the parameter to try
        first, instead of the static estimate from the prefix's weights, and the slope
        for the first step (:func:`~lava_aptn.pruning.find_parameter`'s ``slope``).

    Other parameters are those of :func:`lava_aptn.engine.run.run`.
    """
    check_target_connectivity(target)
    wall0 = time.perf_counter()
    dataset = Dataset.load(run_cfg, data)
    name, default_start, lower, upper = _parameter(prune_cfg)
    if prefix is None:
        log(f"training the {prune_cfg.prune_start:,} images every candidate shares")
        prefix = search_prefix(net_cfg, run_cfg, prune_cfg, dataset, progress=progress)
    elif prune_cfg.method == "post-training" and prefix.done < run_cfg.train_images:
        prefix = prefix.copy()  # post-training candidates share the whole training
        prefix.advance(dataset.x_train, run_cfg.train_images, progress=progress)
    start_from = "default"
    if start is not None:
        start, start_from = min(max(float(start), lower), upper), "given"
        log(f"  warm start: {name} = {start:.5g}")
    else:
        # exact for post-training pruning (the prefix is then the whole training)
        guess = static_guess(prefix, prune_cfg, target)
        start = default_start
        if guess is not None:
            start, start_from = min(max(guess, lower), upper), "static estimate"
            log(f"  static estimate from the prefix's weights: {name} = {start:.5g}")
    candidates: dict[float, Session] = {}

    def evaluate(value: float) -> float:
        cfg = prune_cfg.replace(**{name: float(value)})
        session = prefix.branch(cfg)
        session.advance(dataset.x_train, run_cfg.train_images, progress=progress)
        candidates[float(value)] = session
        achieved = session.measure()
        log(f"  {name} = {value:.5g}: connectivity {achieved:.4f} (target {target:.4f})")
        return achieved

    search = find_parameter(
        evaluate,
        target,
        tol=tol,
        initial=start,
        lower=lower,
        upper=upper,
        max_evals=max_evals,
        slope=slope,
    )
    best = candidates[float(search.param)]
    final_cfg = prune_cfg.replace(**{name: float(search.param)})
    record = config_record(net_cfg, run_cfg, final_cfg, preset)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    extra = {
        "target_search": {
            "parameter": name,
            "target": target,
            "tol": tol,
            "value": float(search.param),
            "achieved": float(search.achieved),
            "converged": bool(search.converged),
            "diagnosis": search.diagnosis,
            "bounds": [float(lower), float(upper)],
            "start": float(start),
            "start_from": start_from,
            "slope": None if slope is None else float(slope),
            "bracket": None
            if search.bracket is None
            else [[float(p), float(c)] for p, c in search.bracket],
            "evaluations": int(search.evaluations),
            "history": [[float(p), float(c)] for p, c in search.history],
        },
        **(extra or {}),
    }
    if not search.converged:
        log(f"warning: {search.summary(name)}")
    initial = new_session(net_cfg, run_cfg, prune_cfg).net.weights()
    return evaluate_and_write(
        best,
        dataset,
        out,
        record,
        wall0=wall0,
        progress=progress,
        extra=extra,
        initial_weights=np.asarray(initial),
    )
