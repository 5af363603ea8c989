"""Plastic input synapses: transmission, triplet STDP and weight normalisation (numba).

Weights are stored input-major, ``w[j, i]`` from input ``j`` to neuron ``i``, together
with a per-neuron scale: the true weight is ``w[j, i] * scale[i]``. Normalising a
neuron's incoming weights to a fixed sum then costs one division per neuron
(``scale[i] = norm_total / rawsum[i]``) instead of a pass over all its weights; STDP
steps are divided by ``scale[i]`` so that they act on true weights exactly as written
(:func:`fold_scale` multiplies the scale back into ``w``). ``plastic[j, i]`` is 1.0
for an active synapse and 0.0 for a frozen or removed one; a removed synapse has
``w = 0`` and stays 0 because no update reaches it and scaling 0 gives 0.
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True, error_model="numpy")
def depression_steps(y1, scale, recent, n_recent, p, out):
    """Raw-weight depression of one pre spike, ``mu_pre * y1[i] / scale[i]``.

    Computed for the recently fired neurons ``recent[:n_recent]`` only (the others have
    ``y1`` below :data:`~lava_aptn.dynamics.params.DEPRESSION_TRACE_FLOOR`).
    """
    for k in range(n_recent):
        i = recent[k]
        out[i] = p.mu_pre * y1[i] / scale[i]


@nb.njit(cache=True, error_model="numpy")
def transmit(j, w, scale, ge):
    """Deliver input ``j``'s spike: ``ge[i] += w[j, i] * scale[i]`` for every neuron."""
    row = w[j]
    for i in range(row.shape[0]):
        ge[i] += row[i] * scale[i]


@nb.njit(cache=True, error_model="numpy")
def transmit_many(pixels, start, stop, w, scale, ge):
    """Deliver the spikes ``pixels[start:stop]`` in order, as :func:`transmit` one by one.

    Up to four rows go through one pass over the neurons, so ``ge`` and ``scale`` are
    read once per four spikes; the additions keep the order of one-by-one delivery,
    so the sums are bit-equal to it.
    """
    n = ge.shape[0]
    k = start
    while stop - k >= 4:
        r0, r1, r2, r3 = w[pixels[k]], w[pixels[k + 1]], w[pixels[k + 2]], w[pixels[k + 3]]
        for i in range(n):
            s = scale[i]
            ge[i] = (((ge[i] + r0[i] * s) + r1[i] * s) + r2[i] * s) + r3[i] * s
        k += 4
    if stop - k >= 2:
        r0, r1 = w[pixels[k]], w[pixels[k + 1]]
        for i in range(n):
            s = scale[i]
            ge[i] = (ge[i] + r0[i] * s) + r1[i] * s
        k += 2
    if stop - k == 1:
        transmit(pixels[k], w, scale, ge)


@nb.njit(cache=True, error_model="numpy")
def depress(j, w, plastic, dep, recent, n_recent, last_e, t, dep_steps, rawsum):
    r"""Apply pre-spike depression of input ``j`` to its active synapses.

    .. math::
        w_{ji} \leftarrow \max(0,\, w_{ji} - \mu_{pre}\, y_{1,i})

    for the neurons that fired within the last ``dep_steps`` steps (``dep[i]`` from
    :func:`depression_steps`); every other neuron's ``y1`` is below the depression
    floor. Returns the number of weights that changed.
    """
    row = w[j]
    prow = plastic[j]
    changed = 0
    for k in range(n_recent):
        i = recent[k]
        if t - last_e[i] <= dep_steps:
            old = row[i]
            new = max(old - prow[i] * dep[i], 0.0)
            row[i] = new
            rawsum[i] += new - old
            changed += new != old
    return changed


@nb.njit(cache=True, error_model="numpy")
def potentiate(i, w, plastic, scale, last_pre, t, pre_table, y2_before, rawsum, p):
    r"""Apply post-spike potentiation to neuron ``i``'s active input synapses.

    .. math::
        w_{ji} \\leftarrow \\min(w_{max},\\, w_{ji} + \\mu_{post}\\, x_j\\, y_{2,i}^-)

    with ``x_j = pre_table[t - last_pre[j]]`` (the presynaptic trace, reset to 1 at the
    last input spike) and ``y2_before`` the slow post trace before this spike's reset.

    Returns
    -------
    int
        Number of weights that changed.
    """
    amp = p.mu_post * y2_before / scale[i]
    cap = p.w_max / scale[i]
    last = pre_table.shape[0] - 1
    changed = 0
    for j in range(w.shape[0]):
        if plastic[j, i] != 0.0:
            age = t - last_pre[j]
            x = pre_table[age] if age < last else 0.0
            old = w[j, i]
            new = min(old + amp * x, cap)
            w[j, i] = new
            rawsum[i] += new - old
            changed += new != old
    return changed


@nb.njit(cache=True, error_model="numpy")
def normalize(rawsum, scale, norm_total):
    """Set each neuron's scale so its incoming true weights sum to ``norm_total``."""
    for i in range(rawsum.shape[0]):
        if rawsum[i] > 0.0:
            scale[i] = norm_total / rawsum[i]


@nb.njit(cache=True, error_model="numpy")
def fold_scale(w, scale, rawsum):
    """Multiply the scales into ``w`` (true weights), reset them to 1, recompute sums."""
    n_in, n = w.shape
    for i in range(n):
        rawsum[i] = 0.0
    for j in range(n_in):
        for i in range(n):
            w[j, i] *= scale[i]
            rawsum[i] += w[j, i]
    for i in range(n):
        scale[i] = 1.0


def synapse_masks(w, syn_state):
    """Zero the removed synapses' weights (in place) and derive the per-step masks.

    Parameters
    ----------
    w : ndarray of float64, shape (n_inputs, n_neurons)
        Weights; entries of removed synapses are set to 0.
    syn_state : ndarray of uint8, same shape
        ``ACTIVE``, ``FROZEN`` or ``REMOVED`` (:mod:`lava_aptn.pruning.state`).

    Returns
    -------
    plastic : ndarray of float64
        1.0 for an active synapse, else 0.0 (the STDP multiplier).
    n_transmit : ndarray of int64, shape (n_inputs,)
        Transmitting (active or frozen) synapses per input: accumulations per input spike.
    n_active_row : ndarray of int64, shape (n_inputs,)
        Active synapses per input: depressions per input spike.
    n_active_col : ndarray of int64, shape (n_neurons,)
        Active synapses per neuron: potentiations per excitatory spike.
    """
    from lava_aptn.pruning.state import ACTIVE, REMOVED

    w[syn_state == REMOVED] = 0.0
    active = syn_state == ACTIVE
    return (
        active.astype(np.float64),
        (syn_state != REMOVED).sum(axis=1).astype(np.int64),
        active.sum(axis=1).astype(np.int64),
        active.sum(axis=0).astype(np.int64),
    )
