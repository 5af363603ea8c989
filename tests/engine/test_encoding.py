import math

import numpy as np
import pytest

from lava_aptn.encoding import (
    LABEL_STREAM,
    TEST_STREAM,
    encode,
    poisson_spike_steps,
    presentation_key,
    spike_raster,
    train_stream,
)


def _enc(image, **kw):
    args = dict(
        max_rate_hz=63.75,
        n_steps=700,
        dt_ms=0.5,
        seed=3,
        stream=TEST_STREAM,
        image_index=5,
        presentation=0,
    )
    args.update(kw)
    return encode(image, **args)


def test_same_key_same_spikes_and_any_image_alone():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(4, 784)).astype(np.uint8)
    first = [_enc(img, image_index=k) for k, img in enumerate(images)]
    alone = _enc(images[2], image_index=2)
    assert np.array_equal(first[2][0], alone[0]) and np.array_equal(first[2][1], alone[1])


@pytest.mark.parametrize(
    "change", [dict(seed=4), dict(stream=LABEL_STREAM), dict(image_index=6), dict(presentation=1)]
)
def test_every_key_part_changes_the_spikes(change):
    image = np.full(784, 128, dtype=np.uint8)
    a = spike_raster(*_enc(image), 784)
    b = spike_raster(*_enc(image, **change), 784)
    assert not np.array_equal(a, b)


def test_rate_matches_bernoulli_expectation():
    # pixel p fires with probability p/255 * 63.75 Hz * 0.5 ms per step
    image = np.repeat(np.array([0, 64, 128, 255], dtype=np.uint8), 196)
    counts = np.zeros(4)
    for k in range(40):
        ptr, px = _enc(image, image_index=k)
        counts += np.bincount(px // 196, minlength=4)
    per_pixel_step = counts / (40 * 196 * 700)
    expected = image[::196] / 255 * 63.75 * 0.5e-3
    assert per_pixel_step[0] == 0
    trials = 40 * 196 * 700
    standard_error = np.sqrt(expected * (1 - expected) / trials)
    # seeded, so deterministic; 4 standard errors leave no room for a biased sampler
    assert np.all(np.abs(per_pixel_step[1:] - expected[1:]) < 4 * standard_error[1:])


def test_spikes_grouped_by_step_without_repeats():
    image = np.random.default_rng(1).integers(0, 256, size=784).astype(np.uint8)
    ptr, px = _enc(image)
    assert ptr[0] == 0 and ptr[-1] == px.size and np.all(np.diff(ptr) >= 0)
    for t in range(700):
        step = px[ptr[t] : ptr[t + 1]]
        assert np.all(np.diff(step) > 0)  # ascending, no pixel twice in a step


def test_train_streams_differ_by_epoch():
    assert train_stream(0) != train_stream(1)
    assert len({train_stream(0), LABEL_STREAM, TEST_STREAM}) == 3


def test_image_gain_scales_each_image_to_the_wanted_total():
    from lava_aptn.encoding import image_gain, input_normalisation, presentation_rate

    img = np.zeros(784, dtype=np.uint8)
    img[:4] = (10, 20, 30, 40)  # 100 levels in all
    assert image_gain(img, 0.0, False) == 1.0  # normalisation off
    assert image_gain(img, 250.0, False) == 2.5
    assert image_gain(img, 40.0, False) == 0.4
    assert image_gain(np.zeros(784, dtype=np.uint8), 250.0, False) == 1.0  # blank image
    # rule "cap": only an image above the total is scaled (down)
    assert image_gain(img, 250.0, True) == 1.0
    assert image_gain(img, 40.0, True) == 0.4
    # 6,530 Hz at 63.75 Hz per 255 levels is 26,120 levels; None is off
    assert input_normalisation(6530.0, "scale", 63.75) == (26120.0, False)
    assert input_normalisation(6530.0, "cap", 63.75) == (26120.0, True)
    assert input_normalisation(None, "cap", 63.75) == (0.0, False)
    # the second presentation adds one rate step per level, both scaled by the gain
    assert presentation_rate(0.25, 0.125, 1, 2.5) == (0.25 + 0.125) * 2.5


def test_normalised_total_rate_matches_the_setting():
    from lava_aptn.encoding import image_gain, input_normalisation

    rng = np.random.default_rng(3)
    img = (rng.random(784) < 0.3) * rng.integers(1, 256, 784)
    img = img.astype(np.uint8)
    levels, _ = input_normalisation(2000.0, "scale", 63.75)
    rate = 63.75 / 255.0 * image_gain(img, levels, False)
    assert float((img * rate).sum()) == pytest.approx(2000.0)  # Hz over all pixels
    n_steps, dt = 4000, 0.5  # 2 s: 4,000 spikes expected
    ptr, _ = poisson_spike_steps(img, rate, n_steps, dt, np.uint64(presentation_key(1, 2, 3, 0)))
    assert abs(ptr[-1] - 4000) < 4 * math.sqrt(4000)
