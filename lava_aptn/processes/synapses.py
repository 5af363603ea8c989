"""Plastic input-to-excitatory synapses: weights, synapse states, triplet STDP traces.

Why a custom Process and not Lava's ``LearningDense`` with a ``Loihi2FLearningRule``:
the learning engine cannot reproduce the engine's rule bit for bit. Its coefficients
are literals ``a * 2**b`` with a small mantissa, so ``mu_pre = 1e-4`` and
``mu_post = 1e-2`` are only approximated; its traces add an impulse on a spike while
the engine's are reset to 1; it bounds no weight in floating point (the engine clips
to ``[0, w_max]``) and has no per-neuron normalisation scale; and it computes its own
trace values, whereas the engine looks the presynaptic trace up from the last spike
time (``pre_trace_table``, 0 below 1e-30) and skips depression below ``y1 = 2**-60``.
The engine's order within a step (transmission with the weights before this step's
updates, depression with ``y1`` decayed but not yet reset, potentiation with the
presynaptic trace that includes this step's input and ``y2`` just before its reset)
would also have to be reproduced by its epoch-based learning phase. This Process's
model instead calls the engine's own numba functions
(:mod:`lava_aptn.dynamics.synapses`) in the engine's order.
"""

from __future__ import annotations

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.variable import Var

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics.layout import NEVER
from lava_aptn.errors import ConfigError
from lava_aptn.processes import _checks
from lava_aptn.processes.input import CTRL_SIZE
from lava_aptn.pruning.state import ACTIVE, FROZEN, REMOVED


class PlasticSynapses(_checks.CheckedProcess):
    r"""Input-to-excitatory connection with triplet STDP and per-synapse pruning states.

    Each step it receives the input spikes ``s(t)`` on ``s_in``, sends on ``a_out`` the
    conductance increment :math:`\Delta g_{e,i} = \sum_{j \in s(t)} w_{ji}` (which the
    layer adds after its neuron update, so it acts from step ``t + 1``), then receives
    the excitatory spikes ``e(t)`` on ``s_post`` and applies, when learning,

    .. math::
        w_{ji} \leftarrow \max(0, w_{ji} - \mu_{pre} y_{1,i})
        \quad (j \in s(t)), \qquad
        w_{ji} \leftarrow \min(w_{max}, w_{ji} + \mu_{post} x_j y_{2,i}^-)
        \quad (i \in e(t))

    to ``ACTIVE`` synapses only (``FROZEN`` ones transmit without learning,
    ``REMOVED`` ones have weight 0). Before every training presentation each neuron's
    incoming weights are normalised to ``syn.norm_total``; the normalisation scale is
    folded into the stored weights at the image boundaries in ``fold_every`` and after
    ``total_images`` images, the same boundaries as the engine's
    (:mod:`lava_aptn.engine.train`). Between presentations (a management phase) the
    post traces relax like :func:`lava_aptn.dynamics.neurons.rest`.

    ``weights`` holds *raw* weights: the true weight is ``weights * scale``; at fold
    points ``scale`` is 1, which is when a pruning process should read them. Writes to
    ``weights`` or ``syn_state`` through a RefPort (a pruning step) are picked up at the
    next step: removed synapses are zeroed, ``scale`` reset to 1 and ``rawsum``
    recomputed, as :meth:`lava_aptn.engine.network.Network.set_synapses` does.

    Parameters
    ----------
    config : NetworkConfig
        Sizes, STDP constants, weight bound, normalisation and presentation length.
    weights : array (n_inputs, n_neurons)
        Initial raw weights, input-major.
    syn_state : array of uint8 (n_inputs, n_neurons), optional
        ``ACTIVE``/``FROZEN``/``REMOVED`` codes (default all active).
    scale, rawsum : array (n_neurons,), optional
        Normalisation scale (default 1) and column sums of ``weights`` (default computed).
    last_pre : array of int (n_inputs,), optional
        Time step of each input's last spike (default "never").
    y1, y2 : array (n_neurons,), optional
        Copies of the fast and slow post traces (default 0); they must equal the
        layer's.
    last_post : array of int (n_neurons,), optional
        Time step of each neuron's last spike (default "never"); must equal the layer's.
    clock : int
        Engine time step of the first Lava step.
    learning : bool
        STDP and normalisation on (training) or off (inference).
    fold_every : tuple of int
        Image periods at whose multiples the scale is folded into the weights.
    total_images : int
        Fold also after this many images (the end of a training run); 0: never.
    """

    def __init__(
        self,
        *,
        config: NetworkConfig,
        weights: np.ndarray,
        syn_state: np.ndarray | None = None,
        scale: np.ndarray | None = None,
        rawsum: np.ndarray | None = None,
        last_pre: np.ndarray | None = None,
        y1: np.ndarray | None = None,
        y2: np.ndarray | None = None,
        last_post: np.ndarray | None = None,
        clock: int = 0,
        learning: bool = True,
        fold_every: tuple[int, ...] = (),
        total_images: int = 0,
        name: str | None = None,
    ) -> None:
        if not isinstance(config, NetworkConfig):
            raise ConfigError(f"config must be a NetworkConfig, got {type(config)!r}")
        n_in, n = config.n_inputs, config.n_neurons
        w = _checks.array("weights", weights, (n_in, n), np.float64, finite=True)
        if syn_state is None:
            state = np.full((n_in, n), ACTIVE, dtype=np.uint8)
        else:
            state = _checks.array("syn_state", syn_state, (n_in, n), np.uint8)
            if not np.isin(state, (ACTIVE, FROZEN, REMOVED)).all():
                raise ConfigError("syn_state holds codes other than ACTIVE, FROZEN, REMOVED")
            w[state == REMOVED] = 0.0
        if np.any(w < 0):
            raise ConfigError(f"weights must be >= 0, found {float(w.min())!r}")
        periods = tuple(_checks.integer("fold_every period", p, 1) for p in fold_every)
        super().__init__(
            config=config,
            learning=bool(learning),
            fold_every=periods,
            total_images=_checks.integer("total_images", total_images, 0),
            name=name,
        )

        def vec(label, value, default, dtype, size):
            if value is None:
                return np.full(size, default, dtype=dtype)
            return _checks.array(label, value, (size,), dtype, finite=True)

        self.s_in = InPort(shape=(n_in,))
        self.a_out = OutPort(shape=(n,))
        self.s_post = InPort(shape=(n,))
        self.ctrl_in = InPort(shape=(CTRL_SIZE,))
        self.weights = Var(shape=(n_in, n), init=w)
        self.syn_state = Var(shape=(n_in, n), init=state)
        self.scale = Var(shape=(n,), init=vec("scale", scale, 1.0, np.float64, n))
        sums = w.sum(axis=0) if rawsum is None else vec("rawsum", rawsum, 0.0, np.float64, n)
        self.rawsum = Var(shape=(n,), init=sums)
        self.last_pre = Var(shape=(n_in,), init=vec("last_pre", last_pre, NEVER, np.int64, n_in))
        self.y1 = Var(shape=(n,), init=vec("y1", y1, 0.0, np.float64, n))
        self.y2 = Var(shape=(n,), init=vec("y2", y2, 0.0, np.float64, n))
        self.last_post = Var(shape=(n,), init=vec("last_post", last_post, NEVER, np.int64, n))
        self.clock = Var(shape=(1,), init=_checks.integer("clock", clock, 0))
        self.images_done = Var(shape=(1,), init=0)
