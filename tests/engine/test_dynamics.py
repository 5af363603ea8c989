"""Known-answer tests of the per-step arithmetic: SOP counters and triplet STDP."""

import math

import numpy as np

from lava_aptn.config import ExcitatoryConfig, NetworkConfig, preset
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics import pre_trace_table, step_params
from lava_aptn.dynamics.synapses import depress, potentiate
from lava_aptn.engine.network import Network
from lava_aptn.pruning.state import ACTIVE, FROZEN, REMOVED


def _crafted(steps: dict[int, list[int]], n_steps: int):
    ptr = np.zeros(n_steps + 1, dtype=np.int64)
    pixels = []
    for t in range(n_steps):
        pixels += steps.get(t, [])
        ptr[t + 1] = len(pixels)
    return ptr, np.asarray(pixels, dtype=np.int32)


def _four_inputs_two_neurons(**exc):
    cfg = NetworkConfig(n_inputs=4, n_neurons=2, exc=ExcitatoryConfig(**exc))
    net = Network.fresh(cfg, seed=0)
    state = np.array(
        [[ACTIVE, REMOVED], [FROZEN, ACTIVE], [ACTIVE, ACTIVE], [ACTIVE, ACTIVE]], dtype=np.uint8
    )
    net.set_synapses(net.weights(), state)
    return net


def test_sop_counters_hand_built_case(run_present):
    # Threshold -1 mV: a handful of ~0.3 conductance inputs cannot fire the neurons.
    net = _four_inputs_two_neurons(v_thresh_mv=-1.0)
    before = net.weights()
    ptr, pixels = _crafted({0: [0, 1], 3: [1, 2, 3], 5: [0]}, n_steps=8)
    counts, c = run_present(net, ptr, pixels)
    # transmitting synapses per input row: 1 (row 0 has a removed one), 2, 2, 2
    # spikes: row 0 twice, row 1 twice, rows 2 and 3 once -> 2*1 + 2*2 + 2 + 2 = 10
    assert c[L.INPUT_SPIKES] == 6
    assert c[L.ACCUMULATIONS] == 10
    # active synapses per row: 1, 1 (row 1 has a frozen one), 2, 2 -> 2*1 + 2*1 + 2 + 2 = 8
    assert c[L.DEP_NOMINAL] == 8
    # no neuron has fired, so the post trace y1 is 0 and no depression changes a weight
    assert c[L.DEP_EFFECTIVE] == 0
    assert c[L.POT_NOMINAL] == 0 and c[L.EXC_SPIKES] == 0 and counts.sum() == 0
    assert c[L.NEURON_UPDATES] == 2 * 2 * 8 and c[L.TIME_STEPS] == 8
    np.testing.assert_array_equal(net.weights(), before)


def test_counters_with_one_postsynaptic_spike(run_present):
    # 1 s between spikes: neuron 0 can fire only once; strong weights make it fire.
    net = _four_inputs_two_neurons(min_isi_ms=1000.0)
    w = net.weights()
    w[:, 0] = [1.0, 1.0, 1.0, 1.0]
    w[:, 1] = [0.0, 0.0, 0.0, 0.0]
    net.set_synapses(w, net.syn_state)
    ptr, pixels = _crafted({t: [0, 1, 2, 3] for t in range(0, 40, 2)}, n_steps=60)
    counts, c = run_present(net, ptr, pixels)
    assert counts.tolist() == [1, 0]
    # neuron 0 has 3 active inputs (row 1's synapse to it is frozen)
    assert c[L.POT_NOMINAL] == 3 and c[L.EXC_SPIKES] == 1
    assert c[L.ACCUMULATIONS] == 20 * (1 + 2 + 2 + 2)
    assert net.weights()[0, 1] == 0.0  # removed stays 0
    assert net.weights()[1, 0] == 1.0  # frozen is not updated


def test_triplet_stdp_matches_closed_form_traces():
    cfg = NetworkConfig(n_inputs=1, n_neurons=1)
    p = step_params(cfg)
    table = pre_trace_table(cfg)
    w = np.array([[0.5]])
    plastic = np.ones((1, 1))
    scale = np.ones(1)
    rawsum = w.sum(axis=0)
    last_pre = np.full(1, L.NEVER, dtype=np.int64)
    d_pre = math.exp(-cfg.dt_ms / cfg.stdp.tau_pre_ms)
    d1 = math.exp(-cfg.dt_ms / cfg.stdp.tau_post1_ms)
    d2 = math.exp(-cfg.dt_ms / cfg.stdp.tau_post2_ms)
    mu_pre, mu_post = cfg.stdp.mu_pre, cfg.stdp.mu_post
    recent = np.zeros(1, dtype=np.int64)  # neuron 0 is the only recently fired one
    last_post = np.array([15], dtype=np.int64)
    # events: pre at 10, post at 15, pre at 20, post at 40 (traces reset to 1 on spikes)
    last_pre[0] = 10  # the pre spike at 10 comes before any post spike: y1 = 0, no depression
    potentiate(0, w, plastic, scale, last_pre, 15, table, 0.0, rawsum, p)  # y2 before = 0
    expected = 0.5
    assert w[0, 0] == expected
    y1 = d1 ** (20 - 15)
    depress(0, w, plastic, np.array([mu_pre * y1]), recent, 1, last_post, 20, p.dep_steps, rawsum)
    last_pre[0] = 20
    expected -= mu_pre * y1
    y2_before = d2 ** (40 - 15)
    potentiate(0, w, plastic, scale, last_pre, 40, table, y2_before, rawsum, p)
    expected += mu_post * d_pre ** (40 - 20) * y2_before
    assert math.isclose(w[0, 0], expected, rel_tol=1e-12)
    assert math.isclose(rawsum[0], expected, rel_tol=1e-12)


def test_weights_clip_to_bounds():
    cfg = NetworkConfig(n_inputs=1, n_neurons=1)
    p = step_params(cfg)
    table = pre_trace_table(cfg)
    w = np.array([[0.9999]])
    last_pre = np.array([5], dtype=np.int64)
    rawsum = w.sum(axis=0)
    potentiate(0, w, np.ones((1, 1)), np.ones(1), last_pre, 5, table, 1.0, rawsum, p)
    assert w[0, 0] == cfg.syn.w_max
    w[0, 0] = 1e-6
    depress(
        0,
        w,
        np.ones((1, 1)),
        np.array([1.0]),
        np.zeros(1, dtype=np.int64),
        1,
        np.array([5]),
        6,
        p.dep_steps,
        rawsum,
    )
    assert w[0, 0] == 0.0


def test_depression_horizon_skips_only_negligible_updates():
    cfg = NetworkConfig(n_inputs=1, n_neurons=1)
    p = step_params(cfg)
    d1 = math.exp(-cfg.dt_ms / cfg.stdp.tau_post1_ms)
    k = int(p.dep_steps)
    assert d1**k >= 2.0**-60 > d1 ** (k + 1)
    w = np.array([[0.25]])
    rawsum = w.sum(axis=0)
    recent = np.zeros(1, dtype=np.int64)
    dep = np.array([cfg.stdp.mu_pre * d1 ** (k + 1)])
    # one step past the horizon: skipped (the step would be < 1e-22)
    changed = depress(
        0, w, np.ones((1, 1)), dep, recent, 1, np.array([0]), k + 1, p.dep_steps, rawsum
    )
    assert changed == 0 and dep[0] < 1e-22 and w[0, 0] == 0.25


def test_stable_at_1600_neurons(digits):
    # forward Euler at dt = 0.5 ms diverges here (simultaneous spikes, inhibition jumps)
    from lava_aptn.engine.train import respond, train

    images, _ = digits(30)
    net = Network.fresh(preset(n_neurons=1600), seed=0)
    train(net, images, seed=0, progress=False)
    counts, _ = respond(net, images[:5], seed=0, stream=2, progress=False)
    fs = net.fs
    assert np.all(np.isfinite(fs[: L.Y2 + 1]))  # the BLOCK rows hold +inf by design
    assert np.all(fs[L.V_E] >= net.config.exc.e_inh_mv - 1e-9)
    assert np.all(fs[L.V_E] <= net.config.exc.e_exc_mv)
    assert counts.sum() > 0
    assert np.all((net.weights() >= 0) & (net.weights() <= 1.0))
