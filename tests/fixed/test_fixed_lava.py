"""Lava fixed_pt models against the engine's fixed mode: bit-identical state and spikes."""

import multiprocessing

import numpy as np
import pytest

from lava_aptn.config import preset, with_overrides
from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import train_stream
from lava_aptn.engine.simulate_fixed import FixedNetwork

# imported at collection: Lava must set the "fork" start method before anything else
# fixes one (as in tests/lava)
from lava_aptn.lavarun.fixed import run_fixed_lava
from lava_aptn.pruning.state import FROZEN, REMOVED


@pytest.mark.parametrize("learning", [True, False])
def test_lava_fixed_pt_equals_engine_fixed(digits, learning):
    images, _ = digits(4, seed=8)
    cfg = with_overrides(
        preset(n_neurons=12),
        {"input.presentation_ms": 40.0, "input.min_exc_spikes": 2, "input.max_presentations": 3},
    )
    start = FixedNetwork.fresh(cfg, seed=4)
    state = start.syn_state.copy()
    state[::9, ::4] = REMOVED
    state[2::13, 1::5] = FROZEN
    start.set_synapses(start.weights(), state)
    engine = start.copy()
    counts = np.zeros((len(images), 12), dtype=np.int32)
    batch = np.zeros(12, dtype=np.int64)
    counters = np.zeros(L.N_COUNTERS, dtype=np.int64)
    engine.simulate(
        images.reshape(len(images), -1),
        first_index=0,
        seed=11,
        stream=train_stream(0),
        learning=learning,
        image_counts=counts,
        batch_counts=batch,
        counters=counters,
    )
    lava = run_fixed_lava(cfg, images, seed=11, start=start, learning=learning)
    assert batch.sum() > 0  # something happened
    assert np.array_equal(lava.last_counts, counts)
    assert np.array_equal(lava.image_counts.sum(axis=0), batch)
    assert np.array_equal(lava.weights, engine.w)
    neuron_rows = [r for r in range(F.N_FX) if r not in (F.FY1, F.FY2)]
    assert np.array_equal(lava.fx[neuron_rows], engine.fx[neuron_rows])  # v, g, theta, last
    assert np.array_equal(lava.y1, engine.fx[F.FY1])
    assert np.array_equal(lava.y2, engine.fx[F.FY2])
    assert np.array_equal(lava.xpre, engine.xpre)
    assert lava.clock == engine.clock[0]
    assert lava.steps == counters[L.TIME_STEPS]
    if learning:
        assert not np.array_equal(engine.w, start.w)  # STDP and normalisation acted
        assert engine.fx[F.FTHETA].sum() > 0
    assert multiprocessing.active_children() == []  # the runtime was stopped


def test_lava_fixed_pt_with_pruning_equals_engine_fixed(digits):
    from lava_aptn.engine.pruner import PruningDriver
    from lava_aptn.engine.train import train
    from lava_aptn.pruning import PruningConfig
    from lava_aptn.pruning.methods import as_method

    images, _ = digits(4, seed=9)
    cfg = with_overrides(
        preset(n_neurons=10),
        {"input.presentation_ms": 40.0, "input.min_exc_spikes": 2, "input.max_presentations": 3},
    )
    prune_cfg = PruningConfig(method="aptn", w_th0=0.05, prune_start=2, prune_batch=2)
    start = FixedNetwork.fresh(cfg, seed=6)
    engine = start.copy()
    driver = PruningDriver(as_method(prune_cfg), prune_cfg, len(images))
    train(engine, images, seed=13, callbacks=((driver.block, driver.on_block),), progress=False)
    driver.finish(engine)
    lava = run_fixed_lava(cfg, images, seed=13, start=start, prune_cfg=prune_cfg)
    assert lava.prune_steps == len(driver.steps) > 0
    assert (engine.syn_state == REMOVED).any()  # the pruning step removed synapses
    assert np.array_equal(lava.syn_state, engine.syn_state)
    assert np.array_equal(lava.weights, engine.w)
    assert np.array_equal(lava.fx[F.FTHETA], engine.fx[F.FTHETA])
    assert np.array_equal(lava.xpre, engine.xpre)
    assert multiprocessing.active_children() == []


def test_compare_fixed_reports_bit_exact_agreement(digits):
    from lava_aptn.lavarun.fixed import compare_fixed
    from lava_aptn.pruning import PruningConfig

    images, _ = digits(4, seed=10)
    cfg = with_overrides(
        preset(n_neurons=10),
        {"input.presentation_ms": 40.0, "input.min_exc_spikes": 2, "input.max_presentations": 3},
    )
    prune_cfg = PruningConfig(method="aptn", w_th0=0.05, prune_start=2, prune_batch=2)
    report = compare_fixed(cfg, prune_cfg, images, seed=2)
    assert report["bit_exact"], report
    assert report["prune_steps_engine"] == report["prune_steps_lava"] > 0
    assert report["steps"] > 0 and report["lava_steps_per_s"] > 0
