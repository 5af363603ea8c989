"""The engine's shortcuts give bit for bit what the plain per-step arithmetic gives.

Sleeping inhibitory neurons, rows delivered four at a time and refractory neurons put
back at ``v_reset`` after the fused neuron loop are speed-ups only: each test runs the
shortcut against the plain computation and requires identical float64 values.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lava_aptn.config import preset
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.neurons import (
    fresh_int_state,
    neuron_step,
    rest,
    upgrade_int_state,
    wta_spikes,
)
from lava_aptn.dynamics.synapses import transmit, transmit_many
from lava_aptn.encoding import train_stream
from lava_aptn.engine.network import Network


def _drive(fs, ist, p, steps, rng, wake_all_every_step, n_rest=3):
    """Step a layer with random excitatory drive; return the awake-list lengths seen."""
    n = fs.shape[1]
    spiked_e = np.zeros(n, dtype=np.int64)
    spiked_i = np.zeros(n, dtype=np.int64)
    awake, spikes = [], 0
    t = 0
    for block in range(n_rest):
        for _ in range(steps):
            if wake_all_every_step:
                ist[L.STEPPED, 0] = L.NEVER  # a clock jump: every neuron is updated
            n_e, n_i = neuron_step(fs, ist, t, p, True, spiked_e, spiked_i)
            fs[L.GE_E] += rng[block, t % steps]
            wta_spikes(fs, ist, spiked_e, n_e, spiked_i, n_i, p)
            awake.append(int(ist[L.N_AWAKE_I, 0]))
            spikes += n_e + n_i
            t += 1
        rest(fs, p, True)
        t += int(p.rest_steps)
    return np.array(awake), spikes


def test_sleeping_inhibitory_neurons_change_nothing():
    cfg = preset(n_neurons=24)
    p = Network.fresh(cfg, 0).params
    gen = np.random.default_rng(5)
    # sparse strong kicks: a few neurons fire, most inhibitory neurons stay idle
    drive = gen.random((3, 300, 24)) * (gen.random((3, 300, 24)) < 0.05) * 10.0
    runs = []
    for dense in (False, True):
        net = Network.fresh(cfg, 0)
        # idle inhibitory neurons away from rest: no conductance, yet v still moves
        net.fs[L.V_I] += np.linspace(-5.0, 5.0, 24)
        awake, spikes = _drive(net.fs, net.ist, p, 300, drive, dense)
        runs.append((net.fs.copy(), net.ist.copy(), awake, spikes))
    (fs_a, ist_a, awake, spikes), (fs_b, ist_b, _, _) = runs
    assert spikes > 20  # the layer really fired, so inhibitory neurons woke and slept
    # after each step most inhibitory neurons are off the awake list (skipped next step)
    assert np.median(awake) < 20
    np.testing.assert_array_equal(fs_a, fs_b)
    np.testing.assert_array_equal(ist_a[: L.AWAKE_I], ist_b[: L.AWAKE_I])


def test_old_int_state_resumes_identically(digits):
    images = np.ascontiguousarray(digits(6)[0].reshape(6, -1))
    cfg = preset(n_neurons=12)
    nets = [Network.fresh(cfg, 1), None]
    state = nets[0].state_dict()
    state["ist"] = state["ist"][: L.AWAKE_I]  # as saved before the awake list existed
    nets[1] = Network.from_state_dict(cfg, state)
    for net in nets:
        counts = np.zeros(12, dtype=np.int64)
        counters = np.zeros(L.N_COUNTERS, dtype=np.int64)
        net.simulate(
            images,
            first_index=0,
            seed=0,
            stream=train_stream(0),
            learning=True,
            image_counts=np.zeros((0, 12), dtype=np.int32),
            batch_counts=counts,
            counters=counters,
        )
    np.testing.assert_array_equal(nets[0].w, nets[1].w)
    np.testing.assert_array_equal(nets[0].fs, nets[1].fs)


def test_upgrade_int_state_rejects_unknown_layouts():
    assert upgrade_int_state(fresh_int_state(3)).shape == (L.N_INT_STATE, 3)
    with pytest.raises(ValueError, match="rows"):
        upgrade_int_state(np.zeros((4, 3), dtype=np.int64))


@settings(max_examples=60, deadline=None)
@given(
    n_spikes=st.integers(0, 11),
    n=st.integers(1, 17),
    seed=st.integers(0, 2**16),
)
def test_transmit_many_equals_one_by_one(n_spikes, n, seed):
    gen = np.random.default_rng(seed)
    w = gen.random((9, n))
    scale = gen.random(n) * 3
    pixels = gen.integers(0, 9, size=n_spikes + 2).astype(np.int32)
    ge_many = gen.random(n)
    ge_one = ge_many.copy()
    transmit_many(pixels, 1, 1 + n_spikes, w, scale, ge_many)
    for k in range(1, 1 + n_spikes):
        transmit(pixels[k], w, scale, ge_one)
    np.testing.assert_array_equal(ge_many, ge_one)


def test_refractory_neuron_held_at_reset():
    cfg = preset(n_neurons=2)
    net = Network.fresh(cfg, 0)
    p = net.params
    spiked_e = np.zeros(2, dtype=np.int64)
    spiked_i = np.zeros(2, dtype=np.int64)
    net.fs[L.V_E, 0] = cfg.exc.v_thresh_mv + 1.0  # fires at step 0
    n_e, _ = neuron_step(net.fs, net.ist, 0, p, True, spiked_e, spiked_i)
    assert n_e == 1 and spiked_e[0] == 0
    ref = int(p.e_ref_steps)
    assert ref >= 2
    for t in range(1, ref + 1):
        net.fs[L.GE_E, 0] = 50.0  # strong drive throughout
        neuron_step(net.fs, net.ist, t, p, True, spiked_e, spiked_i)
        if t < ref:
            assert net.fs[L.V_E, 0] == cfg.exc.v_reset_mv
    assert net.fs[L.V_E, 0] > cfg.exc.v_reset_mv  # integrates again once it expires
