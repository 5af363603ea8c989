r"""Threshold adaptation functions f1, f2, f3 (**reconstructed**) and user functions.

The paper (Guo et al. 2020) adapts the pruning threshold over the pruning-step index
``k`` (time, APT) or over the neuron-group index ``n`` (neurons, APN) with one of three
functions whose equations were images, missing from the text we have. The formulas here are
**our reconstruction**, chosen to satisfy every constraint the text states: the threshold stays
in ``[w_th0, w_max)``; factors ``a = 1``, ``b = 1``, ``c = 0`` give the constant threshold;
f1 grows slowly first and fast later, f2 the opposite, f3 linearly. With base threshold
:math:`w_0` (``w_th0`` for APT/APN, the current global threshold for APTN), index ``i`` and a
cap :math:`w_{cap} < w_{max}`:

.. math::

    f_1(i) &= \min(w_0 \, a^{i},\ w_{cap}) \\
    f_2(i) &= w_{cap} - (w_{cap} - w_0)\, b^{-i}
            \;=\; w_0 + (w_{cap} - w_0)(1 - b^{-i}) \\
    f_3(i) &= \min(w_0 + c\, i,\ w_{cap})

f2 is evaluated in its second form so that ``b = 1`` returns ``w_0`` exactly (no rounding).

Any callable ``(base_threshold, index) -> threshold`` may replace them. Index 0 always means
the base threshold itself (the paper assigns the global threshold to step 0 and to the weakest
group G0), so adaptation functions are only called for ``index >= 1``; every value they return
is checked to lie in ``[w_th0, w_cap]`` by :func:`adapted_threshold`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

from lava_aptn.errors import ConfigError

AdaptationFn = Callable[[float, int], float]
"""Signature of an adaptation function: ``(base_threshold, index) -> threshold``."""

FUNCTION_NAMES = ("f1", "f2", "f3")
NEUTRAL_FACTORS = {"f1": 1.0, "f2": 1.0, "f3": 0.0}
"""Factor of each named function that gives the constant threshold."""

__all__ = [
    "AdaptationFn",
    "FUNCTION_NAMES",
    "NEUTRAL_FACTORS",
    "f1",
    "f2",
    "f3",
    "check_factor",
    "make_adaptation_fn",
    "adapted_threshold",
    "threshold_table",
]


def _check_index(index: int) -> int:
    if isinstance(index, bool) or not isinstance(index, int | np.integer) or index < 0:
        raise ConfigError(f"index must be an integer >= 0, got {index!r}")
    return int(index)


def _check_base(base_threshold: float, w_cap: float) -> None:
    if not (0.0 <= base_threshold <= w_cap):
        raise ConfigError(
            f"base_threshold must be in [0, w_cap] = [0, {w_cap!r}], got {base_threshold!r}"
        )


def f1(base_threshold: float, index: int, *, a: float, w_cap: float) -> float:
    r"""Exponential growth, slow first and fast later (**reconstructed**).

    .. math:: f_1(i) = \min(w_0\, a^{i},\ w_{cap}), \quad a \ge 1

    Examples
    --------
    >>> round(f1(0.036, 3, a=1.3, w_cap=0.9), 9)  # 0.036 * 1.3**3 = 0.036 * 2.197
    0.079092
    >>> f1(0.5, 3, a=2.0, w_cap=0.9)  # 0.5 * 8 = 4 is capped
    0.9
    """
    i = _check_index(index)
    _check_base(base_threshold, w_cap)
    a = check_factor(name="f1", factor=a, field="a")
    if base_threshold == 0.0:
        return 0.0
    # Compare in log space first so that a**i never overflows for large i.
    if i * math.log(a) >= math.log(w_cap / base_threshold):
        return float(w_cap)
    return min(float(base_threshold * a**i), float(w_cap))


def f2(base_threshold: float, index: int, *, b: float, w_cap: float) -> float:
    r"""Saturating growth, fast first and slow later (**reconstructed**).

    .. math:: f_2(i) = w_{cap} - (w_{cap} - w_0)\, b^{-i}, \quad b \ge 1

    Examples
    --------
    >>> round(f2(0.036, 2, b=1.1, w_cap=0.9), 9)  # 0.9 - 0.864 / 1.21
    0.185950413
    """
    i = _check_index(index)
    _check_base(base_threshold, w_cap)
    b = check_factor(name="f2", factor=b, field="b")
    value = base_threshold + (w_cap - base_threshold) * (1.0 - b ** (-i))
    return float(min(max(value, base_threshold), w_cap))


def f3(base_threshold: float, index: int, *, c: float, w_cap: float) -> float:
    r"""Linear growth (**reconstructed**).

    .. math:: f_3(i) = \min(w_0 + c\, i,\ w_{cap}), \quad c \ge 0

    Examples
    --------
    >>> round(f3(0.036, 5, c=0.01, w_cap=0.9), 12)
    0.086
    """
    i = _check_index(index)
    _check_base(base_threshold, w_cap)
    c = check_factor(name="f3", factor=c, field="c")
    return float(min(base_threshold + c * i, w_cap))


_FUNCTIONS = {"f1": (f1, "a"), "f2": (f2, "b"), "f3": (f3, "c")}


def check_factor(*, name: str, factor: float, field: str = "factor") -> float:
    """Validate the factor of a named function and return it as a float.

    ``a >= 1`` (f1), ``b >= 1`` (f2) and ``c >= 0`` (f3) keep the threshold from falling
    below its base; each must be finite.
    """
    if name not in _FUNCTIONS:
        raise ConfigError(f"adaptation function must be one of {FUNCTION_NAMES}, got {name!r}")
    if isinstance(factor, bool) or not isinstance(factor, int | float | np.floating):
        raise ConfigError(f"{field} must be a number, got {factor!r}")
    factor = float(factor)
    low = NEUTRAL_FACTORS[name]
    if not math.isfinite(factor) or factor < low:
        raise ConfigError(f"{field} for {name} must be a finite number >= {low}, got {factor!r}")
    return factor


def make_adaptation_fn(
    fn: str | AdaptationFn, *, factor: float | None, w_cap: float
) -> AdaptationFn:
    """Return a ``(base_threshold, index) -> threshold`` callable.

    Parameters
    ----------
    fn
        ``"f1"``, ``"f2"``, ``"f3"`` or a user callable (returned unchanged; ``factor`` is
        then ignored and the callable is responsible for its own cap).
    factor
        ``a``, ``b`` or ``c`` of the named function.
    w_cap
        Highest threshold the named functions return.

    Examples
    --------
    >>> g = make_adaptation_fn("f3", factor=0.01, w_cap=0.9)
    >>> round(g(0.05, 2), 12)
    0.07
    """
    if callable(fn):
        return fn
    if not isinstance(fn, str) or fn not in _FUNCTIONS:
        raise ConfigError(
            f"adaptation function must be one of {FUNCTION_NAMES} or a callable, got {fn!r}"
        )
    if factor is None:
        raise ConfigError(f"{fn} needs a factor, got None")
    func, param = _FUNCTIONS[fn]
    factor = check_factor(name=fn, factor=factor)
    bound = functools.partial(func, **{param: factor, "w_cap": float(w_cap)})
    bound.__name__ = f"{fn}({param}={factor!r})"  # type: ignore[attr-defined]
    return bound


def adapted_threshold(
    fn: AdaptationFn,
    *,
    base_threshold: float,
    index: int,
    w_th0: float,
    w_cap: float,
    what: str = "adaptation function",
) -> float:
    r"""Evaluate ``fn(base_threshold, index)`` and check it lies in ``[w_th0, w_cap]``.

    Index 0 returns ``base_threshold`` without calling ``fn``. Values within a relative
    ``1e-9`` of a bound are clipped onto it (rounding in user functions); anything further
    out raises :class:`~lava_aptn.errors.ConfigError` quoting the value and the range.

    Examples
    --------
    >>> adapted_threshold(lambda w, i: w + 0.1 * i, base_threshold=0.1, index=2,
    ...                   w_th0=0.1, w_cap=0.9)
    0.30000000000000004
    """
    i = _check_index(index)
    if i == 0:
        return float(base_threshold)
    try:
        value = float(fn(float(base_threshold), i))
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{what} {_fn_name(fn)} must return a number for (base={base_threshold!r}, "
            f"index={i}), failed with {exc!r}"
        ) from exc
    slack = 1e-9 * max(abs(w_cap), 1e-300)
    if not math.isfinite(value) or value < w_th0 - slack or value > w_cap + slack:
        raise ConfigError(
            f"{what} {_fn_name(fn)} returned {value!r} for (base={base_threshold!r}, "
            f"index={i}); thresholds must lie in [w_th0, w_cap] = [{w_th0!r}, {w_cap!r}] "
            "(cap your function, e.g. with min(..., w_cap))"
        )
    return min(max(value, w_th0), w_cap)


def threshold_table(
    fn: AdaptationFn,
    *,
    base_threshold: float,
    count: int,
    w_th0: float,
    w_cap: float,
    what: str = "adaptation function",
) -> np.ndarray:
    """Return checked thresholds for indices ``0 .. count-1`` as a float64 array.

    Examples
    --------
    >>> g = make_adaptation_fn("f1", factor=2.0, w_cap=0.9)
    >>> threshold_table(g, base_threshold=0.1, count=5, w_th0=0.1, w_cap=0.9).tolist()
    [0.1, 0.2, 0.4, 0.8, 0.9]
    """
    return np.array(
        [
            adapted_threshold(
                fn, base_threshold=base_threshold, index=i, w_th0=w_th0, w_cap=w_cap, what=what
            )
            for i in range(int(count))
        ],
        dtype=np.float64,
    )


def _fn_name(fn: AdaptationFn) -> str:
    return getattr(fn, "__name__", None) or repr(fn)
