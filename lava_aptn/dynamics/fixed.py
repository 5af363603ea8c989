r"""Loihi-semantics fixed-point dynamics: integer-only per-step functions (numba).

Every quantity is a signed 64-bit integer *holding* a value of the width declared next to
it (widths from ``hw_profiles/fixed_point/loihi2.toml``, :mod:`.fixed_profile`); every
update saturates to that width. No float is touched inside a step.

Units (``V`` = 2**-v_frac_bits mV, ``G`` = 2**-g_frac_bits leak conductances):

- ``v``, ``theta``: 24-bit, in ``V`` (1 mV = 65536).
- ``g_e``, ``g_i``: 24-bit, in ``G`` (1.0 = 65536).
- traces ``x`` (pre), ``y1``, ``y2`` (post): 7-bit, 127 stands for 1.0.
- input weights: 8-bit unsigned mantissa (``weight_bits``); true weight =
  ``mant * 2**weight_exp / 2**weight_bits`` (``/ 256``); a spike adds
  ``mant << (weight_exp + g_frac_bits - weight_bits)`` to ``g_e`` (Lava Dense:
  ``a_out = sum(W) << weight_exp``).
- decays and rates: 12-bit constants applied as multiply and ``>> 12`` (Lava LIF).

Neuron formulation (ours: Loihi has no conductance-based neuron). Forward Euler in
integers, without division, followed by a clamp to the reversal potentials::

    I   = (v_rest - v) + (g_e * (E_exc - v) >> G) + (g_i * (E_inh - v) >> G)   # V units
    v  += sgn(I) * ((|I| * a) >> 12)          # a = round(4096 dt / tau_m), 12-bit
    v   = clip(v, E_inh, E_exc)               # the exact solution never leaves them

The float engine uses backward Euler (a division per neuron and step); forward Euler
differs by O((dt/tau_m)^2) per step, is stable for ``a (1 + g_e + g_i) < 2`` and the
clamp bounds it otherwise. ``>> G`` and ``>> 12`` on signed values truncate toward zero
(sign-magnitude, as Lava's LIF does). Conductances decay as ``g * (4096 - d) >> 12``.

Stochastic rounding (traces, STDP, normalisation) uses the counter-based SplitMix64
generator of :mod:`lava_aptn.encoding`: a draw is a pure function of (presentation key,
purpose, step in presentation, index), so the engine and the Lava models draw the same
numbers.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba as nb
import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics.fixed_profile import FixedProfile, load_fixed_profile
from lava_aptn.dynamics.params import decay_factor, steps_of
from lava_aptn.encoding import _mix, input_normalisation
from lava_aptn.errors import ConfigError

# ---------------------------------------------------------------------------------------
# fixed state rows (int64 array of shape (N_FX, N))
FV_E = 0  #: excitatory v, 24-bit signed, V units
FGE_E = 1  #: g_e onto excitatory neurons, 24-bit, G units
FGI_E = 2  #: g_i onto excitatory neurons, 24-bit, G units
FTHETA = 3  #: adaptive threshold increment, 24-bit, V units
FV_I = 4  #: inhibitory v, 24-bit, V units
FGE_I = 5  #: g_e onto inhibitory neurons, 24-bit, G units
FGI_I = 6  #: g_i onto inhibitory neurons (unused by the WTA wiring), 24-bit
FY1 = 7  #: fast post trace, 7-bit unsigned
FY2 = 8  #: slow post trace, 7-bit unsigned
FLAST_E = 9  #: step of each excitatory neuron's last spike (a step counter, not state)
FLAST_I = 10  #: step of each inhibitory neuron's last spike
N_FX = 11

#: "Never spiked" (as in :mod:`lava_aptn.dynamics.layout`).
FNEVER = -(2**40)

# stochastic-rounding purposes (mixed into the presentation key)
P_PRE = 1  #: decay of the pre traces x
P_POST1 = 2  #: decay of y1
P_POST2 = 3  #: decay of y2
P_DEP = 4  #: pre-spike depression
P_POT = 5  #: post-spike potentiation
P_NORM = 6  #: normalisation
P_REST = 7  #: closed-form rest of the traces


class FixedParams(NamedTuple):
    """Per-step integer constants of the fixed mode (plus the float input-rate constants).

    Names ending ``_d`` are 12-bit Loihi decay constants ``d`` (``x * (4096 - d) >> 12``);
    ``_a`` are 12-bit rates ``round(4096 dt / tau)``; potentials in V units, conductance
    increments in G units, durations in steps.
    """

    # widths
    state_max: int  # 2**23 - 1: 24-bit signed saturation bound
    decay_shift: int  # 12: decays and rates are 12-bit, applied as multiply and >> 12
    g_shift: int  # 16: g (G units) * potential (V units) >> 16 -> V units
    trace_max: int  # 127: 7-bit traces
    trace_impulse: int  # 127: added (saturating) on a spike
    weight_max: int  # 255: 8-bit weight mantissa
    w_cap: int  # STDP cap: min(255, round(w_max * 2**weight_bits / 2**weight_exp))
    w_in_shift: int  # weight_exp + g_frac - weight_bits: mantissa -> G units (Dense << exp)
    lr_shift: int  # 20: STDP products are >> 20 with stochastic rounding
    norm_shift: int  # 16: normalisation factor has 16 fraction bits
    theta_shift: int  # 24: per-presentation theta decay multiplier width
    # excitatory neurons
    e_a: int  # 12-bit membrane rate
    e_v_rest: int
    e_v_reset: int
    e_v_thresh: int
    e_e_exc: int
    e_e_inh: int
    e_ge_d: int  # 12-bit
    e_gi_d: int  # 12-bit
    e_ref_steps: int
    e_hold_steps: int  # max(min ISI, refractory)
    e_theta_plus: int  # V units
    theta_k: int  # theta -= (theta * theta_k) >> 24 once per presentation (+ rest)
    # inhibitory neurons
    i_a: int
    i_v_rest: int
    i_v_reset: int
    i_v_thresh: int
    i_e_exc: int
    i_e_inh: int
    i_ge_d: int
    i_gi_d: int
    i_ref_steps: int
    # WTA weights, G units (8-bit mantissa << exponent)
    w_exc_inh: int
    w_inh_exc: int
    # STDP
    pre_d: int  # 12-bit trace decays
    post1_d: int
    post2_d: int
    a_pre: int  # depression dw = (a_pre * y1 + r) >> lr_shift
    a_post: int  # potentiation dw = (a_post * x * y2 + r) >> lr_shift
    norm_target: int  # sum of mantissas per neuron after normalisation; 0 disables
    # rest (closed form), 12-bit multipliers (4096 - d)
    rest_v_e_m: int
    rest_v_i_m: int
    rest_ge_e_m: int
    rest_gi_e_m: int
    rest_ge_i_m: int
    rest_gi_i_m: int
    rest_pre_m: int
    rest_post1_m: int
    rest_post2_m: int
    # input protocol (floats feed the shared Poisson encoder only)
    n_steps: int
    rest_steps: int
    min_exc_spikes: int
    max_presentations: int
    rate_per_level_hz: float
    rate_step_per_level_hz: float
    image_total_levels: float  # input normalisation (encoding.image_gain); 0 disables it
    image_total_cap: bool  # only scale the images above the total down (rule "cap")
    dt_ms: float


def decay_constant(tau_ms: float, dt_ms: float, bits: int = 12, rule: str = "exact") -> int:
    """Return Loihi's decay constant ``d = round(2**bits (1 - exp(-dt/tau)))``.

    With ``rule = "euler"`` (``NetworkConfig.decay``): ``round(2**bits dt / tau)``.

    Examples
    --------
    >>> decay_constant(1.0, 0.5)  # 4096 * (1 - exp(-0.5)) = 1611.7
    1612
    >>> decay_constant(1.0, 0.5, rule="euler")
    2048
    """
    return int(round(2**bits * (1.0 - decay_factor(tau_ms, dt_ms, rule))))


def mant_exp(value: float, bits: int = 8) -> tuple[int, int]:
    """Return ``(mant, exp)`` with ``mant < 2**bits`` maximal, ``mant * 2**exp ~ value``.

    Examples
    --------
    >>> mant_exp(17.0 * 256)  # 4352 = 136 << 5
    (136, 5)
    >>> mant_exp(10.4 * 256)  # 2662.4 -> 166 << 4 = 2656
    (166, 4)
    """
    if value <= 0:
        return 0, 0
    exp = max(0, math.ceil(math.log2(value / (2**bits - 0.5))))
    mant = int(round(value / 2**exp))
    if mant > 2**bits - 1:
        exp += 1
        mant = int(round(value / 2**exp))
    return mant, exp


def weight_unit(prof: FixedProfile) -> float:
    """Return the true weight of one input-weight mantissa step, ``2**exp / 2**bits``.

    >>> weight_unit(load_fixed_profile()) == 1 / 256
    True
    """
    return 2.0**prof.weight_exp / 2.0**prof.weight_bits


def _check_learning_constants(
    prof: FixedProfile, cfg: NetworkConfig, a_pre: int, a_post: int
) -> None:
    """Refuse STDP constants that round to 0 or whose products can overflow int64.

    The largest products are ``a_pre * trace_max`` (depression) and
    ``a_post * trace_max**2`` (potentiation), plus a draw below ``2**lr_shift``.
    """
    where = prof.origin or "fixed profile"
    terms = (
        ("a_pre", cfg.stdp.mu_pre, a_pre, a_pre * prof.trace_max),
        ("a_post", cfg.stdp.mu_post, a_post, a_post * prof.trace_max**2),
    )
    for name, rate_, const, largest in terms:
        if rate_ > 0 and const == 0:
            raise ConfigError(
                f"{where}: lr_shift = {prof.lr_shift} is too small for trace_bits = "
                f"{prof.trace_bits} and weight_bits = {prof.weight_bits}: {name} rounds to 0 "
                "(learning would stop); raise lr_shift"
            )
        if largest + 2**prof.lr_shift >= 2**62:
            raise ConfigError(
                f"{where}: the STDP product of {name} reaches {largest}, over 62 bits; "
                "lower lr_shift or trace_bits"
            )


def fixed_params(cfg: NetworkConfig, prof: FixedProfile | None = None) -> FixedParams:
    """Derive the integer constants of ``cfg`` under profile ``prof`` (default loihi2).

    Raises
    ------
    ConfigError
        When the profile's ``lr_shift`` rounds a learning rate to 0 or lets an STDP
        product overflow.
    """
    prof = prof or load_fixed_profile()
    dt = cfg.dt_ms
    e, i, s, d, inp = cfg.exc, cfg.inh, cfg.syn, cfg.stdp, cfg.input
    vs = 2**prof.v_frac_bits  # V units per mV
    one = 2**prof.decay_bits  # 4096

    def mv(x: float) -> int:
        return int(round(x * vs))

    def rate(tau: float) -> int:
        return int(round(one * dt / tau))

    def mult(factor: float) -> int:
        return int(round(one * factor))

    def over_rest(tau: float) -> float:  # decay of a trace or conductance over the rest
        if cfg.decay == "euler":
            return decay_factor(tau, dt, "euler") ** rest_steps
        return math.exp(-inp.rest_ms / tau)

    def wta(w: float) -> int:  # 8-bit mantissa with exponent, in 1/256 units -> G units
        m, x = mant_exp(w * 256, prof.wta_weight_bits)
        return (m << x) << (prof.g_frac_bits - 8)

    n_steps = cfg.presentation_steps
    rest_steps = steps_of(inp.rest_ms, dt)
    w_unit = weight_unit(prof)  # true weight of one mantissa step
    tb = prof.trace_bits
    a_pre = int(round(d.mu_pre / w_unit * 2.0 ** (prof.lr_shift - tb)))
    a_post = int(round(d.mu_post / w_unit * 2.0 ** (prof.lr_shift - 2 * tb)))
    _check_learning_constants(prof, cfg, a_pre, a_post)
    theta_k = int(
        round(
            2**prof.theta_decay_bits
            * (1.0 - math.exp(-(n_steps + rest_steps) * dt / e.tau_theta_ms))
        )
    )
    normalisation = input_normalisation(inp.total_rate_hz, inp.total_rate_rule, inp.max_rate_hz)
    return FixedParams(
        state_max=prof.state_max,
        decay_shift=prof.decay_bits,
        g_shift=prof.g_frac_bits,
        trace_max=prof.trace_max,
        trace_impulse=prof.trace_impulse,
        weight_max=prof.weight_max,
        w_cap=min(prof.weight_max, int(round(s.w_max / w_unit))),
        w_in_shift=prof.weight_exp + prof.g_frac_bits - prof.weight_bits,
        lr_shift=prof.lr_shift,
        norm_shift=prof.norm_shift,
        theta_shift=prof.theta_decay_bits,
        e_a=rate(e.tau_m_ms),
        e_v_rest=mv(e.v_rest_mv),
        e_v_reset=mv(e.v_reset_mv),
        e_v_thresh=mv(e.v_thresh_mv),
        e_e_exc=mv(e.e_exc_mv),
        e_e_inh=mv(e.e_inh_mv),
        e_ge_d=decay_constant(e.tau_ge_ms, dt, prof.decay_bits, cfg.decay),
        e_gi_d=decay_constant(e.tau_gi_ms, dt, prof.decay_bits, cfg.decay),
        e_ref_steps=steps_of(e.refractory_ms, dt),
        e_hold_steps=max(steps_of(e.min_isi_ms, dt), steps_of(e.refractory_ms, dt)),
        e_theta_plus=mv(e.theta_plus_mv),
        theta_k=theta_k,
        i_a=rate(i.tau_m_ms),
        i_v_rest=mv(i.v_rest_mv),
        i_v_reset=mv(i.v_reset_mv),
        i_v_thresh=mv(i.v_thresh_mv),
        i_e_exc=mv(i.e_exc_mv),
        i_e_inh=mv(i.e_inh_mv),
        i_ge_d=decay_constant(i.tau_ge_ms, dt, prof.decay_bits, cfg.decay),
        i_gi_d=decay_constant(i.tau_gi_ms, dt, prof.decay_bits, cfg.decay),
        i_ref_steps=steps_of(i.refractory_ms, dt),
        w_exc_inh=wta(s.w_exc_inh),
        w_inh_exc=wta(s.w_inh_exc),
        pre_d=decay_constant(d.tau_pre_ms, dt, prof.decay_bits, cfg.decay),
        post1_d=decay_constant(d.tau_post1_ms, dt, prof.decay_bits, cfg.decay),
        post2_d=decay_constant(d.tau_post2_ms, dt, prof.decay_bits, cfg.decay),
        # dw [mantissa] = mu * trace/2**tb [* trace/2**tb] / w_unit, scaled by 2**lr_shift
        a_pre=a_pre,
        a_post=a_post,
        norm_target=0 if s.norm_total is None else int(round(s.norm_total / w_unit)),
        rest_v_e_m=mult(math.exp(-inp.rest_ms / e.tau_m_ms)),
        rest_v_i_m=mult(math.exp(-inp.rest_ms / i.tau_m_ms)),
        rest_ge_e_m=mult(over_rest(e.tau_ge_ms)),
        rest_gi_e_m=mult(over_rest(e.tau_gi_ms)),
        rest_ge_i_m=mult(over_rest(i.tau_ge_ms)),
        rest_gi_i_m=mult(over_rest(i.tau_gi_ms)),
        rest_pre_m=mult(over_rest(d.tau_pre_ms)),
        rest_post1_m=mult(over_rest(d.tau_post1_ms)),
        rest_post2_m=mult(over_rest(d.tau_post2_ms)),
        n_steps=n_steps,
        rest_steps=rest_steps,
        min_exc_spikes=inp.min_exc_spikes,
        max_presentations=inp.max_presentations,
        rate_per_level_hz=inp.max_rate_hz / 255.0,
        rate_step_per_level_hz=inp.rate_step_hz / 255.0,
        image_total_levels=normalisation[0],
        image_total_cap=normalisation[1],
        dt_ms=dt,
    )


# ---------------------------------------------------------------------------------------
# integer primitives


@nb.njit(cache=True, inline="always")
def step_key(key, purpose, step):
    """Return the draw key of one (presentation key, purpose, step): two SplitMix64 mixes."""
    return _mix(_mix(np.uint64(key) ^ np.uint64(purpose)) ^ np.uint64(step))


@nb.njit(cache=True, inline="always")
def draw(skey, index, bits):
    """Return a uniform integer in ``[0, 2**bits)`` for ``index`` under ``skey``."""
    return np.int64(_mix(skey ^ np.uint64(index)) >> np.uint64(64 - bits))


@nb.njit(cache=True, inline="always")
def sat(x, smax):
    """Saturate ``x`` to ``[-smax, smax]`` (24-bit: smax = 2**23 - 1)."""
    return min(max(x, -smax), smax)


@nb.njit(cache=True, inline="always")
def shr0(x, shift):
    """Arithmetic right shift truncating toward zero: ``sgn(x) * (|x| >> shift)``.

    Branch-free: a negative ``x`` is biased by ``2**shift - 1`` before the floor shift,
    ``(x + 2**shift - 1) >> shift = ceil(x / 2**shift)`` (so loops over it vectorise).
    """
    return (x + ((x >> 63) & ((1 << shift) - 1))) >> shift


@nb.njit(cache=True, inline="always")
def sround(x, shift, r):
    """Stochastically round the non-negative ``x / 2**shift``: ``(x + r) >> shift``."""
    return (x + r) >> shift


@nb.njit(cache=True, inline="always")
def membrane(v, ge, gi, a, v_rest, e_exc, e_inh, p):
    """One integer forward-Euler membrane step (see module docstring); returns new v."""
    sh = p.g_shift
    cur = (v_rest - v) + shr0(ge * (e_exc - v), sh) + shr0(gi * (e_inh - v), sh)  # V units
    vn = v + shr0(cur * a, p.decay_shift)  # a: 12-bit rate, >> 12
    vn = min(max(vn, e_inh), e_exc)  # reversal-potential clamp
    return sat(vn, p.state_max)  # 24-bit


@nb.njit(cache=True, inline="always")
def decay_det(x, d, shift):
    """Loihi decay, truncating toward zero: ``sgn(x) * (|x| * (2**shift - d) >> shift)``."""
    return shr0(x * ((1 << shift) - d), shift)


@nb.njit(cache=True)
def decay_traces(tr, d, shift, skey):
    """Decay 7-bit traces with stochastic rounding: ``(x * (4096 - d) + r) >> 12``.

    Zero traces stay zero and draw nothing; index ``k`` draws under ``skey``.
    """
    m = (1 << shift) - d
    for k in range(tr.shape[0]):
        x = tr[k]
        if x != 0:
            tr[k] = sround(x * m, shift, draw(skey, k, shift))


@nb.njit(cache=True, inline="always")
def _population(v, ge, gi, last, t, ref_steps, a, v_rest, e_exc, e_inh, d_ge, d_gi, p):
    """One pass over a population: :func:`membrane` and :func:`decay_det` per neuron.

    The membrane step (from the conductances at the start of the step) is kept only
    outside the refractory period. Both functions are inlined and branch-free
    (:func:`shr0`), and the refractory test is a select, so LLVM vectorises the loop.
    """
    sh = p.decay_shift
    for i in range(v.shape[0]):
        vo = v[i]
        g_e = ge[i]
        g_i = gi[i]
        vn = membrane(vo, g_e, g_i, a, v_rest, e_exc, e_inh, p)
        v[i] = vn if t - last[i] >= ref_steps else vo
        ge[i] = decay_det(g_e, d_ge, sh)
        gi[i] = decay_det(g_i, d_gi, sh)


@nb.njit(cache=True)
def neuron_update(fx, t, p, learning, spiked_e, spiked_i):
    """Advance both populations one step in integers and detect their spikes (no traces).

    Order (as the float engine): membrane update from the conductances at the start of
    the step (held while refractory), deterministic 12-bit decay of the conductances,
    then spike detection: excitatory when
    ``v > v_thresh + theta`` and ``t - last >= max(min ISI, refractory)``, inhibitory
    when ``v > v_thresh`` outside refractoriness. A spike sets ``v = v_reset`` and,
    when learning, ``theta += theta_plus`` (saturating). ``theta`` does not decay per
    step (see :func:`rest_neurons`). Returns ``(n_e, n_i)``.
    """
    n = fx.shape[1]
    smax = p.state_max
    _population(
        fx[FV_E],
        fx[FGE_E],
        fx[FGI_E],
        fx[FLAST_E],
        t,
        p.e_ref_steps,
        p.e_a,
        p.e_v_rest,
        p.e_e_exc,
        p.e_e_inh,
        p.e_ge_d,
        p.e_gi_d,
        p,
    )
    _population(
        fx[FV_I],
        fx[FGE_I],
        fx[FGI_I],
        fx[FLAST_I],
        t,
        p.i_ref_steps,
        p.i_a,
        p.i_v_rest,
        p.i_e_exc,
        p.i_e_inh,
        p.i_ge_d,
        p.i_gi_d,
        p,
    )
    n_e = 0
    n_i = 0
    for i in range(n):
        if fx[FV_E, i] > p.e_v_thresh + fx[FTHETA, i] and t - fx[FLAST_E, i] >= p.e_hold_steps:
            spiked_e[n_e] = i
            n_e += 1
            fx[FV_E, i] = p.e_v_reset
            fx[FLAST_E, i] = t
            if learning:
                fx[FTHETA, i] = sat(fx[FTHETA, i] + p.e_theta_plus, smax)
        if fx[FV_I, i] > p.i_v_thresh and t - fx[FLAST_I, i] >= p.i_ref_steps:
            spiked_i[n_i] = i
            n_i += 1
            fx[FV_I, i] = p.i_v_reset
            fx[FLAST_I, i] = t
    return n_e, n_i


@nb.njit(cache=True)
def decay_post_traces(y1, y2, p, key, s):
    """Stochastic 12-bit decay of the post traces at step ``s`` (purposes P_POST1/2)."""
    decay_traces(y1, p.post1_d, p.decay_shift, step_key(key, P_POST1, s))
    decay_traces(y2, p.post2_d, p.decay_shift, step_key(key, P_POST2, s))


@nb.njit(cache=True)
def neuron_step(fx, t, p, learning, spiked_e, spiked_i, key, s):
    """:func:`neuron_update` plus the post-trace decay of ``fx[FY1]``, ``fx[FY2]``.

    The trace decay is independent of the neuron update, so the Lava models may do it
    in the synapses (where the post traces live, as in Loihi's learning engine).
    """
    n_e, n_i = neuron_update(fx, t, p, learning, spiked_e, spiked_i)
    decay_post_traces(fx[FY1], fx[FY2], p, key, s)
    return n_e, n_i


@nb.njit(cache=True)
def transmit(j, w, fx, p):
    """Deliver input ``j``'s spike: ``g_e[i] += w[j, i] << w_in_shift`` (24-bit sat.)."""
    row = w[j]
    smax = p.state_max
    for i in range(row.shape[0]):
        fx[FGE_E, i] = sat(fx[FGE_E, i] + (np.int64(row[i]) << p.w_in_shift), smax)


@nb.njit(cache=True, inline="always")
def _depress_synapse(j, i, n, w, y, p, skey):
    """Depress synapse ``(j, i)`` by ``(a_pre * y + r) >> lr_shift``; return 1 if it moved."""
    dw = sround(p.a_pre * y, p.lr_shift, draw(skey, j * n + i, p.lr_shift))
    old = np.int64(w[j, i])  # 8-bit
    new = max(old - dw, 0)
    w[j, i] = new
    return np.int64(new != old)


@nb.njit(cache=True)
def depress(j, w, plastic, y1, p, skey):
    """Pre-spike depression of input ``j``: ``w -= (a_pre * y1 + r) >> lr_shift``, ``w >= 0``.

    Only active synapses onto neurons with ``y1 > 0`` draw (index ``j * N + i``).
    Returns the number of weights that changed.
    """
    n = w.shape[1]
    changed = 0
    for i in range(n):
        y = y1[i]  # 7-bit fast post trace (after this step's decay)
        if y > 0 and plastic[j, i] != 0.0:
            changed += _depress_synapse(j, i, n, w, y, p, skey)
    return changed


@nb.njit(cache=True)
def depress_listed(j, w, plastic, y1, listed, n_listed, p, skey):
    """:func:`depress` over ``listed[:n_listed]``: the neurons with ``y1 > 0``, ascending.

    The engine lists them once per step (``y1`` does not change between a step's input
    spikes) instead of scanning every neuron per input spike; same draws, same result.
    """
    n = w.shape[1]
    changed = 0
    for k in range(n_listed):
        i = listed[k]
        if plastic[j, i] != 0.0:
            changed += _depress_synapse(j, i, n, w, y1[i], p, skey)
    return changed


@nb.njit(cache=True)
def potentiate(i, w, plastic, xpre, y2_before, p, skey):
    """Post-spike potentiation of neuron ``i``: ``w += (a_post x y2 + r) >> lr_shift``.

    ``y2_before`` is ``y2`` before this spike's impulse; ``x`` includes this step's
    input impulses. Capped at ``w_cap``. Returns the number of weights that changed.
    """
    n = w.shape[1]
    changed = 0
    if y2_before == 0:
        return 0
    for j in range(w.shape[0]):
        x = xpre[j]  # 7-bit
        if x > 0 and plastic[j, i] != 0.0:
            prod = p.a_post * x * y2_before  # <= 2**(lr bits + 14): int64
            dw = sround(prod, p.lr_shift, draw(skey, j * n + i, p.lr_shift))
            old = np.int64(w[j, i])
            new = min(old + dw, p.w_cap)
            w[j, i] = new
            changed += new != old
    return changed


@nb.njit(cache=True)
def post_impulses(y1, y2, spiked_e, n_e, p):
    """Add the post-trace impulse (saturating at 127) for each excitatory spike."""
    for k in range(n_e):
        i = spiked_e[k]
        y1[i] = min(y1[i] + p.trace_impulse, p.trace_max)
        y2[i] = min(y2[i] + p.trace_impulse, p.trace_max)


@nb.njit(cache=True)
def wta_couple(fx, spiked_e, n_e, spiked_i, n_i, p):
    """E -> I and I -> E conductance increments (24-bit saturating), from step t + 1."""
    n = fx.shape[1]
    smax = p.state_max
    for k in range(n_e):
        i = spiked_e[k]
        fx[FGE_I, i] = sat(fx[FGE_I, i] + p.w_exc_inh, smax)
    for k in range(n_i):
        src = spiked_i[k]
        for i in range(n):
            if i != src:
                fx[FGI_E, i] = sat(fx[FGI_E, i] + p.w_inh_exc, smax)


@nb.njit(cache=True)
def wta_spikes(fx, spiked_e, n_e, spiked_i, n_i, p):
    """:func:`post_impulses` on ``fx[FY1]``, ``fx[FY2]``, then :func:`wta_couple`."""
    post_impulses(fx[FY1], fx[FY2], spiked_e, n_e, p)
    wta_couple(fx, spiked_e, n_e, spiked_i, n_i, p)


@nb.njit(cache=True)
def normalize(w, p, key):
    """Scale each neuron's mantissas so they sum to ``norm_target`` (stochastic rounding).

    ``f = (target << 16) // sum`` (one integer division per neuron, in the management
    phase), then ``w = min((w * f + r) >> 16, 255)`` for every non-zero weight (frozen
    ones too; removed ones are 0 and stay 0). Draw index ``j * N + i``.
    """
    n_in, n = w.shape
    sh = p.norm_shift
    skey = step_key(key, P_NORM, 0)
    # row-major passes over the input-major weights (the draws are counter-based, so
    # the visiting order does not change them)
    total = np.zeros(n, dtype=np.int64)
    for j in range(n_in):
        for i in range(n):
            total[i] += w[j, i]
    f = np.full(n, -1, dtype=np.int64)  # 16 fraction bits; -1: no weight, left alone
    for i in range(n):
        if total[i] > 0:
            f[i] = (np.int64(p.norm_target) << sh) // total[i]
    for j in range(n_in):
        for i in range(n):
            if w[j, i] != 0 and f[i] >= 0:
                new = sround(np.int64(w[j, i]) * f[i], sh, draw(skey, j * n + i, sh))
                w[j, i] = min(new, p.weight_max)


@nb.njit(cache=True)
def rest_neurons(fx, p, learning):
    """Relax the neurons through the rest period in closed form, in integers.

    ``v = v_rest + sgn * (|v - v_rest| * m >> 12)`` and ``g = g * m >> 12``, each
    ``m = round(4096 exp(-rest / tau))`` (12-bit); when learning,
    ``theta -= (theta * theta_k + 2**23) >> 24`` (rounded to nearest): the decay of one
    presentation plus rest, which a 12-bit per-step constant cannot express.
    """
    n = fx.shape[1]
    sh = p.decay_shift
    for i in range(n):
        fx[FV_E, i] = p.e_v_rest + shr0((fx[FV_E, i] - p.e_v_rest) * p.rest_v_e_m, sh)
        fx[FV_I, i] = p.i_v_rest + shr0((fx[FV_I, i] - p.i_v_rest) * p.rest_v_i_m, sh)
        fx[FGE_E, i] = shr0(fx[FGE_E, i] * p.rest_ge_e_m, sh)
        fx[FGI_E, i] = shr0(fx[FGI_E, i] * p.rest_gi_e_m, sh)
        fx[FGE_I, i] = shr0(fx[FGE_I, i] * p.rest_ge_i_m, sh)
        fx[FGI_I, i] = shr0(fx[FGI_I, i] * p.rest_gi_i_m, sh)
        if learning:
            th = fx[FTHETA, i]
            fx[FTHETA, i] = th - shr0(th * p.theta_k + (1 << (p.theta_shift - 1)), p.theta_shift)


@nb.njit(cache=True)
def rest_traces(y1, y2, xpre, p, key):
    """Relax the STDP traces through the rest: ``(x * m + r) >> 12`` (stochastic).

    Draws use purpose ``P_REST``, step 0, indices ``i`` (y1), ``N + i`` (y2),
    ``2N + j`` (x).
    """
    n = y1.shape[0]
    sh = p.decay_shift
    skey = step_key(key, P_REST, 0)
    for i in range(n):
        if y1[i] != 0:
            y1[i] = sround(y1[i] * p.rest_post1_m, sh, draw(skey, i, sh))
        if y2[i] != 0:
            y2[i] = sround(y2[i] * p.rest_post2_m, sh, draw(skey, n + i, sh))
    for j in range(xpre.shape[0]):
        if xpre[j] != 0:
            xpre[j] = sround(xpre[j] * p.rest_pre_m, sh, draw(skey, 2 * n + j, sh))


@nb.njit(cache=True)
def rest(fx, xpre, p, learning, key):
    """:func:`rest_neurons` and :func:`rest_traces` (on ``fx[FY1]``, ``fx[FY2]``, ``xpre``)."""
    rest_neurons(fx, p, learning)
    rest_traces(fx[FY1], fx[FY2], xpre, p, key)


@nb.njit(cache=True)
def transmit_sum(pixels, w, p, out):
    """Set ``out[i] = sum_j w[j, i] << w_in_shift`` over the input spikes ``pixels``.

    The Lava synapses send this sum; the layer adds it with :func:`add_input`. As every
    increment is >= 0 and ``g_e >= 0``, one saturating add of the sum equals the engine's
    saturating add per spike (:func:`transmit`).
    """
    for i in range(out.shape[0]):
        out[i] = 0
    for k in range(pixels.shape[0]):
        row = w[pixels[k]]
        for i in range(out.shape[0]):
            out[i] += np.int64(row[i]) << p.w_in_shift


@nb.njit(cache=True)
def add_input(fx, delta, p):
    """``g_e = sat(g_e + delta)`` (24-bit): the layer's side of :func:`transmit_sum`."""
    for i in range(fx.shape[1]):
        fx[FGE_E, i] = sat(fx[FGE_E, i] + np.int64(delta[i]), p.state_max)
