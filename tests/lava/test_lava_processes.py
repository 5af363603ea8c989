"""Processes, model registry and builder without running Lava (fast)."""

import numpy as np
import pytest

from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics import layout as L
from lava_aptn.engine.network import Network
from lava_aptn.engine.train import CHUNK_IMAGES
from lava_aptn.errors import ConfigError
from lava_aptn.lavarun import build_network, fold_periods
from lava_aptn.models import MODELS, PyPlasticSynapsesFloat, model_map, sim_config
from lava_aptn.processes import (
    FixedPlasticSynapses,
    FixedWtaLayer,
    PlasticSynapses,
    PoissonImageInput,
    PruningProcess,
    SpikeCounter,
    WtaLayer,
    fresh_state,
)
from lava_aptn.pruning import PruningConfig


def test_every_process_has_a_floating_point_model():
    for proc_cls in (PoissonImageInput, PlasticSynapses, WtaLayer, SpikeCounter, PruningProcess):
        model = MODELS["floating_pt"][proc_cls]
        assert model.implements_process is proc_cls
        assert "floating_pt" in model.tags


def test_model_map_answers_for_instances_and_classes(config):
    cfg = config(3)
    syn = PlasticSynapses(config=cfg, weights=np.full((100, 3), 0.1))
    mapping = model_map("floating_pt")
    assert syn in mapping and PlasticSynapses in mapping
    assert mapping[syn] is PyPlasticSynapsesFloat
    assert object() not in mapping
    run_cfg = sim_config("floating_pt")
    assert run_cfg.exception_proc_model_map[syn] is PyPlasticSynapsesFloat


def test_unknown_tags_are_refused():
    with pytest.raises(ConfigError, match="one of"):
        sim_config("bogus")


def test_fixed_pt_tag_maps_the_fixed_point_processes():
    from lava_aptn.models.fixed_pt import PyFixedPlasticSynapses

    cfg = sim_config("fixed_pt")
    assert cfg.exception_proc_model_map[FixedPlasticSynapses] is PyFixedPlasticSynapses
    for proc_cls in (FixedPlasticSynapses, FixedWtaLayer):
        model = cfg.exception_proc_model_map[proc_cls]
        assert model.implements_process is proc_cls
        assert "fixed_pt" in model.tags


def test_fold_periods_are_the_engine_chunk_ends():
    assert fold_periods(PruningConfig(prune_start=30000, prune_batch=5000)) == (
        CHUNK_IMAGES,
        5000,
    )
    assert fold_periods(PruningConfig(prune_start=3, prune_batch=2)) == (CHUNK_IMAGES, 1)


def test_fresh_layer_state_is_at_rest_and_never_fired(config):
    cfg = config(5)
    fs, ist = fresh_state(cfg)
    assert np.all(fs[L.V_E] == cfg.exc.v_rest_mv) and np.all(fs[L.V_I] == cfg.inh.v_rest_mv)
    others = np.delete(fs, [L.V_E, L.V_I], axis=0)
    assert not others.any()  # no conductance, trace, theta or refractory flag
    assert np.all(ist[[L.LAST_E, L.LAST_I]] == L.NEVER)
    assert ist[L.N_RECENT_E, 0] == 0 and ist[L.N_RECENT_I, 0] == 0
    # every inhibitory neuron starts on the awake list (always a valid list)
    assert ist[L.N_AWAKE_I, 0] == 5 and sorted(ist[L.AWAKE_I]) == list(range(5))
    net = Network.fresh(cfg, seed=0)  # the engine starts from the same state
    assert np.array_equal(fs, net.fs) and np.array_equal(ist, net.ist)


def test_builder_wires_a_pruner_only_when_learning_and_pruning(images, config):
    cfg = config(4)
    with_pruner = build_network(cfg, PruningConfig(method="apt"), images(2), seed=0)
    assert with_pruner.pruner is not None and len(with_pruner.processes) == 5
    without = build_network(cfg, PruningConfig(method="none"), images(2), seed=0)
    assert without.pruner is None
    inference = build_network(cfg, PruningConfig(method="apt"), images(2), seed=0, learning=False)
    assert inference.pruner is None
    # the synapses start from the engine's fresh network
    net = Network.fresh(cfg, seed=0)
    assert np.array_equal(with_pruner.synapses.weights.init, net.w)


def fixed_synapses(cfg, **changes):
    """A valid FixedPlasticSynapses of ``cfg`` except for ``changes``."""
    n_in, n = cfg.n_inputs, cfg.n_neurons
    args = dict(
        weights=np.zeros((n_in, n), np.int32),
        syn_state=np.zeros((n_in, n), np.uint8),
        xpre=np.zeros(n_in, np.int64),
        y1=np.zeros(n, np.int64),
        y2=np.zeros(n, np.int64),
        seed=0,
        stream=16,
        first_index=0,
        learning=True,
    )
    return FixedPlasticSynapses(config=cfg, **{**args, **changes})


def test_fixed_processes_accept_the_engine_fixed_state(config):
    from lava_aptn.engine.simulate_fixed import FixedNetwork

    cfg = config(3)
    net = FixedNetwork.fresh(cfg, seed=0)
    syn = fixed_synapses(
        cfg, weights=net.w, syn_state=net.syn_state, xpre=net.xpre, y1=net.fx[F.FY1]
    )
    layer = FixedWtaLayer(config=cfg, fx=net.fx, clock=net.clock[0], learning=False)
    assert syn.weights.init.dtype == np.int32 and np.array_equal(syn.weights.init, net.w)
    assert syn.weights.init is not net.w  # a copy
    assert np.array_equal(layer.fx.init, net.fx) and layer.fx.init.dtype == np.int64
    assert layer.clock.init.tolist() == [0]


def _poisson_input(**settings):
    """A small PoissonImageInput built directly, with ``settings`` on top."""
    return PoissonImageInput(
        images=np.zeros((2, 100), np.uint8),
        n_neurons=3,
        seed=0,
        stream=16,
        n_steps=10,
        dt_ms=0.5,
        max_rate_hz=63.75,
        **settings,
    )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda cfg: PlasticSynapses(config=cfg, weights=np.zeros((99, 3))), "shape"),
        (lambda cfg: PlasticSynapses(config=cfg, weights=-np.ones((100, 3))), ">= 0"),
        (
            lambda cfg: PlasticSynapses(
                config=cfg, weights=np.zeros((100, 3)), syn_state=np.full((100, 3), 7)
            ),
            "codes",
        ),
        (lambda cfg: WtaLayer(config="not a config"), "NetworkConfig"),
        (
            lambda cfg: FixedWtaLayer(config=cfg, fx=np.zeros((3, 3)), clock=0, learning=True),
            "shape",
        ),
        (
            lambda cfg: FixedWtaLayer(
                config=cfg, fx=np.zeros((F.N_FX, 3)), clock=-1, learning=False
            ),
            "clock",
        ),
        (lambda cfg: fixed_synapses(cfg, weights=np.full((100, 3), 0.5)), "integers"),
        (lambda cfg: fixed_synapses(cfg, weights=-np.ones((100, 3), np.int32)), ">= 0"),
        (lambda cfg: fixed_synapses(cfg, syn_state=np.full((100, 3), 7)), "codes"),
        (lambda cfg: fixed_synapses(cfg, y2=np.zeros(4, np.int64)), "shape"),
        (lambda cfg: fixed_synapses(cfg, seed=-1), "seed"),
        (lambda cfg: SpikeCounter(n_neurons=0), "n_neurons"),
        (
            lambda cfg: PruningProcess(
                shape=(100, 3), config=PruningConfig(), train_images=5, weight_layout="sideways"
            ),
            "weight_layout",
        ),
        (
            lambda cfg: PoissonImageInput.from_config(
                cfg, np.zeros((2, 50), np.uint8), seed=0, stream=16
            ),
            "100 pixels",
        ),
        (
            lambda cfg: PoissonImageInput.from_config(
                cfg, np.full((2, 100), 300), seed=0, stream=16
            ),
            "0-255",
        ),
        (
            lambda cfg: _poisson_input(total_rate_hz=0.0),
            "total_rate_hz must be a finite number > 0, got 0.0",
        ),
        (
            lambda cfg: _poisson_input(total_rate_rule="clip"),
            r"total_rate_rule must be one of \['scale', 'cap'\], got 'clip'",
        ),
    ],
)
def test_constructors_quote_bad_values(config, make, message):
    with pytest.raises(ConfigError, match=message):
        make(config(3))
