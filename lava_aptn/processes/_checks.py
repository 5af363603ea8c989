"""Argument checks shared by the Process constructors (errors quote the bad value).

Absolute imports only: when Lava's compiler searches this folder for ProcessModels it
executes every file here as a standalone module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from lava.magma.core.process.process import AbstractProcess

from lava_aptn.errors import ConfigError


def integer(name: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def number(name: str, value: Any, *, minimum: float | None = None) -> float:
    """Return ``value`` as a finite ``float`` (``>= minimum`` when given)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    out = float(value)
    if not np.isfinite(out) or (minimum is not None and out < minimum):
        bound = "" if minimum is None else f" >= {minimum}"
        raise ConfigError(f"{name} must be a finite number{bound}, got {value!r}")
    return out


def positive(name: str, value: Any) -> float:
    """Return ``value`` as a finite ``float`` > 0."""
    out = number(name, value)
    if out <= 0:
        raise ConfigError(f"{name} must be a finite number > 0, got {value!r}")
    return out


def choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    """Return ``value`` when it is one of ``choices``."""
    if value not in choices:
        raise ConfigError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def array(
    name: str, value: Any, shape: tuple[int, ...], dtype: type | np.dtype, *, finite: bool = False
) -> np.ndarray:
    """Return ``value`` as a new C-ordered array of ``dtype`` after checking its shape."""
    a = np.asarray(value)
    if a.shape != tuple(shape):
        raise ConfigError(f"{name} must have shape {tuple(shape)}, got {a.shape}")
    if finite and a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        raise ConfigError(f"{name} must be finite, found NaN or inf")
    return np.array(a, dtype=dtype, order="C", copy=True)


def integer_array(
    name: str,
    value: Any,
    shape: tuple[int, ...],
    dtype: type | np.dtype,
    *,
    minimum: int | None = None,
) -> np.ndarray:
    """Return whole numbers as a new C-ordered array of ``dtype`` after checking its shape.

    Float input must hold finite whole numbers; with ``minimum`` every entry must be at
    least ``minimum``.
    """
    a = np.asarray(value)
    if a.dtype.kind not in "iuf":
        raise ConfigError(f"{name} must hold integers, got dtype {a.dtype}")
    a = array(name, a, shape, a.dtype, finite=True)
    if a.dtype.kind == "f" and np.any(a != np.round(a)):
        raise ConfigError(f"{name} must hold integers, found a fractional value")
    if minimum is not None and a.size and a.min() < minimum:
        raise ConfigError(f"{name} must be >= {minimum}, found {a.min()!r}")
    return np.array(a, dtype=dtype, order="C", copy=True)


def images_2d(value: Any, n_inputs: int | None = None) -> np.ndarray:
    """Return images as a ``uint8`` array ``(n_images, n_inputs)`` (flattening 28 x 28)."""
    a = np.asarray(value)
    if a.ndim < 2 or a.shape[0] < 1:
        raise ConfigError(
            f"images must be an array (n_images, ...) with n_images >= 1, got {a.shape}"
        )
    if a.dtype != np.uint8:
        if a.dtype.kind not in "iuf" or np.any((a < 0) | (a > 255)) or np.any(a != np.round(a)):
            raise ConfigError(f"images must hold whole intensities 0-255, got dtype {a.dtype}")
    flat = np.ascontiguousarray(a.reshape(a.shape[0], -1), dtype=np.uint8)
    if n_inputs is not None and flat.shape[1] != n_inputs:
        raise ConfigError(f"images must have {n_inputs} pixels each, got {flat.shape[1]}")
    return flat


class CheckedProcess(AbstractProcess):
    """Base of our Processes: a constructor may reject its arguments before Lava's init.

    ``AbstractProcess.__del__`` stops the runtime through ``self._runtime``, which
    exists only once ``AbstractProcess.__init__`` ran; the class-level default keeps a
    Process whose validation failed from raising again while it is collected.
    """

    _runtime = None
