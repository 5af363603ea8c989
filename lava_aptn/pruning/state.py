"""Per-synapse pruning state: one small integer per input->excitatory weight.

Every plastic synapse carries a state code beside its weight (in hardware, the paper's
"one flag bit per weight"; we need two bits because soft pruning adds a third state):

``ACTIVE`` (0)
    Transmits and learns (STDP updates it).
``FROZEN`` (1)
    Soft pruning (Shi et al. 2019): still transmits at its current weight, no longer learns.
``REMOVED`` (2)
    Hard pruning: weight is 0, neither transmits nor learns, for the rest of training and
    inference. Nothing brings a removed synapse back.

Arrays of states have dtype :data:`STATE_DTYPE` (``numpy.uint8``) and the same shape as the
weight matrix, which is input-major: ``(n_inputs, n_neurons)``.
"""

from __future__ import annotations

import numpy as np

from lava_aptn.errors import ConfigError

ACTIVE = 0
FROZEN = 1
REMOVED = 2
STATE_DTYPE = np.uint8
STATE_NAMES = {ACTIVE: "active", FROZEN: "frozen", REMOVED: "removed"}

__all__ = [
    "ACTIVE",
    "FROZEN",
    "REMOVED",
    "STATE_DTYPE",
    "STATE_NAMES",
    "new_state",
    "check_state",
    "connectivity",
    "unpruned_fraction",
    "transmit_mask",
    "plastic_mask",
]


def new_state(*, n_inputs: int, n_neurons: int) -> np.ndarray:
    """Return an all-``ACTIVE`` state array of shape ``(n_inputs, n_neurons)``.

    Examples
    --------
    >>> new_state(n_inputs=2, n_neurons=3).tolist()
    [[0, 0, 0], [0, 0, 0]]
    """
    for name, value in (("n_inputs", n_inputs), ("n_neurons", n_neurons)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
    return np.zeros((int(n_inputs), int(n_neurons)), dtype=STATE_DTYPE)


def check_state(syn_state: np.ndarray, *, name: str = "syn_state") -> np.ndarray:
    """Validate a state array and return it (unchanged, not copied).

    Raises
    ------
    ConfigError
        If it is not a non-empty ``uint8`` array whose values are all in
        ``{ACTIVE, FROZEN, REMOVED}``.
    """
    if not isinstance(syn_state, np.ndarray):
        raise ConfigError(f"{name} must be a numpy array of dtype uint8, got {type(syn_state)!r}")
    if syn_state.dtype != STATE_DTYPE:
        raise ConfigError(f"{name} must have dtype uint8, got {syn_state.dtype}")
    if syn_state.size == 0:
        raise ConfigError(f"{name} must not be empty, got shape {syn_state.shape}")
    top = int(syn_state.max())
    if top > REMOVED:
        raise ConfigError(f"{name} values must be ACTIVE=0, FROZEN=1 or REMOVED=2, found {top}")
    return syn_state


def connectivity(syn_state: np.ndarray) -> float:
    r"""Fraction of synapses that are not ``REMOVED`` (frozen synapses still count).

    .. math:: \mathrm{connectivity} = \frac{\#\{s \ne \mathrm{REMOVED}\}}{\#\{s\}}

    Examples
    --------
    >>> connectivity(np.array([[ACTIVE, FROZEN], [REMOVED, REMOVED]], dtype=np.uint8))
    0.5
    """
    check_state(syn_state)
    return float(np.count_nonzero(syn_state != REMOVED)) / syn_state.size


def unpruned_fraction(syn_state: np.ndarray) -> float:
    r"""Fraction of synapses still ``ACTIVE`` (the paper's "unpruned %" for soft pruning).

    .. math:: \mathrm{unpruned} = \frac{\#\{s = \mathrm{ACTIVE}\}}{\#\{s\}}

    Equal to :func:`connectivity` unless some synapses are ``FROZEN``.

    Examples
    --------
    >>> unpruned_fraction(np.array([[ACTIVE, FROZEN], [REMOVED, ACTIVE]], dtype=np.uint8))
    0.5
    """
    check_state(syn_state)
    return float(np.count_nonzero(syn_state == ACTIVE)) / syn_state.size


def transmit_mask(syn_state: np.ndarray) -> np.ndarray:
    """Boolean mask of synapses that transmit spikes (``ACTIVE`` or ``FROZEN``)."""
    return check_state(syn_state) != REMOVED


def plastic_mask(syn_state: np.ndarray) -> np.ndarray:
    """Boolean mask of synapses that STDP may update (``ACTIVE`` only)."""
    return check_state(syn_state) == ACTIVE
