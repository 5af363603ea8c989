"""A plain numpy implementation of one presentation: the readable reference.

It performs the same arithmetic as the compiled engine (:mod:`lava_aptn.dynamics`,
:func:`lava_aptn.engine.simulate.present`), vectorised over neurons with numpy but
stepping through time in Python. Tests hold the engine to it; ``make bench`` reports
the engine's speed against it.
"""

from __future__ import annotations

import numpy as np

from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.params import STATE_FLOOR
from lava_aptn.engine.network import Network


def _membrane(v, ge, gi, a, v_rest, e_exc, e_inh, p):
    """Membrane step of a whole population (``dynamics.neurons`` module docstring)."""
    if p.forward_euler:
        vn = v + a * ((v_rest - v) + ge * (e_exc - v) + gi * (e_inh - v))
        return np.clip(vn, e_inh, e_exc)
    return (v + a * (v_rest + ge * e_exc + gi * e_inh)) / (1.0 + a * (1.0 + ge + gi))


def _decay(x, factor):
    """Exponential decay flushed to 0 below ``STATE_FLOOR`` (``dynamics.decay``)."""
    y = x * factor
    return np.where(y >= STATE_FLOOR, y, 0.0)


def present_reference(
    net: Network, step_ptr: np.ndarray, pixels: np.ndarray, learning: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Simulate one presentation of ``(step_ptr, pixels)`` on ``net`` (in place).

    Returns ``(spike_counts, counters)`` like the engine's ``present``. The rest after
    the presentation and the clock update are left to the caller.
    """
    p = net.params
    fs, ist, w, plastic, scale = net.fs, net.ist, net.w, net.plastic, net.scale
    n = fs.shape[1]
    counts = np.zeros(n, dtype=np.int64)
    counters = np.zeros(L.N_COUNTERS, dtype=np.int64)
    t0 = int(net.clock[0])
    n_steps = step_ptr.size - 1
    ref_e, ref_i = int(p.e_ref_steps), int(p.i_ref_steps)
    hold_e = max(int(p.e_isi_steps), ref_e)
    last_row = net.pre_table.size - 1
    for s in range(n_steps):
        t = t0 + s
        since_e, since_i = t - ist[L.LAST_E], t - ist[L.LAST_I]
        ge, gi = fs[L.GE_E], fs[L.GI_E]
        vn = _membrane(fs[L.V_E], ge, gi, p.e_dt_tau, p.e_v_rest, p.e_e_exc, p.e_e_inh, p)
        fs[L.V_E] = np.where(since_e < ref_e, fs[L.V_E], vn)
        ge, gi = fs[L.GE_I], fs[L.GI_I]
        vn = _membrane(fs[L.V_I], ge, gi, p.i_dt_tau, p.i_v_rest, p.i_e_exc, p.i_e_inh, p)
        fs[L.V_I] = np.where(since_i < ref_i, fs[L.V_I], vn)
        for row, factor in (
            (L.GE_E, p.e_decay_ge),
            (L.GI_E, p.e_decay_gi),
            (L.GE_I, p.i_decay_ge),
            (L.GI_I, p.i_decay_gi),
            (L.Y1, p.decay_post1),
            (L.Y2, p.decay_post2),
            (L.THETA, p.e_decay_theta if learning else 1.0),
        ):
            fs[row] = _decay(fs[row], factor)
        fire_e = np.flatnonzero((fs[L.V_E] > p.e_v_thresh + fs[L.THETA]) & (since_e >= hold_e))
        fire_i = np.flatnonzero((fs[L.V_I] > p.i_v_thresh) & (since_i >= ref_i))
        fs[L.V_E, fire_e] = p.e_v_reset
        ist[L.LAST_E, fire_e] = t
        if learning:
            fs[L.THETA, fire_e] += p.e_theta_plus
        fs[L.V_I, fire_i] = p.i_v_reset
        ist[L.LAST_I, fire_i] = t
        inputs = pixels[step_ptr[s] : step_ptr[s + 1]]
        if inputs.size:
            recent = (t - ist[L.LAST_E]) <= p.dep_steps  # y1 above the depression floor
            dep = np.where(recent, p.mu_pre * fs[L.Y1] / scale, 0.0)
            for j in inputs:
                old = w[j].copy()
                fs[L.GE_E] += old * scale
                if learning:
                    new = np.maximum(old - plastic[j] * dep, 0.0)
                    w[j] = new
                    net.rawsum += new - old
                    counters[L.DEP_NOMINAL] += net.n_active_row[j]
                    counters[L.DEP_EFFECTIVE] += np.count_nonzero(new != old)
                    net.last_pre[j] = t
                counters[L.ACCUMULATIONS] += net.n_transmit[j]
            counters[L.INPUT_SPIKES] += inputs.size
        for i in fire_e:
            if learning:
                age = t - net.last_pre
                x = np.where(age < last_row, net.pre_table[np.minimum(age, last_row)], 0.0)
                old = w[:, i].copy()
                new = np.minimum(old + p.mu_post * fs[L.Y2, i] / scale[i] * x, p.w_max / scale[i])
                new = np.where(plastic[:, i] != 0.0, new, old)
                w[:, i] = new
                net.rawsum[i] += np.sum(new - old)
                counters[L.POT_NOMINAL] += net.n_active_col[i]
                counters[L.POT_EFFECTIVE] += np.count_nonzero(new != old)
            fs[L.Y1, i] = 1.0
            fs[L.Y2, i] = 1.0
            fs[L.GE_I, i] += p.w_exc_inh
            counts[i] += 1
        for src in fire_i:
            mask = np.arange(n) != src
            fs[L.GI_E, mask] += p.w_inh_exc
        counters[L.EXC_SPIKES] += fire_e.size
        counters[L.INH_SPIKES] += fire_i.size
    counters[L.NEURON_UPDATES] += 2 * n * n_steps
    counters[L.TIME_STEPS] += n_steps
    return counts, counters
