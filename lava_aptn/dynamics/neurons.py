r"""Neuron updates for one time step (numba).

Membrane step: backward (semi-implicit) Euler in ``v`` with the conductances held at
their current values,

.. math::
    v_{t+1} = \\frac{v_t + \\frac{\\Delta t}{\\tau_m}(v_{rest} + g_e E_{exc} + g_i E_{inh})}
                   {1 + \\frac{\\Delta t}{\\tau_m}(1 + g_e + g_i)},

which is unconditionally stable: large simultaneous inhibition cannot overshoot
``E_inh`` as forward Euler does. Conductances and traces decay exactly
(``g *= exp(-dt/tau)``).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from lava_aptn.dynamics.layout import (
    BLOCK_E,
    BLOCK_I,
    GE_E,
    GE_I,
    GI_E,
    GI_I,
    HOLD_E,
    HOLD_I,
    LAST_E,
    LAST_I,
    N_RECENT_E,
    N_RECENT_I,
    RECENT_E,
    RECENT_I,
    THETA,
    V_E,
    V_I,
    Y1,
    Y2,
)


@nb.njit(cache=True, error_model="numpy", inline="always")
def _membrane(v, ge, gi, hold, a, v_rest, e_exc, e_inh):
    """Backward-Euler membrane step; ``v`` is kept where ``hold`` is set (refractory)."""
    for i in range(v.shape[0]):
        vn = (v[i] + a * (v_rest + ge[i] * e_exc + gi[i] * e_inh)) / (
            1.0 + a * (1.0 + ge[i] + gi[i])
        )
        v[i] = v[i] if hold[i] > 0.0 else vn


@nb.njit(cache=True, error_model="numpy", inline="always")
def _scale(x, factor):
    """Exact exponential decay by one step: ``x *= factor``."""
    for i in range(x.shape[0]):
        x[i] *= factor


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
    # Short loops over few arrays each: LLVM vectorises them (one fused loop over
    # every state row defeats its alias analysis and runs scalar, ~4x slower).
    _membrane(v_e, ge_e, gi_e, hold_e, p.e_dt_tau, p.e_v_rest, p.e_e_exc, p.e_e_inh)
    _membrane(v_i, ge_i, gi_i, hold_i, p.i_dt_tau, p.i_v_rest, p.i_e_exc, p.i_e_inh)
    _scale(ge_e, p.e_decay_ge)
    _scale(gi_e, p.e_decay_gi)
    _scale(ge_i, p.i_decay_ge)
    _scale(gi_i, p.i_decay_gi)
    _scale(fs[Y1], p.decay_post1)
    _scale(fs[Y2], p.decay_post2)
    if learning:
        _scale(theta, p.e_decay_theta)
    any_spike = 0
    for i in range(n):
        fire_e = v_e[i] > p.e_v_thresh + theta[i] + block_e[i]
        fire_i = v_i[i] > p.i_v_thresh + block_i[i]
        any_spike += np.int64(fire_e) + np.int64(fire_i)
    n_e = 0
    n_i = 0
    if any_spike == 0:
        return n_e, n_i
    for i in range(n):
        if v_e[i] > p.e_v_thresh + theta[i] + block_e[i]:
            spiked_e[n_e] = i
            n_e += 1
        if v_i[i] > p.i_v_thresh + block_i[i]:
            spiked_i[n_i] = i
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
        fs[GE_E, i] *= ge_e
        fs[GI_E, i] *= gi_e
        fs[GE_I, i] *= ge_i
        fs[GI_I, i] *= gi_i
        fs[Y1, i] *= d1
        fs[Y2, i] *= d2
        if learning:
            fs[THETA, i] *= dth


@nb.njit(cache=True, error_model="numpy")
def wta_spikes(fs, spiked_e, n_e, spiked_i, n_i, p):
    """Deliver one step's spikes inside the WTA layer (after any potentiation).

    Each excitatory spike resets its neuron's post traces ``y1``, ``y2`` to 1 and excites
    its paired inhibitory neuron by ``w_exc_inh``; each inhibitory spike inhibits every
    other excitatory neuron by ``w_inh_exc``. The increments act from the next step.
    """
    n = fs.shape[1]
    for k in range(n_e):
        i = spiked_e[k]
        fs[Y1, i] = 1.0
        fs[Y2, i] = 1.0
        fs[GE_I, i] += p.w_exc_inh
    for k in range(n_i):
        src = spiked_i[k]
        for i in range(n):
            if i != src:
                fs[GI_E, i] += p.w_inh_exc
