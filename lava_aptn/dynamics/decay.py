"""Exponential decay of conductances, traces and ``theta``, flushed to 0 at a floor (numba).

Every decaying state variable of the float dynamics goes through these two functions,
so the engine, the Lava process models and the numpy reference flush alike
(:data:`~lava_aptn.dynamics.params.STATE_FLOOR` says why the floor changes no result).
"""

from __future__ import annotations

import numba as nb

from lava_aptn.dynamics.params import STATE_FLOOR


@nb.njit(cache=True, error_model="numpy", inline="always")
def decay(x, factor):
    """Return ``x * factor``, or exactly 0 where that falls below ``STATE_FLOOR``.

    ``x`` and ``factor`` are non-negative (conductances in leak units, dimensionless
    traces, ``theta`` in mV; ``factor`` is a per-step or per-rest decay factor).

    Examples
    --------
    >>> decay(1.0, 0.5)
    0.5
    >>> decay(2.0**-499, 0.25)
    0.0
    """
    y = x * factor
    return y if y >= STATE_FLOOR else 0.0


@nb.njit(cache=True, error_model="numpy")
def decay_all(values, factor):
    """Apply :func:`decay` to every element of the 1-d array ``values`` in place."""
    for i in range(values.shape[0]):
        values[i] = decay(values[i], factor)
