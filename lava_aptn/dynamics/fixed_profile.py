"""The fixed-point widths and constants of ``hw_profiles/fixed_point/loihi2.toml``.

Every width and constant of the Loihi-semantics fixed-point mode lives in that file with
its ``source`` and ``note``; this module reads and validates it.

Examples
--------
>>> prof = load_fixed_profile()
>>> prof.state_bits, prof.decay_bits, prof.weight_bits, prof.trace_bits
(24, 12, 8, 7)
>>> parse_fixed_profile({"fixed": {}}, origin="x.toml")
Traceback (most recent call last):
...
lava_aptn.errors.ConfigError: x.toml: fixed.state_bits: missing (required)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from lava_aptn.errors import ConfigError

#: The shipped profile (outside ``hw_profiles/*.toml``, which are energy profiles).
DEFAULT_FIXED_PROFILE = (
    Path(__file__).resolve().parents[2] / "hw_profiles" / "fixed_point" / "loihi2.toml"
)

#: Allowed range (inclusive) of every key.
_RANGES: dict[str, tuple[int, int]] = {
    "state_bits": (8, 32),
    "decay_bits": (4, 16),
    "weight_bits": (2, 16),
    "weight_exp": (-8, 7),
    "wta_weight_bits": (2, 8),
    "trace_bits": (2, 16),
    "trace_impulse": (1, 2**16 - 1),
    "v_frac_bits": (0, 20),
    "g_frac_bits": (8, 20),
    "lr_shift": (8, 48),
    "norm_shift": (8, 24),
    "theta_decay_bits": (12, 30),
    "rng_bits": (64, 64),
}


@dataclass(frozen=True)
class FixedProfile:
    """Widths and constants of the fixed-point mode (see the TOML file for each source)."""

    state_bits: int
    decay_bits: int
    weight_bits: int
    weight_exp: int
    wta_weight_bits: int
    trace_bits: int
    trace_impulse: int
    v_frac_bits: int
    g_frac_bits: int
    lr_shift: int
    norm_shift: int
    theta_decay_bits: int
    rng_bits: int
    origin: str = ""

    @property
    def state_max(self) -> int:
        """Largest state value, ``2**(state_bits - 1) - 1``."""
        return 2 ** (self.state_bits - 1) - 1

    @property
    def trace_max(self) -> int:
        """Largest trace value, ``2**trace_bits - 1``."""
        return 2**self.trace_bits - 1

    @property
    def weight_max(self) -> int:
        """Largest weight mantissa, ``2**weight_bits - 1``."""
        return 2**self.weight_bits - 1


def _fail(origin: str, key: str, message: str) -> ConfigError:
    return ConfigError(f"{origin}: {key}: {message}")


def parse_fixed_profile(data: Mapping[str, Any], *, origin: str) -> FixedProfile:
    """Validate a parsed fixed-point profile and return a :class:`FixedProfile`.

    Raises
    ------
    ConfigError
        Naming ``origin`` and the key: a missing or unknown key, a value that is not an
        integer in its range, an empty ``source`` or ``note``.
    """
    table = data.get("fixed")
    if not isinstance(table, Mapping):
        raise _fail(origin, "fixed", "missing (required): the [fixed.KEY] tables")
    unknown = sorted(set(table) - set(_RANGES))
    if unknown:
        raise _fail(origin, f"fixed.{unknown[0]}", f"unknown key; known: {sorted(_RANGES)}")
    values: dict[str, int] = {}
    for key, (lo, hi) in _RANGES.items():
        where = f"fixed.{key}"
        entry = table.get(key)
        if entry is None:
            raise _fail(origin, where, "missing (required)")
        if not isinstance(entry, Mapping):
            raise _fail(origin, where, f"must be a table, got {entry!r}")
        for text in ("source", "note"):
            if not isinstance(entry.get(text), str) or not entry[text].strip():
                raise _fail(origin, f"{where}.{text}", "missing or empty (required)")
        value = entry.get("value")
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise _fail(
                origin, f"{where}.value", f"must be an integer in [{lo}, {hi}], got {value!r}"
            )
        values[key] = value
    if values["trace_impulse"] > 2 ** values["trace_bits"] - 1:
        raise _fail(origin, "fixed.trace_impulse.value", "exceeds 2**trace_bits - 1")
    if values["weight_exp"] + values["g_frac_bits"] - values["weight_bits"] < 0:
        raise _fail(
            origin,
            "fixed.weight_bits.value",
            "weight_exp + g_frac_bits - weight_bits must be >= 0 (a weight mantissa is "
            "shifted left by it into conductance units); lower weight_bits or raise "
            "g_frac_bits",
        )
    return FixedProfile(**values, origin=origin)


def fixed_profile_names() -> list[str]:
    """Names of the profiles shipped in ``hw_profiles/fixed_point/`` (file stems)."""
    return sorted(p.stem for p in DEFAULT_FIXED_PROFILE.parent.glob("*.toml"))


def fixed_profile_path(name_or_path: str | os.PathLike) -> Path:
    """Return the file of a shipped profile's name (``"loihi2"``) or of a TOML path.

    A value without a path separator and without ``.toml`` is a shipped profile's name.

    Raises
    ------
    ConfigError
        An unknown name, listing the shipped ones.
    """
    text = os.fspath(name_or_path)
    if os.sep in text or "/" in text or text.endswith(".toml"):
        return Path(text)
    path = DEFAULT_FIXED_PROFILE.parent / f"{text}.toml"
    if not path.is_file():
        raise ConfigError(
            f"unknown fixed-point profile {text!r}; shipped: {fixed_profile_names()} "
            "(or give the path of a .toml file)"
        )
    return path


def load_fixed_profile(path: str | os.PathLike | None = None) -> FixedProfile:
    """Read and validate a fixed-point profile (default: the shipped ``loihi2.toml``).

    ``path`` is a TOML file or the name of a shipped profile (:func:`fixed_profile_path`).
    """
    import tomli

    path = fixed_profile_path(path) if path is not None else DEFAULT_FIXED_PROFILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"fixed-point profile not found: {path}") from None
    try:
        data = tomli.loads(raw.decode("utf-8"))
    except (tomli.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_fixed_profile(data, origin=str(path))


PROFILE_KEYS = tuple(f.name for f in fields(FixedProfile) if f.name != "origin")
