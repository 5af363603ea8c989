"""One complete run: train (with pruning), assign labels, test, write the results.

Outputs in the run folder (the contract of ``docs`` / design section 2):
``result.json``, ``weights.npz``, ``thresholds.csv``, ``history.csv`` and PNG figures;
``checkpoint.npz`` while training (removed when the run completes).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.config import NetworkConfig, RunConfig
from lava_aptn.encoding import LABEL_STREAM, TEST_STREAM
from lava_aptn.engine import outputs
from lava_aptn.engine.evaluate import assign_labels, classify, confusion_matrix
from lava_aptn.engine.network import Network
from lava_aptn.engine.pruner import PruningDriver
from lava_aptn.engine.train import PhaseCounters, respond, train
from lava_aptn.errors import LavaAptnError
from lava_aptn.io import atomic_save_npz
from lava_aptn.pruning import PruningConfig, as_method, connectivity, unpruned_fraction

CHECKPOINT = "checkpoint.npz"


@dataclass
class _History:
    """Per-batch history rows (``history.csv``)."""

    rows: list

    def record(self, images_done: int, net: Network, counters: PhaseCounters, last: dict) -> None:
        counts = counters.counts.astype(float)
        images = counters.images - last.get("images", 0)
        delta = counts - np.asarray(last.get("counts", np.zeros_like(counts)))
        from lava_aptn.dynamics import layout as L

        n = max(images, 1)
        acc = delta[L.ACCUMULATIONS] / n
        stdp = (delta[L.DEP_NOMINAL] + delta[L.POT_NOMINAL]) / n
        self.rows.append(
            {
                "images_seen": images_done,
                "connectivity": connectivity(net.syn_state),
                "unpruned_fraction": unpruned_fraction(net.syn_state),
                "sops_train_per_image": acc + stdp,
                "accumulations_per_image": acc,
                "stdp_updates_per_image": stdp,
                "exc_spikes_per_image": delta[L.EXC_SPIKES] / n,
            }
        )
        last["images"] = counters.images
        last["counts"] = counts.tolist()


def _load_split(dataset: str, split: str, n: int):
    from lava_aptn.data import load_dataset

    images, labels = load_dataset(dataset, split)
    return images[:n], labels[:n].astype(np.int64)


def _config_record(
    net_cfg: NetworkConfig, run_cfg: RunConfig, prune_cfg: PruningConfig, preset: str | None
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "dataset": run_cfg.dataset,
        "neurons": net_cfg.n_neurons,
        "method": prune_cfg.method,
        "seed": run_cfg.seed,
        "preset": preset,
    }
    record["run"] = asdict(run_cfg)
    record["network"] = net_cfg.to_dict()
    record["pruning"] = prune_cfg.as_dict()
    return record


def run(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    out_dir: str | Path,
    *,
    resume: bool = False,
    preset: str | None = None,
    progress: bool = True,
    log=print,
    data: tuple | None = None,
) -> dict[str, Any]:
    """Train, label and test one network; write the run folder; return ``result.json``.

    Parameters
    ----------
    net_cfg, run_cfg, prune_cfg
        The network, the run protocol and the pruning method.
    out_dir
        Run folder (created).
    resume
        Continue from ``out_dir/checkpoint.npz`` if present; the configuration must be
        the same as the checkpoint's.
    preset
        Name of the preset the network came from (recorded only).
    progress
        Show progress bars.
    log
        Where one-line status messages go.
    data
        ``(train_images, train_labels, test_images, test_labels)`` to use instead of the
        dataset named in ``run_cfg`` (tests, synthetic data).
    """
    wall0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    config_record = _config_record(net_cfg, run_cfg, prune_cfg, preset)
    if data is None:
        n_train = max(run_cfg.train_images, run_cfg.label_images)
        x_train, y_train = _load_split(run_cfg.dataset, "train", n_train)
        x_test, y_test = _load_split(run_cfg.dataset, "test", run_cfg.test_images)
    else:
        x_train, y_train, x_test, y_test = data
        y_train, y_test = np.asarray(y_train, np.int64), np.asarray(y_test, np.int64)
    method = as_method(prune_cfg)
    driver = PruningDriver(method, prune_cfg, run_cfg.train_images)
    history = _History([])
    last: dict = {}
    counters = PhaseCounters()
    batch_counts = None
    start = 0
    ckpt_path = out / CHECKPOINT
    net = None
    if resume and ckpt_path.exists():
        net, start, counters, batch_counts, extra = _load_checkpoint(
            ckpt_path, net_cfg, config_record
        )
        driver.load_state(extra["driver"])
        history.rows = extra["history"]
        last = extra["last"]
        log(f"resuming {out} at image {start}")
    if net is None:
        net = Network.fresh(net_cfg, run_cfg.seed)
    initial_weights = net.weights() if start == 0 else None
    if initial_weights is not None:
        atomic_save_npz(out / "initial_weights.npz", weights=initial_weights)

    def on_block(done: int, network: Network, counts: np.ndarray) -> None:
        driver.on_block(done, network, counts)
        if done % prune_cfg.prune_batch == 0 or done == run_cfg.train_images:
            history.record(done, network, counters, last)

    def on_checkpoint(done: int, network: Network, counts: np.ndarray) -> None:
        if done < run_cfg.train_images:
            _save_checkpoint(
                ckpt_path,
                network,
                done,
                counters,
                counts,
                config_record,
                {"driver": driver.state(), "history": history.rows, "last": last},
            )

    callbacks = [(driver.block, on_block)]
    if run_cfg.checkpoint_every:
        callbacks.append((run_cfg.checkpoint_every, on_checkpoint))
    counters, _ = train(
        net,
        x_train[: run_cfg.train_images],
        seed=run_cfg.seed,
        start=start,
        counters=counters,
        batch_counts=batch_counts,
        callbacks=tuple(callbacks),
        progress=progress,
    )
    driver.finish(net)
    train_wall = counters.wall_seconds
    label_counts, label_counters = respond(
        net,
        x_train[: run_cfg.label_images],
        seed=run_cfg.seed,
        stream=LABEL_STREAM,
        progress=progress,
        desc="label",
    )
    neuron_labels = assign_labels(label_counts, y_train[: run_cfg.label_images])
    test_counts, test_counters = respond(
        net,
        x_test,
        seed=run_cfg.seed,
        stream=TEST_STREAM,
        progress=progress,
        desc="test",
    )
    predictions = classify(test_counts, neuron_labels)
    accuracy = float(np.mean(predictions == y_test))
    result = outputs.build_result(
        config_record,
        net,
        accuracy=accuracy,
        train=counters,
        infer=test_counters,
        label=label_counters,
        run_cfg=run_cfg,
        confusion=confusion_matrix(y_test, predictions),
        neuron_labels=neuron_labels,
        wall_seconds=time.perf_counter() - wall0,
        train_wall_seconds=train_wall,
    )
    outputs.write_run(
        out,
        result,
        net,
        neuron_labels,
        driver,
        history.rows,
        initial_weights_path=out / "initial_weights.npz",
    )
    if ckpt_path.exists():
        ckpt_path.unlink()
    return result


def _save_checkpoint(
    path: Path,
    net: Network,
    done: int,
    counters: PhaseCounters,
    batch_counts: np.ndarray,
    config_record: dict,
    extra: dict,
) -> None:
    meta = {
        "images_done": done,
        "counters": counters.to_dict(),
        "batch_counts": [int(c) for c in batch_counts],
        "config": config_record,
        "extra": extra,
    }
    atomic_save_npz(path, meta=np.array(json.dumps(meta)), **net.state_dict())


def _load_checkpoint(path: Path, net_cfg: NetworkConfig, config_record: dict):
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        state = {k: z[k] for k in z.files if k != "meta"}
    saved = json.loads(json.dumps(meta["config"]))
    current = json.loads(json.dumps(config_record))
    if saved != current:
        raise LavaAptnError(
            f"{path} was written by a run with a different configuration; resume with the "
            "same options, or delete the checkpoint to start over"
        )
    net = Network.from_state_dict(net_cfg, state)
    counters = PhaseCounters.from_dict(meta["counters"])
    return (
        net,
        int(meta["images_done"]),
        counters,
        np.asarray(meta["batch_counts"], dtype=np.int64),
        meta["extra"],
    )
