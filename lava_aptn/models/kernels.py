"""Small numba drivers that call :mod:`lava_aptn.dynamics` in the engine's order.

The arithmetic is the engine's own (``transmit``, ``depression_steps``, ``depress``,
``potentiate`` from :mod:`lava_aptn.dynamics.synapses`, ``rest`` from
:mod:`lava_aptn.dynamics.neurons`); these loops only split the engine's step
(:func:`lava_aptn.engine.simulate.present`) where Lava's ports split it: transmission
before the synapses know this step's excitatory spikes, learning after.
:func:`wta_after_step` adds the input increment after the neuron update and wires the
two populations with :func:`lava_aptn.dynamics.neurons.wta_spikes`, as ``present`` does.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics import pre_trace_table, step_params
from lava_aptn.dynamics.decay import decay_all
from lava_aptn.dynamics.neurons import fresh_int_state, neuron_step, rest, wta_spikes
from lava_aptn.dynamics.params import StepParams
from lava_aptn.dynamics.synapses import (
    depress,
    depression_steps,
    fold_scale,
    normalize,
    potentiate,
    transmit,
)
from lava_aptn.encoding import encode_into, presentation_key


@nb.njit(cache=True, error_model="numpy")
def transmit_spikes(pixels, w, scale, out):
    r"""Set ``out`` to the conductance increment of the input spikes ``pixels``.

    .. math:: \Delta g_{e,i} = \sum_{j \in \text{pixels}} w_{ji}\, s_i

    added in the order of ``pixels`` with :func:`~lava_aptn.dynamics.synapses.transmit`.
    """
    for i in range(out.shape[0]):
        out[i] = 0.0
    for k in range(pixels.shape[0]):
        transmit(pixels[k], w, scale, out)


@nb.njit(cache=True, error_model="numpy")
def stdp_step(
    pixels,
    spiked,
    w,
    plastic,
    scale,
    rawsum,
    y1,
    y2,
    last_pre,
    last_post,
    t,
    p,
    pre_table,
    dep,
    recent,
):
    """Apply step ``t``'s triplet STDP after its spikes are known (engine order).

    ``y1``, ``y2`` are the post traces decayed to step ``t`` and not yet reset. In the
    order of :func:`lava_aptn.engine.simulate.present`: the excitatory spikes
    ``spiked`` are recorded in ``last_post``; each input spike of ``pixels`` depresses
    its active synapses onto the neurons that fired within the depression horizon
    (``y1`` as decayed) and sets ``last_pre``; each excitatory spike potentiates its
    active synapses (presynaptic traces including this step's spikes, ``y2`` before its
    reset); then ``y1``, ``y2`` of the neurons that fired are reset to 1.
    ``dep`` and ``recent`` (n_neurons,) are work space. Returns nothing.
    """
    n = y1.shape[0]
    dep_steps = int(p.dep_steps)
    for k in range(spiked.shape[0]):
        last_post[spiked[k]] = t
    if pixels.shape[0] > 0:
        n_recent = 0
        for i in range(n):
            if t - last_post[i] <= dep_steps:
                recent[n_recent] = i
                n_recent += 1
        depression_steps(y1, scale, recent, n_recent, p, dep)
        for k in range(pixels.shape[0]):
            j = pixels[k]
            depress(j, w, plastic, dep, recent, n_recent, last_post, t, dep_steps, rawsum)
            last_pre[j] = t
    for k in range(spiked.shape[0]):
        i = spiked[k]
        potentiate(i, w, plastic, scale, last_pre, t, pre_table, y2[i], rawsum, p)
        y1[i] = 1.0
        y2[i] = 1.0


@nb.njit(cache=True, error_model="numpy")
def wta_after_step(fs, ist, delta, spiked_e, n_e, spiked_i, n_i, p, spikes_out):
    """Finish step ``t`` of the layer after :func:`~lava_aptn.dynamics.neurons.neuron_step`.

    Adds the input conductance increment ``delta`` to ``g_e`` (acting from ``t + 1``);
    for each excitatory spike resets ``y1``, ``y2`` to 1 and excites the paired
    inhibitory neuron by ``w_exc_inh``; for each inhibitory spike inhibits every other
    excitatory neuron by ``w_inh_exc`` (as in :func:`lava_aptn.engine.simulate.present`).
    ``spikes_out`` receives 1.0 for each excitatory neuron that fired.
    """
    n = fs.shape[1]
    for i in range(n):
        fs[L.GE_E, i] += delta[i]
        spikes_out[i] = 0.0
    for k in range(n_e):
        spikes_out[spiked_e[k]] = 1.0
    wta_spikes(fs, ist, spiked_e, n_e, spiked_i, n_i, p)


def rest_traces(y1: np.ndarray, y2: np.ndarray, p: StepParams, scratch: np.ndarray) -> None:
    """Relax copies of the post traces through a rest exactly as ``rest`` does in the layer.

    ``scratch`` is a ``(N_FLOAT_STATE, n_neurons)`` work array; the traces go through
    :func:`lava_aptn.dynamics.neurons.rest` itself, so they stay bit-equal to the layer's.
    """
    scratch[L.Y1] = y1
    scratch[L.Y2] = y2
    rest(scratch, p, False)
    y1[:] = scratch[L.Y1]
    y2[:] = scratch[L.Y2]


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel the models call, in this process.

    Lava forks one OS process per ProcessModel; kernels compiled before the fork are
    inherited, so no model compiles during its first time step. The argument types
    here are the ones the models pass.
    """
    cfg = NetworkConfig(n_neurons=2, n_inputs=4)
    p = step_params(cfg)
    table = pre_trace_table(cfg)
    n, n_in = 2, 4
    w = np.full((n_in, n), 0.1)
    plastic = np.ones((n_in, n))
    scale, rawsum = np.ones(n), w.sum(axis=0)
    fs = np.zeros((L.N_FLOAT_STATE, n))
    ist = fresh_int_state(n)
    work = np.zeros(n, dtype=np.int64)
    idx = np.arange(1, dtype=np.int64)
    out = np.zeros(n)
    n_e, n_i = neuron_step(fs, ist, 0, p, True, work, work.copy())
    neuron_step(fs, ist, 1, p, False, work, work.copy())
    wta_after_step(fs, ist, out, work, n_e, work, n_i, p, out.copy())
    rest(fs, p, True)
    rest(fs, p, False)
    transmit_spikes(idx, w, scale, out)
    last_pre = np.full(n_in, L.NEVER, dtype=np.int64)
    last_post = np.full(n, L.NEVER, dtype=np.int64)
    y = np.zeros(n)
    decay_all(y, p.decay_post1)
    stdp_step(
        idx,
        idx,
        w,
        plastic,
        scale,
        rawsum,
        y,
        y.copy(),
        last_pre,
        last_post,
        0,
        p,
        table,
        np.zeros(n),
        work,
    )
    normalize(rawsum, scale, 1.0)
    fold_scale(w, scale, rawsum)
    key = np.uint64(presentation_key(0, 0, 0, 0))
    image = np.full(n_in, 255, dtype=np.uint8)
    encode_into(
        image,
        1.0,
        2,
        0.5,
        key,
        np.zeros(3, dtype=np.int64),
        np.zeros(n_in * 2, dtype=np.int32),
        np.zeros(n_in * 2, dtype=np.int64),
    )
