"""Per-step constants derived once from a :class:`~lava_aptn.config.NetworkConfig`.

The engine works in time steps: every time constant becomes a per-step decay factor,
``exp(-dt / tau)`` (exact for exponential decay; ``NetworkConfig.decay = "euler"``:
``1 - dt / tau``, Diehl & Cook's forward-Euler step) and every duration a step count.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.encoding import input_normalisation


def decay_factor(tau_ms: float, dt_ms: float, rule: str = "exact") -> float:
    """Return the per-step decay factor of an exponential with time constant ``tau_ms``.

    ``rule = "exact"``: ``exp(-dt_ms / tau_ms)``; ``"euler"``: ``1 - dt_ms / tau_ms``
    (the forward-Euler step, which needs ``dt_ms < tau_ms``).

    Examples
    --------
    >>> round(decay_factor(20.0, 0.5), 6)
    0.97531
    >>> decay_factor(1.0, 0.5, "euler")
    0.5
    """
    if tau_ms <= 0 or dt_ms <= 0:
        raise ValueError(f"tau_ms and dt_ms must be > 0, got {tau_ms!r}, {dt_ms!r}")
    if rule == "euler":
        if not dt_ms < tau_ms:
            raise ValueError(f"the Euler decay needs dt_ms < tau_ms, got {dt_ms!r}, {tau_ms!r}")
        return 1.0 - dt_ms / tau_ms
    if rule != "exact":
        raise ValueError(f"rule must be 'exact' or 'euler', got {rule!r}")
    return math.exp(-dt_ms / tau_ms)


def steps_of(duration_ms: float, dt_ms: float) -> int:
    """Return ``duration_ms`` in whole time steps (rounded to nearest)."""
    return int(round(duration_ms / dt_ms))


#: Pre-spike depression ``mu_pre * y1`` is applied only while the fast post trace is at
#: least this value (2**-60): below it a depression step is under 1e-22, far below the
#: resolution of any weight that matters, so skipping it changes nothing measurable
#: while it lets each input spike visit only the neurons that fired lately.
DEPRESSION_TRACE_FLOOR = 2.0**-60


#: Conductances, STDP traces and ``theta`` are set to exactly 0 once their decay takes
#: them below this value (2**-500, about 3e-151). Unflushed, an exponential decay ends in
#: the subnormal range, where each multiplication costs the CPU tens of times more.
#: Nothing the network computes sees the difference (``tests/engine/test_decay.py``): a
#: conductance below 2**-53 no longer changes a membrane step (``1 + g`` rounds to 1 and
#: ``g * E`` is far below one ulp of ``v``), depression ignores ``y1`` below
#: :data:`DEPRESSION_TRACE_FLOOR`, and a ``theta`` below the floor is far below one ulp
#: of the threshold. Its one trace is on weights at exactly 0: a potentiation from a
#: ``y2`` below the floor used to leave them at 1e-320 to 1e-170 and now leaves them at
#: 0 (after one training epoch at N = 100, 79 of 78,400 weights, each below 6e-178; the
#: accuracy, spikes, ``theta`` and every SOP count are unchanged), and the
#: ``stdp_*_effective`` counters, which count those steps, differ by 2e-4 (potentiations)
#: and 5e-6 (depressions) relative.
STATE_FLOOR = 2.0**-500


def depression_horizon(tau_post1_ms: float, dt_ms: float) -> int:
    """Return the steps after a post spike during which ``y1 >= DEPRESSION_TRACE_FLOOR``.

    Examples
    --------
    >>> depression_horizon(20.0, 0.5)  # 60 ln 2 * 20 ms / 0.5 ms = 1663.6
    1663
    """
    return int(math.floor(-math.log(DEPRESSION_TRACE_FLOOR) * tau_post1_ms / dt_ms))


class StepParams(NamedTuple):
    """Every per-step constant the dynamics need (all float64, so numba sees one tuple)."""

    # excitatory neurons
    e_dt_tau: float  # dt / tau_m
    e_v_rest: float
    e_v_reset: float
    e_v_thresh: float
    e_e_exc: float
    e_e_inh: float
    e_decay_ge: float
    e_decay_gi: float
    e_ref_steps: float
    e_isi_steps: float
    e_theta_plus: float
    e_decay_theta: float
    # inhibitory neurons
    i_dt_tau: float
    i_v_rest: float
    i_v_reset: float
    i_v_thresh: float
    i_e_exc: float
    i_e_inh: float
    i_decay_ge: float
    i_decay_gi: float
    i_ref_steps: float
    # synapses and STDP
    w_exc_inh: float
    w_inh_exc: float
    w_max: float
    decay_pre: float
    decay_post1: float
    decay_post2: float
    mu_pre: float
    mu_post: float
    norm_total: float  # 0 disables normalisation
    # input protocol
    n_steps: float
    rest_steps: float
    rate_per_level_hz: float
    rate_step_per_level_hz: float
    image_total_levels: float  # input normalisation (encoding.image_gain); 0 disables it
    image_total_cap: bool  # only scale the images above the total down (rule "cap")
    min_exc_spikes: float
    max_presentations: float
    dt_ms: float
    rest_decay_v_e: float
    rest_decay_v_i: float
    dep_steps: float  # steps after a spike during which y1 >= DEPRESSION_TRACE_FLOOR
    hold_e_steps: float  # max(min ISI, refractory) of excitatory neurons, steps
    recent_e_steps: float  # how long an excitatory neuron stays on the recent list
    forward_euler: float  # 1.0: explicit membrane step (clamped), 0.0: backward Euler


def step_params(cfg: NetworkConfig) -> StepParams:
    """Derive the per-step constants of ``cfg``."""
    dt, rule = cfg.dt_ms, cfg.decay
    e, i, s, d, inp = cfg.exc, cfg.inh, cfg.syn, cfg.stdp, cfg.input
    normalisation = input_normalisation(inp.total_rate_hz, inp.total_rate_rule, inp.max_rate_hz)
    return StepParams(
        e_dt_tau=dt / e.tau_m_ms,
        e_v_rest=e.v_rest_mv,
        e_v_reset=e.v_reset_mv,
        e_v_thresh=e.v_thresh_mv,
        e_e_exc=e.e_exc_mv,
        e_e_inh=e.e_inh_mv,
        e_decay_ge=decay_factor(e.tau_ge_ms, dt, rule),
        e_decay_gi=decay_factor(e.tau_gi_ms, dt, rule),
        e_ref_steps=float(steps_of(e.refractory_ms, dt)),
        e_isi_steps=float(steps_of(e.min_isi_ms, dt)),
        e_theta_plus=e.theta_plus_mv,
        e_decay_theta=decay_factor(e.tau_theta_ms, dt, rule),
        i_dt_tau=dt / i.tau_m_ms,
        i_v_rest=i.v_rest_mv,
        i_v_reset=i.v_reset_mv,
        i_v_thresh=i.v_thresh_mv,
        i_e_exc=i.e_exc_mv,
        i_e_inh=i.e_inh_mv,
        i_decay_ge=decay_factor(i.tau_ge_ms, dt, rule),
        i_decay_gi=decay_factor(i.tau_gi_ms, dt, rule),
        i_ref_steps=float(steps_of(i.refractory_ms, dt)),
        w_exc_inh=s.w_exc_inh,
        w_inh_exc=s.w_inh_exc,
        w_max=s.w_max,
        decay_pre=decay_factor(d.tau_pre_ms, dt, rule),
        decay_post1=decay_factor(d.tau_post1_ms, dt, rule),
        decay_post2=decay_factor(d.tau_post2_ms, dt, rule),
        mu_pre=d.mu_pre,
        mu_post=d.mu_post,
        norm_total=0.0 if s.norm_total is None else float(s.norm_total),
        n_steps=float(cfg.presentation_steps),
        rest_steps=float(steps_of(inp.rest_ms, dt)),
        rate_per_level_hz=inp.max_rate_hz / 255.0,
        rate_step_per_level_hz=inp.rate_step_hz / 255.0,
        image_total_levels=normalisation[0],
        image_total_cap=normalisation[1],
        min_exc_spikes=float(inp.min_exc_spikes),
        max_presentations=float(inp.max_presentations),
        dt_ms=dt,
        rest_decay_v_e=math.exp(-inp.rest_ms / e.tau_m_ms),
        rest_decay_v_i=math.exp(-inp.rest_ms / i.tau_m_ms),
        dep_steps=float(depression_horizon(d.tau_post1_ms, dt)),
        hold_e_steps=float(max(steps_of(e.min_isi_ms, dt), steps_of(e.refractory_ms, dt))),
        recent_e_steps=float(
            max(
                depression_horizon(d.tau_post1_ms, dt),
                steps_of(e.min_isi_ms, dt),
                steps_of(e.refractory_ms, dt),
            )
        ),
        forward_euler=1.0 if cfg.membrane == "forward-euler" else 0.0,
    )


def pre_trace_table(cfg: NetworkConfig) -> np.ndarray:
    """Return ``decay_pre ** k`` for k steps since a presynaptic spike.

    The presynaptic trace is reset to 1 on a spike and decays by ``decay_pre`` per step,
    so its value ``k`` steps later is ``decay_pre ** k``; the table holds it until it
    falls below 1e-30 (then 0), so traces are looked up, never decayed step by step.
    """
    decay = decay_factor(cfg.stdp.tau_pre_ms, cfg.dt_ms, cfg.decay)
    length = int(math.ceil(math.log(1e-30) / math.log(decay))) + 1
    table = decay ** np.arange(length, dtype=np.float64)
    return np.concatenate([table, [0.0]])
