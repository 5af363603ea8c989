"""Training and inference passes over datasets with the compiled engine.

Images are simulated in chunks by :func:`lava_aptn.engine.simulate.run_images`; between
chunks Python folds the normalisation scales into the weights, updates the progress
bar and calls the boundary callbacks (pruning, checkpoints). Chunk ends are multiples
of ``chunk_images`` and of every callback period, counted from image 0 of the epoch,
so a run resumed at a boundary takes exactly the same steps as an uninterrupted one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import train_stream
from lava_aptn.engine.network import Network

#: Images per compiled call; also a fold point (see module docstring).
CHUNK_IMAGES = 250

BoundaryFn = Callable[[int, Network, np.ndarray], None]


@dataclass
class PhaseCounters:
    """Event counters summed over the images of one phase (training or inference)."""

    counts: np.ndarray = field(default_factory=lambda: np.zeros(L.N_COUNTERS, np.int64))
    images: int = 0
    wall_seconds: float = 0.0

    def per_image(self) -> dict[str, float]:
        """Return each counter's mean per image (0 when no image was simulated)."""
        n = max(self.images, 1)
        return {name: float(self.counts[k]) / n for k, name in enumerate(L.COUNTER_NAMES)}

    def to_dict(self) -> dict:
        """Return a JSON-ready dictionary (checkpoints)."""
        return {
            "counts": self.counts.tolist(),
            "images": self.images,
            "wall_seconds": self.wall_seconds,
        }

    @classmethod
    def from_dict(cls, d: dict) -> PhaseCounters:
        """Inverse of :meth:`to_dict`."""
        return cls(
            np.asarray(d["counts"], dtype=np.int64), int(d["images"]), float(d["wall_seconds"])
        )


def _progress(total: int, initial: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        unit="img",
        disable=not enabled,
        dynamic_ncols=True,
        leave=False,
        mininterval=0.5,
    )


def _flat(images: np.ndarray, n_inputs: int) -> np.ndarray:
    """Flatten to (n, n_inputs) uint8; a wrong image size is an error, not a silent misread."""
    flat = np.asarray(images).reshape(len(images), -1)
    if flat.shape[1] != n_inputs:
        raise ValueError(
            f"images have {flat.shape[1]} pixels each, the network has {n_inputs} inputs; "
            "pass images of the network's input size (28 x 28 for MNIST)"
        )
    return np.ascontiguousarray(flat, dtype=np.uint8)


def train(
    net: Network,
    images: np.ndarray,
    *,
    seed: int,
    epoch: int = 0,
    start: int = 0,
    counters: PhaseCounters | None = None,
    batch_counts: np.ndarray | None = None,
    callbacks: tuple[tuple[int, BoundaryFn], ...] = (),
    progress: bool = True,
) -> tuple[PhaseCounters, np.ndarray]:
    """Train ``net`` in place on ``images[start:]`` (one epoch, in order).

    Parameters
    ----------
    net
        The network; its weights, synapse states and neuron state are updated.
    images : ndarray of uint8, shape (n, 28, 28) or (n, n_inputs)
        Training images of the epoch.
    seed
        Input-spike seed.
    epoch
        Epoch number (selects the input-spike stream).
    start
        First image to simulate (resume); earlier images are taken as done.
    counters, batch_counts
        Counters and per-neuron spike counts carried over from a resumed run.
    callbacks
        ``(period, fn)`` pairs: ``fn(images_done, net, batch_counts)`` is called after
        every ``period`` images, in the given order; ``batch_counts`` (int64, N) holds
        each neuron's spikes since the previous call of the first callback, which is the
        batch callback and resets them after it returns.
    progress
        Show a progress bar (images/s and presentations/s).

    Returns
    -------
    (PhaseCounters, ndarray)
        The training counters and the spike counts of the unfinished batch.
    """
    flat = _flat(images, net.config.n_inputs)
    n_images = flat.shape[0]
    counters = counters or PhaseCounters()
    if batch_counts is None:
        batch_counts = np.zeros(net.config.n_neurons, dtype=np.int64)
    periods = [CHUNK_IMAGES] + [int(p) for p, _ in callbacks]
    empty = np.zeros((0, net.config.n_neurons), dtype=np.int32)
    bar = _progress(n_images, start, "train", progress)
    done = start
    try:
        while done < n_images:
            stop = min([n_images] + [(done // p + 1) * p for p in periods])
            t0 = time.perf_counter()
            pres0 = counters.counts[L.PRESENTATIONS]
            net.simulate(
                flat[done:stop],
                first_index=done,
                seed=seed,
                stream=train_stream(epoch),
                learning=True,
                image_counts=empty,
                batch_counts=batch_counts,
                counters=counters.counts,
            )
            net.fold()
            elapsed = time.perf_counter() - t0
            counters.wall_seconds += elapsed
            counters.images += stop - done
            bar.update(stop - done)
            bar.set_postfix(pres_s=f"{(counters.counts[L.PRESENTATIONS] - pres0) / elapsed:.0f}")
            done = stop
            for k, (period, fn) in enumerate(callbacks):
                if done % period == 0 or (done == n_images and k == 0):
                    fn(done, net, batch_counts)
                    if k == 0:
                        batch_counts[:] = 0
    finally:
        bar.close()
    return counters, batch_counts


def respond(
    net: Network,
    images: np.ndarray,
    *,
    seed: int,
    stream: int,
    progress: bool = True,
    desc: str = "infer",
) -> tuple[np.ndarray, PhaseCounters]:
    """Present ``images`` to the frozen network; return spike counts per image and neuron.

    The network's neuron state evolves (it carries over between images as in training),
    its weights do not. Returns ``(counts, counters)`` with ``counts`` of shape
    ``(n_images, N)``, the spikes of each image's last presentation.
    """
    flat = _flat(images, net.config.n_inputs)
    n_images = flat.shape[0]
    counts = np.zeros((n_images, net.config.n_neurons), dtype=np.int32)
    counters = PhaseCounters()
    batch = np.zeros(net.config.n_neurons, dtype=np.int64)
    bar = _progress(n_images, 0, desc, progress)
    try:
        for a in range(0, n_images, CHUNK_IMAGES):
            b = min(a + CHUNK_IMAGES, n_images)
            t0 = time.perf_counter()
            net.simulate(
                flat[a:b],
                first_index=a,
                seed=seed,
                stream=stream,
                learning=False,
                image_counts=counts[a:b],
                batch_counts=batch,
                counters=counters.counts,
            )
            counters.wall_seconds += time.perf_counter() - t0
            counters.images += b - a
            bar.update(b - a)
    finally:
        bar.close()
    return counts, counters
