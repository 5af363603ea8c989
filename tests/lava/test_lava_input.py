"""PoissonImageInput sends exactly the spikes of lava_aptn.encoding, per presentation."""

import numpy as np
import pytest
from lava.magma.core.run_conditions import RunSteps
from lava.proc.io.sink import RingBuffer

from lava_aptn.encoding import poisson_spike_steps, presentation_key, spike_raster, train_stream
from lava_aptn.lavarun import lava_session
from lava_aptn.models import sim_config
from lava_aptn.processes import CTRL_IMAGE_END, CTRL_PRESENTATION_END, PoissonImageInput


@pytest.mark.parametrize(
    ("total_rate_hz", "rule"), [(None, "scale"), (900.0, "scale"), (3725.0, "cap")]
)
def test_input_spikes_equal_encode_with_representations(images, total_rate_hz, rule):
    imgs = images(2, seed=4)
    n_steps, n_pres = 40, 2
    inp = PoissonImageInput(
        images=imgs,
        n_neurons=3,
        seed=11,
        stream=train_stream(1),
        first_index=7,
        n_steps=n_steps,
        dt_ms=0.5,
        max_rate_hz=100.0,
        rate_step_hz=50.0,
        total_rate_hz=total_rate_hz,
        total_rate_rule=rule,
        min_exc_spikes=1,  # e_in is left unconnected (zeros): every image is shown again
        max_presentations=n_pres,
    )
    total = 2 * n_pres * n_steps
    spikes = RingBuffer(shape=(100,), buffer=total)
    ctrl = RingBuffer(shape=(2,), buffer=total)
    inp.s_out.connect(spikes.a_in)
    inp.ctrl_out.connect(ctrl.a_in)
    with lava_session(inp, sim_config("floating_pt")):
        inp.run(condition=RunSteps(num_steps=total))
        got = spikes.data.get().T.astype(bool)
        flags = ctrl.data.get().T
        done = int(inp.images_done.get()[0])
    expected = []
    for m in range(2):
        for r in range(n_pres):
            # the rate as run_images computes it: per level, plus r rate steps
            rate = 100.0 / 255.0 + r * (50.0 / 255.0)
            levels = float(imgs[m].sum())
            wanted = None if total_rate_hz is None else total_rate_hz / (100.0 / 255.0)
            if wanted is not None and (rule == "scale" or levels > wanted):
                rate *= wanted / levels  # normalised: the image's rates sum to the total
            key = np.uint64(presentation_key(11, train_stream(1), 7 + m, r))
            ptr, px = poisson_spike_steps(imgs[m].reshape(-1), rate, n_steps, 0.5, key)
            expected.append(spike_raster(ptr, px, 100))
    expected = np.concatenate(expected)
    assert expected.sum() > 100
    if rule == "cap":  # 9,499 levels: the first image (9,435) is below, the second above
        assert imgs[0].sum() < 3725.0 / (100.0 / 255.0) < imgs[1].sum()
    np.testing.assert_array_equal(got, expected)
    ends = np.flatnonzero(flags[:, CTRL_PRESENTATION_END])
    assert ends.tolist() == [n_steps - 1, 2 * n_steps - 1, 3 * n_steps - 1, 4 * n_steps - 1]
    assert np.flatnonzero(flags[:, CTRL_IMAGE_END]).tolist() == [2 * n_steps - 1, 4 * n_steps - 1]
    assert done == 2
