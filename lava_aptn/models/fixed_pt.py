"""Loihi-semantics ``fixed_pt`` ProcessModels of the WTA network, and their registry.

The models run the Processes of :mod:`lava_aptn.processes.fixed` by calling the integer
functions of :mod:`lava_aptn.dynamics.fixed` in the order of
:func:`lava_aptn.engine.simulate_fixed.present_fixed`, so a Lava run and the engine's
fixed mode compute bit-identical weights, thresholds, traces and spikes.

Split of the engine step over the models (one Lava time step = one engine step):

- :class:`PyFixedWtaLayer`: both neuron populations (24-bit ``v``, ``g``, ``theta``):
  :func:`~lava_aptn.dynamics.fixed.neuron_update`, then this step's input increment
  (:func:`~lava_aptn.dynamics.fixed.add_input`) and the WTA couplings; sends the
  excitatory spikes. Post-management after each presentation: ``rest_neurons``.
- :class:`PyFixedPlasticSynapses`: the 8-bit weights and every STDP trace (7-bit ``x``,
  ``y1``, ``y2``): normalisation at a presentation's first step, trace decays,
  transmission (:func:`~lava_aptn.dynamics.fixed.transmit_sum`), depression,
  potentiation and the trace impulses, every stochastic rounding keyed by the input
  spikes' presentation key. Post-management: ``rest_traces``.
- :class:`PyFixedPruningModel`: reads the mantissas, runs the shared pruning code on the
  true weights and writes them back quantized, as the engine's
  ``FixedNetwork.set_synapses`` does.
- The input (:class:`~lava_aptn.processes.input.PoissonImageInput`) and the spike
  counter are the floating_pt models: spikes and counts are exact in any precision.

Ports carry integers in float64 vectors (exact below 2**53). :func:`fixed_model_map`
and :func:`fixed_sim_config` name these models for Lava's compiler
(``sim_config("fixed_pt")`` uses the same map); :mod:`lava_aptn.lavarun.fixed` builds
and runs the network.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort, PyRefPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics.fixed_profile import load_fixed_profile
from lava_aptn.dynamics.synapses import synapse_masks
from lava_aptn.encoding import presentation_key
from lava_aptn.models.pruning import PyPruningModel, _write_confirmed
from lava_aptn.processes.fixed import FixedPlasticSynapses, FixedWtaLayer
from lava_aptn.processes.input import (
    CTRL_IMAGE_END,
    CTRL_PRESENTATION_END,
    PoissonImageInput,
)
from lava_aptn.processes.pruning import PruningProcess
from lava_aptn.pruning.state import STATE_DTYPE


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
