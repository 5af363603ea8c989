"""Hardware energy profiles: cited per-event energies read from TOML files.

A profile is a small TOML file (``hw_profiles/NAME.toml``)::

    schema = 1
    name = "loihi"
    description = "Intel Loihi, Davies et al. 2018, Table 2"
    unit = "pJ"

    [events.synaptic_op]
    value = 23.6
    unit = "pJ"
    source = "Davies et al. 2018, IEEE Micro 38(1):82-99, Table 2"
    note = "minimum energy per synaptic spike op"

    [omitted.synaptic_update]          # optional: a figure the source does not give
    reason = "no on-chip learning"

Every ``[events.KEY]`` entry needs ``value`` (a finite number >= 0), ``unit`` (``pJ``,
``nJ`` or ``uJ``), ``source`` and ``note``. Values are converted to picojoules on load.
A malformed file raises `ConfigError` naming the file and the offending key.

Examples
--------
>>> p = parse_profile({"name": "x", "description": "d", "unit": "pJ",
...     "events": {"synaptic_op": {"value": 0.02, "unit": "nJ", "source": "s", "note": "n"}}},
...     origin="x.toml")
>>> p.energy_pj("synaptic_op")
20.0
>>> parse_profile({"name": "x", "description": "d", "unit": "pJ",
...     "events": {"synaptic_op": {"value": -1, "unit": "pJ", "source": "s", "note": "n"}}},
...     origin="x.toml")
Traceback (most recent call last):
...
lava_aptn.errors.ConfigError: x.toml: events.synaptic_op.value: must be a finite number >= 0, got -1
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lava_aptn.errors import ConfigError

#: Profile schema version this module reads.
SCHEMA_VERSION = 1
#: Allowed energy units and their factor to picojoules.
UNIT_TO_PJ: Mapping[str, float] = MappingProxyType({"pJ": 1.0, "nJ": 1e3, "uJ": 1e6})
#: Event keys the estimators read (others are kept and reported as unused).
KNOWN_EVENTS: Mapping[str, str] = MappingProxyType(
    {
        "synaptic_op": "one weight accumulation (a spike delivered over one synapse)",
        "synaptic_update": "one plastic weight update (STDP)",
        "neuron_update": "one neuron state update (one neuron, one time step)",
        "neuron_update_active": "one neuron update of an active neuron (upper bound)",
        "neuron_update_inactive": "one neuron update of an inactive neuron (lower bound)",
        "spike": "one spike message delivered",
        "spike_within_tile": "one spike message delivered within a tile",
        "tile_hop_east_west": "one east-west hop of a spike message between tiles",
        "tile_hop_north_south": "one north-south hop of a spike message between tiles",
        "sram_access": "one SRAM read or write",
    }
)

_HEADER_KEYS = ("name", "description", "unit")
_TOP_LEVEL_KEYS = frozenset({"schema", *_HEADER_KEYS, "events", "omitted"})
_ENTRY_KEYS = ("value", "unit", "source", "note")

#: Folder of the profiles shipped in the repository (``<repo>/hw_profiles``).
REPO_PROFILE_DIR = Path(__file__).resolve().parents[2] / "hw_profiles"


@dataclass(frozen=True)
class EnergyEntry:
    """One cited per-event energy.

    Attributes
    ----------
    key
        Event name, e.g. ``"synaptic_op"``.
    energy_pj
        The value converted to picojoules.
    value, unit
        The value and unit as written in the file.
    source, note
        Citation and caveats, as written in the file.
    """

    key: str
    energy_pj: float
    value: float
    unit: str
    source: str
    note: str

    def __post_init__(self) -> None:
        if not math.isfinite(self.energy_pj) or self.energy_pj < 0:
            raise ConfigError(f"energy_pj must be a finite number >= 0, got {self.energy_pj!r}")
        if self.unit not in UNIT_TO_PJ:
            raise ConfigError(f"unit must be one of {sorted(UNIT_TO_PJ)}, got {self.unit!r}")


@dataclass(frozen=True)
class HardwareProfile:
    """A parsed, validated hardware profile.

    Attributes
    ----------
    name, description, unit
        Header fields.
    entries
        Event key -> `EnergyEntry` (read-only mapping).
    omitted
        Event key -> reason the source gives no figure for it (read-only mapping).
    origin
        The file it was read from (or a label for in-memory data).
    """

    name: str
    description: str
    unit: str
    entries: Mapping[str, EnergyEntry] = field(default_factory=dict)
    omitted: Mapping[str, str] = field(default_factory=dict)
    origin: str = "<memory>"

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", MappingProxyType(dict(self.entries)))
        object.__setattr__(self, "omitted", MappingProxyType(dict(self.omitted)))

    def has(self, key: str) -> bool:
        """Return whether the profile gives an energy for event ``key``."""
        return key in self.entries

    def energy_pj(self, key: str) -> float:
        """Return the energy of event ``key`` in picojoules.

        Raises
        ------
        ConfigError
            If the profile has no entry ``key``.
        """
        try:
            return self.entries[key].energy_pj
        except KeyError:
            raise ConfigError(
                f"{self.origin}: profile {self.name!r} has no entry events.{key} "
                f"(it has: {', '.join(sorted(self.entries)) or 'none'})"
            ) from None


def _fail(origin: str, key: str, message: str) -> ConfigError:
    return ConfigError(f"{origin}: {key}: {message}")


def _text(data: Mapping[str, Any], key: str, where: str, origin: str) -> str:
    if key not in data:
        raise _fail(origin, f"{where}{key}", "missing (required)")
    value = data[key]
    if not isinstance(value, str) or not value.strip():
        raise _fail(origin, f"{where}{key}", f"must be a non-empty string, got {value!r}")
    return value


def _unit(data: Mapping[str, Any], key: str, where: str, origin: str) -> str:
    unit = _text(data, key, where, origin)
    if unit not in UNIT_TO_PJ:
        raise _fail(
            origin, f"{where}{key}", f"unknown unit {unit!r}; allowed: {', '.join(UNIT_TO_PJ)}"
        )
    return unit


def _entry(key: str, raw: Any, origin: str) -> EnergyEntry:
    where = f"events.{key}."
    if not isinstance(raw, Mapping):
        raise _fail(origin, f"events.{key}", f"must be a table, got {raw!r}")
    unknown = sorted(set(raw) - set(_ENTRY_KEYS))
    if unknown:
        raise _fail(
            origin, f"{where}{unknown[0]}", f"unknown field; allowed: {', '.join(_ENTRY_KEYS)}"
        )
    if "value" not in raw:
        raise _fail(origin, f"{where}value", "missing (required)")
    value = raw["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(origin, f"{where}value", f"must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise _fail(origin, f"{where}value", f"must be a finite number >= 0, got {value!r}")
    unit = _unit(raw, "unit", where, origin)
    return EnergyEntry(
        key=key,
        energy_pj=float(value) * UNIT_TO_PJ[unit],
        value=float(value),
        unit=unit,
        source=_text(raw, "source", where, origin),
        note=_text(raw, "note", where, origin),
    )


def parse_profile(data: Mapping[str, Any], *, origin: str) -> HardwareProfile:
    """Validate parsed TOML ``data`` and return a `HardwareProfile`.

    Parameters
    ----------
    data
        The TOML document as a mapping.
    origin
        File name (or label) quoted in every error message.

    Raises
    ------
    ConfigError
        Naming ``origin`` and the key: a missing key, an unknown key or unit, a value that
        is not a finite number >= 0, or a profile with no ``[events]`` entry.
    """
    unknown = sorted(set(data) - _TOP_LEVEL_KEYS)
    if unknown:
        raise _fail(
            origin,
            unknown[0],
            f"unknown top-level key; allowed: {', '.join(sorted(_TOP_LEVEL_KEYS))}",
        )
    schema = data.get("schema", SCHEMA_VERSION)
    if isinstance(schema, bool) or schema != SCHEMA_VERSION:
        raise _fail(origin, "schema", f"must be {SCHEMA_VERSION}, got {schema!r}")
    name = _text(data, "name", "", origin)
    description = _text(data, "description", "", origin)
    unit = _unit(data, "unit", "", origin)
    if "events" not in data:
        raise _fail(origin, "events", "missing (required): at least one [events.KEY] table")
    events = data["events"]
    if not isinstance(events, Mapping) or not events:
        raise _fail(origin, "events", "must hold at least one [events.KEY] table")
    entries = {key: _entry(key, raw, origin) for key, raw in events.items()}
    omitted_raw = data.get("omitted", {})
    if not isinstance(omitted_raw, Mapping):
        raise _fail(origin, "omitted", f"must be a table, got {omitted_raw!r}")
    omitted: dict[str, str] = {}
    for key, raw in omitted_raw.items():
        if not isinstance(raw, Mapping):
            raise _fail(origin, f"omitted.{key}", f"must be a table, got {raw!r}")
        if key in entries:
            raise _fail(origin, f"omitted.{key}", "also given under [events]; keep one")
        omitted[key] = _text(raw, "reason", f"omitted.{key}.", origin)
    return HardwareProfile(
        name=name,
        description=description,
        unit=unit,
        entries=entries,
        omitted=omitted,
        origin=origin,
    )


def load_profile(path: str | os.PathLike) -> HardwareProfile:
    """Read and validate the profile file at ``path``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ConfigError
        If it is not valid TOML or fails validation (the message names file and key).
    """
    import tomli

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileNotFoundError(f"profile file not found: {path}") from None
    try:
        data = tomli.loads(raw.decode("utf-8"))
    except (tomli.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_profile(data, origin=str(path))


def profile_dirs() -> tuple[Path, ...]:
    """Return the folders searched for named profiles, in order (existing ones only)."""
    return tuple(d for d in (REPO_PROFILE_DIR,) if d.is_dir())


def available_profiles() -> tuple[str, ...]:
    """Return the names of the shipped profiles (``hw_profiles/*.toml``)."""
    names = {p.stem for d in profile_dirs() for p in d.glob("*.toml")}
    return tuple(sorted(names))


def resolve_profile_path(spec: str | os.PathLike) -> Path:
    """Map a profile name or path to a file.

    Parameters
    ----------
    spec
        A shipped profile name (``"loihi"``: ``hw_profiles/loihi.toml`` in the
        repository) or a path to a user's ``.toml`` file.
    """
    text = os.fspath(spec)
    path = Path(text)
    looks_like_path = text.endswith(".toml") or os.sep in text or "/" in text
    if looks_like_path or path.is_file():
        if not path.is_file():
            raise FileNotFoundError(f"profile file not found: {path}")
        return path
    for folder in profile_dirs():
        candidate = folder / f"{text}.toml"
        if candidate.is_file():
            return candidate
    raise ConfigError(
        f"unknown profile {text!r}; shipped profiles: {', '.join(available_profiles()) or 'none'}"
        " (or pass the path of a .toml file)"
    )


def resolve_profile(spec: str | os.PathLike) -> HardwareProfile:
    """Load a profile given by name or path (see `resolve_profile_path`)."""
    return load_profile(resolve_profile_path(spec))
