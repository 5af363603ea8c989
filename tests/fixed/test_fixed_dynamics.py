"""Integer per-step functions against hand-derived known answers."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lava_aptn.config import preset
from lava_aptn.dynamics import fixed as F

CFG = preset("diehl-cook", n_neurons=4)  # the known answers below use its values
P = F.fixed_params(CFG)
MV = 2**16  # V units per mV (v_frac_bits = 16)
G1 = 2**16  # G units per leak conductance (g_frac_bits = 16)
SMAX = 2**23 - 1


def test_derived_constants_known_answers():
    # 12-bit rates and decays (diehl-cook, dt = 0.5 ms)
    assert P.e_a == 20  # round(4096 * 0.5 / 100) = round(20.48)
    assert P.i_a == 205  # round(4096 * 0.5 / 10) = round(204.8)
    assert P.e_ge_d == 1612  # round(4096 (1 - e^-0.5)) = round(1611.7)
    assert P.pre_d == 101  # round(4096 (1 - e^-0.025)) = round(101.1)
    assert P.e_v_thresh == -52 * MV
    assert P.e_theta_plus == 3277  # round(0.05 * 65536) = round(3276.8)
    # WTA weights as 8-bit mantissa << exponent, in 1/256, then << 8 into G units
    assert P.w_inh_exc == (136 << 5) << 8 == 17 * G1  # exact
    assert P.w_exc_inh == (166 << 4) << 8  # 10.375, the nearest to 10.4
    # STDP: a_pre = mu_pre * 256 * 2**20 / 128, a_post = mu_post * 256 * 2**20 / 128**2
    assert P.a_pre == round(1e-4 * 256 * 2**20 / 128) == 210
    assert P.a_post == round(0.01 * 256 * 2**20 / 128**2) == 164
    assert P.norm_target == 78 * 256
    assert P.w_cap == 255


def test_membrane_step_known_answers():
    v_rest = P.e_v_rest
    # at rest with g_e = 1.0: I = (1.0 * (0 - v_rest)) >> 16 = 65 mV; dv = I * 20 >> 12
    i_e = (G1 * (0 - v_rest)) >> 16
    assert i_e == 65 * MV
    expected = v_rest + ((65 * MV * 20) >> 12)
    assert expected == v_rest + 20800  # 65 * 65536 * 20 / 4096 = 20800 exactly
    assert F.membrane(v_rest, G1, 0, P.e_a, v_rest, P.e_e_exc, P.e_e_inh, P) == expected
    # 1 mV above rest, no input: leak of -(65536 * 20 >> 12) = -320
    assert F.membrane(v_rest + MV, 0, 0, P.e_a, v_rest, P.e_e_exc, P.e_e_inh, P) == (
        v_rest + MV - 320
    )
    # a current of -100 V units: -(100 * 20 >> 12) = 0 (truncation toward zero)
    assert F.membrane(v_rest + 100, 0, 0, P.e_a, v_rest, P.e_e_exc, P.e_e_inh, P) == v_rest + 100
    # inhibitory population (a = 205/4096 = 0.05): g_i = 40 gives dv = 0.05 * 40 * -25 mV
    # = -50 mV from rest (-60 mV), past E_inh = -85 mV: clamped to E_inh
    v = F.membrane(P.i_v_rest, 0, 40 * G1, P.i_a, P.i_v_rest, P.i_e_exc, P.i_e_inh, P)
    assert v == P.i_e_inh


@settings(derandomize=True, deadline=None, max_examples=300)
@given(x=st.integers(-(2**52), 2**52), shift=st.integers(0, 30))
def test_branch_free_shift_truncates_toward_zero(x, shift):
    """``shr0`` (biased floor shift) equals ``sgn(x) * (|x| >> shift)`` in exact integers."""
    expected = x >> shift if x >= 0 else -((-x) >> shift)
    assert F.shr0(np.int64(x), np.int64(shift)) == expected


def test_population_pass_equals_the_per_neuron_functions():
    """The vectorised pass is ``membrane`` (held while refractory) then ``decay_det``."""
    rng = np.random.default_rng(4)
    n = 64
    v = rng.integers(P.e_e_inh, P.e_e_exc, n)
    ge = rng.integers(0, 20 * G1, n)
    gi = rng.integers(0, 20 * G1, n)
    last = rng.integers(90, 101, n)
    t = 100
    expected_v = [
        F.membrane(v[i], ge[i], gi[i], P.e_a, P.e_v_rest, P.e_e_exc, P.e_e_inh, P)
        if t - last[i] >= P.e_ref_steps
        else v[i]
        for i in range(n)
    ]
    expected_ge = [F.decay_det(g, P.e_ge_d, 12) for g in ge]
    expected_gi = [F.decay_det(g, P.e_gi_d, 12) for g in gi]
    args = (t, P.e_ref_steps, P.e_a, P.e_v_rest, P.e_e_exc, P.e_e_inh, P.e_ge_d, P.e_gi_d, P)
    F._population(v, ge, gi, last, *args)
    assert np.any(t - last < P.e_ref_steps) and np.any(t - last >= P.e_ref_steps)
    assert v.tolist() == expected_v
    assert ge.tolist() == expected_ge and gi.tolist() == expected_gi


def test_shift_and_saturation_primitives():
    assert F.shr0(-5, 1) == -2  # toward zero (an arithmetic shift gives -3)
    assert F.shr0(5, 1) == 2
    assert F.sat(SMAX + 10, SMAX) == SMAX
    assert F.sat(-SMAX - 10, SMAX) == -SMAX
    # conductance decay: 65536 * (4096 - 1612) >> 12 = 16 * 2484 = 39744
    assert F.decay_det(G1, P.e_ge_d, 12) == 39744


def test_conductances_saturate_at_24_bits():
    fx = np.zeros((F.N_FX, 4), dtype=np.int64)
    fx[F.FGE_E] = SMAX - 100
    w = np.full((2, 4), 255, dtype=np.int32)
    F.transmit(0, w, fx, P)  # + 255 << 8 = 65280
    assert fx[F.FGE_E].tolist() == [SMAX] * 4
    fx[:] = 0
    spiked_i = np.arange(4, dtype=np.int64)
    for _ in range(10):  # 3 inhibitory spikes x 17 leak units per step, 10 steps: > 2**23
        F.wta_spikes(fx, np.zeros(4, np.int64), 0, spiked_i, 4, P)
    assert fx[F.FGI_E].tolist() == [SMAX] * 4


def test_trace_decay_is_stochastic_rounding_with_counter_draws():
    key = np.uint64(12345)
    skey = np.uint64(F.step_key(key, F.P_POST1, 7))
    tr = np.array([127, 0, 1, 64], dtype=np.int64)
    before = tr.copy()
    F.decay_traces(tr, P.post1_d, 12, skey)
    m = 4096 - P.post1_d  # 3995
    for k in range(4):
        r = F.draw(skey, k, 12)
        assert 0 <= r < 4096
        want = 0 if before[k] == 0 else (before[k] * m + r) >> 12
        assert tr[k] == want
    assert tr[0] in (123, 124)  # 127 * 3995 / 4096 = 123.87
    # unbiased: the mean over many keys approaches 123.87
    vals = []
    for s in range(4000):
        t = np.array([127], dtype=np.int64)
        F.decay_traces(t, P.post1_d, 12, np.uint64(F.step_key(key, F.P_POST1, s)))
        vals.append(t[0])
    assert np.mean(vals) == pytest.approx(127 * 3995 / 4096, abs=0.03)


def test_depression_and_potentiation_known_answers():
    n_in, n = 3, 4
    w = np.full((n_in, n), 10, dtype=np.int32)
    plastic = np.ones((n_in, n))
    plastic[1, 2] = 0.0  # frozen
    fx = np.zeros((F.N_FX, n), dtype=np.int64)
    fx[F.FY1] = [127, 0, 127, 5]
    skey = np.uint64(F.step_key(np.uint64(99), F.P_DEP, 3))
    changed = F.depress(1, w, plastic, fx[F.FY1], P, skey)
    expect = []
    for i, y1 in enumerate([127, 0, 127, 5]):
        if y1 == 0 or i == 2:
            expect.append(10)
            continue
        dw = (210 * y1 + F.draw(skey, 1 * n + i, 20)) >> 20  # 210 * 127 / 2**20 = 0.0254
        expect.append(10 - dw)
    assert w[1].tolist() == expect
    assert changed == sum(e != 10 for e in expect)
    assert w[0].tolist() == [10] * 4  # other rows untouched
    # potentiation of neuron 3 with x = [127, 0, 64], y2 = 127: 164 * 127 * 127 = 2645156
    xpre = np.array([127, 0, 64], dtype=np.int64)
    w[:] = 250
    skey = np.uint64(F.step_key(np.uint64(99), F.P_POT, 3))
    changed = F.potentiate(3, w, plastic, xpre, 127, P, skey)
    d0 = (164 * 127 * 127 + F.draw(skey, 0 * n + 3, 20)) >> 20
    d2 = (164 * 64 * 127 + F.draw(skey, 2 * n + 3, 20)) >> 20
    assert d0 in (2, 3)  # 2645156 / 2**20 = 2.52
    assert d2 in (1, 2)  # 1332992 / 2**20 = 1.27
    assert w[:, 3].tolist() == [min(250 + d0, 255), 250, min(250 + d2, 255)]
    assert changed == 2
    assert F.potentiate(3, w, plastic, xpre, 0, P, skey) == 0  # y2 = 0: no update
    w[:] = 254
    F.potentiate(3, w, plastic, xpre, 127, P, skey)
    assert w[0, 3] == 255  # capped at w_cap


def test_neuron_step_spikes_reset_theta_and_refractoriness():
    n = 4
    fx = np.zeros((F.N_FX, n), dtype=np.int64)
    fx[F.FV_E] = P.e_v_rest
    fx[F.FV_I] = P.i_v_rest
    fx[F.FLAST_E] = F.FNEVER
    fx[F.FLAST_I] = F.FNEVER
    fx[F.FV_E, 1] = P.e_v_thresh + 10 * MV  # far above threshold
    fx[F.FV_I, 2] = P.i_v_thresh + 2 * MV
    se = np.zeros(n, np.int64)
    si = np.zeros(n, np.int64)
    n_e, n_i = F.neuron_step(fx, 1000, P, True, se, si, np.uint64(1), 0)
    assert (n_e, n_i) == (1, 1) and se[0] == 1 and si[0] == 2
    assert fx[F.FV_E, 1] == P.e_v_reset and fx[F.FV_I, 2] == P.i_v_reset
    assert fx[F.FTHETA].tolist() == [0, P.e_theta_plus, 0, 0]
    assert fx[F.FLAST_E, 1] == 1000
    # refractory: v held (no leak) for e_ref_steps = 10 steps
    fx[F.FV_E, 1] = P.e_v_reset + MV
    F.neuron_step(fx, 1009, P, True, se, si, np.uint64(1), 1)
    assert fx[F.FV_E, 1] == P.e_v_reset + MV
    F.neuron_step(fx, 1010, P, True, se, si, np.uint64(1), 2)
    assert fx[F.FV_E, 1] == P.e_v_reset + MV - 320
    # minimum inter-spike interval (100 steps) blocks a second spike; theta fixed when
    # not learning
    fx[F.FV_E, 1] = P.e_v_thresh + 10 * MV
    n_e, _ = F.neuron_step(fx, 1050, P, False, se, si, np.uint64(1), 3)
    assert n_e == 0
    fx[F.FV_E, 1] = P.e_v_thresh + P.e_theta_plus + 10 * MV
    n_e, _ = F.neuron_step(fx, 1100, P, False, se, si, np.uint64(1), 4)
    assert n_e == 1 and fx[F.FTHETA, 1] == P.e_theta_plus


def test_rest_closed_form_and_theta_decay():
    n = 2
    fx = np.zeros((F.N_FX, n), dtype=np.int64)
    fx[F.FV_E] = P.e_v_rest + 10 * MV
    fx[F.FV_I] = P.i_v_rest + 3 * MV
    fx[F.FGE_E] = 5 * G1
    fx[F.FTHETA] = 20 * MV
    xpre = np.zeros(3, dtype=np.int64)
    F.rest(fx, xpre, P, True, np.uint64(5))
    # exp(-150/100) * 4096 = 913.9 -> 914: 10 mV * 914 >> 12
    assert P.rest_v_e_m == 914
    assert fx[F.FV_E, 0] == P.e_v_rest + ((10 * MV * 914) >> 12)
    assert fx[F.FV_I, 0] == P.i_v_rest  # exp(-15) rounds to 0
    assert fx[F.FGE_E, 0] == 0
    # theta_k = round(2**24 (1 - exp(-1000 * 0.5 / 1e7))) = round(838.8)
    assert P.theta_k == 839
    th = 20 * MV
    assert fx[F.FTHETA, 0] == th - ((th * 839 + 2**23) >> 24)


def test_normalisation_hits_the_target_on_average():
    rng = np.random.default_rng(0)
    w = rng.integers(0, 80, size=(784, 3)).astype(np.int32)
    w[:, 2] = 0  # an all-zero neuron stays zero
    F.normalize(w, P, np.uint64(3))
    sums = w.sum(axis=0)
    assert abs(sums[0] - P.norm_target) < 200 and abs(sums[1] - P.norm_target) < 200
    assert sums[2] == 0
    assert w.max() <= 255


def test_mant_exp():
    assert F.mant_exp(0.0) == (0, 0)
    assert F.mant_exp(100.0) == (100, 0)
    m, e = F.mant_exp(1e5)
    assert m < 256 and abs(m * 2**e - 1e5) / 1e5 < 0.005
