"""The winner-take-all layer: excitatory and inhibitory conductance LIF populations."""

from __future__ import annotations

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.variable import Var

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics.neurons import fresh_state
from lava_aptn.errors import ConfigError
from lava_aptn.processes import _checks


class WtaLayer(_checks.CheckedProcess):
    r"""N excitatory conductance LIF neurons with adaptive threshold and N inhibitory ones.

    Excitatory neuron ``i`` excites inhibitory neuron ``i`` (``syn.w_exc_inh``), which
    inhibits every other excitatory neuron (``syn.w_inh_exc``): both populations live
    in this one Process so that the E -> I -> E loop takes exactly the engine's two
    steps. Each step the model calls :func:`lava_aptn.dynamics.neurons.neuron_step`
    (membranes from the conductances at the start of the step, exact decay of
    conductances, post traces and ``theta``, spike detection), *then* adds the input
    conductance increment received on ``a_in`` (so that input of step ``t`` acts from
    step ``t + 1``), resets the post traces of the excitatory neurons that fired, and
    sends their spikes on ``s_out``. After every presentation (a management phase) the
    rest is applied in closed form with :func:`lava_aptn.dynamics.neurons.rest` and the
    clock advances by the rest's steps.

    Ports
    -----
    a_in : InPort (n_neurons,)
        Increment of the excitatory conductance ``g_e`` of the excitatory neurons.
    s_out : OutPort (n_neurons,)
        1.0 for each excitatory neuron that fires at this step.

    Vars
    ----
    state : (N_FLOAT_STATE, n_neurons) float
        Packed float state, rows as in :mod:`lava_aptn.dynamics.layout` (``V_E``,
        ``GE_E``, ``GI_E``, ``THETA``, ``Y1``, ``Y2``, ...).
    int_state : (N_INT_STATE, n_neurons) int
        Last spike steps and recent-spiker lists.
    clock : (1,) int
        The engine's time step (presentation steps plus rest steps).

    Parameters
    ----------
    config : NetworkConfig
        Neuron parameters, WTA weights and presentation/rest durations.
    state, int_state : array, optional
        Initial packed state (default :func:`fresh_state`).
    clock : int
        Engine time step of the first Lava step.
    learning : bool
        Training (``theta`` adapts and decays) or inference.
    """

    def __init__(
        self,
        *,
        config: NetworkConfig,
        state: np.ndarray | None = None,
        int_state: np.ndarray | None = None,
        clock: int = 0,
        learning: bool = True,
        name: str | None = None,
    ) -> None:
        if not isinstance(config, NetworkConfig):
            raise ConfigError(f"config must be a NetworkConfig, got {type(config)!r}")
        n = config.n_neurons
        fs0, ist0 = fresh_state(config)
        fs = fs0 if state is None else _checks.array("state", state, fs0.shape, np.float64)
        ist = (
            ist0
            if int_state is None
            else _checks.array("int_state", int_state, ist0.shape, np.int64)
        )
        super().__init__(config=config, learning=bool(learning), name=name)
        self.a_in = InPort(shape=(n,))
        self.s_out = OutPort(shape=(n,))
        self.state = Var(shape=fs.shape, init=fs)
        self.int_state = Var(shape=ist.shape, init=ist)
        self.clock = Var(shape=(1,), init=_checks.integer("clock", clock, 0))
