"""Train (or run) the WTA network on Lava's CPU backend and collect the results."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from lava.magma.core.run_conditions import RunSteps

from lava_aptn.config import NetworkConfig
from lava_aptn.engine.network import Network
from lava_aptn.errors import ConfigError
from lava_aptn.lavarun.network import LavaNetwork, build_network
from lava_aptn.lavarun.runtime import lava_session
from lava_aptn.models import sim_config, warm_up
from lava_aptn.pruning import PruningConfig, PruningMethod


@dataclass
class LavaResult:
    """What a Lava run produced.

    Attributes
    ----------
    image_counts : ndarray of int64, shape (n_images, n_neurons)
        Excitatory spikes of each image over all its presentations.
    last_counts : ndarray of int64, shape (n_images, n_neurons)
        Excitatory spikes of each image's last presentation.
    weights : ndarray, shape (n_inputs, n_neurons)
        Final true weights (``weights * scale``).
    syn_state : ndarray of uint8, shape (n_inputs, n_neurons)
        Final synapse states.
    state, int_state, clock
        Final layer state (rows of :mod:`lava_aptn.dynamics.layout`) and engine clock.
    steps : int
        Lava time steps run (presentation steps; rests take none).
    presentations : int
        ``steps / presentation_steps``.
    prune_steps : int
        Pruning steps the PruningProcess applied.
    run_seconds, compile_seconds : float
        Wall time of the run calls, and of compiling and starting the runtime.
    """

    image_counts: np.ndarray
    last_counts: np.ndarray
    weights: np.ndarray
    syn_state: np.ndarray
    state: np.ndarray
    int_state: np.ndarray
    clock: int
    steps: int
    presentations: int
    prune_steps: int
    run_seconds: float
    compile_seconds: float

    @property
    def steps_per_second(self) -> float:
        """Lava time steps per second of run time (compilation excluded)."""
        return self.steps / self.run_seconds if self.run_seconds > 0 else float("nan")


def run_network(net: LavaNetwork, *, select_tag: str = "floating_pt", progress=None) -> LavaResult:
    """Run a built network until every image is done; always stop the runtime.

    Runs in blocks of ``remaining images x presentation_steps`` steps (an image takes
    at least one presentation, so a block never runs past the last image) until the
    input reports all images done.
    """
    run_cfg = sim_config(select_tag)
    warm_up()
    n_steps = net.config.presentation_steps
    steps, run_s = 0, 0.0
    t0 = time.perf_counter()
    with lava_session(net.input, run_cfg) as root:
        compile_s = time.perf_counter() - t0
        done = 0
        limit = net.n_images * net.config.input.max_presentations * n_steps
        while done < net.n_images:
            if steps >= limit:
                raise RuntimeError(f"{done} of {net.n_images} images done after {steps} steps")
            block = (net.n_images - done) * n_steps
            t1 = time.perf_counter()
            root.run(condition=RunSteps(num_steps=block))
            run_s += time.perf_counter() - t1
            steps += block
            done = int(net.input.images_done.get()[0])
            if progress is not None:
                progress(done, net.n_images)
        rows = net.n_images
        image_counts = net.counter.image_counts.get()[:rows].astype(np.int64)
        last_counts = net.counter.last_counts.get()[:rows].astype(np.int64)
        w = net.synapses.weights.get()
        scale = net.synapses.scale.get()
        if net.pruner is not None:
            syn_state = net.synapses.syn_state.get().astype(np.uint8)
        else:  # nothing writes it (Var.get moves one element at a time: skip it)
            syn_state = np.array(net.synapses.syn_state.init, dtype=np.uint8)
        state = net.layer.state.get()
        int_state = net.layer.int_state.get().astype(np.int64)
        clock = int(net.layer.clock.get()[0])
        prune_steps = int(net.pruner.steps_done.get()[0]) if net.pruner is not None else 0
    return LavaResult(
        image_counts=image_counts,
        last_counts=last_counts,
        weights=w * scale[None, :],
        syn_state=syn_state,
        state=state,
        int_state=int_state,
        clock=clock,
        steps=steps,
        presentations=steps // n_steps,
        prune_steps=prune_steps,
        run_seconds=run_s,
        compile_seconds=compile_s,
    )


def run_lava(
    net_cfg: NetworkConfig,
    prune_cfg: PruningConfig,
    images: np.ndarray,
    *,
    seed: int,
    learning: bool = True,
    epoch: int = 0,
    stream: int | None = None,
    start: Network | None = None,
    method: PruningMethod | None = None,
    select_tag: str = "floating_pt",
    progress=None,
) -> LavaResult:
    """Train the WTA network on ``images`` with online pruning, as Lava Processes.

    The same arguments mean the same as for the engine: the result equals that of
    ``Network.fresh(net_cfg, seed)`` trained by :func:`lava_aptn.engine.train.train`
    with a :class:`~lava_aptn.engine.pruner.PruningDriver` for ``prune_cfg`` (see
    :func:`lava_aptn.lavarun.compare.compare_with_engine`). The Lava runtime is
    stopped on return, on errors and on Ctrl-C.

    Parameters
    ----------
    net_cfg, prune_cfg
        Network and pruning configuration (``prune_cfg.method="none"`` for no pruning).
    images : array of uint8, shape (n_images, 28, 28) or (n_images, n_inputs)
        Training images, in order.
    seed
        Initial weights and input spikes.
    learning
        Train (default) or only respond (no STDP, normalisation, theta or pruning).
    epoch, stream
        Input-spike stream (``train_stream(epoch)`` unless ``stream`` is given).
    start
        Engine network to start from (default a fresh one).
    method
        Pruning method object (default the built-in method of ``prune_cfg``).
    select_tag
        ``"floating_pt"``. The fixed-point network has processes of its own: run it
        with :func:`lava_aptn.lavarun.fixed.run_fixed_lava`.
    progress
        Called as ``progress(images_done, n_images)`` after each run block.

    Returns
    -------
    LavaResult
        Spike counts per image, final weights and synapse states, steps/s and more.
    """
    if select_tag == "fixed_pt":
        raise ConfigError(
            "run_lava builds the floating-point network; run the fixed-point one with "
            "lava_aptn.lavarun.fixed.run_fixed_lava (or compare_fixed)"
        )
    sim_config(select_tag)  # fail before building anything for an unknown tag
    net = build_network(
        net_cfg,
        prune_cfg,
        images,
        seed=seed,
        learning=learning,
        epoch=epoch,
        stream=stream,
        start=start,
        method=method,
    )
    return run_network(net, select_tag=select_tag, progress=progress)
