"""Run the fixed-point WTA network as Lava Processes and hold it to the engine, bit for bit.

:func:`run_fixed_lava` wires the Processes of :mod:`lava_aptn.processes.fixed` (with the
input, spike counter and, when pruning, the pruning process of the floating-point
network) from an engine ``FixedNetwork`` and runs them with
:func:`lava_aptn.models.fixed_pt.fixed_sim_config`; :func:`compare_fixed` trains the same
fresh network with the engine's fixed mode and on Lava and reports whether every field
is identical. The floating-point counterparts are :mod:`lava_aptn.lavarun.run` and
:mod:`lava_aptn.lavarun.compare`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from lava.magma.core.run_conditions import RunSteps

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import train_stream
from lava_aptn.engine.pruner import PruningDriver
from lava_aptn.engine.simulate_fixed import FixedNetwork
from lava_aptn.engine.train import train
from lava_aptn.lavarun.runtime import lava_session
from lava_aptn.models.fixed_pt import fixed_sim_config
from lava_aptn.processes import (
    FixedPlasticSynapses,
    FixedWtaLayer,
    PoissonImageInput,
    SpikeCounter,
)
from lava_aptn.processes._checks import images_2d
from lava_aptn.processes.pruning import attach_pruner
from lava_aptn.pruning import PruningConfig, PruningMethod, as_method


@dataclass
class FixedLavaResult:
    """State read back after a fixed_pt run (to compare with the engine's fixed mode)."""

    image_counts: np.ndarray  # (n_images, N) spikes of each image, all presentations
    last_counts: np.ndarray  # (n_images, N) spikes of each image's last presentation
    weights: np.ndarray  # (n_in, N) int mantissas
    syn_state: np.ndarray
    prune_steps: int
    xpre: np.ndarray
    y1: np.ndarray
    y2: np.ndarray
    fx: np.ndarray  # layer state (trace rows unused)
    clock: int
    steps: int
    run_seconds: float


def run_fixed_lava(
    net_cfg: NetworkConfig,
    images: np.ndarray,
    *,
    seed: int,
    start,
    learning: bool = True,
    epoch: int = 0,
    first_index: int = 0,
    prune_cfg: PruningConfig | None = None,
    method: PruningMethod | None = None,
) -> FixedLavaResult:
    """Run ``images`` through the fixed_pt Lava network starting from ``start``.

    Parameters
    ----------
    start : FixedNetwork
        Engine fixed-point network whose state the Processes start from (not changed).
    prune_cfg, method
        Online pruning as in :func:`lava_aptn.lavarun.network.build_network` (none when
        ``prune_cfg`` is None, its method is ``"none"`` or not learning).

    The runtime is always stopped (also on errors and Ctrl-C).
    """
    flat = images_2d(images, net_cfg.n_inputs)
    n_images, n = flat.shape[0], net_cfg.n_neurons
    stream = train_stream(epoch)
    warm_up_fixed()
    inp = PoissonImageInput.from_config(
        net_cfg, flat, seed=seed, stream=stream, first_index=first_index, name="input"
    )
    syn = FixedPlasticSynapses(
        config=net_cfg,
        weights=start.w,
        syn_state=start.syn_state,
        xpre=start.xpre,
        y1=start.fx[F.FY1],
        y2=start.fx[F.FY2],
        seed=seed,
        stream=stream,
        first_index=first_index,
        learning=learning,
        name="synapses",
    )
    layer = FixedWtaLayer(
        config=net_cfg, fx=start.fx, clock=int(start.clock[0]), learning=learning, name="layer"
    )
    counter = SpikeCounter(n_neurons=n, n_images=n_images, name="counter")
    inp.s_out.connect(syn.s_in)
    syn.a_out.connect(layer.a_in)
    layer.s_out.connect([syn.s_post, counter.s_in, inp.e_in])
    inp.ctrl_out.connect([syn.ctrl_in, counter.ctrl_in])
    pruner = None
    if learning and prune_cfg is not None and prune_cfg.method != "none":
        pruner = attach_pruner(
            input_proc=inp,
            synapses=syn,
            counter=counter,
            config=prune_cfg,
            train_images=n_images,
            method=method,
            syn_state=start.syn_state,
        )
    n_steps = net_cfg.presentation_steps
    steps, run_s, done = 0, 0.0, 0
    limit = n_images * net_cfg.input.max_presentations * n_steps
    with lava_session(inp, fixed_sim_config()) as root:
        while done < n_images:
            if steps >= limit:
                raise RuntimeError(f"{done} of {n_images} images done after {steps} steps")
            block = (n_images - done) * n_steps
            t1 = time.perf_counter()
            root.run(condition=RunSteps(num_steps=block))
            run_s += time.perf_counter() - t1
            steps += block
            done = int(inp.images_done.get()[0])
        return FixedLavaResult(
            image_counts=counter.image_counts.get()[:n_images].astype(np.int64),
            last_counts=counter.last_counts.get()[:n_images].astype(np.int64),
            weights=syn.weights.get().astype(np.int64),
            syn_state=syn.syn_state.get().astype(np.uint8),
            prune_steps=int(pruner.steps_done.get()[0]) if pruner is not None else 0,
            xpre=syn.xpre.get().astype(np.int64),
            y1=syn.y1.get().astype(np.int64),
            y2=syn.y2.get().astype(np.int64),
            fx=layer.fx.get().astype(np.int64),
            clock=int(layer.clock.get()[0]),
            steps=steps,
            run_seconds=run_s,
        )


def warm_up_fixed() -> None:
    """Compile (or load from numba's cache) the fixed kernels before Lava forks."""
    cfg = NetworkConfig(n_neurons=2, n_inputs=4)
    p = F.fixed_params(cfg)
    n, n_in = 2, 4
    w = np.full((n_in, n), 10, dtype=np.int32)
    plastic = np.ones((n_in, n))
    fx = np.zeros((F.N_FX, n), dtype=np.int64)
    fx[F.FLAST_E] = F.FNEVER
    fx[F.FLAST_I] = F.FNEVER
    se, si = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    y = np.zeros(n, dtype=np.int64)
    x = np.zeros(n_in, dtype=np.int64)
    key = np.uint64(1)
    for learning in (True, False):
        n_e, n_i = F.neuron_update(fx, 0, p, learning, se, si)
        F.rest_neurons(fx, p, learning)
    F.add_input(fx, np.zeros(n, dtype=np.int64), p)
    F.wta_couple(fx, se, n_e, si, n_i, p)
    F.normalize(w, p, key)
    F.decay_post_traces(y, y.copy(), p, key, 0)
    F.decay_traces(x, p.pre_d, p.decay_shift, np.uint64(F.step_key(key, F.P_PRE, 0)))
    F.transmit_sum(np.arange(1, dtype=np.int64), w, p, np.zeros(n, dtype=np.int64))
    F.depress(np.int64(0), w, plastic, y, p, np.uint64(F.step_key(key, F.P_DEP, 0)))
    F.potentiate(np.int64(0), w, plastic, x, np.int64(3), p, np.uint64(F.step_key(key, 5, 0)))
    F.post_impulses(y, y.copy(), se, 0, p)
    F.rest_traces(y, y.copy(), x, p, key)


def compare_fixed(
    net_cfg: NetworkConfig,
    prune_cfg: PruningConfig,
    images: np.ndarray,
    *,
    seed: int,
    epoch: int = 0,
) -> dict:
    """Train the same fresh fixed-point network with the engine and on Lava; compare.

    The engine side is :func:`lava_aptn.engine.train.train` with the engine's
    :class:`~lava_aptn.engine.pruner.PruningDriver` (as ``lava_aptn.lavarun.compare``
    does in float); the Lava side :func:`run_fixed_lava`. Returns a JSON-ready dict:
    ``bit_exact`` (every field below equal), per-field equality (``spikes``,
    ``weights``, ``syn_state``, ``theta``, ``neuron_state``, ``traces``, ``clock``),
    ``prune_steps`` and the steps per second of both (``engine_steps_per_s``,
    ``lava_steps_per_s``; Lava's excludes compilation).
    """
    flat = images_2d(images, net_cfg.n_inputs)
    start = FixedNetwork.fresh(net_cfg, seed)
    train(start.copy(), flat[:1], seed=seed, epoch=epoch, progress=False)  # compile
    engine = start.copy()
    driver = PruningDriver(as_method(prune_cfg), prune_cfg, flat.shape[0])
    batch_total = np.zeros(net_cfg.n_neurons, dtype=np.int64)

    def on_block(done: int, net, counts: np.ndarray) -> None:
        batch_total[:] += counts
        driver.on_block(done, net, counts)

    t0 = time.perf_counter()
    counters, rest = train(
        engine,
        flat,
        seed=seed,
        epoch=epoch,
        callbacks=((driver.block, on_block),),
        progress=False,
    )
    driver.finish(engine)
    engine_s = time.perf_counter() - t0
    lava = run_fixed_lava(net_cfg, flat, seed=seed, start=start, epoch=epoch, prune_cfg=prune_cfg)
    rows = [r for r in range(F.N_FX) if r not in (F.FY1, F.FY2)]
    fields = {
        "spikes": bool(np.array_equal(lava.image_counts.sum(axis=0), batch_total + rest)),
        "weights": bool(np.array_equal(lava.weights, engine.w)),
        "syn_state": bool(np.array_equal(lava.syn_state, engine.syn_state)),
        "theta": bool(np.array_equal(lava.fx[F.FTHETA], engine.fx[F.FTHETA])),
        "neuron_state": bool(np.array_equal(lava.fx[rows], engine.fx[rows])),
        "traces": bool(
            np.array_equal(lava.y1, engine.fx[F.FY1])
            and np.array_equal(lava.y2, engine.fx[F.FY2])
            and np.array_equal(lava.xpre, engine.xpre)
        ),
        "clock": lava.clock == int(engine.clock[0]),
    }
    steps = int(counters.counts[L.TIME_STEPS])
    return {
        "bit_exact": all(fields.values()),
        **fields,
        "prune_steps_engine": len(driver.steps),
        "prune_steps_lava": lava.prune_steps,
        "steps": steps,
        "engine_steps_per_s": steps / engine_s if engine_s > 0 else float("nan"),
        "lava_steps_per_s": lava.steps / lava.run_seconds if lava.run_seconds > 0 else float("nan"),
    }
