"""Lava floating_pt Processes against the engine on the same images (docs/lava.md)."""

import numpy as np
import pytest

from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import TEST_STREAM
from lava_aptn.engine.network import Network
from lava_aptn.engine.train import respond
from lava_aptn.lavarun import STATE_TOL, WEIGHT_TOL, compare_with_engine, run_lava
from lava_aptn.pruning import FROZEN, REMOVED, PruningConfig


def test_training_with_pruning_equals_engine(images, config):
    # prune_start 3, prune_batch 2: steps after images 3 and 5; gcd 1 makes every image a
    # block of the engine's driver, so spike counts are compared per image
    cfg = config(12)
    prune = PruningConfig(
        method="aptn", w_th0=0.05, spike_interval=4.0, prune_start=3, prune_batch=2
    )
    agreement, lava, engine = compare_with_engine(cfg, prune, images(5), seed=3)
    assert agreement.block_images == 1
    assert engine.block_counts.shape == (5, 12)
    np.testing.assert_array_equal(lava.image_counts, engine.block_counts)
    assert lava.image_counts.sum() > 20  # the network does fire
    assert lava.presentations > 5  # and some images were shown again
    assert lava.steps == engine.steps and lava.clock == engine.clock
    assert lava.prune_steps == len(engine.prune_steps) == 2
    assert np.array_equal(lava.syn_state, engine.syn_state)
    assert (lava.syn_state == REMOVED).any()
    assert WEIGHT_TOL == 0.0 and np.array_equal(lava.weights, engine.weights)
    physical = slice(0, L.Y2 + 1)
    assert np.max(np.abs(lava.state[physical] - engine.state[physical])) <= STATE_TOL
    assert np.array_equal(lava.int_state[L.LAST_E], engine.int_state[L.LAST_E])
    assert agreement.ok


def test_soft_pruning_keeps_frozen_weights_equal(images, config):
    cfg = config(10)
    prune = PruningConfig(method="soft", w_th0=0.08, prune_start=2, prune_batch=2)
    agreement, lava, engine = compare_with_engine(cfg, prune, images(4, seed=1), seed=5)
    assert (lava.syn_state == FROZEN).any()
    assert np.array_equal(lava.syn_state, engine.syn_state)
    assert agreement.ok, agreement.report()


@pytest.mark.parametrize("decay", ["exact", "euler"])
def test_forward_euler_membrane_equals_engine(images, config, decay):
    """The Lava models step with the engine's kernels, whichever integrator and decay."""
    from dataclasses import replace

    cfg = replace(config(10), membrane="forward-euler", decay=decay)
    prune = PruningConfig(method="aptn", w_th0=0.05, prune_start=2, prune_batch=2)
    agreement, lava, engine = compare_with_engine(cfg, prune, images(3), seed=5)
    assert lava.image_counts.sum() > 0
    assert np.array_equal(lava.weights, engine.weights)
    assert agreement.ok


def test_inference_equals_engine_respond(images, config):
    cfg = config(10)
    start = Network.fresh(cfg, seed=2)
    lava = run_lava(
        cfg,
        PruningConfig(method="none"),
        images(4, seed=2),
        seed=2,
        learning=False,
        stream=TEST_STREAM,
        start=start.copy(),
    )
    counts, _ = respond(start, images(4, seed=2), seed=2, stream=TEST_STREAM, progress=False)
    np.testing.assert_array_equal(lava.last_counts, counts)
    assert counts.sum() > 0
    assert np.array_equal(lava.weights, start.weights())
    assert np.max(np.abs(lava.state[: L.Y2 + 1] - start.fs[: L.Y2 + 1])) <= STATE_TOL
