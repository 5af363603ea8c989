"""Loihi-semantics ``fixed_pt`` Processes, ProcessModels and runner of the WTA network.

The models call the integer functions of :mod:`lava_aptn.dynamics.fixed` in the
order of :func:`lava_aptn.engine.simulate_fixed.present_fixed`, so a Lava run and the
engine's fixed mode compute bit-identical weights, thresholds, traces and spikes.

Split of the engine step over the Processes (one Lava time step = one engine step):

- :class:`FixedWtaLayer`: both neuron populations (24-bit ``v``, ``g``, ``theta``):
  :func:`~lava_aptn.dynamics.fixed.neuron_update`, then this step's input increment
  (:func:`~lava_aptn.dynamics.fixed.add_input`) and the WTA couplings; sends the
  excitatory spikes. Post-management after each presentation: ``rest_neurons``.
- :class:`FixedPlasticSynapses`: the 8-bit weights and every STDP trace (7-bit ``x``,
  ``y1``, ``y2``; on Loihi the traces live in the learning engine at the synapse):
  normalisation at a presentation's first step, trace decays, transmission
  (:func:`~lava_aptn.dynamics.fixed.transmit_sum`), depression, potentiation and the
  trace impulses. It follows the input's control vector to know the image and
  presentation, hence the key of every stochastic rounding (the input spikes' key).
- The input (:class:`~lava_aptn.processes.input.PoissonImageInput`) and the spike
  counter are the floating_pt models: spikes and counts are exact in any precision.

Ports carry integers in float64 vectors (exact below 2**53); state Vars are integers
with the widths declared next to them. Pruning: :class:`PyFixedPruningModel` reads the
mantissas, runs the shared pruning code on the true weights and writes them back
quantized, as the engine's ``FixedNetwork.set_synapses`` does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort, PyRefPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.process.variable import Var
from lava.magma.core.resources import CPU
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.fixed_profile import load_fixed_profile
from lava_aptn.dynamics.synapses import synapse_masks
from lava_aptn.encoding import presentation_key, train_stream
from lava_aptn.models.pruning import PyPruningModel, _write_confirmed
from lava_aptn.processes.input import (
    CTRL_IMAGE_END,
    CTRL_PRESENTATION_END,
    CTRL_SIZE,
    PoissonImageInput,
)
from lava_aptn.processes.pruning import PruningProcess, attach_pruner
from lava_aptn.pruning import PruningConfig, PruningMethod
from lava_aptn.pruning.state import STATE_DTYPE


class FixedWtaLayer(AbstractProcess):
    """Excitatory and inhibitory populations in Loihi-style integers (see module doc).

    Vars: ``fx`` (N_FX, n) int64 (rows of :mod:`lava_aptn.dynamics.fixed`; the trace
    rows are unused here), ``clock`` (1,) int64 (the engine's global step).
    """

    def __init__(self, *, config: NetworkConfig, fx, clock: int, learning: bool, name=None):
        super().__init__(config=config, learning=bool(learning), name=name)
        n = config.n_neurons
        self.a_in = InPort(shape=(n,))
        self.s_out = OutPort(shape=(n,))
        self.fx = Var(shape=(F.N_FX, n), init=np.array(fx, dtype=np.int64))
        self.clock = Var(shape=(1,), init=np.array([clock], dtype=np.int64))


class FixedPlasticSynapses(AbstractProcess):
    """8-bit plastic input synapses with integer triplet STDP (see module doc).

    Vars: ``weights`` (n_in, n) mantissas, ``syn_state``, ``xpre`` (n_in,), ``y1``,
    ``y2`` (n,) 7-bit traces, ``image``, ``presentation`` (1,) (the stochastic-rounding
    key's counters, advanced by the control vector).
    """

    def __init__(
        self,
        *,
        config: NetworkConfig,
        weights,
        syn_state,
        xpre,
        y1,
        y2,
        seed: int,
        stream: int,
        first_index: int,
        learning: bool,
        name=None,
    ):
        super().__init__(
            config=config,
            learning=bool(learning),
            seed=int(seed),
            stream=int(stream),
            first_index=int(first_index),
            name=name,
        )
        n_in, n = config.n_inputs, config.n_neurons
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n,))
        self.s_post = InPort(shape=(n,))
        self.ctrl_in = InPort(shape=(CTRL_SIZE,))
        self.weights = Var(shape=(n_in, n), init=np.array(weights, dtype=np.int32))
        self.syn_state = Var(shape=(n_in, n), init=np.array(syn_state, dtype=STATE_DTYPE))
        self.xpre = Var(shape=(n_in,), init=np.array(xpre, dtype=np.int64))
        self.y1 = Var(shape=(n,), init=np.array(y1, dtype=np.int64))
        self.y2 = Var(shape=(n,), init=np.array(y2, dtype=np.int64))
        self.image = Var(shape=(1,), init=np.zeros(1, dtype=np.int64))
        self.presentation = Var(shape=(1,), init=np.zeros(1, dtype=np.int64))


@implements(proc=FixedWtaLayer, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyFixedWtaLayer(PyLoihiProcessModel):
    """Integer WTA layer: ``neuron_update``, ``add_input``, ``wta_couple``; rest in mgmt."""

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)  # G units, integer-valued
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)  # binary spikes
    fx: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=24)  # v, g, theta 24-bit
    clock: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        cfg = proc_params["config"]
        self._p = F.fixed_params(cfg)
        self._learning = proc_params["learning"]
        self._n_steps = cfg.presentation_steps
        n = cfg.n_neurons
        self._se = np.zeros(n, dtype=np.int64)
        self._si = np.zeros(n, dtype=np.int64)
        self._spikes = np.zeros(n)

    def run_spk(self) -> None:
        """One engine step of both populations."""
        t = int(self.clock[0])
        n_e, n_i = F.neuron_update(self.fx, t, self._p, self._learning, self._se, self._si)
        delta = self.a_in.recv().astype(np.int64)
        F.add_input(self.fx, delta, self._p)
        F.wta_couple(self.fx, self._se, n_e, self._si, n_i, self._p)
        self._spikes[:] = 0.0
        self._spikes[self._se[:n_e]] = 1.0
        self.s_out.send(self._spikes)
        self.clock[0] = t + 1

    def post_guard(self) -> bool:
        """Request a management phase when a presentation ends at this step."""
        return self.time_step % self._n_steps == 0

    def run_post_mgmt(self) -> None:
        """Closed-form integer rest of the neurons; advance the clock by the rest."""
        F.rest_neurons(self.fx, self._p, self._learning)
        self.clock[0] += self._p.rest_steps


@implements(proc=FixedPlasticSynapses, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyFixedPlasticSynapses(PyLoihiProcessModel):
    """Integer synapses and traces in the engine's order (see module doc)."""

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    s_post: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    ctrl_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, np.int32, precision=8)  # 8-bit mantissa
    syn_state: np.ndarray = LavaPyType(np.ndarray, STATE_DTYPE)
    xpre: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)  # 7-bit pre trace
    y1: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)  # 7-bit post traces
    y2: np.ndarray = LavaPyType(np.ndarray, np.int64, precision=7)
    image: np.ndarray = LavaPyType(np.ndarray, np.int64)
    presentation: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        cfg = proc_params["config"]
        self._p = F.fixed_params(cfg)
        self._learning = proc_params["learning"]
        self._seed = proc_params["seed"]
        self._stream = proc_params["stream"]
        self._first = proc_params["first_index"]
        self._n_steps = cfg.presentation_steps
        self._delta = np.zeros(cfg.n_neurons, dtype=np.int64)
        self._plastic: np.ndarray | None = None
        self._seen: tuple = (None, None)
        self._key = np.uint64(0)

    def _check_writes(self) -> None:
        """Rebuild the plastic mask after a RefPort write (which replaces the array)."""
        if self._seen[0] is not self.weights or self._seen[1] is not self.syn_state:
            self.weights = np.array(self.weights, dtype=np.int32, order="C", copy=True)
            self.syn_state = np.array(self.syn_state, dtype=STATE_DTYPE, order="C", copy=True)
            self._plastic = synapse_masks(self.weights, self.syn_state)[0]
            self._seen = (self.weights, self.syn_state)

    def run_spk(self) -> None:
        """One engine step: decays, transmission, STDP, impulses, key bookkeeping."""
        p = self._p
        self._check_writes()
        s = (self.time_step - 1) % self._n_steps
        key = np.uint64(
            presentation_key(
                self._seed,
                self._stream,
                self._first + int(self.image[0]),
                int(self.presentation[0]),
            )
        )
        self._key = key
        if s == 0 and self._learning and p.norm_target > 0:
            F.normalize(self.weights, p, key)
        F.decay_post_traces(self.y1, self.y2, p, key, s)
        F.decay_traces(self.xpre, p.pre_d, p.decay_shift, np.uint64(F.step_key(key, F.P_PRE, s)))
        pixels = np.flatnonzero(self.s_in.recv()).astype(np.int64)
        F.transmit_sum(pixels, self.weights, p, self._delta)
        self.a_out.send(self._delta.astype(np.float64))
        if self._learning and pixels.size:
            dkey = np.uint64(F.step_key(key, F.P_DEP, s))
            for j in pixels:
                F.depress(j, self.weights, self._plastic, self.y1, p, dkey)
        for j in pixels:
            self.xpre[j] = min(self.xpre[j] + p.trace_impulse, p.trace_max)
        spiked = np.flatnonzero(self.s_post.recv()).astype(np.int64)
        if self._learning and spiked.size:
            pkey = np.uint64(F.step_key(key, F.P_POT, s))
            for i in spiked:
                F.potentiate(i, self.weights, self._plastic, self.xpre, self.y2[i], p, pkey)
        F.post_impulses(self.y1, self.y2, spiked, spiked.size, p)
        ctrl = self.ctrl_in.recv()
        if ctrl[CTRL_PRESENTATION_END] > 0.0:
            if ctrl[CTRL_IMAGE_END] > 0.0:
                self.image[0] += 1
                self.presentation[0] = 0
            else:
                self.presentation[0] += 1

    def post_guard(self) -> bool:
        """Request a management phase when a presentation ends at this step."""
        return self.time_step % self._n_steps == 0

    def run_post_mgmt(self) -> None:
        """Stochastic closed-form rest of the traces, keyed by the presentation just ended."""
        F.rest_traces(self.y1, self.y2, self.xpre, self._p, self._key)


@implements(proc=PruningProcess, protocol=LoihiProtocol)
@requires(CPU)
@tag("fixed_pt")
class PyFixedPruningModel(PyPruningModel):
    """The pruning model on 8-bit mantissas: dequantize, prune, quantize back.

    The same conversion as the engine's ``FixedNetwork.weights`` and
    ``FixedNetwork.set_synapses`` around the same :func:`lava_aptn.pruning.run_step`.
    """

    weights_ref: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, np.int32, precision=8)

    def _read_weights(self) -> np.ndarray:
        from lava_aptn.engine.simulate_fixed import dequantize_weights

        return dequantize_weights(
            self._layout(np.asarray(self.weights_ref.read())), load_fixed_profile()
        )

    def _write_weights(self, weights: np.ndarray) -> None:
        from lava_aptn.engine.simulate_fixed import quantize_weights

        _write_confirmed(
            self.weights_ref, self._layout(quantize_weights(weights, load_fixed_profile()))
        )


def fixed_model_map():
    """Return ``{Process class: ProcessModel}`` for a fixed_pt run of the WTA network."""
    from lava_aptn.models.counter import PySpikeCounterModel
    from lava_aptn.models.input import PyPoissonImageInputModel
    from lava_aptn.models.registry import ModelMap
    from lava_aptn.processes import SpikeCounter

    return ModelMap(
        {
            PoissonImageInput: PyPoissonImageInputModel,  # binary spikes: any precision
            SpikeCounter: PySpikeCounterModel,  # exact counts: any precision
            FixedPlasticSynapses: PyFixedPlasticSynapses,
            FixedWtaLayer: PyFixedWtaLayer,
            PruningProcess: PyFixedPruningModel,
        }
    )


def fixed_sim_config(**kwargs) -> Loihi2SimCfg:
    """Return a ``Loihi2SimCfg(select_tag="fixed_pt")`` naming our fixed_pt models."""
    return Loihi2SimCfg(select_tag="fixed_pt", exception_proc_model_map=fixed_model_map(), **kwargs)


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
    from lava_aptn.lavarun.runtime import lava_session
    from lava_aptn.processes import SpikeCounter
    from lava_aptn.processes._checks import images_2d

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
    from lava_aptn.engine.pruner import PruningDriver
    from lava_aptn.engine.simulate_fixed import FixedNetwork
    from lava_aptn.engine.train import train
    from lava_aptn.processes._checks import images_2d
    from lava_aptn.pruning.methods import as_method

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
