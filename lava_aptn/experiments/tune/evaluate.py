"""Scoring a candidate on held-out images, in this process or in a process pool."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from lava_aptn.config import NetworkConfig, RunConfig
from lava_aptn.experiments.tune.space import _valid_config


def evaluate_candidate(
    net_cfg: NetworkConfig,
    train: tuple[np.ndarray, np.ndarray],
    held_out: tuple[np.ndarray, np.ndarray],
    *,
    seed: int,
    dataset: str = "mnist",
    order: str | None = None,
) -> dict[str, Any]:
    """Train one network, assign labels with its training images, score it on held-out data.

    The protocol is :func:`lava_aptn.engine.run.run`'s without pruning, with the test set
    replaced by ``held_out``: train one pass over ``train`` images in order, present them
    again with learning off to assign labels, then present the held-out images.

    Parameters
    ----------
    net_cfg
        The candidate's network.
    train, held_out
        ``(images, labels)`` to train and label on, and to score on.
    seed
        Network seed (initial weights, input spikes and, when shuffled, the order).
    dataset
        Recorded only.
    order
        ``None``: train on ``train`` in its order; ``"shuffled"``: in a permutation drawn
        from ``seed`` (:func:`lava_aptn.engine.run.training_order`), labels from the same.

    Returns
    -------
    dict
        ``score`` (held-out accuracy), ``label_accuracy`` (accuracy on the training
        images themselves), spikes per image, unassigned neurons and wall times.
    """
    from lava_aptn.dynamics import layout as L
    from lava_aptn.engine.evaluate import UNASSIGNED, classify
    from lava_aptn.engine.run import Dataset, label_and_test, new_session
    from lava_aptn.pruning import PruningConfig

    t0 = time.perf_counter()
    n = len(train[0])
    run_cfg = RunConfig(
        dataset=dataset,
        seed=seed,
        train_images=n,
        label_images=n,
        order=order,
        checkpoint_every=0,
    )
    data = Dataset.load(run_cfg, (*train, *held_out))  # the training slice in ``order``
    session = new_session(net_cfg, run_cfg, PruningConfig(method="none"))
    session.advance(data.x_train, n, progress=False)
    ev = label_and_test(session.net, data, run_cfg, progress=False)
    neuron_labels = ev.neuron_labels
    predictions = classify(ev.test_counts, neuron_labels)
    train_counters = session.counters
    return {
        "score": float(np.mean(predictions == data.y_test)),
        "label_accuracy": float(np.mean(classify(ev.label_counts, neuron_labels) == data.y_train)),
        "train_spikes_per_image": float(train_counters.counts[L.EXC_SPIKES]) / max(n, 1),
        "train_presentations_per_image": float(train_counters.counts[L.PRESENTATIONS]) / max(n, 1),
        "eval_spikes_per_image": float(ev.test_counts.sum(axis=1).mean()),
        "eval_presentations_per_image": float(ev.test_counters.counts[L.PRESENTATIONS])
        / max(len(data.y_test), 1),
        "unassigned_neurons": int(np.sum(neuron_labels == UNASSIGNED)),
        "train_seconds": float(train_counters.wall_seconds),
        "wall_seconds": time.perf_counter() - t0,
    }


#: Metrics that add up (wall times) when evaluations are combined; the others are averaged.
_TIMES = ("train_seconds", "wall_seconds")


def _combine(parts: dict[Any, dict[str, Any]], averaged: tuple[str, ...]) -> dict[str, Any]:
    """Return ``averaged`` metrics as means over ``parts`` and the wall times as sums."""
    metrics = list(parts.values())
    combined = {k: float(np.mean([m[k] for m in metrics])) for k in averaged}
    combined.update({k: float(sum(m[k] for m in metrics)) for k in _TIMES})
    return combined


def combine_seeds(by_seed: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Return one candidate's metrics at one size from its evaluations on several seeds.

    One seed: its metrics unchanged. Several: every metric is the mean over the seeds
    (``unassigned_neurons`` included, so it may be fractional), wall times their sums, and
    ``by_seed`` keeps every seed's ``score`` (keyed by the seed as a string).
    """
    if len(by_seed) == 1:
        return next(iter(by_seed.values()))
    first = next(iter(by_seed.values()))
    combined = _combine(by_seed, tuple(k for k in first if k not in _TIMES))
    combined["by_seed"] = {str(s): m["score"] for s, m in by_seed.items()}
    return combined


def combine_sizes(by_size: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Return one candidate's record from its metrics at each network size.

    One size: its metrics unchanged. Several: ``score`` and ``label_accuracy`` are the
    means over the sizes (spikes per image and the like differ with the size and are not
    averaged), wall times their sums, and ``by_size`` keeps every size's metrics (keyed by
    N as a string, as JSON stores them).
    """
    if len(by_size) == 1:
        return next(iter(by_size.values()))
    combined = _combine(by_size, ("score", "label_accuracy"))
    combined["by_size"] = {str(n): m for n, m in by_size.items()}
    return combined


#: Handed to forked workers: base configuration and data (set before the pool starts).
_CONTEXT: dict[str, Any] = {}


def _run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Evaluate one task (a candidate or a re-evaluation) in this process; never raises."""
    ctx = _CONTEXT
    record = dict(task)
    t0 = time.perf_counter()
    seeds = range(task["seed"], task["seed"] + task.get("repeats", ctx["repeats"]))
    try:
        by_size = {}
        for n, base in ctx["bases"].items():
            cfg = _valid_config(base, task["params"])
            by_seed = {
                s: evaluate_candidate(
                    cfg,
                    ctx["train"],
                    ctx["held_out"],
                    seed=s,
                    dataset=ctx["dataset"],
                    order=ctx["order"],
                )
                for s in seeds
            }
            by_size[n] = combine_seeds(by_seed)
        record.update(status="ok", **combine_sizes(by_size))
    except Exception as exc:  # a failed candidate is a result, not the search's end
        record.update(
            status="error",
            score=None,
            error=f"{type(exc).__name__}: {exc}",
            wall_seconds=time.perf_counter() - t0,
        )
    return record


class _Evaluator:
    """Runs tasks in this process (``jobs == 1``) or in a fork-based process pool."""

    def __init__(self, context: dict[str, Any], jobs: int) -> None:
        self.context, self.jobs, self.pool = context, jobs, None

    def __enter__(self) -> _Evaluator:
        _CONTEXT.clear()
        _CONTEXT.update(self.context)
        if self.jobs > 1:
            ctx = multiprocessing.get_context("fork")
            self.pool = cf.ProcessPoolExecutor(max_workers=self.jobs, mp_context=ctx)
            self.pool.submit(int).result()  # start the workers now, before any bar thread
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=exc_type is None, cancel_futures=True)
        _CONTEXT.clear()

    def map(self, tasks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield the records of ``tasks`` as they finish."""
        if self.pool is None:
            for task in tasks:
                yield _run_task(task)
            return
        futures = [self.pool.submit(_run_task, task) for task in tasks]
        for future in cf.as_completed(futures):
            yield future.result()
