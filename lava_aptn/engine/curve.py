"""Test accuracy over training: a learning curve of one network.

Online STDP never settles: the network keeps changing with every image, and its test
accuracy at the end of an epoch depends on where the epoch ends. :func:`learning_curve`
trains one network (the run protocol of :func:`lava_aptn.engine.run.run`, pruning
included) and, every ``every`` training images, labels a frozen copy with the first
``label_images`` training images and tests it. Training itself is the same run: the
copies never feed back, so the last row equals ``lava-aptn train`` with
``label_images`` labels.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.config import NetworkConfig, RunConfig
from lava_aptn.engine.evaluate import classify
from lava_aptn.engine.plots import save_curve
from lava_aptn.engine.run import Dataset, label_and_test, new_session
from lava_aptn.engine.train import CHUNK_IMAGES
from lava_aptn.io import atomic_write_text
from lava_aptn.pruning import PruningConfig, connectivity

#: Columns of ``curve.csv``.
CURVE_COLUMNS = ("images_seen", "accuracy", "connectivity", "test_spikes_per_image")


def check_every(every: int) -> None:
    """Refuse a measurement period that is not a positive multiple of :data:`CHUNK_IMAGES`.

    Measuring between the engine's chunks keeps the training in the very chunks of an
    unwatched run, so the curve's network is the one ``lava-aptn train`` trains.
    """
    if isinstance(every, bool) or not isinstance(every, int) or every < 1 or every % CHUNK_IMAGES:
        raise ValueError(
            f"every must be a positive multiple of {CHUNK_IMAGES} training images, got {every!r}"
        )


def learning_curve(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    *,
    every: int,
    out_dir: str | Path | None = None,
    data: tuple | None = None,
    progress: bool = True,
    log=print,
) -> list[dict[str, Any]]:
    """Train one network and measure its test accuracy every ``every`` training images.

    Parameters
    ----------
    net_cfg, run_cfg, prune_cfg
        The run (``run_cfg.label_images`` training images assign the labels at each
        point; ``run_cfg.test_images`` test images score it).
    every
        Training images between two measurements, a multiple of :data:`CHUNK_IMAGES`;
        the points are every multiple of it below ``train_images``, then the end.
    out_dir
        Folder for ``curve.csv`` (rewritten atomically after each point) and
        ``curve.png``; ``None`` writes nothing.
    data
        ``(train_images, train_labels, test_images, test_labels)`` instead of the dataset.
    progress
        Progress bar of the training.
    log
        Receives one line per point.

    Returns
    -------
    list of dict
        One row per point, keys :data:`CURVE_COLUMNS`. The last row is the network at
        the end of training (after a ``post-training`` pruning step), the network
        ``lava-aptn train`` would test.
    """
    check_every(every)
    dataset = Dataset.load(run_cfg, data)
    session = new_session(net_cfg, run_cfg, prune_cfg)
    out = None if out_dir is None else Path(out_dir)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []

    def measure(done: int, net) -> None:
        t0 = time.perf_counter()
        ev = label_and_test(net.copy(), dataset, run_cfg, progress=False)
        predictions = classify(ev.test_counts, ev.neuron_labels)
        rows.append(
            {
                "images_seen": done,
                "accuracy": float(np.mean(predictions == dataset.y_test)),
                "connectivity": connectivity(net.syn_state),
                "test_spikes_per_image": float(ev.test_counts.sum(axis=1).mean()),
            }
        )
        log(
            f"{done:>6} images: accuracy {rows[-1]['accuracy']:.4f} "
            f"(measured in {time.perf_counter() - t0:.1f} s)"
        )
        if out is not None:
            atomic_write_text(out / "curve.csv", curve_csv(rows))

    def watch(done: int, net, counts) -> None:
        if done < run_cfg.train_images:  # the end is measured after the last pruning step
            measure(done, net)

    session.advance(
        dataset.x_train, run_cfg.train_images, progress=progress, watchers=((every, watch),)
    )
    measure(run_cfg.train_images, session.net)
    if out is not None:
        order = run_cfg.order or "dataset"
        title = f"{run_cfg.dataset}, N = {net_cfg.n_neurons}, seed {run_cfg.seed}, {order} order"
        save_curve(out / "curve.png", rows, title)
    return rows


def curve_csv(rows: list[dict[str, Any]]) -> str:
    """Return ``rows`` as CSV text with the columns :data:`CURVE_COLUMNS`."""
    lines = [",".join(CURVE_COLUMNS)]
    for row in rows:
        lines.append(
            f"{row['images_seen']},{row['accuracy']:.4f},{row['connectivity']:.6f},"
            f"{row['test_spikes_per_image']:.3f}"
        )
    return "\n".join(lines) + "\n"
