"""Build the whole WTA network as Lava Processes from the engine's configuration objects."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from lava.magma.core.process.process import AbstractProcess
from lava.magma.core.run_configs import Loihi2SimCfg

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import train_stream
from lava_aptn.engine.network import Network
from lava_aptn.engine.train import CHUNK_IMAGES
from lava_aptn.errors import ConfigError
from lava_aptn.models import sim_config
from lava_aptn.processes import (
    PlasticSynapses,
    PoissonImageInput,
    PruningProcess,
    SpikeCounter,
    WtaLayer,
)
from lava_aptn.processes._checks import images_2d
from lava_aptn.processes.pruning import attach_pruner
from lava_aptn.pruning import PruningConfig, PruningMethod


def fold_periods(prune_cfg: PruningConfig) -> tuple[int, int]:
    """Image periods at which the engine folds the normalisation scale into the weights.

    :func:`lava_aptn.engine.train.train` ends a compiled chunk, and folds, at multiples
    of ``CHUNK_IMAGES`` and of the pruning driver's block
    ``gcd(prune_start, prune_batch)`` (and at the end of the run).
    """
    return (CHUNK_IMAGES, math.gcd(prune_cfg.prune_start, prune_cfg.prune_batch))


@dataclass
class LavaNetwork:
    """The Processes of one WTA network and how they are wired.

    Connections (``docs/lava.md`` has the diagram and the timing)::

        input.s_out      -> synapses.s_in             input spikes s(t)
        synapses.a_out   -> layer.a_in                conductance increment of s(t)
        layer.s_out      -> synapses.s_post, counter.s_in, input.e_in
        input.ctrl_out   -> synapses.ctrl_in, counter.ctrl_in, pruner.ctrl_in
        pruner.weights_ref, .state_ref -> synapses.weights, .syn_state
        pruner.counts_ref              -> counter.counts
    """

    config: NetworkConfig
    prune_config: PruningConfig
    input: PoissonImageInput
    synapses: PlasticSynapses
    layer: WtaLayer
    counter: SpikeCounter
    pruner: PruningProcess | None
    n_images: int
    learning: bool

    @property
    def processes(self) -> list[AbstractProcess]:
        """Every Process of the network."""
        procs = [self.input, self.synapses, self.layer, self.counter]
        return procs + ([self.pruner] if self.pruner is not None else [])

    def sim_config(self, select_tag: str = "floating_pt", **kwargs) -> Loihi2SimCfg:
        """Return the run configuration (see :func:`lava_aptn.models.sim_config`)."""
        return sim_config(select_tag, **kwargs)


def build_network(
    net_cfg: NetworkConfig,
    prune_cfg: PruningConfig,
    images: np.ndarray,
    *,
    seed: int,
    learning: bool = True,
    epoch: int = 0,
    stream: int | None = None,
    first_index: int = 0,
    start: Network | None = None,
    method: PruningMethod | None = None,
) -> LavaNetwork:
    """Wire the WTA network of ``net_cfg`` with online pruning by ``prune_cfg``.

    Parameters
    ----------
    net_cfg, prune_cfg
        The same objects the engine uses (:mod:`lava_aptn.engine.run`).
    images : array of uint8, shape (n_images, n_inputs) or (n_images, 28, 28)
        Images shown in order; ``n_images`` is also the training run's length for the
        pruning schedule.
    seed
        Initial weights (unless ``start`` is given) and input spikes.
    learning
        Train (STDP, normalisation, theta, pruning) or only respond.
    epoch, stream
        Input-spike stream: ``train_stream(epoch)`` unless ``stream`` is given.
    first_index
        Dataset index of ``images[0]``.
    start
        Engine network whose state to start from (default ``Network.fresh(net_cfg,
        seed)``): weights, synapse states, scales, neuron state, traces, clock.
    method
        Pruning method object (default the built-in one of ``prune_cfg``).

    Returns
    -------
    LavaNetwork
        With no pruning Process when not learning or when ``prune_cfg.method`` is
        ``"none"``.
    """
    if not isinstance(net_cfg, NetworkConfig):
        raise ConfigError(f"net_cfg must be a NetworkConfig, got {type(net_cfg)!r}")
    flat = images_2d(images, net_cfg.n_inputs)
    n_images, n = flat.shape[0], net_cfg.n_neurons
    net = start if start is not None else Network.fresh(net_cfg, seed)
    if net.config != net_cfg:
        raise ConfigError("start network was built with a different NetworkConfig")
    clock = int(net.clock[0])
    inp = PoissonImageInput.from_config(
        net_cfg,
        flat,
        seed=seed,
        stream=train_stream(epoch) if stream is None else stream,
        first_index=first_index,
        name="input",
    )
    syn = PlasticSynapses(
        config=net_cfg,
        weights=net.w,
        syn_state=net.syn_state,
        scale=net.scale,
        rawsum=net.rawsum,
        last_pre=net.last_pre,
        y1=net.fs[L.Y1],
        y2=net.fs[L.Y2],
        last_post=net.ist[L.LAST_E],
        clock=clock,
        learning=learning,
        fold_every=fold_periods(prune_cfg) if learning else (),
        total_images=n_images if learning else 0,
        name="synapses",
    )
    layer = WtaLayer(
        config=net_cfg,
        state=net.fs,
        int_state=net.ist,
        clock=clock,
        learning=learning,
        name="layer",
    )
    counter = SpikeCounter(n_neurons=n, n_images=n_images, name="counter")
    inp.s_out.connect(syn.s_in)
    syn.a_out.connect(layer.a_in)
    layer.s_out.connect([syn.s_post, counter.s_in, inp.e_in])
    inp.ctrl_out.connect([syn.ctrl_in, counter.ctrl_in])
    pruner = None
    if learning and prune_cfg.method != "none":
        pruner = attach_pruner(
            input_proc=inp,
            synapses=syn,
            counter=counter,
            config=prune_cfg,
            train_images=n_images,
            method=method,
            syn_state=net.syn_state,
        )
    return LavaNetwork(
        config=net_cfg,
        prune_config=prune_cfg,
        input=inp,
        synapses=syn,
        layer=layer,
        counter=counter,
        pruner=pruner,
        n_images=n_images,
        learning=learning,
    )
