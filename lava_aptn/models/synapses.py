"""ProcessModels of :class:`~lava_aptn.processes.synapses.PlasticSynapses`."""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics import pre_trace_table, step_params
from lava_aptn.dynamics.decay import decay_all
from lava_aptn.dynamics.synapses import fold_scale, normalize, synapse_masks
from lava_aptn.models.kernels import rest_traces, stdp_step, transmit_spikes
from lava_aptn.processes.input import CTRL_IMAGE_END
from lava_aptn.processes.synapses import PlasticSynapses
from lava_aptn.pruning.state import STATE_DTYPE


@implements(proc=PlasticSynapses, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyPlasticSynapsesFloat(PyLoihiProcessModel):
    """float64 synapses; every update is a :mod:`lava_aptn.dynamics.synapses` function.

    Step ``t`` (engine clock ``clock``), in the engine's order
    (:func:`lava_aptn.engine.simulate.present`):

    1. at a training presentation's first step, ``normalize`` (the engine normalises
       before every training presentation); decay the post-trace copies as
       ``neuron_step`` decays the layer's;
    2. receive the input spikes ``s(t)``, send their conductance increment
       (``transmit`` per spike, in pixel order);
    3. receive the excitatory spikes ``e(t)`` and, when learning, apply ``depress``
       for ``s(t)`` and ``potentiate`` for ``e(t)``
       (:func:`~lava_aptn.models.kernels.stdp_step`);
    4. receive the control vector; at an image end that is a fold point, ``fold_scale``
       (in the spiking phase, so a pruning process reading the weights in this step's
       management phase sees true weights with ``scale = 1``).

    After each presentation a management phase relaxes the trace copies through
    ``rest`` and advances the clock by the rest's steps. A RefPort write to
    ``weights`` or ``syn_state`` (which replaces the array) is detected at the next
    step and handled like ``Network.set_synapses``.
    """

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    a_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    s_post: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    ctrl_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    weights: np.ndarray = LavaPyType(np.ndarray, np.float64)
    syn_state: np.ndarray = LavaPyType(np.ndarray, STATE_DTYPE)
    scale: np.ndarray = LavaPyType(np.ndarray, np.float64)
    rawsum: np.ndarray = LavaPyType(np.ndarray, np.float64)
    last_pre: np.ndarray = LavaPyType(np.ndarray, np.int64)
    y1: np.ndarray = LavaPyType(np.ndarray, np.float64)
    y2: np.ndarray = LavaPyType(np.ndarray, np.float64)
    last_post: np.ndarray = LavaPyType(np.ndarray, np.int64)
    clock: np.ndarray = LavaPyType(np.ndarray, np.int64)
    images_done: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        cfg = proc_params["config"]
        self._p = step_params(cfg)
        self._pre_table = pre_trace_table(cfg)
        self._learning = proc_params["learning"]
        self._fold_every = proc_params["fold_every"]
        self._total = proc_params["total_images"]
        self._n_steps = cfg.presentation_steps
        n = cfg.n_neurons
        self._delta = np.zeros(n)
        self._dep = np.zeros(n)
        self._recent = np.zeros(n, dtype=np.int64)
        self._scratch = np.zeros((L.N_FLOAT_STATE, n))
        self._plastic: np.ndarray | None = None
        self._seen: tuple = (None, None)

    def _derive(self, written: bool) -> None:
        """Rebuild the plastic mask; after an external write, do what ``set_synapses`` does."""
        if written:
            self.weights = np.array(self.weights, dtype=np.float64, order="C", copy=True)
            self.syn_state = np.array(self.syn_state, dtype=STATE_DTYPE, order="C", copy=True)
            self.scale[:] = 1.0
        self._plastic = synapse_masks(self.weights, self.syn_state)[0]
        if written:
            self.rawsum[:] = self.weights.sum(axis=0)
        self._seen = (self.weights, self.syn_state)

    def on_var_update(self) -> None:
        """Rebuild the plastic mask after a host ``Var.set`` (weights, rawsum: set them too)."""
        self._derive(written=False)

    def _check_writes(self) -> None:
        if self._seen[0] is not self.weights or self._seen[1] is not self.syn_state:
            self._derive(written=self._plastic is not None)

    def _fold_point(self, images: int) -> bool:
        return images == self._total or any(images % k == 0 for k in self._fold_every)

    def run_spk(self) -> None:
        """One engine time step: transmit, then learn once the layer's spikes are in."""
        self._check_writes()
        p, t = self._p, int(self.clock[0])
        if self._learning and p.norm_total > 0.0 and (self.time_step - 1) % self._n_steps == 0:
            normalize(self.rawsum, self.scale, p.norm_total)
        decay_all(self.y1, p.decay_post1)
        decay_all(self.y2, p.decay_post2)
        pixels = np.flatnonzero(self.s_in.recv())
        transmit_spikes(pixels, self.weights, self.scale, self._delta)
        self.a_out.send(self._delta)
        spiked = np.flatnonzero(self.s_post.recv())
        if self._learning:
            stdp_step(
                pixels,
                spiked,
                self.weights,
                self._plastic,
                self.scale,
                self.rawsum,
                self.y1,
                self.y2,
                self.last_pre,
                self.last_post,
                t,
                p,
                self._pre_table,
                self._dep,
                self._recent,
            )
        else:
            self.last_post[spiked] = t
            self.y1[spiked] = 1.0
            self.y2[spiked] = 1.0
        if self.ctrl_in.recv()[CTRL_IMAGE_END] > 0.0:
            self.images_done[0] += 1
            if self._learning and self._fold_point(int(self.images_done[0])):
                fold_scale(self.weights, self.scale, self.rawsum)
        self.clock[0] = t + 1

    def post_guard(self) -> bool:
        """Request a management phase when a presentation ends at this step."""
        return self.time_step % self._n_steps == 0

    def run_post_mgmt(self) -> None:
        """Relax the trace copies through the rest after a presentation; advance the clock."""
        rest_traces(self.y1, self.y2, self._p, self._scratch)
        self.clock[0] += int(self._p.rest_steps)
