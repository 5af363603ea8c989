"""The search space: searched parameters (:class:`Param`) and fixed overrides.

:func:`load_space` reads a TOML file, :func:`parse_space` parsed TOML; both give a
:class:`SearchSpace`, checked against a base configuration by :meth:`SearchSpace.bind`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.config import NetworkConfig, with_overrides
from lava_aptn.errors import ConfigError

#: Significant digits kept in sampled continuous values (readable, exact in JSON).
SIGNIFICANT_DIGITS = 4

_PARAM_KEYS = frozenset({"low", "high", "scale", "choices", "integer", "note"})
_TOP_KEYS = frozenset({"params", "fixed", "description"})
_SCALES = ("linear", "log")


def _round(value: float) -> float:
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


@dataclass(frozen=True)
class Param:
    """One searched parameter: a range (linear or log scale) or a list of choices.

    Parameters
    ----------
    name
        Dotted name accepted by :func:`lava_aptn.config.with_overrides`, e.g.
        ``"exc.theta_plus_mv"``.
    low, high
        Bounds of a range, ``low < high`` (both ``> 0`` on a log scale).
    scale
        ``"linear"`` or ``"log"``: how values are drawn and mutated within the range.
    choices
        The values to pick from (instead of a range).
    integer
        Round range values to integers (inferred from the base configuration by
        :meth:`SearchSpace.bind` when the parameter is an integer field).
    note
        Free text (why the parameter is searched); shown nowhere, kept in ``search.json``.
    """

    name: str
    low: float | None = None
    high: float | None = None
    scale: str = "linear"
    choices: tuple | None = None
    integer: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        where = f'params."{self.name}"'
        if self.choices is not None:
            if self.low is not None or self.high is not None:
                raise ConfigError(f"{where}: give either choices or low/high, not both")
            if not isinstance(self.choices, tuple) or not self.choices:
                raise ConfigError(f"{where}: choices must be a non-empty list")
            if len(set(map(_key, self.choices))) != len(self.choices):
                raise ConfigError(f"{where}: choices repeat a value: {list(self.choices)}")
            return
        for bound in ("low", "high"):
            value = getattr(self, bound)
            if value is None:
                raise ConfigError(f"{where}: missing {bound} (or give choices)")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{where}: {bound} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise ConfigError(f"{where}: {bound} must be finite, got {value!r}")
        if not self.low < self.high:
            raise ConfigError(f"{where}: low must be < high, got {self.low!r} and {self.high!r}")
        if self.scale not in _SCALES:
            raise ConfigError(f"{where}: scale must be one of {_SCALES}, got {self.scale!r}")
        if self.scale == "log" and self.low <= 0:
            raise ConfigError(f"{where}: a log scale needs low > 0, got {self.low!r}")

    @property
    def is_choice(self) -> bool:
        """Whether the parameter is a list of choices (else a range)."""
        return self.choices is not None

    def to_unit(self, value: Any) -> float:
        """Return the position of a range value in ``[0, 1]`` (on the parameter's scale)."""
        if self.scale == "log":
            lo, hi, v = math.log(self.low), math.log(self.high), math.log(max(value, 1e-300))
        else:
            lo, hi, v = self.low, self.high, value
        return min(max((v - lo) / (hi - lo), 0.0), 1.0)

    def from_unit(self, u: float) -> Any:
        """Return the range value at position ``u`` in ``[0, 1]``, rounded and clipped."""
        u = min(max(u, 0.0), 1.0)
        if self.scale == "log":
            v = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            v = self.low + u * (self.high - self.low)
        if self.integer:
            return int(min(max(round(v), math.ceil(self.low)), math.floor(self.high)))
        return min(max(_round(v), self.low), self.high)

    def sample(self, rng: np.random.Generator) -> Any:
        """Draw a value uniformly (on the parameter's scale) or a choice uniformly."""
        if self.is_choice:
            return self.choices[int(rng.integers(len(self.choices)))]
        return self.from_unit(float(rng.random()))

    def mutate(self, value: Any, rng: np.random.Generator, sigma: float) -> Any:
        """Return a mutation of ``value``.

        A range value moves by a normal step of standard deviation ``sigma`` in unit
        coordinates, reflected at the bounds; a choice becomes another choice.
        """
        if self.is_choice:
            others = [c for c in self.choices if _key(c) != _key(value)]
            if not others:
                return value
            return others[int(rng.integers(len(others)))]
        u = self.to_unit(value) + float(rng.normal(0.0, sigma))
        u = abs(u) % 2.0  # reflect into [0, 1]
        return self.from_unit(2.0 - u if u > 1.0 else u)

    def project(self, value: Any) -> Any:
        """Return the value of the space nearest to ``value`` (the base candidate)."""
        if self.is_choice:
            keys = [_key(c) for c in self.choices]
            if _key(value) in keys:
                return self.choices[keys.index(_key(value))]
            numeric = [c for c in self.choices if isinstance(c, int | float)]
            if isinstance(value, int | float) and len(numeric) == len(self.choices):
                return min(self.choices, key=lambda c: abs(c - value))
            return self.choices[0]
        if self.integer:
            return int(min(max(round(value), math.ceil(self.low)), math.floor(self.high)))
        return min(max(float(value), self.low), self.high)

    def edge(self, value: Any, margin: float = 0.05) -> str | None:
        """Return ``"low"`` or ``"high"`` when a range value lies within ``margin`` of a bound."""
        if self.is_choice:
            return None
        u = self.to_unit(value)
        return "low" if u <= margin else "high" if u >= 1.0 - margin else None

    def describe(self) -> str:
        """One-line description, e.g. ``0.01 - 0.2 (log)`` or ``choices [0.5, 1.0]``."""
        if self.is_choice:
            return f"choices {list(self.choices)}"
        return f"{self.low:g} - {self.high:g} ({self.scale}{', integer' if self.integer else ''})"

    def to_dict(self) -> dict[str, Any]:
        """Return the TOML-style table of the parameter."""
        if self.is_choice:
            d: dict[str, Any] = {"choices": list(self.choices)}
        else:
            d = {"low": self.low, "high": self.high, "scale": self.scale}
            if self.integer:
                d["integer"] = True
        if self.note:
            d["note"] = self.note
        return d


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _flatten(table: Mapping[str, Any], prefix: str, leaf: Callable[[Any], bool]) -> dict:
    """Flatten nested TOML tables (``[params.exc.theta_plus_mv]``) into dotted names."""
    flat: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and not leaf(value):
            flat.update(_flatten(value, name, leaf))
        else:
            flat[name] = value
    return flat


@dataclass(frozen=True)
class SearchSpace:
    """The searched parameters and the fixed overrides of a search.

    Parameters
    ----------
    params
        The searched parameters, in file order.
    fixed
        Dotted-name overrides applied to the base configuration and never searched.
    description
        Free text.
    source
        Where the space came from (a path), for messages.
    """

    params: tuple[Param, ...]
    fixed: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str = "<space>"

    def __post_init__(self) -> None:
        if not self.params:
            raise ConfigError(f"search space {self.source}: no [params] to search")
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ConfigError(f"search space {self.source}: a parameter is listed twice")
        both = sorted(set(names) & set(self.fixed))
        if both:
            raise ConfigError(
                f"search space {self.source}: {both} both searched and fixed; drop one"
            )

    @property
    def names(self) -> tuple[str, ...]:
        """The searched parameter names."""
        return tuple(p.name for p in self.params)

    def bind(self, base: NetworkConfig) -> SearchSpace:
        """Check every name and bound against ``base``; infer integer parameters.

        Raises
        ------
        ConfigError
            Naming the offending key when a name is not a network parameter or a bound
            or choice is not a valid value for it.
        """
        params = []
        for p in self.params:
            where = f'search space {self.source}: params."{p.name}"'
            try:
                current = _get(base, p.name)
            except ConfigError as exc:
                raise ConfigError(f"{where}: {exc}") from None
            if isinstance(current, int) and not isinstance(current, bool) and not p.is_choice:
                p = dataclasses.replace(p, integer=True)
            values = p.choices if p.is_choice else (p.from_unit(0.0), p.from_unit(1.0))
            for value in values:
                try:
                    _valid_config(base, {**self.fixed, p.name: value})
                except ConfigError as exc:
                    raise ConfigError(f"{where}: value {value!r} is not valid: {exc}") from None
            params.append(p)
        for name, value in self.fixed.items():
            try:
                _valid_config(base, {name: value})
            except ConfigError as exc:
                raise ConfigError(f'search space {self.source}: fixed."{name}": {exc}') from None
        return dataclasses.replace(self, params=tuple(params))

    def to_dict(self) -> dict[str, Any]:
        """Return the space as TOML-style tables (``search.json``)."""
        return {
            "description": self.description,
            "fixed": dict(self.fixed),
            "params": {p.name: p.to_dict() for p in self.params},
        }


def _get(cfg: NetworkConfig, name: str) -> Any:
    obj: Any = cfg
    for part in name.split("."):
        if not dataclasses.is_dataclass(obj) or part not in {
            f.name for f in dataclasses.fields(obj)
        }:
            raise ConfigError(f"{name!r} is not a network parameter")
        obj = getattr(obj, part)
    if dataclasses.is_dataclass(obj):
        raise ConfigError(f"{name!r} is a parameter group, not a parameter")
    return obj


def _valid_config(base: NetworkConfig, overrides: Mapping[str, Any]) -> NetworkConfig:
    """Return ``base`` with ``overrides``; raise :class:`ConfigError` if the engine rejects it."""
    from lava_aptn.dynamics import step_params

    cfg = with_overrides(base, dict(overrides))
    try:
        step_params(cfg)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return cfg


def parse_space(data: Mapping[str, Any], source: str = "<space>") -> SearchSpace:
    """Build a :class:`SearchSpace` from parsed TOML.

    ``[params."NAME"]`` tables hold ``low``, ``high``, ``scale`` (``"linear"`` or
    ``"log"``), ``integer`` or ``choices``, and an optional ``note``; ``[fixed]`` holds
    ``NAME = VALUE`` overrides; ``description`` is free text. Nested tables
    (``[params.exc.theta_plus_mv]``) are read as dotted names.

    Raises
    ------
    ConfigError
        Naming the file and the offending key.
    """
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(
            f"search space {source}: unknown top-level key(s) {unknown}; valid: {sorted(_TOP_KEYS)}"
        )
    params_table = data.get("params", {})
    if not isinstance(params_table, dict):
        raise ConfigError(f"search space {source}: params must be a table")

    def is_param(table: dict) -> bool:
        return bool(set(table) & _PARAM_KEYS) or not table

    params = []
    for name, table in _flatten(params_table, "", is_param).items():
        where = f'search space {source}: params."{name}"'
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table with low/high or choices")
        bad = sorted(set(table) - _PARAM_KEYS)
        if bad:
            raise ConfigError(f"{where}: unknown key(s) {bad}; valid: {sorted(_PARAM_KEYS)}")
        kwargs = dict(table)
        if "choices" in kwargs:
            if not isinstance(kwargs["choices"], list):
                raise ConfigError(f"{where}: choices must be a list")
            kwargs["choices"] = tuple(kwargs["choices"])
        try:
            params.append(Param(name=name, **kwargs))
        except ConfigError as exc:
            raise ConfigError(f"search space {source}: {exc}") from None
    fixed = data.get("fixed", {})
    if not isinstance(fixed, dict):
        raise ConfigError(f"search space {source}: fixed must be a table")
    fixed = _flatten(fixed, "", lambda _t: False)
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"search space {source}: description must be a string")
    return SearchSpace(tuple(params), fixed, description, source)


def load_space(path: str | os.PathLike) -> SearchSpace:
    """Read a search space from a TOML file (see :func:`parse_space`)."""
    import tomli

    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomli.load(fh)
    except FileNotFoundError:
        raise FileNotFoundError(f"search space {path} does not exist") from None
    except tomli.TOMLDecodeError as exc:
        raise ConfigError(f"search space {path}: not valid TOML: {exc}") from None
    return parse_space(data, str(path))
