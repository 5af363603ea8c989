"""Compiled simulation of image presentations (numba), built on :mod:`lava_aptn.dynamics`.

One call of :func:`run_images` simulates a run of consecutive images: Poisson input
generated in place (:func:`lava_aptn.encoding.encode_into`), the step loop, the
re-presentation protocol and the rest between images. Input spikes drive the work:
each one costs a pass over its row of weights (transmission, and depression when
learning); the neuron update is a dense loop over neurons per step.

Order within time step ``t``: (1) membrane updates of both populations from the
conductances at the start of the step; (2) exact decay of conductances,
postsynaptic traces and ``theta``, then spike detection; (3) this step's input spikes:
transmission to every neuron, and pre-spike depression (using ``y1`` after decay) of the
neurons that fired within the depression horizon (beyond it ``y1 < 2**-60``); (4) excitatory
spikes: potentiation (with ``y2`` before its reset), reset of ``y1``, ``y2`` to 1,
excitation of the paired inhibitory neuron; (5) inhibitory spikes: inhibition of
every other excitatory neuron. Conductance increments of step ``t`` act from step
``t + 1``, so the E -> I -> E loop takes two steps.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.neurons import neuron_step, rest, wta_spikes
from lava_aptn.dynamics.synapses import (
    depress,
    depression_steps,
    normalize,
    potentiate,
    transmit_many,
)
from lava_aptn.encoding import encode_into, image_gain, presentation_key, presentation_rate


@nb.njit(cache=True, error_model="numpy")
def present(
    step_ptr,
    pixels,
    w,
    plastic,
    scale,
    rawsum,
    n_transmit,
    n_active_row,
    n_active_col,
    fs,
    ist,
    last_pre,
    t0,
    p,
    pre_table,
    learning,
    spike_counts,
    counters,
    work,
):
    """Simulate one presentation whose input spikes are ``(step_ptr, pixels)``.

    ``spike_counts`` (N,) receives each excitatory neuron's spikes of this presentation
    (added); ``counters`` (N_COUNTERS,) the event counts (added). Returns the number of
    excitatory spikes.
    """
    n = fs.shape[1]
    n_steps = step_ptr.shape[0] - 1
    spiked_e = work[0]
    spiked_i = work[1]
    dep = np.zeros(n)
    dep_steps = int(p.dep_steps)
    ge = fs[L.GE_E]
    total_e = 0
    for s in range(n_steps):
        t = t0 + s
        n_e, n_i = neuron_step(fs, ist, t, p, learning, spiked_e, spiked_i)
        a, b = step_ptr[s], step_ptr[s + 1]
        if b > a:
            recent = ist[L.RECENT_E]
            n_recent = ist[L.N_RECENT_E, 0]
            if learning:
                depression_steps(fs[L.Y1], scale, recent, n_recent, p, dep)
            transmit_many(pixels, a, b, w, scale, ge)
            for k in range(a, b):
                j = pixels[k]
                if learning:
                    changed = depress(
                        j, w, plastic, dep, recent, n_recent, ist[L.LAST_E], t, dep_steps, rawsum
                    )
                    counters[L.DEP_NOMINAL] += n_active_row[j]
                    counters[L.DEP_EFFECTIVE] += changed
                    last_pre[j] = t
                counters[L.ACCUMULATIONS] += n_transmit[j]
            counters[L.INPUT_SPIKES] += b - a
        for k in range(n_e):
            i = spiked_e[k]
            if learning:
                changed = potentiate(
                    i, w, plastic, scale, last_pre, t, pre_table, fs[L.Y2, i], rawsum, p
                )
                counters[L.POT_NOMINAL] += n_active_col[i]
                counters[L.POT_EFFECTIVE] += changed
            spike_counts[i] += 1
        wta_spikes(fs, ist, spiked_e, n_e, spiked_i, n_i, p)
        total_e += n_e
        counters[L.EXC_SPIKES] += n_e
        counters[L.INH_SPIKES] += n_i
    counters[L.NEURON_UPDATES] += 2 * n * n_steps
    counters[L.TIME_STEPS] += n_steps
    return total_e


@nb.njit(cache=True, error_model="numpy")
def run_images(
    images,
    first_index,
    seed,
    stream,
    w,
    plastic,
    scale,
    rawsum,
    n_transmit,
    n_active_row,
    n_active_col,
    fs,
    ist,
    last_pre,
    clock,
    p,
    pre_table,
    learning,
    image_counts,
    batch_counts,
    counters,
):
    """Simulate consecutive images with the presentation and rest protocol.

    Parameters
    ----------
    images : ndarray of uint8, shape (n_images, n_inputs)
        The images, flattened.
    first_index : int
        Dataset index of ``images[0]`` (keys the input spikes).
    seed, stream : int
        Input-spike key parts (see :mod:`lava_aptn.encoding`).
    clock : ndarray of int64, shape (1,)
        The global time step, advanced in place by presentations and rests.
    learning : bool
        Training (STDP, theta adaptation, normalisation) or frozen network.
    image_counts : ndarray of int32, shape (n_images, N) or (0, N)
        Output: each image's excitatory spike counts of its last presentation (the
        one used for labelling and classification); an empty array skips recording.
    batch_counts : ndarray of int64, shape (N,)
        Output (added): excitatory spikes of every presentation.
    counters : ndarray of int64, shape (N_COUNTERS,)
        Output (added): event counters.
    """
    n_images, n_inputs = images.shape
    n = fs.shape[1]
    n_steps = int(p.n_steps)
    step_ptr = np.empty(n_steps + 1, dtype=np.int64)
    pixels = np.empty(n_inputs * n_steps, dtype=np.int32)
    scratch = np.empty(n_inputs * n_steps, dtype=np.int64)
    work = np.empty((2, n), dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    record = image_counts.shape[0] == n_images
    max_pres = int(p.max_presentations)
    for m in range(n_images):
        image = images[m]
        gain = image_gain(image, p.image_total_levels, p.image_total_cap)
        for pres in range(max_pres):
            rate = presentation_rate(p.rate_per_level_hz, p.rate_step_per_level_hz, pres, gain)
            key = presentation_key(seed, stream, first_index + m, pres)
            n_in = encode_into(image, rate, n_steps, p.dt_ms, key, step_ptr, pixels, scratch)
            if learning and p.norm_total > 0.0:
                normalize(rawsum, scale, p.norm_total)
            counts[:] = 0
            total = present(
                step_ptr[: n_steps + 1],
                pixels[:n_in],
                w,
                plastic,
                scale,
                rawsum,
                n_transmit,
                n_active_row,
                n_active_col,
                fs,
                ist,
                last_pre,
                clock[0],
                p,
                pre_table,
                learning,
                counts,
                counters,
                work,
            )
            clock[0] += n_steps
            rest(fs, p, learning)
            clock[0] += int(p.rest_steps)
            counters[L.PRESENTATIONS] += 1
            for i in range(n):
                batch_counts[i] += counts[i]
            if total >= p.min_exc_spikes:
                break
        if record:
            for i in range(n):
                image_counts[m, i] = counts[i]
