"""The WTA network in Loihi-style integers: the Processes of the ``fixed_pt`` models.

One Lava time step is one step of the engine's fixed mode
(:func:`lava_aptn.engine.simulate_fixed.present_fixed`); the step is split over the
Processes as follows (the arithmetic is in the models, :mod:`lava_aptn.models.fixed_pt`):

- :class:`FixedWtaLayer`: both neuron populations (``v``, ``g``, ``theta``): the neuron
  update, then this step's input increment and the WTA couplings; sends the excitatory
  spikes. After each presentation (a management phase) the neurons rest in closed form.
- :class:`FixedPlasticSynapses`: the weight mantissas and every STDP trace (``x``,
  ``y1``, ``y2``; on Loihi the traces live in the learning engine at the synapse):
  normalisation at a presentation's first step, trace decays, transmission, depression,
  potentiation and the trace impulses. It follows the input's control vector to know the
  image and presentation, hence the key of every stochastic rounding (the input spikes'
  key).
- The input (:class:`~lava_aptn.processes.input.PoissonImageInput`), the spike counter
  and the pruning process are the floating-point network's Processes: spikes and counts
  are exact in any precision, and the ``fixed_pt`` pruning model converts the mantissas.

State Vars hold integers of the widths of ``hw_profiles/fixed_point/loihi2.toml``
(:mod:`lava_aptn.dynamics.fixed_profile`); ports carry integers in float64 vectors
(exact below 2**53). Run these Processes with
:func:`lava_aptn.models.fixed_pt.fixed_sim_config` (or ``sim_config("fixed_pt")``);
:func:`lava_aptn.lavarun.fixed.run_fixed_lava` wires and runs the whole network.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.variable import Var

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import fixed as F
from lava_aptn.errors import ConfigError
from lava_aptn.processes import _checks
from lava_aptn.processes.input import CTRL_SIZE
from lava_aptn.pruning.state import ACTIVE, FROZEN, REMOVED, STATE_DTYPE


class FixedWtaLayer(_checks.CheckedProcess):
    r"""N excitatory and N inhibitory neurons in Loihi-style integers (see module doc).

    Both populations live in this one Process, as in
    :class:`~lava_aptn.processes.layer.WtaLayer`, so that the E -> I -> E loop takes the
    engine's two steps. Each step the model calls
    :func:`lava_aptn.dynamics.fixed.neuron_update`, *then* adds the input increment
    received on ``a_in`` (:func:`~lava_aptn.dynamics.fixed.add_input`, so that input of
    step ``t`` acts from step ``t + 1``), applies the WTA couplings
    (:func:`~lava_aptn.dynamics.fixed.wta_couple`) and sends the excitatory spikes on
    ``s_out``. After every presentation (a management phase) the neurons rest in closed
    form (:func:`~lava_aptn.dynamics.fixed.rest_neurons`) and the clock advances by the
    rest's steps.

    Ports
    -----
    a_in : InPort (n_neurons,)
        Increment of ``g_e`` of the excitatory neurons, integer-valued, in ``G`` units.
    s_out : OutPort (n_neurons,)
        1.0 for each excitatory neuron that fires at this step.

    Vars
    ----
    fx : (N_FX, n_neurons) int64
        Integer neuron state, rows of :mod:`lava_aptn.dynamics.fixed` (``FV_E``,
        ``FGE_E``, ``FGI_E``, ``FTHETA``, ``FV_I``, ..., ``FLAST_E``, ``FLAST_I``); the
        trace rows ``FY1``, ``FY2`` are unused here (the traces live in the synapses).
    clock : (1,) int64
        The engine's time step (presentation steps plus rest steps).

    Parameters
    ----------
    config : NetworkConfig
        Neuron parameters, WTA weights and presentation/rest durations (converted to
        integers by :func:`lava_aptn.dynamics.fixed.fixed_params` in the model).
    fx : array of int (N_FX, n_neurons)
        Initial state, e.g. ``FixedNetwork.fx`` of the engine's fixed mode.
    clock : int
        Engine time step of the first Lava step.
    learning : bool
        Training (``theta`` adapts and decays) or inference.
    """

    def __init__(
        self,
        *,
        config: NetworkConfig,
        fx: np.ndarray,
        clock: int,
        learning: bool,
        name: str | None = None,
    ) -> None:
        if not isinstance(config, NetworkConfig):
            raise ConfigError(f"config must be a NetworkConfig, got {type(config)!r}")
        n = config.n_neurons
        state = _checks.integer_array("fx", fx, (F.N_FX, n), np.int64)
        start = _checks.integer("clock", clock, 0)
        super().__init__(config=config, learning=bool(learning), name=name)
        self.a_in = InPort(shape=(n,))
        self.s_out = OutPort(shape=(n,))
        self.fx = Var(shape=(F.N_FX, n), init=state)
        self.clock = Var(shape=(1,), init=np.array([start], dtype=np.int64))


class FixedPlasticSynapses(_checks.CheckedProcess):
    r"""Input-to-excitatory synapses with integer triplet STDP (see module doc).

    Each step the model, in the engine's order: normalises each neuron's incoming
    mantissas at the first step of a training presentation
    (:func:`~lava_aptn.dynamics.fixed.normalize`), decays the traces, receives the input
    spikes on ``s_in`` and sends on ``a_out`` the sum of their weight rows in ``G`` units
    (:func:`~lava_aptn.dynamics.fixed.transmit_sum`), depresses (when learning), adds the
    presynaptic impulses, receives the excitatory spikes on ``s_post``, potentiates (when
    learning) and adds the postsynaptic impulses. Only ``ACTIVE`` synapses learn. Every
    stochastic rounding is keyed by the presentation key of the input spikes, found from
    ``seed``, ``stream``, ``first_index`` and the ``image`` and ``presentation`` counters,
    which follow the control vector received on ``ctrl_in``. Between presentations (a
    management phase) the traces rest in closed form
    (:func:`~lava_aptn.dynamics.fixed.rest_traces`).

    Writes to ``weights`` or ``syn_state`` through a RefPort (a pruning step) are picked
    up at the next step.

    Ports
    -----
    s_in : InPort (n_inputs,)
        1.0 for each input that fires at this step.
    a_out : OutPort (n_neurons,)
        Increment of ``g_e`` of the excitatory neurons, integer-valued, in ``G`` units.
    s_post : InPort (n_neurons,)
        Excitatory spikes of this step (from the layer's ``s_out``).
    ctrl_in : InPort (2,)
        ``[presentation ends, image ends]`` (from the input's ``ctrl_out``).

    Vars
    ----
    weights : (n_inputs, n_neurons) int32
        Unsigned weight mantissas (``weight_bits``); true weight
        ``weights * 2**weight_exp / 2**weight_bits``.
    syn_state : (n_inputs, n_neurons) uint8
        ``ACTIVE``/``FROZEN``/``REMOVED`` codes.
    xpre : (n_inputs,) int64
        Presynaptic traces (``trace_bits``).
    y1, y2 : (n_neurons,) int64
        Fast and slow postsynaptic traces (``trace_bits``).
    image, presentation : (1,) int64
        Image (counted from ``first_index``) and presentation number being shown.

    Parameters
    ----------
    config : NetworkConfig
        Sizes, STDP constants, normalisation and presentation length (converted to
        integers by :func:`lava_aptn.dynamics.fixed.fixed_params` in the model).
    weights : array of int (n_inputs, n_neurons)
        Initial mantissas, input-major (``FixedNetwork.w``).
    syn_state : array of uint8 (n_inputs, n_neurons)
        Initial synapse states.
    xpre : array of int (n_inputs,)
        Initial presynaptic traces (``FixedNetwork.xpre``).
    y1, y2 : array of int (n_neurons,)
        Initial postsynaptic traces (rows ``FY1``, ``FY2`` of ``FixedNetwork.fx``).
    seed, stream : int
        The input spikes' key parts (as given to the input Process).
    first_index : int
        Dataset index of the first image (keys the stochastic rounding).
    learning : bool
        STDP and normalisation on (training) or off (inference).
    """

    def __init__(
        self,
        *,
        config: NetworkConfig,
        weights: np.ndarray,
        syn_state: np.ndarray,
        xpre: np.ndarray,
        y1: np.ndarray,
        y2: np.ndarray,
        seed: int,
        stream: int,
        first_index: int,
        learning: bool,
        name: str | None = None,
    ) -> None:
        if not isinstance(config, NetworkConfig):
            raise ConfigError(f"config must be a NetworkConfig, got {type(config)!r}")
        n_in, n = config.n_inputs, config.n_neurons
        w = _checks.integer_array("weights", weights, (n_in, n), np.int32, minimum=0)
        state = _checks.array("syn_state", syn_state, (n_in, n), STATE_DTYPE)
        if not np.isin(state, (ACTIVE, FROZEN, REMOVED)).all():
            raise ConfigError("syn_state holds codes other than ACTIVE, FROZEN, REMOVED")
        x = _checks.integer_array("xpre", xpre, (n_in,), np.int64, minimum=0)
        fast = _checks.integer_array("y1", y1, (n,), np.int64, minimum=0)
        slow = _checks.integer_array("y2", y2, (n,), np.int64, minimum=0)
        super().__init__(
            config=config,
            learning=bool(learning),
            seed=_checks.integer("seed", seed, 0),
            stream=_checks.integer("stream", stream, 0),
            first_index=_checks.integer("first_index", first_index, 0),
            name=name,
        )
        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n,))
        self.s_post = InPort(shape=(n,))
        self.ctrl_in = InPort(shape=(CTRL_SIZE,))
        self.weights = Var(shape=(n_in, n), init=w)
        self.syn_state = Var(shape=(n_in, n), init=state)
        self.xpre = Var(shape=(n_in,), init=x)
        self.y1 = Var(shape=(n,), init=fast)
        self.y2 = Var(shape=(n,), init=slow)
        self.image = Var(shape=(1,), init=np.zeros(1, dtype=np.int64))
        self.presentation = Var(shape=(1,), init=np.zeros(1, dtype=np.int64))
