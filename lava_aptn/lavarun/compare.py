"""Run the engine on the same images as a Lava run and report how well they agree.

Expected agreement (``docs/lava.md``): identical spike counts per neuron and image
(per pruning block), identical synapse states and weights equal within
:data:`WEIGHT_TOL`; the neuron state (membranes, conductances) within
:data:`STATE_TOL`. The one difference in arithmetic is the order of additions into
the excitatory conductance: the engine adds each input spike's weight row to ``g_e``
in turn, Lava's synapses send the sum of the rows and the layer adds it once, which
can differ in the last bit. Weights and traces do not depend on ``g_e`` except
through the spike times, so while the spikes agree the weights agree bit for bit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import layout as L
from lava_aptn.engine.network import Network
from lava_aptn.engine.pruner import PruningDriver
from lava_aptn.engine.train import train
from lava_aptn.lavarun.run import LavaResult, run_lava
from lava_aptn.processes._checks import images_2d
from lava_aptn.pruning import PruningConfig, PruningMethod, as_method

#: Largest accepted |w_lava - w_engine|: none. STDP, normalisation, folding and pruning
#: run the same functions on the same numbers in the same order, so the weights are
#: bit-identical while the spikes agree (and a spike that differs fails the counts).
WEIGHT_TOL = 0.0
#: Largest accepted difference of the float neuron state (mV, leak units): the sum of
#: a step's input rows is added to ``g_e`` at once instead of row by row.
STATE_TOL = 1e-9


@dataclass
class EngineResult:
    """The engine's side of a comparison.

    Attributes
    ----------
    block_ends : list of int
        Images done at each call of the pruning driver (its blocks).
    block_counts : ndarray of int64, shape (n_blocks, n_neurons)
        Excitatory spikes of each block, all presentations.
    weights, syn_state, state, int_state, clock
        Final true weights, synapse states, layer state and clock.
    steps, presentations : int
        Presentation time steps simulated and presentations made.
    seconds : float
        Wall time of the training calls (numba kernels warmed up beforehand).
    prune_steps : list of dict
        The driver's per-step summaries.
    """

    block_ends: list[int]
    block_counts: np.ndarray
    weights: np.ndarray
    syn_state: np.ndarray
    state: np.ndarray
    int_state: np.ndarray
    clock: int
    steps: int
    presentations: int
    seconds: float
    prune_steps: list[dict] = field(default_factory=list)

    @property
    def steps_per_second(self) -> float:
        """Simulated presentation steps per second."""
        return self.steps / self.seconds if self.seconds > 0 else float("nan")


def _warm_engine(net_cfg: NetworkConfig, images: np.ndarray, seed: int) -> None:
    """Load the engine's compiled kernels once, on a throwaway copy."""
    train(Network.fresh(net_cfg, seed), images[:1], seed=seed, progress=False)


def run_engine(
    net_cfg: NetworkConfig,
    prune_cfg: PruningConfig,
    images: np.ndarray,
    *,
    seed: int,
    epoch: int = 0,
    method: PruningMethod | None = None,
    warm: bool = True,
) -> EngineResult:
    """Train ``Network.fresh(net_cfg, seed)`` on ``images`` with the engine and its driver.

    The pruning driver and training loop are the engine's own
    (:class:`~lava_aptn.engine.pruner.PruningDriver`, :func:`lava_aptn.engine.train.train`),
    as in :meth:`lava_aptn.engine.run.Session.advance`.
    """
    flat = images_2d(images, net_cfg.n_inputs)
    if warm:
        _warm_engine(net_cfg, flat, seed)
    net = Network.fresh(net_cfg, seed)
    driver = PruningDriver(as_method(method or prune_cfg), prune_cfg, flat.shape[0])
    ends: list[int] = []
    blocks: list[np.ndarray] = []

    def on_block(done: int, network: Network, counts: np.ndarray) -> None:
        ends.append(done)
        blocks.append(counts.copy())
        driver.on_block(done, network, counts)

    t0 = time.perf_counter()
    counters, _ = train(
        net, flat, seed=seed, epoch=epoch, callbacks=((driver.block, on_block),), progress=False
    )
    driver.finish(net)
    seconds = time.perf_counter() - t0
    return EngineResult(
        block_ends=ends,
        block_counts=np.asarray(blocks, dtype=np.int64).reshape(len(blocks), -1),
        weights=net.weights(),
        syn_state=net.syn_state.copy(),
        state=net.fs.copy(),
        int_state=net.ist.copy(),
        clock=int(net.clock[0]),
        steps=int(counters.counts[L.TIME_STEPS]),
        presentations=int(counters.counts[L.PRESENTATIONS]),
        seconds=seconds,
        prune_steps=list(driver.steps),
    )


@dataclass(frozen=True)
class Agreement:
    """How a Lava run and the engine agree on the same images.

    Attributes
    ----------
    counts_equal : bool
        Spike counts per neuron equal in every block of the pruning driver (per image
        when the block is one image).
    block_images : int
        Images per block.
    mismatched_counts : int
        Neuron x block entries that differ.
    steps_equal : bool
        Same number of presentation steps (same re-presentations).
    syn_state_equal : bool
        Same synapse states (same pruning).
    max_abs_dw : float
        Largest weight difference.
    max_abs_dstate : float
        Largest difference of the physical neuron state (v, g, theta, traces).
    int_state_equal : bool
        Same last-spike steps.
    clock_equal : bool
        Same engine clock at the end.
    lava_steps_per_s, engine_steps_per_s : float
        Speed of both on these images.
    """

    counts_equal: bool
    block_images: int
    mismatched_counts: int
    steps_equal: bool
    syn_state_equal: bool
    max_abs_dw: float
    max_abs_dstate: float
    int_state_equal: bool
    clock_equal: bool
    lava_steps_per_s: float
    engine_steps_per_s: float
    weight_tol: float = WEIGHT_TOL
    state_tol: float = STATE_TOL

    @property
    def ok(self) -> bool:
        """Every check passes within the tolerances."""
        return (
            self.counts_equal
            and self.steps_equal
            and self.syn_state_equal
            and self.int_state_equal
            and self.clock_equal
            and self.max_abs_dw <= self.weight_tol
            and self.max_abs_dstate <= self.state_tol
        )

    def report(self) -> str:
        """Return a few human-readable lines."""
        verdict = "AGREE" if self.ok else "DISAGREE"
        per = "image" if self.block_images == 1 else f"block of {self.block_images} images"
        return "\n".join(
            [
                f"spike counts per neuron and {per}: "
                + ("identical" if self.counts_equal else f"{self.mismatched_counts} differ"),
                f"presentation steps equal: {self.steps_equal}; clock equal: "
                f"{self.clock_equal}; last-spike steps equal: {self.int_state_equal}",
                f"synapse states identical: {self.syn_state_equal}",
                f"max |w_lava - w_engine| = {self.max_abs_dw:.3g} (tolerance {self.weight_tol:g})",
                f"max |state_lava - state_engine| = {self.max_abs_dstate:.3g} (tolerance "
                f"{self.state_tol:g})",
                f"steps/s: Lava {self.lava_steps_per_s:,.0f}, engine "
                f"{self.engine_steps_per_s:,.0f} (engine/Lava "
                f"{self.engine_steps_per_s / self.lava_steps_per_s:,.0f}x)",
                f"verdict: {verdict}",
            ]
        )


def agreement(lava: LavaResult, engine: EngineResult) -> Agreement:
    """Compare a Lava run with the engine run of the same images."""
    edges = [0] + list(engine.block_ends)
    lava_blocks = np.array(
        [lava.image_counts[a:b].sum(axis=0) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    ).reshape(engine.block_counts.shape)
    diff = lava_blocks != engine.block_counts
    physical = slice(0, L.Y2 + 1)
    block = edges[1] - edges[0] if len(edges) > 1 else 1
    return Agreement(
        counts_equal=not diff.any(),
        block_images=block,
        mismatched_counts=int(diff.sum()),
        steps_equal=lava.steps == engine.steps,
        syn_state_equal=bool(np.array_equal(lava.syn_state, engine.syn_state)),
        max_abs_dw=float(np.max(np.abs(lava.weights - engine.weights))),
        max_abs_dstate=float(np.max(np.abs(lava.state[physical] - engine.state[physical]))),
        int_state_equal=bool(
            np.array_equal(lava.int_state[: L.LAST_I + 1], engine.int_state[: L.LAST_I + 1])
        ),
        clock_equal=lava.clock == engine.clock,
        lava_steps_per_s=lava.steps_per_second,
        engine_steps_per_s=engine.steps_per_second,
    )


def compare_with_engine(
    net_cfg: NetworkConfig,
    prune_cfg: PruningConfig,
    images: np.ndarray,
    *,
    seed: int,
    epoch: int = 0,
    method: PruningMethod | None = None,
    select_tag: str = "floating_pt",
    progress=None,
) -> tuple[Agreement, LavaResult, EngineResult]:
    """Train on ``images`` with Lava and with the engine; return the agreement and both."""
    lava = run_lava(
        net_cfg,
        prune_cfg,
        images,
        seed=seed,
        epoch=epoch,
        method=method,
        select_tag=select_tag,
        progress=progress,
    )
    engine = run_engine(net_cfg, prune_cfg, images, seed=seed, epoch=epoch, method=method)
    return agreement(lava, engine), lava, engine
