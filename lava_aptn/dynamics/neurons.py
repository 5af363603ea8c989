r"""Neuron updates for one time step (numba).

Membrane step: backward (semi-implicit) Euler in ``v`` with the conductances held at
their current values,

.. math::
    v_{t+1} = \\frac{v_t + \\frac{\\Delta t}{\\tau_m}(v_{rest} + g_e E_{exc} + g_i E_{inh})}
                   {1 + \\frac{\\Delta t}{\\tau_m}(1 + g_e + g_i)},

which is unconditionally stable: large simultaneous inhibition cannot overshoot
``E_inh`` as forward Euler does. ``NetworkConfig(membrane="forward-euler")`` selects the
explicit step instead (Diehl & Cook's Brian code, and the fixed-point mode),

.. math::
    v_{t+1} = \mathrm{clip}\left(v_t + \frac{\Delta t}{\tau_m}\left((v_{rest} - v_t)
              + g_e (E_{exc} - v_t) + g_i (E_{inh} - v_t)\right), E_{inh}, E_{exc}\right),

clamped to the reversal potentials, which the exact solution never leaves. Conductances,
traces and ``theta`` decay exactly (``g *= exp(-dt/tau)``) and are set to 0 below
:data:`~lava_aptn.dynamics.params.STATE_FLOOR`, which keeps them out of the slow
subnormal range and changes no value the network computes.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from lava_aptn.dynamics.decay import decay as _decay
from lava_aptn.dynamics.layout import (
    AWAKE_I,
    BLOCK_E,
    BLOCK_I,
    GE_E,
    GE_I,
    GI_E,
    GI_I,
    HOLD_E,
    HOLD_I,
    IS_AWAKE_I,
    LAST_E,
    LAST_I,
    N_AWAKE_I,
    N_FLOAT_STATE,
    N_INT_STATE,
    N_RECENT_E,
    N_RECENT_I,
    NEVER,
    RECENT_E,
    RECENT_I,
    STEPPED,
    THETA,
    V_E,
    V_I,
    Y1,
    Y2,
)


@nb.njit(cache=True, error_model="numpy", inline="always")
def _membrane(v, g_e, g_i, a, v_rest, e_exc, e_inh, forward):
    """Membrane step of one neuron (module docstring), mV.

    Backward Euler, or clamped forward Euler when ``forward`` (``p.forward_euler``) is
    non-zero. Callers pass ``forward`` as a constant (:func:`_excitatory`,
    :func:`_inhibitory`), so each compiled loop holds one branch only: with the test
    inside, LLVM left the backward-Euler loop unvectorised (3.8 ns per neuron against
    1.2-1.7 ns without it).
    """
    if forward != 0.0:
        vn = v + a * ((v_rest - v) + g_e * (e_exc - v) + g_i * (e_inh - v))
        return min(max(vn, e_inh), e_exc)
    return (v + a * (v_rest + g_e * e_exc + g_i * e_inh)) / (1.0 + a * (1.0 + g_e + g_i))


@nb.njit(cache=True, error_model="numpy", inline="always")
def _excitatory(v, ge, gi, theta, y1, y2, block, p, decay_theta):
    """One fused pass over the excitatory neurons; returns how many cross threshold.

    Per neuron: the membrane step from the conductances at the start of the step
    (refractory neurons are reset afterwards), the exact decay of ``ge``, ``gi``, the
    post traces and ``theta`` (``decay_theta`` is 1.0 when not learning), and the
    threshold test ``v > v_thresh + theta + block`` on the new values. One loop over
    every row keeps the state in registers and LLVM vectorises it; it runs faster than
    one short loop per row. The membrane rule is chosen here, outside the loop.
    """
    if p.forward_euler != 0.0:
        return _excitatory_pass(v, ge, gi, theta, y1, y2, block, p, decay_theta, 1.0)
    return _excitatory_pass(v, ge, gi, theta, y1, y2, block, p, decay_theta, 0.0)


@nb.njit(cache=True, error_model="numpy", inline="always")
def _excitatory_pass(v, ge, gi, theta, y1, y2, block, p, decay_theta, forward):
    """Run the loop of :func:`_excitatory` with the membrane rule ``forward`` fixed."""
    a, v_rest, e_exc, e_inh = p.e_dt_tau, p.e_v_rest, p.e_e_exc, p.e_e_inh
    d_ge, d_gi, d1, d2, v_thresh = (
        p.e_decay_ge,
        p.e_decay_gi,
        p.decay_post1,
        p.decay_post2,
        p.e_v_thresh,
    )
    fired = 0
    for i in range(v.shape[0]):
        g_e = ge[i]
        g_i = gi[i]
        v_old = v[i]
        vn = _membrane(v_old, g_e, g_i, a, v_rest, e_exc, e_inh, forward)
        v[i] = vn
        ge[i] = _decay(g_e, d_ge)
        gi[i] = _decay(g_i, d_gi)
        y1[i] = _decay(y1[i], d1)
        y2[i] = _decay(y2[i], d2)
        th = _decay(theta[i], decay_theta)
        theta[i] = th
        fired += np.int64(vn > v_thresh + th + block[i])
    return fired


@nb.njit(cache=True, error_model="numpy", inline="always")
def _wake(ist, i):
    """Put inhibitory neuron ``i`` on the awake list (no-op if it is on it)."""
    if ist[IS_AWAKE_I, i] == 0:
        ist[IS_AWAKE_I, i] = 1
        ist[AWAKE_I, ist[N_AWAKE_I, 0]] = i
        ist[N_AWAKE_I, 0] += 1


@nb.njit(cache=True, error_model="numpy", inline="always")
def _wake_all_after_jump(ist, t):
    """Wake every inhibitory neuron when ``t`` does not follow the last step.

    A rest or a restored state changed them outside the step loop.
    """
    if t != ist[STEPPED, 0] + 1:
        for i in range(ist.shape[1]):
            ist[AWAKE_I, i] = i
            ist[IS_AWAKE_I, i] = 1
        ist[N_AWAKE_I, 0] = ist.shape[1]
    ist[STEPPED, 0] = t


@nb.njit(cache=True, error_model="numpy", inline="always")
def _inhibitory(v, ge, gi, hold, block, p, ist):
    """Advance the awake inhibitory neurons (as :func:`_excitatory`, no theta).

    A neuron that comes out of the step unchanged with no conductance, outside its
    refractory period and below threshold leaves the awake list (it is at a fixed
    point: further steps would not change it). Returns how many cross threshold.
    """
    if p.forward_euler != 0.0:
        return _inhibitory_pass(v, ge, gi, hold, block, p, ist, 1.0)
    return _inhibitory_pass(v, ge, gi, hold, block, p, ist, 0.0)


@nb.njit(cache=True, error_model="numpy", inline="always")
def _inhibitory_pass(v, ge, gi, hold, block, p, ist, forward):
    """Run the loop of :func:`_inhibitory` with the membrane rule ``forward`` fixed."""
    a, v_rest, e_exc, e_inh = p.i_dt_tau, p.i_v_rest, p.i_e_exc, p.i_e_inh
    d_ge, d_gi, v_thresh = p.i_decay_ge, p.i_decay_gi, p.i_v_thresh
    awake, is_awake = ist[AWAKE_I], ist[IS_AWAKE_I]
    fired = 0
    kept = 0
    for k in range(ist[N_AWAKE_I, 0]):
        i = awake[k]
        g_e = ge[i]
        g_i = gi[i]
        v_old = v[i]
        vn = _membrane(v_old, g_e, g_i, a, v_rest, e_exc, e_inh, forward)
        v[i] = vn
        ge[i] = _decay(g_e, d_ge)
        gi[i] = _decay(g_i, d_gi)
        fire = vn > v_thresh + block[i]
        fired += np.int64(fire)
        if (
            vn == v_old
            and g_e == 0.0
            and g_i == 0.0
            and hold[i] == 0.0
            and block[i] == 0.0
            and not fire
        ):
            is_awake[i] = 0
        else:
            awake[kept] = i
            kept += 1
    ist[N_AWAKE_I, 0] = kept
    return fired


@nb.njit(cache=True, error_model="numpy", inline="always")
def _hold_at_reset(recent, n_recent, hold, v, v_reset):
    """Put the refractory neurons (all on the recent list) back at ``v_reset``."""
    for k in range(n_recent):
        i = recent[k]
        if hold[i] > 0.0:
            v[i] = v_reset


@nb.njit(cache=True, error_model="numpy", inline="always")
def _release(recent, n_recent, last, hold, block, t, ref, hold_steps, keep_steps):
    """Clear the refractory and interval flags that expire at ``t``; shorten the list."""
    kept = 0
    for k in range(n_recent):
        i = recent[k]
        since = t - last[i]
        if since >= ref:
            hold[i] = 0.0
        if since >= hold_steps:
            block[i] = 0.0
        if since <= keep_steps:
            recent[kept] = i
            kept += 1
    return kept


@nb.njit(cache=True, error_model="numpy")
def neuron_step(fs, ist, t, p, learning, spiked_e, spiked_i):
    """Advance both populations by one time step and detect their spikes.

    First the refractory and inter-spike-interval flags of the recently fired neurons
    that expire at ``t`` are cleared. Then the membrane update of excitatory and
    inhibitory neurons (held at reset while refractory) from the conductances at the
    start of the step, the exact decay of the conductances, the postsynaptic traces
    and, when learning, ``theta``. Spikes are then detected: an excitatory neuron fires
    when ``v > v_thresh + theta`` and at least ``max(min_isi, refractory)`` steps have
    passed since its last spike; an inhibitory one when ``v > v_thresh`` outside its
    refractory period. A spike resets ``v``, sets the flags, puts the neuron on its
    population's recent list and, when learning, raises ``theta`` by ``theta_plus``.

    Speed-ups that change no value (``tests/engine/test_fast_paths.py``): one fused,
    vectorised pass per population; refractory neurons are put back at ``v_reset``
    after it (they are all on the recent list, and their threshold is blocked during
    the pass); inhibitory neurons at an exact fixed point sleep off the awake list
    (:mod:`lava_aptn.dynamics.layout`).

    Parameters
    ----------
    fs : ndarray of float64, shape (N_FLOAT_STATE, N)
        Packed neuron state (rows from :mod:`lava_aptn.dynamics.layout`); updated in place.
    ist : ndarray of int64, shape (N_INT_STATE, N)
        Last spike steps and recent lists; updated in place.
    t : int
        Current time step.
    p : StepParams
        Per-step constants.
    learning : bool
        Training: ``theta`` decays and adapts.
    spiked_e, spiked_i : ndarray of int64, shape (N,)
        Output: indices of the excitatory / inhibitory neurons that fired.

    Returns
    -------
    (int, int)
        Numbers of excitatory and inhibitory spikes.
    """
    n = fs.shape[1]
    v_e, ge_e, gi_e, theta = fs[V_E], fs[GE_E], fs[GI_E], fs[THETA]
    v_i, ge_i, gi_i = fs[V_I], fs[GE_I], fs[GI_I]
    hold_e, block_e, hold_i, block_i = fs[HOLD_E], fs[BLOCK_E], fs[HOLD_I], fs[BLOCK_I]
    last_e, last_i = ist[LAST_E], ist[LAST_I]
    ref_e, ref_i = int(p.e_ref_steps), int(p.i_ref_steps)
    hold_steps_e = int(p.hold_e_steps)
    _wake_all_after_jump(ist, t)
    ist[N_RECENT_E, 0] = _release(
        ist[RECENT_E],
        ist[N_RECENT_E, 0],
        last_e,
        hold_e,
        block_e,
        t,
        ref_e,
        hold_steps_e,
        int(p.recent_e_steps),
    )
    ist[N_RECENT_I, 0] = _release(
        ist[RECENT_I], ist[N_RECENT_I, 0], last_i, hold_i, block_i, t, ref_i, ref_i, ref_i
    )
    decay_theta = p.e_decay_theta if learning else 1.0
    any_spike = _excitatory(
        v_e, ge_e, gi_e, theta, fs[Y1], fs[Y2], block_e, p, decay_theta
    ) + _inhibitory(v_i, ge_i, gi_i, hold_i, block_i, p, ist)
    _hold_at_reset(ist[RECENT_E], ist[N_RECENT_E, 0], hold_e, v_e, p.e_v_reset)
    _hold_at_reset(ist[RECENT_I], ist[N_RECENT_I, 0], hold_i, v_i, p.i_v_reset)
    n_e = 0
    n_i = 0
    if any_spike == 0:
        return n_e, n_i
    for i in range(n):
        if v_e[i] > p.e_v_thresh + theta[i] + block_e[i]:
            spiked_e[n_e] = i
            n_e += 1
    awake = ist[AWAKE_I]
    for k in range(ist[N_AWAKE_I, 0]):
        i = awake[k]
        if v_i[i] > p.i_v_thresh + block_i[i]:
            # insert in ascending order: spikes are delivered in neuron order
            m = n_i
            while m > 0 and spiked_i[m - 1] > i:
                spiked_i[m] = spiked_i[m - 1]
                m -= 1
            spiked_i[m] = i
            n_i += 1
    _after_spikes(
        spiked_e,
        n_e,
        v_e,
        last_e,
        hold_e,
        block_e,
        ist[RECENT_E],
        ist[N_RECENT_E],
        t,
        p.e_v_reset,
        ref_e,
        hold_steps_e,
    )
    _after_spikes(
        spiked_i,
        n_i,
        v_i,
        last_i,
        hold_i,
        block_i,
        ist[RECENT_I],
        ist[N_RECENT_I],
        t,
        p.i_v_reset,
        ref_i,
        ref_i,
    )
    if learning:
        for k in range(n_e):
            theta[spiked_e[k]] += p.e_theta_plus
    return n_e, n_i


@nb.njit(cache=True, error_model="numpy", inline="always")
def _after_spikes(
    spiked, count, v, last, hold, block, recent, n_recent, t, v_reset, ref, hold_steps
):
    """Reset the neurons that fired, set their flags and append them to the recent list."""
    for k in range(count):
        i = spiked[k]
        v[i] = v_reset
        in_list = False
        for m in range(n_recent[0]):
            if recent[m] == i:
                in_list = True
                break
        last[i] = t
        if ref > 0:
            hold[i] = 1.0
        if hold_steps > 0:
            block[i] = np.inf
        if not in_list:
            recent[n_recent[0]] = i
            n_recent[0] += 1


def fresh_state(config) -> tuple[np.ndarray, np.ndarray]:
    """Return the packed float and int state of an untrained layer (at rest, never fired).

    ``config`` is a :class:`~lava_aptn.config.NetworkConfig`.
    """
    fs = np.zeros((N_FLOAT_STATE, config.n_neurons))
    fs[V_E] = config.exc.v_rest_mv
    fs[V_I] = config.inh.v_rest_mv
    return fs, fresh_int_state(config.n_neurons)


def fresh_int_state(n: int) -> np.ndarray:
    """Return the int state of ``n`` neurons that never fired (all inhibitory awake)."""
    ist = np.zeros((N_INT_STATE, n), dtype=np.int64)
    ist[LAST_E] = NEVER
    ist[LAST_I] = NEVER
    ist[AWAKE_I] = np.arange(n)
    ist[IS_AWAKE_I] = 1
    ist[N_AWAKE_I, 0] = n
    ist[STEPPED, 0] = NEVER
    return ist


def upgrade_int_state(ist: np.ndarray) -> np.ndarray:
    """Return ``ist`` with the rows a state saved before the awake list lacks.

    The rows are filled with every inhibitory neuron awake, which is always valid.
    """
    if ist.shape[0] == N_INT_STATE:
        return ist
    if ist.shape[0] != AWAKE_I:
        raise ValueError(
            f"int state has {ist.shape[0]} rows; expected {N_INT_STATE} (or {AWAKE_I} "
            "from an older version)"
        )
    extra = fresh_int_state(ist.shape[1])[AWAKE_I:]
    return np.concatenate([ist, extra])


@nb.njit(cache=True, error_model="numpy")
def rest(fs, p, learning):
    """Relax the network through the rest period between presentations, in closed form.

    With no input the conductances decay to ~0 within a few ms (``tau_ge``, ``tau_gi``
    of 1-2 ms against a 150 ms rest), after which ``v`` relaxes exactly towards
    ``v_rest``; the rest is therefore applied as one step: conductances and traces
    decay by their factor to the power of the rest's steps, ``v`` by
    ``exp(-rest / tau_m)``. No neuron can fire during the rest (``v`` only falls
    towards ``v_rest < v_thresh``).
    """
    k = p.rest_steps
    ge_e, gi_e = p.e_decay_ge**k, p.e_decay_gi**k
    ge_i, gi_i = p.i_decay_ge**k, p.i_decay_gi**k
    d1, d2 = p.decay_post1**k, p.decay_post2**k
    dth = p.e_decay_theta**k
    n = fs.shape[1]
    for i in range(n):
        fs[V_E, i] = p.e_v_rest + (fs[V_E, i] - p.e_v_rest) * p.rest_decay_v_e
        fs[V_I, i] = p.i_v_rest + (fs[V_I, i] - p.i_v_rest) * p.rest_decay_v_i
        fs[GE_E, i] = _decay(fs[GE_E, i], ge_e)
        fs[GI_E, i] = _decay(fs[GI_E, i], gi_e)
        fs[GE_I, i] = _decay(fs[GE_I, i], ge_i)
        fs[GI_I, i] = _decay(fs[GI_I, i], gi_i)
        fs[Y1, i] = _decay(fs[Y1, i], d1)
        fs[Y2, i] = _decay(fs[Y2, i], d2)
        if learning:
            fs[THETA, i] = _decay(fs[THETA, i], dth)


@nb.njit(cache=True, error_model="numpy")
def wta_spikes(fs, ist, spiked_e, n_e, spiked_i, n_i, p):
    """Deliver one step's spikes inside the WTA layer (after any potentiation).

    Each excitatory spike resets its neuron's post traces ``y1``, ``y2`` to 1 and excites
    its paired inhibitory neuron by ``w_exc_inh`` (waking it: ``ist``'s awake list); each
    inhibitory spike inhibits every other excitatory neuron by ``w_inh_exc``. The
    increments act from the next step.
    """
    n = fs.shape[1]
    for k in range(n_e):
        i = spiked_e[k]
        fs[Y1, i] = 1.0
        fs[Y2, i] = 1.0
        fs[GE_I, i] += p.w_exc_inh
        _wake(ist, i)
    for k in range(n_i):
        src = spiked_i[k]
        for i in range(n):
            if i != src:
                fs[GI_E, i] += p.w_inh_exc
