"""The engine's Loihi-semantics fixed-point mode: integer network state and kernels.

:class:`FixedNetwork` is the integer counterpart of :class:`~lava_aptn.engine.network.Network`
(8-bit weight mantissas, 24-bit neuron state, 7-bit traces); :func:`run_images_fixed`
the counterpart of :func:`~lava_aptn.engine.simulate.run_images`, built on
:mod:`lava_aptn.dynamics.fixed`. The presentation protocol, the input spikes (same
counter-based encoder and keys) and the event counters have the same meaning as in the
float engine. Select it with ``RunConfig(precision="fixed")`` or
``lava-aptn train --precision fixed``.

Order within step ``t`` (``s`` = step within the presentation): (1) membrane updates;
(2) conductance and post-trace decay, spike detection (reset, ``theta``); (3) input
spikes: pre-trace decay first (all inputs), then per spiking input ``j`` transmission,
depression (``y1`` after decay) and the pre-trace impulse; (4) excitatory spikes:
potentiation with ``y2`` before its impulse; (5) post-trace impulses and WTA
conductance increments, acting from step ``t + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import fixed as F
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.fixed_profile import FixedProfile, load_fixed_profile
from lava_aptn.dynamics.synapses import synapse_masks
from lava_aptn.encoding import encode_into, image_gain, presentation_key, presentation_rate
from lava_aptn.pruning.state import ACTIVE, FROZEN, REMOVED, STATE_DTYPE

#: Arrays saved in checkpoints of a fixed-point network.
FIXED_STATE_ARRAYS = ("w", "syn_state", "fx", "xpre", "clock")


@nb.njit(cache=True, error_model="numpy")
def present_fixed(
    step_ptr,
    pixels,
    w,
    plastic,
    n_transmit,
    n_active_row,
    n_active_col,
    fx,
    xpre,
    key,
    t0,
    p,
    learning,
    spike_counts,
    counters,
    work,
):
    """Simulate one presentation in integers; arguments as in the float ``present``.

    ``key`` is the presentation key (:func:`lava_aptn.encoding.presentation_key`); every
    stochastic rounding of the presentation draws under it. Returns the excitatory spikes.
    """
    n = fx.shape[1]
    n_steps = step_ptr.shape[0] - 1
    spiked_e = work[0]
    spiked_i = work[1]
    listed = work[2]
    sh = p.decay_shift
    total_e = 0
    for s in range(n_steps):
        t = t0 + s
        n_e, n_i = F.neuron_step(fx, t, p, learning, spiked_e, spiked_i, key, s)
        F.decay_traces(xpre, p.pre_d, sh, F.step_key(key, F.P_PRE, s))
        a, b = step_ptr[s], step_ptr[s + 1]
        if b > a:
            dkey = F.step_key(key, F.P_DEP, s)
            n_dep = 0
            if learning:  # neurons that pre spikes depress this step: y1 > 0
                y1 = fx[F.FY1]
                for i in range(n):
                    if y1[i] > 0:
                        listed[n_dep] = i
                        n_dep += 1
            for k in range(a, b):
                j = pixels[k]
                F.transmit(j, w, fx, p)
                if learning:
                    changed = F.depress_listed(j, w, plastic, fx[F.FY1], listed, n_dep, p, dkey)
                    counters[L.DEP_NOMINAL] += n_active_row[j]
                    counters[L.DEP_EFFECTIVE] += changed
                xpre[j] = min(xpre[j] + p.trace_impulse, p.trace_max)
                counters[L.ACCUMULATIONS] += n_transmit[j]
            counters[L.INPUT_SPIKES] += b - a
        if n_e > 0:
            pkey = F.step_key(key, F.P_POT, s)
            for k in range(n_e):
                i = spiked_e[k]
                if learning:
                    changed = F.potentiate(i, w, plastic, xpre, fx[F.FY2, i], p, pkey)
                    counters[L.POT_NOMINAL] += n_active_col[i]
                    counters[L.POT_EFFECTIVE] += changed
                spike_counts[i] += 1
        F.wta_spikes(fx, spiked_e, n_e, spiked_i, n_i, p)
        total_e += n_e
        counters[L.EXC_SPIKES] += n_e
        counters[L.INH_SPIKES] += n_i
    counters[L.NEURON_UPDATES] += 2 * n * n_steps
    counters[L.TIME_STEPS] += n_steps
    return total_e


@nb.njit(cache=True, error_model="numpy")
def run_images_fixed(
    images,
    first_index,
    seed,
    stream,
    w,
    plastic,
    n_transmit,
    n_active_row,
    n_active_col,
    fx,
    xpre,
    clock,
    p,
    learning,
    image_counts,
    batch_counts,
    counters,
):
    """Simulate consecutive images in integers (protocol as the float ``run_images``)."""
    n_images, n_inputs = images.shape
    n = fx.shape[1]
    n_steps = p.n_steps
    step_ptr = np.empty(n_steps + 1, dtype=np.int64)
    pixels = np.empty(n_inputs * n_steps, dtype=np.int32)
    scratch = np.empty(n_inputs * n_steps, dtype=np.int64)
    work = np.empty((3, n), dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    record = image_counts.shape[0] == n_images
    for m in range(n_images):
        image = images[m]
        gain = image_gain(image, p.image_total_levels, p.image_total_cap)
        for pres in range(p.max_presentations):
            rate = presentation_rate(p.rate_per_level_hz, p.rate_step_per_level_hz, pres, gain)
            key = presentation_key(seed, stream, first_index + m, pres)
            n_in = encode_into(image, rate, n_steps, p.dt_ms, key, step_ptr, pixels, scratch)
            if learning and p.norm_target > 0:
                F.normalize(w, p, key)
            counts[:] = 0
            total = present_fixed(
                step_ptr[: n_steps + 1],
                pixels[:n_in],
                w,
                plastic,
                n_transmit,
                n_active_row,
                n_active_col,
                fx,
                xpre,
                key,
                clock[0],
                p,
                learning,
                counts,
                counters,
                work,
            )
            clock[0] += n_steps
            F.rest(fx, xpre, p, learning, key)
            clock[0] += p.rest_steps
            counters[L.PRESENTATIONS] += 1
            for i in range(n):
                batch_counts[i] += counts[i]
            if total >= p.min_exc_spikes:
                break
        if record:
            for i in range(n):
                image_counts[m, i] = counts[i]


def quantize_weights(weights: np.ndarray, prof: FixedProfile) -> np.ndarray:
    """Return mantissas ``clip(round(w / unit), 0, weight_max)`` (int32).

    ``unit = 2**weight_exp / 2**weight_bits`` (:func:`~lava_aptn.dynamics.fixed.weight_unit`;
    1/256 for the shipped 8-bit profile).
    """
    unit = F.weight_unit(prof)
    return np.clip(
        np.rint(np.asarray(weights, dtype=np.float64) / unit), 0, prof.weight_max
    ).astype(np.int32)


def dequantize_weights(mant: np.ndarray, prof: FixedProfile) -> np.ndarray:
    """Return true float weights ``mant * 2**weight_exp / 2**weight_bits``."""
    return np.asarray(mant, dtype=np.float64) * F.weight_unit(prof)


@dataclass
class FixedNetwork:
    """Integer state of one network (the fixed-point counterpart of ``Network``).

    Attributes
    ----------
    w : ndarray of int32, shape (n_inputs, n_neurons)
        Unsigned weight mantissas (``weight_bits``); true weight
        ``w * 2**weight_exp / 2**weight_bits``.
    syn_state : ndarray of uint8
        ``ACTIVE``, ``FROZEN`` or ``REMOVED`` per synapse.
    fx : ndarray of int64, shape (N_FX, n_neurons)
        Neuron state (rows in :mod:`lava_aptn.dynamics.fixed`): 24-bit v, g, theta,
        7-bit post traces, last-spike steps.
    xpre : ndarray of int64, shape (n_inputs,)
        7-bit presynaptic traces.
    clock : ndarray of int64, shape (1,)
        Global time step.
    """

    config: NetworkConfig
    w: np.ndarray
    syn_state: np.ndarray
    fx: np.ndarray
    xpre: np.ndarray
    clock: np.ndarray
    profile: FixedProfile | None = None

    precision = "fixed"

    def __post_init__(self) -> None:
        self.profile = self.profile or load_fixed_profile()
        self.params: F.FixedParams = F.fixed_params(self.config, self.profile)
        self._derive()

    @classmethod
    def fresh(cls, config: NetworkConfig, seed: int, profile: FixedProfile | None = None):
        """Return an untrained network: the float engine's initial weights, quantized."""
        from lava_aptn.engine.network import initial_weights

        profile = profile or load_fixed_profile()
        n, n_in = config.n_neurons, config.n_inputs
        params = F.fixed_params(config, profile)
        fx = np.zeros((F.N_FX, n), dtype=np.int64)
        fx[F.FV_E] = params.e_v_rest
        fx[F.FV_I] = params.i_v_rest
        fx[F.FLAST_E] = F.FNEVER
        fx[F.FLAST_I] = F.FNEVER
        return cls(
            config=config,
            w=quantize_weights(initial_weights(config, seed), profile),
            syn_state=np.full((n_in, n), ACTIVE, dtype=STATE_DTYPE),
            fx=fx,
            xpre=np.zeros(n_in, dtype=np.int64),
            clock=np.zeros(1, dtype=np.int64),
            profile=profile,
        )

    @classmethod
    def from_float(cls, net, profile: FixedProfile | None = None) -> FixedNetwork:
        """Return a fixed network with ``net``'s quantized weights and synapse states.

        The neuron state starts fresh (at rest, traces 0), as in :meth:`fresh`.
        """
        fixed = cls.fresh(net.config, 0, profile)
        fixed.set_synapses(net.weights(), net.syn_state, allow_revive=True)
        return fixed

    def _derive(self) -> None:
        self.plastic, self.n_transmit, self.n_active_row, self.n_active_col = synapse_masks(
            self.w, self.syn_state
        )

    def fold(self) -> None:
        """No-op: fixed-point weights carry no separate normalisation scale."""

    def weights(self) -> np.ndarray:
        """Return the true float weights, shape (n_inputs, n_neurons)."""
        return dequantize_weights(self.w, self.profile)

    def set_synapses(
        self, weights: np.ndarray, syn_state: np.ndarray, allow_revive: bool = False
    ) -> None:
        """Replace weights (float, quantized here) and synapse states (a pruning outcome).

        Raises
        ------
        ValueError
            On a shape mismatch, an unknown state code or a revived removed synapse.
        """
        shape = self.w.shape
        if weights.shape != shape or syn_state.shape != shape:
            raise ValueError(
                f"weights and syn_state must have shape {shape}, got {weights.shape} and "
                f"{syn_state.shape}"
            )
        if not np.isin(syn_state, (ACTIVE, FROZEN, REMOVED)).all():
            raise ValueError("syn_state holds codes other than ACTIVE, FROZEN, REMOVED")
        if not allow_revive and np.any((self.syn_state == REMOVED) & (syn_state != REMOVED)):
            raise ValueError("a removed synapse cannot be revived")
        self.w = quantize_weights(weights, self.profile)
        self.syn_state = np.array(syn_state, dtype=STATE_DTYPE, copy=True)
        self._derive()

    def simulate(
        self,
        images: np.ndarray,
        *,
        first_index: int,
        seed: int,
        stream: int,
        learning: bool,
        image_counts: np.ndarray,
        batch_counts: np.ndarray,
        counters: np.ndarray,
    ) -> None:
        """Simulate ``images`` in integers; the counterpart of ``Network.simulate``.

        A thin wrapper of :func:`run_images_fixed` passing this network's arrays (the
        training and inference loops of :mod:`lava_aptn.engine.train` call it).
        """
        run_images_fixed(
            images,
            first_index,
            seed,
            stream,
            self.w,
            self.plastic,
            self.n_transmit,
            self.n_active_row,
            self.n_active_col,
            self.fx,
            self.xpre,
            self.clock,
            self.params,
            learning,
            image_counts,
            batch_counts,
            counters,
        )

    @property
    def fs(self) -> np.ndarray:
        """Float view of the neuron state in the float layout (mV, leak units, traces).

        A fresh array, shape ``(N_FLOAT_STATE, N)`` (rows of
        :mod:`lava_aptn.dynamics.layout`; refractory flags 0), for reports that read
        ``net.fs`` (e.g. ``theta_mv = net.fs[THETA]``).
        """
        prof = self.profile
        vs, gs, ts = 2.0**prof.v_frac_bits, 2.0**prof.g_frac_bits, float(prof.trace_max)
        fs = np.zeros((L.N_FLOAT_STATE, self.fx.shape[1]))
        for frow, xrow, unit in (
            (L.V_E, F.FV_E, vs),
            (L.GE_E, F.FGE_E, gs),
            (L.GI_E, F.FGI_E, gs),
            (L.THETA, F.FTHETA, vs),
            (L.V_I, F.FV_I, vs),
            (L.GE_I, F.FGE_I, gs),
            (L.GI_I, F.FGI_I, gs),
            (L.Y1, F.FY1, ts),
            (L.Y2, F.FY2, ts),
        ):
            fs[frow] = self.fx[xrow] / unit
        return fs

    def state_dict(self) -> dict[str, np.ndarray]:
        """Return copies of every state array (for checkpoints)."""
        return {name: np.array(getattr(self, name), copy=True) for name in FIXED_STATE_ARRAYS}

    @classmethod
    def from_state_dict(
        cls,
        config: NetworkConfig,
        state: dict[str, np.ndarray],
        profile: FixedProfile | None = None,
    ):
        """Rebuild a network saved by :meth:`state_dict` (under the same ``profile``)."""
        missing = [name for name in FIXED_STATE_ARRAYS if name not in state]
        if missing:
            raise ValueError(f"fixed network state lacks arrays {missing}")
        arrays = {k: np.array(state[k]) for k in FIXED_STATE_ARRAYS}
        return cls(config=config, profile=profile, **arrays)

    def copy(self) -> FixedNetwork:
        """Return an independent copy of this network."""
        return FixedNetwork(
            config=self.config,
            profile=self.profile,
            **{k: np.array(v) for k, v in self.state_dict().items()},
        )
