"""Hypothesis properties of every method: removal is final, connectivity never grows,
soft pruning keeps connectivity, neuron pruning removes whole columns, inputs untouched."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lava_aptn.pruning import (
    ACTIVE,
    FROZEN,
    METHODS,
    NEUTRAL_FACTORS,
    REMOVED,
    PruningConfig,
    connectivity,
    make_method,
    run_step,
    spike_threshold,
    unpruned_fraction,
)

SETTINGS = settings(derandomize=True, deadline=None, max_examples=150)
HARD = ("constant", "apt", "apn", "aptn", "post-training")


def factor_st(fn):
    return st.floats(0.0, 0.2) if fn == "f3" else st.floats(1.0, 2.5)


@st.composite
def configs(draw, methods=METHODS):
    time_fn = draw(st.sampled_from(["f1", "f2", "f3"]))
    neuron_fn = draw(st.sampled_from(["f1", "f2", "f3"]))
    return PruningConfig(
        method=draw(st.sampled_from(methods)),
        w_th0=draw(st.floats(0.0, 0.6)),
        time_fn=time_fn,
        time_factor=draw(factor_st(time_fn)),
        neuron_fn=neuron_fn,
        neuron_factor=draw(factor_st(neuron_fn)),
        spike_interval=draw(st.one_of(st.sampled_from([0, 5, 30, math.inf]), st.floats(0, 100))),
        grouping=draw(st.sampled_from(["sort", "hardware"])),
        spike_th0=draw(st.floats(0.0, 300.0)),
        spike_th_factor=draw(st.floats(1.0, 2.0)),
    )


@st.composite
def cases(draw, methods=METHODS):
    n_in, n_out = draw(st.integers(1, 10)), draw(st.integers(1, 8))
    weights = draw(arrays(np.float64, (n_in, n_out), elements=st.floats(0.0, 1.0)))
    state = draw(arrays(np.uint8, (n_in, n_out), elements=st.sampled_from([0, 1, 2])))
    counts = draw(arrays(np.int64, n_out, elements=st.integers(0, 300)))
    return draw(configs(methods)), weights, state, counts


def run(config, k, weights, state, counts):
    method = make_method(config)
    return run_step(method, k=k, weights=weights, syn_state=state, spike_counts=counts)


@settings(SETTINGS, max_examples=80)
@given(case=cases(), data=st.data())
def test_removed_stays_removed_and_connectivity_never_grows(case, data):
    config, weights, state, counts = case
    shape = weights.shape
    removed_before = state == REMOVED
    conn_before = connectivity(state)
    for k in range(5):
        out = run(config, k, weights, state, counts)
        removed = out.syn_state == REMOVED
        assert np.all(removed[removed_before])  # nothing comes back
        assert np.all(out.weights[removed] == 0)  # removed means weight 0
        assert out.connectivity <= conn_before
        assert out.unpruned_fraction <= out.connectivity
        removed_before, conn_before = removed, out.connectivity
        # between steps, "training" rewrites every weight, including (as a buggy driver
        # might) those of removed synapses: the next step must still zero them
        weights = data.draw(arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
        state = out.syn_state
        counts = data.draw(arrays(np.int64, shape[1], elements=st.integers(0, 300)))


@SETTINGS
@given(case=cases())
def test_inputs_never_mutated(case):
    config, weights, state, counts = case
    w0, s0, c0 = weights.copy(), state.copy(), counts.copy()
    out = make_method(config).step(k=3, weights=weights, syn_state=state, spike_counts=counts)
    np.testing.assert_array_equal(weights, w0)
    np.testing.assert_array_equal(state, s0)
    np.testing.assert_array_equal(counts, c0)
    assert not np.shares_memory(out.weights, weights)
    assert not np.shares_memory(out.syn_state, state)


@SETTINGS
@given(case=cases(methods=("soft",)), k=st.integers(0, 10))
def test_soft_pruning_never_changes_connectivity(case, k):
    config, weights, state, counts = case
    out = run(config, k, weights, state, counts)
    assert out.connectivity == connectivity(state)
    assert out.unpruned_fraction <= unpruned_fraction(state)
    kept = state != REMOVED
    np.testing.assert_array_equal(out.weights[kept], weights[kept])  # frozen keep weights
    below = (weights < config.w_th0) & (state == ACTIVE)
    assert np.all(out.syn_state[below] == FROZEN)
    assert np.all(out.syn_state[state == FROZEN] == FROZEN)


@SETTINGS
@given(case=cases(methods=("neuron",)), k=st.integers(0, 8))
def test_neuron_pruning_removes_every_weight_of_a_pruned_neuron(case, k):
    config, weights, state, counts = case
    out = run(config, k, weights, state, counts)
    s_th = spike_threshold(k=k, s_0=config.spike_th0, factor=config.spike_th_factor)
    gone = counts < s_th
    assert np.all(out.syn_state[:, gone] == REMOVED)
    assert np.all(out.weights[:, gone] == 0)
    # neurons above the threshold are untouched (apart from zeroing already-removed weights)
    np.testing.assert_array_equal(out.syn_state[:, ~gone], state[:, ~gone])
    live = ~gone & (state != REMOVED)
    np.testing.assert_array_equal(out.weights[live], weights[live])


@SETTINGS
@given(case=cases(methods=HARD), k=st.integers(0, 8))
def test_hard_methods_cut_exactly_below_threshold(case, k):
    config, weights, state, counts = case
    out = run(config, k, weights, state, counts)
    th = out.thresholds[np.newaxis, :]
    alive = out.syn_state != REMOVED
    assert np.all(weights[alive] >= np.broadcast_to(th, weights.shape)[alive])
    assert np.all(out.syn_state[weights < th] == REMOVED)
    assert np.all((out.thresholds >= config.w_th0) & (out.thresholds <= config.w_cap))
    # hard pruning never freezes anything new
    assert np.all((out.syn_state == FROZEN) <= (state == FROZEN))


@SETTINGS
@given(case=cases(methods=("apt", "apn", "aptn")), k=st.integers(0, 12), data=st.data())
def test_neutral_factors_equal_constant_pruning(case, k, data):
    # a = 1, b = 1, c = 0 (each function's neutral factor) must give constant pruning exactly
    config, weights, state, counts = case
    time_fn = data.draw(st.sampled_from(["f1", "f2", "f3"]))
    neuron_fn = data.draw(st.sampled_from(["f1", "f2", "f3"]))
    neutral = config.replace(
        time_fn=time_fn,
        time_factor=NEUTRAL_FACTORS[time_fn],
        neuron_fn=neuron_fn,
        neuron_factor=NEUTRAL_FACTORS[neuron_fn],
    )
    out = run(neutral, k, weights, state, counts)
    ref = run(neutral.replace(method="constant"), k, weights, state, counts)
    np.testing.assert_array_equal(out.syn_state, ref.syn_state)
    np.testing.assert_array_equal(out.weights, ref.weights)
    assert np.all(out.thresholds == config.w_th0)


@SETTINGS
@given(case=cases(methods=("aptn",)), k=st.integers(0, 8))
def test_aptn_weak_group_gets_global_threshold_and_thresholds_rise_with_group(case, k):
    config, weights, state, counts = case
    out = run(config, k, weights, state, counts)
    w_global = run(config.replace(method="apt"), k, weights, state, counts).thresholds[0]
    assert out.group_thresholds[0] == w_global
    assert np.all(np.diff(out.group_thresholds) >= 0)
    weakest = counts == counts.min()
    assert np.all(out.thresholds[weakest] == w_global)
