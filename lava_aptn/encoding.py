"""Counter-based Poisson rate coding of images into input spike trains.

Each input unit (pixel) fires as a Bernoulli process with probability
``rate_hz * dt_ms / 1000`` per time step. The spikes of one presentation are a pure
function of ``(seed, stream, image_index, presentation, pixel)``: the random numbers come
from a counter-based generator (SplitMix64 applied to that key), never from a shared
stream. Any image's spikes can therefore be regenerated alone: a resumed run, the
engine and the Lava input process all see the very same spikes.

Spike steps are drawn directly as geometric gaps between successes, so the cost is
proportional to the number of spikes, not to pixels x time steps.

Streams separate the passes over data: training epoch ``e`` uses ``train_stream(e)``,
label assignment ``LABEL_STREAM`` and testing ``TEST_STREAM``.
"""

from __future__ import annotations

import numba as nb
import numpy as np

#: Stream of the label-assignment pass.
LABEL_STREAM = 1
#: Stream of the test pass.
TEST_STREAM = 2

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def train_stream(epoch: int) -> int:
    """Return the stream number of training epoch ``epoch`` (0-based)."""
    return 16 + int(epoch)


@nb.njit(cache=True, inline="always")
def _mix(x):
    """SplitMix64 finaliser: a bijective 64-bit hash."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@nb.njit(cache=True)
def presentation_key(seed, stream, image_index, presentation):
    """Return the 64-bit key of one presentation (seed, stream, image, presentation)."""
    h = _mix(np.uint64(seed))
    h = _mix(h ^ np.uint64(stream))
    h = _mix(h ^ np.uint64(image_index))
    return _mix(h ^ np.uint64(presentation))


@nb.njit(cache=True, inline="always")
def _uniform_open(key, draw):
    """Uniform number in (0, 1] from a key and a draw counter."""
    bits = _mix(key ^ _mix(np.uint64(draw)))
    return 1.0 - (bits >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@nb.njit(cache=True)
def encode_into(image, rate_hz_per_level, n_steps, dt_ms, key, step_ptr, pixels, scratch):
    """Encode one presentation into preallocated arrays; return the number of spikes.

    Parameters
    ----------
    image : ndarray of uint8, shape (n_inputs,)
        Flattened pixel intensities, 0-255.
    rate_hz_per_level : float
        Firing rate in Hz per intensity level (maximum rate in Hz / 255).
    n_steps : int
        Time steps in the presentation.
    dt_ms : float
        Time step in ms.
    key : uint64
        The presentation key from :func:`presentation_key`.
    step_ptr : ndarray of int64, shape (>= n_steps + 1,)
        Output: spikes of step ``t`` are ``pixels[step_ptr[t]:step_ptr[t + 1]]``.
    pixels : ndarray of int32, shape (>= n_inputs * n_steps,)
        Output: spiking input indices grouped by step, ascending within a step.
    scratch : ndarray of int64, shape (>= n_inputs * n_steps,)
        Work space (spike steps in pixel order).
    """
    n_inputs = image.shape[0]
    step_ptr[: n_steps + 1] = 0
    prob_per_level = rate_hz_per_level * dt_ms * 1e-3
    n = 0
    for pixel in range(n_inputs):
        if image[pixel] == 0:
            continue
        prob = image[pixel] * prob_per_level
        pkey = _mix(key ^ np.uint64(pixel))
        step = -1
        if prob >= 1.0:
            for step in range(n_steps):
                scratch[n] = step * n_inputs + pixel
                step_ptr[step + 1] += 1
                n += 1
            continue
        inv_log_q = 1.0 / np.log1p(-prob)
        draw = 0
        while True:
            step += 1 + int(np.log(_uniform_open(pkey, draw)) * inv_log_q)
            draw += 1
            if step >= n_steps:
                break
            scratch[n] = step * n_inputs + pixel
            step_ptr[step + 1] += 1
            n += 1
    for t in range(n_steps):
        step_ptr[t + 1] += step_ptr[t]
    for k in range(n):  # counting sort by step; pixel order within a step is preserved
        step = scratch[k] // n_inputs
        pos = step_ptr[step]
        pixels[pos] = scratch[k] - step * n_inputs
        step_ptr[step] = pos + 1
    for t in range(n_steps, 0, -1):  # undo the shift made by the fill
        step_ptr[t] = step_ptr[t - 1]
    step_ptr[0] = 0
    return n


@nb.njit(cache=True)
def image_gain(image, total_levels, cap):
    """Return the rate gain of one image under input normalisation.

    ``total_levels`` is the wanted sum of the image's intensity levels (0-255 each);
    the gain is ``total_levels / sum(image)``, at most 1.0 when ``cap`` is true (only
    images above the total are scaled), and 1.0 when normalisation is off
    (``total_levels <= 0``) or the image is blank. See ``InputConfig.total_rate_hz``.
    """
    if total_levels <= 0.0:
        return 1.0
    s = 0.0
    for k in range(image.shape[0]):
        s += image[k]
    if s <= 0.0 or (cap and s <= total_levels):
        return 1.0
    return total_levels / s


@nb.njit(cache=True)
def presentation_rate(rate_per_level_hz, rate_step_per_level_hz, presentation, gain):
    """Return Hz per intensity level of presentation ``presentation`` (0-based) of an image.

    The maximum rate grows by ``rate_step_per_level_hz`` per re-presentation; ``gain``
    is the image's :func:`image_gain`. The engine, its fixed-point mode and the Lava input
    process all take their rates from here.
    """
    return (rate_per_level_hz + presentation * rate_step_per_level_hz) * gain


def input_normalisation(
    total_rate_hz: float | None, rule: str, max_rate_hz: float
) -> tuple[float, bool]:
    """Return :func:`image_gain`'s ``(total_levels, cap)`` for an ``InputConfig``'s settings.

    ``total_levels`` is the intensity-level sum that fires ``total_rate_hz`` at
    ``max_rate_hz`` per 255 levels (0.0, normalisation off, when it is ``None``); ``cap``
    is whether ``rule`` is ``"cap"``. The engine's parameters (float and fixed point) and
    the Lava input process all derive theirs here.
    """
    if total_rate_hz is None:
        return 0.0, False
    return float(total_rate_hz) / (float(max_rate_hz) / 255.0), rule == "cap"


@nb.njit(cache=True)
def poisson_spike_steps(image, rate_hz_per_level, n_steps, dt_ms, key):
    """Encode one presentation; return ``(step_ptr, pixels)`` (see :func:`encode_into`)."""
    step_ptr = np.empty(n_steps + 1, dtype=np.int64)
    pixels = np.empty(image.shape[0] * n_steps, dtype=np.int32)
    scratch = np.empty(image.shape[0] * n_steps, dtype=np.int64)
    n = encode_into(image, rate_hz_per_level, n_steps, dt_ms, key, step_ptr, pixels, scratch)
    return step_ptr, pixels[:n].copy()


def encode(
    image: np.ndarray,
    *,
    max_rate_hz: float,
    n_steps: int,
    dt_ms: float,
    seed: int,
    stream: int,
    image_index: int,
    presentation: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(step_ptr, pixels)`` for one presentation of ``image``.

    A convenience wrapper of :func:`poisson_spike_steps`; see it for the format.

    Examples
    --------
    >>> img = np.full(784, 255, dtype=np.uint8)
    >>> ptr, px = encode(img, max_rate_hz=63.75, n_steps=700, dt_ms=0.5, seed=0,
    ...                  stream=TEST_STREAM, image_index=3)
    >>> ptr.shape, bool(17000 < px.size < 18000)  # expected 784 * 63.75 Hz * 0.35 s = 17493
    ((701,), True)
    """
    flat = np.ascontiguousarray(image, dtype=np.uint8).reshape(-1)
    key = np.uint64(presentation_key(seed, stream, image_index, presentation))
    return poisson_spike_steps(flat, max_rate_hz / 255.0, int(n_steps), float(dt_ms), key)


def spike_raster(step_ptr: np.ndarray, pixels: np.ndarray, n_inputs: int) -> np.ndarray:
    """Expand ``(step_ptr, pixels)`` into a boolean raster of shape (n_steps, n_inputs)."""
    n_steps = step_ptr.size - 1
    raster = np.zeros((n_steps, n_inputs), dtype=bool)
    steps = np.repeat(np.arange(n_steps), np.diff(step_ptr))
    raster[steps, pixels] = True
    return raster
