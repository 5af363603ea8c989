"""Each method on hand-built cases with answers derived by hand."""

import numpy as np
import pytest

from lava_aptn.errors import ConfigError
from lava_aptn.pruning import (
    ACTIVE,
    FROZEN,
    METHODS,
    REMOVED,
    THRESHOLD_COLUMNS,
    PruneStep,
    PruningConfig,
    PruningMethod,
    as_method,
    make_method,
    run_step,
    threshold_rows,
)

A, F, R = ACTIVE, FROZEN, REMOVED

# 4 inputs (rows) x 4 neurons (columns). Synapse (i2, n3) was removed earlier (weight 0);
# synapse (i3, n3) is frozen.
W = np.array(
    [
        [0.50, 0.10, 0.25, 0.19],
        [0.44, 0.20, 0.32, 0.90],
        [0.05, 0.35, 0.31, 0.00],
        [0.46, 0.15, 0.29, 0.21],
    ]
)
S = np.array([[A, A, A, A], [A, A, A, A], [A, A, A, R], [A, A, A, F]], dtype=np.uint8)
# batch spike totals of neurons 0..3
COUNTS = np.array([100, 10, 50, 35])


def cfg(**kw):
    base = {
        "w_th0": 0.1,
        "time_fn": "f1",
        "time_factor": 2.0,
        "neuron_fn": "f1",
        "neuron_factor": 1.5,
        "spike_interval": 30,
    }
    base.update(kw)
    return PruningConfig(**base)


def step(method, k=1, weights=W, state=S, counts=COUNTS, **kw):
    return run_step(
        make_method(cfg(method=method, **kw)),
        k=k,
        weights=weights,
        syn_state=state,
        spike_counts=counts,
    )


def test_aptn_hand_built_four_neurons():
    # k = 1: w_global = f1(0.1, 1) = 0.1 * 2 = 0.2.
    # Grouping (SI = 30): sorted counts 10 (n1), 35 (n3), 50 (n2), 100 (n0);
    #   G0 = [10, 40] -> n1, n3; G1 = [50, 80] -> n2; G2 = [100, 130] -> n0.
    # Group thresholds f1(0.2, n) with a = 1.5: G0 0.2, G1 0.3, G2 0.45.
    # Per neuron: n0 0.45, n1 0.2, n2 0.3, n3 0.2. Prune w < threshold:
    #   n0: 0.50 keep, 0.44 cut, 0.05 cut, 0.46 keep
    #   n1: 0.10 cut, 0.20 keep (equal is not below), 0.35 keep, 0.15 cut
    #   n2: 0.25 cut, 0.32 keep, 0.31 keep, 0.29 cut
    #   n3: 0.19 cut, 0.90 keep, (removed stays removed), 0.21 keep and stays frozen
    out = step("aptn")
    assert out.groups.tolist() == [2, 0, 1, 0]
    assert out.group_sizes.tolist() == [2, 1, 1]
    assert out.group_thresholds.tolist() == pytest.approx([0.2, 0.3, 0.45], abs=1e-15)
    assert out.thresholds.tolist() == pytest.approx([0.45, 0.2, 0.3, 0.2], abs=1e-15)
    expected_state = np.array(
        [[A, R, R, R], [R, A, A, A], [R, A, A, R], [A, R, R, F]], dtype=np.uint8
    )
    np.testing.assert_array_equal(out.syn_state, expected_state)
    np.testing.assert_array_equal(out.weights, np.where(expected_state == R, 0.0, W))
    # removed: 3 + 1 + 2 + 2 = 8 of 16 (one of them from before); 8 remain, 7 active + 1 frozen
    assert out.connectivity == 8 / 16
    assert out.unpruned_fraction == 7 / 16
    assert threshold_rows(out) == [
        (1, 0, 0.2, 2),
        (1, 1, pytest.approx(0.3), 1),
        (1, 2, pytest.approx(0.45), 1),
    ]
    assert THRESHOLD_COLUMNS == ("step", "group", "threshold", "neurons")


def test_aptn_step_zero_uses_w_th0_as_global():
    # k = 0: w_global = 0.1; group thresholds 0.1, 0.15, 0.225 for n1/n3, n2, n0.
    # n0 (0.225): cut 0.05;  n1 (0.1): none cut (0.10 is not below);
    # n2 (0.15): none cut;   n3 (0.1): none cut (0.19, 0.9, 0.21)
    out = step("aptn", k=0)
    assert out.thresholds.tolist() == pytest.approx([0.225, 0.1, 0.15, 0.1], abs=1e-15)
    expected = S.copy()
    expected[2, 0] = R
    np.testing.assert_array_equal(out.syn_state, expected)


def test_apn_thresholds_constant_over_time():
    # APN: base w_th0 = 0.1 at every k; same groups -> 0.1, 0.15, 0.225
    for k in (0, 3, 9):
        out = step("apn", k=k)
        assert out.thresholds.tolist() == pytest.approx([0.225, 0.1, 0.15, 0.1], abs=1e-15)


def test_descending_group_order_gives_the_most_active_neurons_the_base_threshold():
    # Same groups as above, indices reversed: n0 (100 spikes) -> G0, n2 -> G1, n1/n3 -> G2.
    # k = 1, w_global = 0.2: G0 0.2, G1 0.3, G2 0.45 -> n0 0.2, n1 0.45, n2 0.3, n3 0.45.
    #   n0: 0.50, 0.44, 0.46 keep, 0.05 cut;  n1: only 0.10, 0.20, 0.35, 0.15 -> all cut
    #   n2: 0.32, 0.31 keep, 0.25, 0.29 cut;  n3: 0.90 keep, 0.19 and the frozen 0.21 cut
    out = step("aptn", group_order="descending")
    assert out.groups.tolist() == [0, 2, 1, 2]
    assert out.group_sizes.tolist() == [1, 1, 2]
    assert out.thresholds.tolist() == pytest.approx([0.2, 0.45, 0.3, 0.45], abs=1e-15)
    expected_state = np.array(
        [[A, R, R, R], [A, R, A, A], [R, R, A, R], [A, R, R, R]], dtype=np.uint8
    )
    np.testing.assert_array_equal(out.syn_state, expected_state)
    with pytest.raises(ConfigError, match="group_order must be one of"):
        cfg(method="aptn", group_order="random")


def test_apt_one_threshold_growing_with_k():
    # f1(0.1, k) with a = 2: k = 2 -> 0.4 for every neuron; group = everyone
    # cut: n0 0.05; n1 0.10 0.20 0.35 0.15 (all); n2 0.25 0.32 0.31 0.29 (all); n3 0.19 0.21
    # 0.21 is frozen, hard pruning removes frozen synapses too.
    out = step("apt", k=2)
    assert out.thresholds.tolist() == [0.4] * 4
    assert out.group_sizes.tolist() == [4]
    expected = np.array([[A, R, R, R], [A, R, R, A], [R, R, R, R], [A, R, R, R]], np.uint8)
    np.testing.assert_array_equal(out.syn_state, expected)


def test_constant_and_post_training():
    # w_th0 = 0.3: cut 0.25 0.10 0.19 0.20 0.05 0.29 0.15 0.21(frozen) -> same at any k
    for method in ("constant", "post-training"):
        for k in (0, 5):
            out = step(method, k=k, w_th0=0.3)
            expected = np.array([[A, R, R, R], [A, R, A, A], [R, A, A, R], [A, R, R, R]], np.uint8)
            np.testing.assert_array_equal(out.syn_state, expected)
            assert out.thresholds.tolist() == [0.3] * 4


def test_soft_freezes_and_keeps_weights():
    # w_th0 = 0.3: active synapses below 0.3 -> FROZEN with their weight; removed stays removed
    out = step("soft", w_th0=0.3)
    expected = np.array([[A, F, F, F], [A, F, A, A], [F, A, A, R], [A, F, F, F]], np.uint8)
    np.testing.assert_array_equal(out.syn_state, expected)
    np.testing.assert_array_equal(out.weights, W)
    assert out.connectivity == 15 / 16


def test_neuron_pruning_removes_columns():
    # s_th(k) = s_0 * a**k = 20 * 2**1 = 40: counts 100, 10, 50, 35 -> neurons 1 and 3 go
    out = step("neuron", spike_th0=20, spike_th_factor=2.0)
    assert out.unit == "spikes"
    assert out.group_thresholds.tolist() == [40.0]
    assert np.all(out.syn_state[:, [1, 3]] == R) and np.all(out.weights[:, [1, 3]] == 0)
    np.testing.assert_array_equal(out.syn_state[:, [0, 2]], S[:, [0, 2]])
    np.testing.assert_array_equal(out.weights[:, [0, 2]], W[:, [0, 2]])


def test_none_copies():
    out = step("none")
    np.testing.assert_array_equal(out.weights, W)
    np.testing.assert_array_equal(out.syn_state, S)
    assert out.weights is not W and np.isnan(out.thresholds).all()


def test_hardware_grouping_option():
    # counts 100, 10, 50, 35; m = 10, W = 31: (c - 10) // 31 -> 2, 0, 1, 0 (same as sort here)
    out = step("aptn", grouping="hardware", counts=np.array([100, 10, 50, 35]))
    assert out.groups.tolist() == [2, 0, 1, 0]


@pytest.mark.parametrize("method", METHODS)
def test_every_method_satisfies_the_protocol(method):
    m = make_method(cfg(method=method))
    assert isinstance(m, PruningMethod) and m.name == method
    out = run_step(m, k=0, weights=W, syn_state=S, spike_counts=COUNTS)
    assert isinstance(out, PruneStep) and out.method == method
    assert out.thresholds.flags.writeable is False
    assert out.weights.flags.writeable is True


def test_methods_needing_counts_say_so():
    with pytest.raises(ConfigError, match="spike_counts"):
        make_method(cfg(method="aptn")).step(k=0, weights=W, syn_state=S, spike_counts=None)
    with pytest.raises(ConfigError, match="one entry per neuron"):
        step("apn", counts=np.array([1, 2, 3]))
    with pytest.raises(ConfigError, match="shape"):
        step("apt", state=S[:, :3])
    with pytest.raises(ConfigError, match="-1"):
        step("apt", k=-1)
    # methods that do not need counts accept None
    assert make_method(cfg(method="apt")).step(k=0, weights=W, syn_state=S, spike_counts=None)


def test_user_adaptation_function_in_config():
    def linear(w, i):  # my own f: +0.05 per index, capped
        return min(w + 0.05 * i, 0.9)

    out = step("aptn", time_fn=linear, neuron_fn=linear, k=2)
    # w_global = 0.1 + 0.1 = 0.2; groups G0 0.2, G1 0.25, G2 0.3
    assert out.group_thresholds.tolist() == pytest.approx([0.2, 0.25, 0.3], abs=1e-15)

    def runaway(w, i):
        return w * 100

    with pytest.raises(ConfigError, match=r"neuron_fn .*returned 10\.0"):
        step("apn", neuron_fn=runaway)


class KeepTopTwo:
    """A user's method: keep each neuron's two largest weights (no grouping)."""

    name = "top2"

    def step(self, *, k, weights, syn_state, spike_counts):
        from lava_aptn.pruning import prune_below

        th = np.sort(weights, axis=0)[-2]
        new_w, new_s = prune_below(weights=weights, syn_state=syn_state, thresholds=th)
        n = weights.shape[1]
        return PruneStep(
            method=self.name,
            k=k,
            weights=new_w,
            syn_state=new_s,
            thresholds=th,
            groups=np.arange(n),
            group_thresholds=th,
            group_sizes=np.ones(n, dtype=np.int64),
        )


def test_user_method_object():
    m = as_method(KeepTopTwo())
    out = run_step(m, k=0, weights=W, syn_state=S, spike_counts=COUNTS)
    assert (out.syn_state != R).sum(axis=0).tolist() == [2, 2, 2, 2]
    assert threshold_rows(out)[0] == (0, 0, 0.46, 1)
    assert as_method(cfg(method="apt")).name == "apt"
    with pytest.raises(ConfigError, match="step"):
        as_method("aptn")


class Reviver(KeepTopTwo):
    def step(self, *, k, weights, syn_state, spike_counts):
        out = super().step(k=k, weights=weights, syn_state=syn_state, spike_counts=spike_counts)
        state = np.zeros_like(out.syn_state)  # everything ACTIVE again
        return PruneStep(**{**out.__dict__, "syn_state": state})


class Mutator(KeepTopTwo):
    def step(self, *, k, weights, syn_state, spike_counts):
        weights[0, 0] = 0.0
        return super().step(k=k, weights=weights, syn_state=syn_state, spike_counts=spike_counts)


def test_run_step_rejects_contract_breaches():
    with pytest.raises(ConfigError, match="revived"):
        run_step(Reviver(), k=0, weights=W, syn_state=S, spike_counts=COUNTS)
    with pytest.raises(ConfigError, match="modified its input"):
        run_step(Mutator(), k=0, weights=W.copy(), syn_state=S, spike_counts=COUNTS)
