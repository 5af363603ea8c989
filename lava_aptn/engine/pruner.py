"""Engine glue for pruning: runs the pure :mod:`lava_aptn.pruning` methods at batch ends.

The training loop calls :meth:`PruningDriver.on_block` every ``block`` images (the
greatest common divisor of ``prune_start`` and ``prune_batch``) with the spike counts
of that block; the driver keeps the counts of the last ``prune_batch`` images and, at
each prune point of the schedule, hands them with the true weights to the method and
writes the outcome back into the network. A removed synapse stops transmitting and
learning at once (its weight is 0 and it is excluded from the plastic mask).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from lava_aptn.engine.network import Network
from lava_aptn.pruning import (
    PruneStep,
    PruningConfig,
    PruningMethod,
    connectivity,
    prune_points,
    run_step,
    threshold_rows,
    unpruned_fraction,
)


@dataclass
class PruningDriver:
    """Applies a pruning method at the points of its schedule during one training run.

    Attributes
    ----------
    thresholds : list of dict
        One row per step and group (``thresholds.csv``).
    steps : list of dict
        One summary per step: k, images seen, connectivity, unpruned fraction.
    """

    method: PruningMethod
    config: PruningConfig
    train_images: int
    blocks: list[list[int]] = field(default_factory=list)
    thresholds: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.weights_before: np.ndarray | None = None
        self.points = {p.images_seen: p.k for p in prune_points(self.train_images, self.config)}
        self.block = math.gcd(self.config.prune_start, self.config.prune_batch)
        self.blocks_per_batch = self.config.prune_batch // self.block

    def on_block(self, images_done: int, net: Network, block_counts: np.ndarray) -> None:
        """Record a block's spike counts and prune if ``images_done`` is a prune point."""
        self.blocks.append([int(c) for c in block_counts])
        self.blocks = self.blocks[-self.blocks_per_batch :]
        k = self.points.get(images_done)
        if k is not None and self.config.method != "post-training":
            self.apply(k, images_done, net)

    def batch_counts(self, n_neurons: int) -> np.ndarray:
        """Spike counts of each neuron over the last ``prune_batch`` images (or fewer).

        Zeros before any image was trained (a step at ``prune_start = 0``).
        """
        if not self.blocks:
            return np.zeros(n_neurons, dtype=np.int64)
        return np.asarray(self.blocks, dtype=np.int64).sum(axis=0)

    def apply(self, k: int, images_done: int, net: Network) -> PruneStep:
        """Run step ``k`` on ``net`` (in place) and record its thresholds and wall time."""
        t0 = time.perf_counter()
        net.fold()
        if self.weights_before is None:
            self.weights_before = net.weights()
        outcome = run_step(
            self.method,
            k=k,
            weights=net.weights(),
            syn_state=net.syn_state,
            spike_counts=self.batch_counts(net.config.n_neurons),
        )
        net.set_synapses(outcome.weights, outcome.syn_state)
        self.thresholds.extend(threshold_rows(outcome))
        self.steps.append(
            {
                "k": k,
                "images_seen": images_done,
                "connectivity": connectivity(net.syn_state),
                "unpruned_fraction": unpruned_fraction(net.syn_state),
                "groups": outcome.n_groups,
                "wall_seconds": time.perf_counter() - t0,
            }
        )
        return outcome

    def wall_seconds(self) -> float:
        """Total wall time of the pruning steps so far, in s (fold, method, write-back)."""
        return float(sum(step.get("wall_seconds", 0.0) for step in self.steps))

    def finish(self, net: Network) -> None:
        """Apply the post-training step, if the method has one."""
        if self.config.method == "post-training":
            self.apply(0, self.train_images, net)

    def state(self) -> dict:
        """JSON-ready state for checkpoints."""
        return {"blocks": self.blocks, "thresholds": self.thresholds, "steps": self.steps}

    def load_state(self, state: dict) -> None:
        """Restore :meth:`state`."""
        self.blocks = [list(b) for b in state["blocks"]]
        self.thresholds = list(state["thresholds"])
        self.steps = list(state["steps"])
