"""The engine's fixed-point mode: determinism, counters, conversions and learning."""

import json

import numpy as np
import pytest

from lava_aptn.config import RunConfig, preset
from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import encode, presentation_key, train_stream
from lava_aptn.engine.simulate_fixed import (
    FixedNetwork,
    dequantize_weights,
    quantize_weights,
)
from lava_aptn.errors import ConfigError
from lava_aptn.pruning import PruningConfig
from lava_aptn.pruning.state import FROZEN, REMOVED


def _simulate(net, images, learning=True, first=0):
    n = net.config.n_neurons
    counts = np.zeros((len(images), n), dtype=np.int32)
    batch = np.zeros(n, dtype=np.int64)
    counters = np.zeros(L.N_COUNTERS, dtype=np.int64)
    net.simulate(
        images.reshape(len(images), -1),
        first_index=first,
        seed=3,
        stream=train_stream(0),
        learning=learning,
        image_counts=counts,
        batch_counts=batch,
        counters=counters,
    )
    return counts, batch, counters


def test_weight_conversion_round_trip():
    prof = FixedNetwork.fresh(preset(n_neurons=2), 0).profile
    w = np.array([0.0, 1 / 256, 0.5, 0.99, 2.0, -0.1])
    m = quantize_weights(w, prof)
    assert m.tolist() == [0, 1, 128, 253, 255, 0]  # clipped to 8 bits, unsigned
    assert dequantize_weights(m, prof).tolist() == [0.0, 1 / 256, 0.5, 253 / 256, 255 / 256, 0]


def test_fixed_state_is_integer_and_deterministic(digits):
    images, _ = digits(4, seed=1)
    cfg = preset(n_neurons=12)
    a, b = FixedNetwork.fresh(cfg, 7), FixedNetwork.fresh(cfg, 7)
    assert a.w.dtype == np.int32 and a.fx.dtype == np.int64 and a.xpre.dtype == np.int64
    ra, rb = _simulate(a, images), _simulate(b, images)
    for x, y in zip(ra, rb, strict=True):
        assert np.array_equal(x, y)
    assert np.array_equal(a.w, b.w) and np.array_equal(a.fx, b.fx)
    assert np.array_equal(a.xpre, b.xpre) and a.clock[0] == b.clock[0]
    # widths hold
    assert a.w.min() >= 0 and a.w.max() <= 255
    assert np.abs(a.fx[: F.FY2 + 1]).max() <= 2**23 - 1
    assert a.fx[[F.FY1, F.FY2]].min() >= 0 and a.fx[[F.FY1, F.FY2]].max() <= 127
    assert a.xpre.max() <= 127
    assert ra[1].sum() > 0  # neurons fired


def test_counters_have_the_float_meaning(digits):
    images, _ = digits(3, seed=2)
    cfg = preset(n_neurons=10)
    net = FixedNetwork.fresh(cfg, 1)
    state = net.syn_state.copy()
    state[::5, ::2] = REMOVED
    state[1::7, 1::3] = FROZEN
    net.set_synapses(net.weights(), state)
    counts, batch, c = _simulate(net, images[:1], learning=True)
    pres = int(c[L.PRESENTATIONS])
    spikes = 0
    accum = 0
    for k in range(pres):  # the same input spikes as the float engine's encoder
        ptr, px = encode(
            images[0].reshape(-1),
            max_rate_hz=63.75 + k * 31.875,
            n_steps=700,
            dt_ms=0.5,
            seed=3,
            stream=train_stream(0),
            image_index=0,
            presentation=k,
        )
        spikes += px.size
        accum += int((state[px] != REMOVED).sum())
    assert c[L.INPUT_SPIKES] == spikes
    assert c[L.ACCUMULATIONS] == accum
    assert c[L.TIME_STEPS] == 700 * pres
    assert c[L.NEURON_UPDATES] == 2 * 10 * 700 * pres
    assert c[L.EXC_SPIKES] == batch.sum()
    assert counts[0].sum() <= batch.sum()
    assert 0 < c[L.DEP_EFFECTIVE] <= c[L.DEP_NOMINAL]
    assert c[L.POT_EFFECTIVE] <= c[L.POT_NOMINAL]
    # removed synapses stay 0; frozen ones only change through normalisation
    assert (net.w[state == REMOVED] == 0).all()


def test_inference_leaves_weights_alone(digits):
    images, _ = digits(2, seed=4)
    net = FixedNetwork.fresh(preset(n_neurons=8), 2)
    w0 = net.w.copy()
    theta0 = net.fx[F.FTHETA].copy()
    _simulate(net, images, learning=False)
    assert np.array_equal(net.w, w0) and np.array_equal(net.fx[F.FTHETA], theta0)


def test_presentation_key_feeds_the_draws():
    # stochastic rounding is keyed like the input spikes: same key, same draws
    key = presentation_key(3, train_stream(0), 5, 0)
    a = F.draw(np.uint64(F.step_key(key, F.P_DEP, 10)), 17, 20)
    b = F.draw(np.uint64(F.step_key(key, F.P_DEP, 10)), 17, 20)
    c = F.draw(np.uint64(F.step_key(key, F.P_POT, 10)), 17, 20)
    assert a == b and a != c


def _run(tmp_path, digits, name, method, weight_exp=None, profile=None, **kw):
    from lava_aptn.engine.run import run

    x, y = digits(600, seed=5)
    xt, yt = digits(100, seed=6)
    run_cfg = RunConfig(
        train_images=600,
        label_images=600,
        test_images=100,
        checkpoint_every=200,
        precision="fixed",
        fixed_weight_exp=weight_exp,
        fixed_profile=profile,
    )
    prune_cfg = PruningConfig(method=method, w_th0=0.05, prune_start=200, prune_batch=100)
    return run(
        preset(n_neurons=16),
        run_cfg,
        prune_cfg,
        tmp_path / name,
        progress=False,
        log=lambda m: None,
        data=(x, y, xt, yt),
        **kw,
    )


def test_fixed_training_run_learns_and_prunes(tmp_path, digits):
    result = _run(tmp_path, digits, "fx", "aptn")
    on_disk = json.loads((tmp_path / "fx" / "result.json").read_text())
    assert on_disk["config"]["run"]["precision"] == "fixed"
    assert 0 < on_disk["connectivity"] < 1
    # digits are learnable: far above the 10 % of chance after 600 images
    assert result["accuracy"] > 0.5


def test_cli_accepts_precision_fixed():
    import argparse

    from lava_aptn.engine.commands import add_run_options, run_config

    p = argparse.ArgumentParser()
    add_run_options(p)
    args = p.parse_args(["--precision", "fixed", "--train-images", "10"])
    assert run_config(args).precision == "fixed"


def test_from_float_quantizes_weights_and_keeps_states():
    from lava_aptn.engine.network import Network

    net = Network.fresh(preset(n_neurons=4), 0)
    state = net.syn_state.copy()
    state[0] = REMOVED
    net.set_synapses(net.weights(), state)
    fixed = FixedNetwork.from_float(net)
    assert np.array_equal(fixed.syn_state, net.syn_state)
    np.testing.assert_allclose(fixed.weights(), net.weights(), atol=0.5 / 256 + 1e-12)
    with pytest.raises(ValueError, match="revived"):
        fixed.set_synapses(fixed.weights(), np.zeros_like(state))


@pytest.mark.parametrize("weight_exp", [None, 2])
def test_fixed_resumed_run_equals_uninterrupted(tmp_path, digits, monkeypatch, weight_exp):
    from lava_aptn.engine import pruner

    full = _run(tmp_path, digits, "full", "aptn", weight_exp)
    original = pruner.PruningDriver.on_block

    def dying(self, done, net, counts):
        if done == 500:
            raise KeyboardInterrupt("killed")
        original(self, done, net, counts)

    monkeypatch.setattr(pruner.PruningDriver, "on_block", dying)
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, digits, "resumed", "aptn", weight_exp)
    monkeypatch.setattr(pruner.PruningDriver, "on_block", original)
    assert (tmp_path / "resumed" / "checkpoint.npz").exists()
    resumed = _run(tmp_path, digits, "resumed", "aptn", weight_exp, resume=True)
    assert resumed["accuracy"] == full["accuracy"]
    with (
        np.load(tmp_path / "full" / "weights.npz") as a,
        np.load(tmp_path / "resumed" / "weights.npz") as b,
    ):
        assert np.array_equal(a["weights"], b["weights"])
        assert np.array_equal(a["syn_state"], b["syn_state"])


def test_fixed_weight_exp_sets_the_weight_grid(tmp_path, digits):
    """A run with ``fixed_weight_exp = 2`` records it and keeps weights on a 4/256 grid."""
    result = _run(tmp_path, digits, "wexp", "aptn", weight_exp=2)
    assert result["config"]["run"]["fixed_weight_exp"] == 2
    with np.load(tmp_path / "wexp" / "weights.npz") as z:
        mant = z["weights"] * 256 / 4
    assert np.array_equal(mant, np.round(mant)) and mant.max() <= 255


@pytest.mark.parametrize("weight_exp", [0, 2])
def test_normalisation_of_a_pruned_neuron_needs_the_exponent(weight_exp):
    """40 synapses left per neuron: a sum of 78 needs weights near 2 on average.

    Initial weights are ``0.3 (U + 0.01)`` (at most 0.303), so the normalisation factor
    is about 78 / (40 * 0.153) = 12.7, putting the typical weight near 2. With exponent 2
    (weights up to 255/64 = 3.98) the sum comes close to 78 (a few of the largest weights
    saturate); with exponent 0 (weights up to 255/256) it cannot pass 40 * 255/256.
    """
    from dataclasses import replace

    from lava_aptn.dynamics.fixed_profile import load_fixed_profile

    profile = replace(load_fixed_profile(), weight_exp=weight_exp)
    net = FixedNetwork.fresh(preset(n_neurons=3), 0, profile)
    state = np.full_like(net.syn_state, REMOVED)
    state[100:140] = net.syn_state[100:140]
    net.set_synapses(net.weights(), state)
    F.normalize(net.w, net.params, np.uint64(7))
    w = net.weights()
    assert np.all(w[:100] == 0) and np.all(w[140:] == 0)
    if weight_exp == 2:
        assert np.all(w.sum(axis=0) > 70) and np.all(w.sum(axis=0) < 78 + 40 * 4 / 256)
        assert w.max() > 1.0
    else:
        assert np.all(w.sum(axis=0) <= 40 * 255 / 256)
        assert w.max() == 255 / 256


def test_fixed_weight_exp_is_validated():
    with pytest.raises(ConfigError, match="precision='fixed' only"):
        RunConfig(fixed_weight_exp=1)
    with pytest.raises(ConfigError, match=r"\[-8, 7\], got 9"):
        RunConfig(precision="fixed", fixed_weight_exp=9)


def test_fixed_profile_by_name_sets_the_weight_width(tmp_path, digits):
    """``fixed_profile = "loihi2-wide-weights"``: 16-bit mantissas, weights on a 2**-16 grid.

    Pruned weights stay exactly 0 and the run records the profile's name.
    """
    result = _run(tmp_path, digits, "wide", "aptn", profile="loihi2-wide-weights")
    assert result["config"]["run"]["fixed_profile"] == "loihi2-wide-weights"
    with np.load(tmp_path / "wide" / "weights.npz") as z:
        mant, state = z["weights"] * 2**16, z["syn_state"]
    assert np.array_equal(mant, np.round(mant)) and mant.max() <= 2**16 - 1
    assert np.any(mant % 256 != 0)  # finer than the 8-bit grid
    assert np.all(mant[state == REMOVED] == 0)


def test_fixed_profile_is_validated():
    with pytest.raises(ConfigError, match="precision='fixed' only"):
        RunConfig(fixed_profile="loihi2")
    with pytest.raises(ConfigError, match="unknown fixed-point profile 'loihi3'.*loihi2-wide"):
        RunConfig(precision="fixed", fixed_profile="loihi3")
    with pytest.raises(ConfigError, match="no such file"):
        RunConfig(precision="fixed", fixed_profile="missing/profile.toml")
