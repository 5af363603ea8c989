"""ProcessModels of :class:`~lava_aptn.processes.layer.WtaLayer`."""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.dynamics import step_params
from lava_aptn.dynamics.neurons import neuron_step, rest
from lava_aptn.models.kernels import wta_after_step
from lava_aptn.processes.layer import WtaLayer


@implements(proc=WtaLayer, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyWtaLayerFloat(PyLoihiProcessModel):
    """float64 WTA layer: the engine's neuron step, then this step's input increment.

    Step ``t`` (engine clock ``clock``): :func:`~lava_aptn.dynamics.neurons.neuron_step`
    from the conductances at the start of the step; receive ``a_in`` (the synapses'
    increment for this step's input spikes) and add it with
    :func:`~lava_aptn.models.kernels.wta_after_step`, which also applies the E -> I and
    I -> E couplings; send the excitatory spikes. At the last step of every presentation
    a post-management phase applies :func:`~lava_aptn.dynamics.neurons.rest` and adds
    the rest's steps to the clock.
    """

    a_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    state: np.ndarray = LavaPyType(np.ndarray, np.float64)
    int_state: np.ndarray = LavaPyType(np.ndarray, np.int64)
    clock: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        cfg = proc_params["config"]
        self._p = step_params(cfg)
        self._learning = proc_params["learning"]
        self._n_steps = cfg.presentation_steps
        n = cfg.n_neurons
        self._spiked_e = np.zeros(n, dtype=np.int64)
        self._spiked_i = np.zeros(n, dtype=np.int64)
        self._spikes = np.zeros(n)

    def run_spk(self) -> None:
        """One engine time step of both populations."""
        t = int(self.clock[0])
        n_e, n_i = neuron_step(
            self.state, self.int_state, t, self._p, self._learning, self._spiked_e, self._spiked_i
        )
        delta = self.a_in.recv()
        wta_after_step(
            self.state,
            self.int_state,
            delta,
            self._spiked_e,
            n_e,
            self._spiked_i,
            n_i,
            self._p,
            self._spikes,
        )
        self.s_out.send(self._spikes)
        self.clock[0] = t + 1

    def post_guard(self) -> bool:
        """Request a management phase when a presentation ends at this step."""
        return self.time_step % self._n_steps == 0

    def run_post_mgmt(self) -> None:
        """Apply the rest after a presentation in closed form; advance the clock."""
        rest(self.state, self._p, self._learning)
        self.clock[0] += int(self._p.rest_steps)
