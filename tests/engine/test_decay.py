"""Decay flushed to 0 below STATE_FLOOR: known answers, no subnormals, and no visible change."""

import numpy as np

from lava_aptn.config import preset
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.decay import decay, decay_all
from lava_aptn.dynamics.params import STATE_FLOOR
from lava_aptn.encoding import encode
from lava_aptn.engine.network import Network
from lava_aptn.engine.reference import present_reference

DECAYING_ROWS = [L.GE_E, L.GI_E, L.THETA, L.GE_I, L.GI_I, L.Y1, L.Y2]


def test_decay_known_answers():
    assert STATE_FLOOR == 2.0**-500
    assert decay(0.75, 0.5) == 0.375
    assert decay(STATE_FLOOR, 1.0) == STATE_FLOOR  # at the floor: kept
    assert decay(STATE_FLOOR, 0.5) == 0.0  # below it: exactly 0
    assert decay(0.0, 0.6) == 0.0
    values = np.array([1.0, 2.0**-499, 2.0**-501, 0.0])
    decay_all(values, 0.5)
    assert values.tolist() == [0.5, 2.0**-500, 0.0, 0.0]


def test_a_silent_layer_leaves_no_subnormal_state(digits, run_present):
    """Conductances reach exactly 0 instead of passing through the subnormal range.

    An inhibitory conductance kicked to ``w_exc_inh`` (about 10) decays by exp(-0.5)
    per step: unflushed it is subnormal from about step 1,420 to step 1,490. Three
    presentations without input after some activity cross that window.
    """
    images, _ = digits(2)
    net = Network.fresh(preset(n_neurons=20), seed=0)
    for k, image in enumerate(images):
        ptr, px = encode(
            image, max_rate_hz=63.75, n_steps=700, dt_ms=0.5, seed=0, stream=1, image_index=k
        )
        run_present(net, ptr, px, True)
        net.clock[0] += 700
    assert net.fs[L.GE_I].max() > 0.0  # the layer fired
    silent_ptr = np.zeros(701, dtype=np.int64)
    silent_px = np.zeros(0, dtype=np.int32)
    for _ in range(3):
        run_present(net, silent_ptr, silent_px, True)
        net.clock[0] += 700
        state = net.fs[DECAYING_ROWS]
        # below STATE_FLOOR (3e-151) covers the subnormals (below 2.2e-308) too
        assert not np.any((state != 0.0) & (np.abs(state) < STATE_FLOOR))
    assert np.all(net.fs[L.GE_I] == 0.0)  # every inhibitory conductance flushed


def test_the_floor_changes_no_value_the_network_computes(digits, monkeypatch):
    """The numpy reference with and without the floor: identical spikes, weights, v.

    Six training presentations of a 30-neuron layer, in which inhibitory conductances
    fall below the floor; every value the network computes (spike counts, event
    counters, weights, membrane potentials, theta) is bit for bit the same.
    """
    import lava_aptn.engine.reference as reference

    images, _ = digits(6)
    cfg = preset(n_neurons=30)
    flushed = Network.fresh(cfg, seed=2)
    plain = flushed.copy()
    crossed = False
    for k, image in enumerate(images):
        ptr, px = encode(
            image, max_rate_hz=63.75, n_steps=700, dt_ms=0.5, seed=0, stream=3, image_index=k
        )
        c_flush, n_flush = present_reference(flushed, ptr, px, True)
        monkeypatch.setattr(reference, "STATE_FLOOR", 0.0)
        c_plain, n_plain = present_reference(plain, ptr, px, True)
        monkeypatch.undo()
        crossed |= bool(np.any((plain.fs[L.GE_I] > 0) & (plain.fs[L.GE_I] < STATE_FLOOR)))
        assert np.array_equal(c_flush, c_plain)
        nominal = [L.INPUT_SPIKES, L.ACCUMULATIONS, L.DEP_NOMINAL, L.POT_NOMINAL, L.EXC_SPIKES]
        assert np.array_equal(n_flush[nominal], n_plain[nominal])
        assert np.array_equal(flushed.w, plain.w)
        for row in (L.V_E, L.V_I, L.THETA):
            assert np.array_equal(flushed.fs[row], plain.fs[row])
        for net in (flushed, plain):
            net.clock[0] += 700
    assert crossed  # the unflushed run did go below the floor
