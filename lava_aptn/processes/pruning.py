"""Online weight pruning as its own Process, reaching the weights through RefPorts."""

from __future__ import annotations

import numpy as np
from lava.magma.core.process.ports.ports import InPort, RefPort
from lava.magma.core.process.variable import Var

from lava_aptn.errors import ConfigError
from lava_aptn.processes import _checks
from lava_aptn.processes.input import CTRL_SIZE
from lava_aptn.pruning import ACTIVE, FROZEN, REMOVED, PruningConfig, PruningMethod, as_method

#: Weight layouts: ``in_out`` is (n_inputs, n_neurons) as in the engine and
#: :class:`~lava_aptn.processes.synapses.PlasticSynapses`; ``out_in`` is
#: (n_neurons, n_inputs) as in Lava's ``Dense`` and ``LearningDense``.
WEIGHT_LAYOUTS = ("in_out", "out_in")


class PruningProcess(_checks.CheckedProcess):
    """Runs a pruning method of :mod:`lava_aptn.pruning` on another Process's weights.

    At the end of image ``images_seen`` (a management phase after that step's spiking
    phase) where ``images_seen`` is a point of :func:`lava_aptn.pruning.prune_points`
    for ``train_images`` images, it reads the weights (``weights_ref``), the synapse
    states (``state_ref``, or its own ``syn_state`` when that RefPort is unconnected)
    and the batch spike counts (``counts_ref``), calls
    :func:`lava_aptn.pruning.run_step` with the method, writes the new weights and
    states back and resets the counts to zero. The counts are also reset
    ``prune_batch`` images before the first step, so every step sees the spikes of the
    ``prune_batch`` images before it, as in the engine. There is no pruning logic in
    the synapse model: any Process with a weight Var can be pruned.

    Image ends come from ``ctrl_in`` (connected to a
    :class:`~lava_aptn.processes.input.PoissonImageInput`), or, with
    ``steps_per_image > 0``, every that many time steps.

    Ports
    -----
    weights_ref : RefPort
        To the weight Var, shape (n_inputs, n_neurons) or, with
        ``weight_layout="out_in"``, (n_neurons, n_inputs) (Lava's ``Dense.weights``).
    state_ref : RefPort
        Optional, to a synapse-state Var of the same shape (``uint8`` codes
        ``ACTIVE``/``FROZEN``/``REMOVED``). Unconnected, the states live in ``syn_state``
        here and a removed synapse is only a zero weight in the target.
    counts_ref : RefPort (n_neurons,)
        To a spike-count Var reset after reading (``SpikeCounter.counts``). Unconnected,
        the method gets zero counts.
    ctrl_in : InPort (2,)
        ``[presentation ends, image ends]``.

    Vars
    ----
    syn_state : (n_inputs, n_neurons) uint8
        States after the last step.
    images_seen, steps_done : (1,) int
        Images completed and pruning steps applied.
    last_k : (1,) int
        Index ``k`` of the last step (-1: none yet).
    thresholds : (n_neurons,) float
        Thresholds of the last step (NaN before any).
    last_counts : (n_neurons,) float
        Batch spike counts the last step used.
    connectivity : (1,) float
        Fraction of synapses not removed.

    Parameters
    ----------
    shape : (int, int)
        ``(n_inputs, n_neurons)``.
    config : PruningConfig
        Method name and schedule (``prune_start``, ``prune_batch``).
    train_images : int
        Images of the training run (the schedule's end).
    method : PruningMethod, optional
        Object with ``name`` and ``step(...)``; default the built-in method of ``config``.
    weight_layout : {"in_out", "out_in"}
        Layout of the target's weight (and state) Var.
    steps_per_image : int
        0: image ends from ``ctrl_in``; otherwise every this many steps.
    syn_state : array of uint8 (n_inputs, n_neurons), optional
        Initial states (default all active).
    """

    def __init__(
        self,
        *,
        shape: tuple[int, int],
        config: PruningConfig,
        train_images: int,
        method: PruningMethod | None = None,
        weight_layout: str = "in_out",
        steps_per_image: int = 0,
        syn_state: np.ndarray | None = None,
        name: str | None = None,
    ) -> None:
        if not isinstance(config, PruningConfig):
            raise ConfigError(f"config must be a PruningConfig, got {type(config)!r}")
        if len(tuple(shape)) != 2:
            raise ConfigError(f"shape must be (n_inputs, n_neurons), got {shape!r}")
        n_in = _checks.integer("shape[0] (n_inputs)", shape[0], 1)
        n = _checks.integer("shape[1] (n_neurons)", shape[1], 1)
        if weight_layout not in WEIGHT_LAYOUTS:
            raise ConfigError(
                f"weight_layout must be one of {WEIGHT_LAYOUTS}, got {weight_layout!r}"
            )
        if syn_state is None:
            state = np.full((n_in, n), ACTIVE, dtype=np.uint8)
        else:
            state = _checks.array("syn_state", syn_state, (n_in, n), np.uint8)
            if not np.isin(state, (ACTIVE, FROZEN, REMOVED)).all():
                raise ConfigError("syn_state holds codes other than ACTIVE, FROZEN, REMOVED")
        super().__init__(
            config=config,
            method=as_method(config if method is None else method),
            train_images=_checks.integer("train_images", train_images, 0),
            weight_layout=weight_layout,
            steps_per_image=_checks.integer("steps_per_image", steps_per_image, 0),
            name=name,
        )
        target = (n_in, n) if weight_layout == "in_out" else (n, n_in)
        self.weights_ref = RefPort(shape=target)
        self.state_ref = RefPort(shape=target)
        self.counts_ref = RefPort(shape=(n,))
        self.ctrl_in = InPort(shape=(CTRL_SIZE,))
        self.syn_state = Var(shape=(n_in, n), init=state)
        self.images_seen = Var(shape=(1,), init=0)
        self.steps_done = Var(shape=(1,), init=0)
        self.last_k = Var(shape=(1,), init=-1)
        self.thresholds = Var(shape=(n,), init=np.nan)
        self.last_counts = Var(shape=(n,), init=0.0)
        self.connectivity = Var(shape=(1,), init=float(np.mean(state != REMOVED)))


def attach_pruner(
    *, input_proc, synapses, counter, config, train_images: int, method, syn_state
) -> PruningProcess:
    """Create a :class:`PruningProcess` for our network and connect it (wiring only).

    Its control input follows ``input_proc``'s image ends; its RefPorts reach the
    ``weights`` and ``syn_state`` Vars of ``synapses`` and the ``counts`` of ``counter``.
    Used by the floating-point and fixed-point network builders alike.
    """
    pruner = PruningProcess(
        shape=syn_state.shape,
        config=config,
        train_images=train_images,
        method=method,
        syn_state=syn_state,
        name="pruner",
    )
    input_proc.ctrl_out.connect(pruner.ctrl_in)
    pruner.weights_ref.connect_var(synapses.weights)
    pruner.state_ref.connect_var(synapses.syn_state)
    pruner.counts_ref.connect_var(counter.counts)
    return pruner
