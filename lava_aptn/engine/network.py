"""The engine's network: weights, synapse states and neuron state of one WTA network."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics import pre_trace_table, step_params
from lava_aptn.dynamics.neurons import fresh_state, upgrade_int_state
from lava_aptn.dynamics.params import StepParams
from lava_aptn.dynamics.synapses import fold_scale, synapse_masks
from lava_aptn.pruning.state import ACTIVE, FROZEN, REMOVED, STATE_DTYPE

#: Arrays saved in checkpoints and ``weights.npz``-style state files.
STATE_ARRAYS = ("w", "syn_state", "scale", "rawsum", "fs", "ist", "last_pre", "clock")


def initial_weights(config: NetworkConfig, seed: int) -> np.ndarray:
    """Return Diehl & Cook's initial input weights ``(U[0, 1) + offset) * scale``.

    Drawn from a generator keyed by ``seed`` alone, shape ``(n_inputs, n_neurons)``.
    """
    rng = np.random.default_rng([int(seed), 0x5EED])
    u = rng.random((config.n_inputs, config.n_neurons))
    return (u + config.syn.init_offset) * config.syn.init_scale


@dataclass
class Network:
    """Mutable state of one network; the compiled kernels update its arrays in place.

    Attributes
    ----------
    w : ndarray of float64, shape (n_inputs, n_neurons)
        Raw input weights; the true weight is ``w[j, i] * scale[i]`` (see
        :mod:`lava_aptn.dynamics.synapses`). Use :meth:`weights` to read true weights.
    syn_state : ndarray of uint8, shape (n_inputs, n_neurons)
        ``ACTIVE``, ``FROZEN`` or ``REMOVED`` per synapse (:mod:`lava_aptn.pruning.state`).
    scale : ndarray of float64, shape (n_neurons,)
        Per-neuron weight scale from normalisation.
    fs, ist : ndarray
        Packed float and int neuron state (rows in :mod:`lava_aptn.dynamics.layout`).
    last_pre : ndarray of int64, shape (n_inputs,)
        Step of each input's last spike (the presynaptic trace is looked up from it).
    clock : ndarray of int64, shape (1,)
        Global time step.
    """

    config: NetworkConfig
    w: np.ndarray
    syn_state: np.ndarray
    scale: np.ndarray
    fs: np.ndarray
    ist: np.ndarray
    last_pre: np.ndarray
    clock: np.ndarray
    rawsum: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.params: StepParams = step_params(self.config)
        self.pre_table = pre_trace_table(self.config)
        self._derive(recompute_sums=self.rawsum is None)

    @classmethod
    def fresh(cls, config: NetworkConfig, seed: int) -> Network:
        """Return an untrained, fully connected network with seeded initial weights."""
        n, n_in = config.n_neurons, config.n_inputs
        fs, ist = fresh_state(config)
        return cls(
            config=config,
            w=initial_weights(config, seed),
            syn_state=np.full((n_in, n), ACTIVE, dtype=STATE_DTYPE),
            scale=np.ones(n),
            fs=fs,
            ist=ist,
            last_pre=np.full(n_in, L.NEVER, dtype=np.int64),
            clock=np.zeros(1, dtype=np.int64),
        )

    def _derive(self, recompute_sums: bool = True) -> None:
        """Recompute the arrays derived from ``syn_state`` (and ``rawsum`` from ``w``)."""
        self.plastic, self.n_transmit, self.n_active_row, self.n_active_col = synapse_masks(
            self.w, self.syn_state
        )
        if recompute_sums:
            self.rawsum = self.w.sum(axis=0)

    def fold(self) -> None:
        """Multiply the normalisation scales into the raw weights (true weights stored)."""
        fold_scale(self.w, self.scale, self.rawsum)

    def weights(self) -> np.ndarray:
        """Return a copy of the true input weights, shape (n_inputs, n_neurons)."""
        return self.w * self.scale[None, :]

    def set_synapses(self, weights: np.ndarray, syn_state: np.ndarray) -> None:
        """Replace true weights and synapse states (a pruning step's outcome).

        Removed synapses get weight 0 whatever ``weights`` holds, and a synapse that is
        already removed cannot come back.

        Raises
        ------
        ValueError
            If shapes differ from the network's, a state code is unknown, or a removed
            synapse would be revived.
        """
        shape = self.w.shape
        if weights.shape != shape or syn_state.shape != shape:
            raise ValueError(
                f"weights and syn_state must have shape {shape}, got {weights.shape} and "
                f"{syn_state.shape}"
            )
        if not np.isin(syn_state, (ACTIVE, FROZEN, REMOVED)).all():
            raise ValueError("syn_state holds codes other than ACTIVE, FROZEN, REMOVED")
        if np.any((self.syn_state == REMOVED) & (syn_state != REMOVED)):
            raise ValueError("a removed synapse cannot be revived")
        self.w = np.array(weights, dtype=np.float64, copy=True)
        self.syn_state = np.array(syn_state, dtype=STATE_DTYPE, copy=True)
        self.scale = np.ones(self.config.n_neurons)
        self._derive(recompute_sums=True)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Return copies of every state array (for checkpoints)."""
        return {name: np.array(getattr(self, name), copy=True) for name in STATE_ARRAYS}

    @classmethod
    def from_state_dict(cls, config: NetworkConfig, state: dict[str, np.ndarray]) -> Network:
        """Rebuild a network saved by :meth:`state_dict`."""
        missing = [name for name in STATE_ARRAYS if name not in state]
        if missing:
            raise ValueError(f"network state lacks arrays {missing}")
        arrays = {name: np.array(state[name]) for name in STATE_ARRAYS}
        arrays["ist"] = upgrade_int_state(arrays["ist"])
        return cls(config=config, **arrays)

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
        """Simulate ``images`` (flattened uint8, consecutive dataset indices) in place.

        A thin wrapper of :func:`lava_aptn.engine.simulate.run_images` (see it for the
        outputs) that passes this network's arrays.
        """
        from lava_aptn.engine.simulate import run_images

        run_images(
            images,
            first_index,
            seed,
            stream,
            self.w,
            self.plastic,
            self.scale,
            self.rawsum,
            self.n_transmit,
            self.n_active_row,
            self.n_active_col,
            self.fs,
            self.ist,
            self.last_pre,
            self.clock,
            self.params,
            self.pre_table,
            learning,
            image_counts,
            batch_counts,
            counters,
        )

    def copy(self) -> Network:
        """Return an independent copy of this network."""
        return Network.from_state_dict(self.config, self.state_dict())
