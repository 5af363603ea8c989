"""Sweep grids: a TOML file that names every run of a study, expanded into points.

A grid is the cartesian product of its ``[axes]``; every other section is shared by all
points. Example (``experiments/table2.toml`` holds the full one)::

    name = "table2"
    title = "Pruning methods at 10 % connectivity, MNIST"

    [axes]
    dataset = ["mnist"]
    neurons = [100, 800]
    method = ["none", "constant", "aptn"]
    seed = [0, 1, 2]
    target_connectivity = [0.10]

    [run]                       # RunConfig fields, plus the network preset
    preset = "diehl-cook"
    train_images = 60000

    [network]                   # dotted network overrides (``--set``)
    "input.rest_ms" = 150.0

    [pruning]                   # PruningConfig fields shared by every point
    prune_batch = 5000

    [search]                    # target-connectivity search
    tol = 0.005
    warm_start = true           # other seeds start from the first seed's result

    [report]                    # what ``lava-aptn report`` draws (lava_aptn.experiments.report)

    [paper]                     # the paper's values, shown beside ours

Axes: ``dataset``, ``neurons``, ``method``, ``seed`` (each required, a list),
``target_connectivity`` (the final connectivity searched for; unpruned fraction for soft
pruning) and any :class:`~lava_aptn.pruning.PruningConfig` field (``w_th0``, ``time_fn``,
``time_factor``, ``neuron_factor``, ``spike_interval`` with ``inf`` for one group,
``prune_start``, ``prune_batch``, ...), and ``variant``: a list of inline tables of
pruning fields that vary together, e.g. an adaptation function with its own factor::

    variant = [{time_fn = "f1", time_factor = 1.3}, {time_fn = "f3", time_factor = 0.01}]

Method ``none`` ignores the pruning axes and the target (its schedule is the grid's
shared one), so it appears once per (dataset, neurons, seed).

Every method starts from the paper's factors (:func:`~lava_aptn.pruning.paper_config`);
on runs shorter than an epoch without an explicit schedule, pruning starts at half the
training images and steps every twelfth (as ``lava-aptn compare``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lava_aptn.config import DEFAULT_PRESET, PRESETS, NetworkConfig, RunConfig, preset
from lava_aptn.config import with_overrides as network_overrides
from lava_aptn.errors import ConfigError
from lava_aptn.pruning import (
    LONG_SEARCHES,
    METHODS,
    TARGET_MAX_EVALS,
    TARGET_TOL,
    PruningConfig,
    check_target_connectivity,
    paper_config,
)

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: Axes every grid must give.
REQUIRED_AXES = ("dataset", "neurons", "method", "seed")
#: Pruning fields that may be axes or shared settings.
PRUNING_FIELDS = tuple(f.name for f in fields(PruningConfig) if f.name != "method")
#: RunConfig fields a grid may set in ``[run]`` (seed and dataset are axes).
RUN_FIELDS = (
    "train_images",
    "label_images",
    "test_images",
    "order",
    "precision",
    "fixed_weight_exp",
    "fixed_profile",
)
SECTIONS = ("name", "title", "description", "axes", "run", "network", "pruning", "search")
SECTIONS += ("report", "paper")


@dataclass(frozen=True)
class Point:
    """One run of a grid.

    Attributes
    ----------
    dataset, neurons, method, seed
        What is trained.
    target : float or None
        Target connectivity (unpruned fraction for soft pruning); ``None``: the
        pruning parameters are used as given.
    pruning : tuple of (name, value)
        Pruning fields set by axes, sorted by name.
    """

    dataset: str
    neurons: int
    method: str
    seed: int
    target: float | None = None
    pruning: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> str:
        """Folder name of the point: readable and unique within a grid."""
        parts = [self.dataset, f"n{self.neurons}", self.method, f"s{self.seed}"]
        if self.target is not None:
            parts.append(f"c{self.target:g}")
        parts += [f"{name}{value_text(value)}" for name, value in self.pruning]
        return "-".join(parts)

    def record(self) -> dict[str, Any]:
        """Return the ``point`` entry of a run's ``result.json``: key and axis values."""
        return {"key": self.key, **self.axes()}

    def axes(self) -> dict[str, Any]:
        """Return the point's axis values (``target_connectivity`` for the target)."""
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "neurons": self.neurons,
            "method": self.method,
            "seed": self.seed,
            "target_connectivity": self.target,
        }
        out.update(dict(self.pruning))
        return out


def value_text(value: Any) -> str:
    """Text of an axis value as keys, ``--only`` and reports show it (``inf``, ``0.1``)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "inf" if math.isinf(value) else f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Grid:
    """A parsed, validated grid (see the module docstring for the file format)."""

    name: str
    axes: dict[str, list]
    title: str = ""
    description: str = ""
    run: dict[str, Any] = field(default_factory=dict)
    network: dict[str, Any] = field(default_factory=dict)
    pruning: dict[str, Any] = field(default_factory=dict)
    search: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    paper: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"a grid needs a non-empty 'name', got {self.name!r}")
        for axis in REQUIRED_AXES:
            if axis not in self.axes:
                raise ConfigError(f"grid {self.name!r}: [axes] must list {axis!r}")
        known = set(REQUIRED_AXES) | {"target_connectivity", "variant"} | set(PRUNING_FIELDS)
        for axis, values in self.axes.items():
            if axis not in known:
                raise ConfigError(
                    f"grid {self.name!r}: unknown axis {axis!r}; axes are "
                    f"{', '.join(sorted(known))}"
                )
            if not isinstance(values, list) or not values:
                raise ConfigError(
                    f"grid {self.name!r}: axis {axis!r} must be a non-empty list, got {values!r}"
                )
            if axis in self.pruning:
                raise ConfigError(
                    f"grid {self.name!r}: {axis!r} is both an axis and a [pruning] setting"
                )
        for variant in self.axes.get("variant", []):
            if not isinstance(variant, dict) or not variant:
                raise ConfigError(
                    f"grid {self.name!r}: each variant must be a table of pruning fields, "
                    f"got {variant!r}"
                )
            for name in variant:
                if name not in PRUNING_FIELDS or name in self.axes or name in self.pruning:
                    raise ConfigError(
                        f"grid {self.name!r}: variant field {name!r} must be a pruning field "
                        "that is neither an axis nor a [pruning] setting"
                    )
        for method in self.axes["method"]:
            if method not in METHODS:
                raise ConfigError(
                    f"grid {self.name!r}: unknown method {method!r}; choose from {METHODS}"
                )
        for target in self.axes.get("target_connectivity", []):
            try:
                check_target_connectivity(target)
            except ConfigError as exc:
                raise ConfigError(f"grid {self.name!r}: {exc}") from None
        for name in self.run:
            if name not in RUN_FIELDS + ("preset",):
                raise ConfigError(
                    f"grid {self.name!r}: unknown [run] setting {name!r}; allowed: "
                    f"{', '.join(RUN_FIELDS + ('preset',))}"
                )
        if self.run.get("preset", DEFAULT_PRESET) not in PRESETS:
            raise ConfigError(
                f"grid {self.name!r}: unknown preset {self.run['preset']!r}; "
                f"choose one of {sorted(PRESETS)}"
            )
        for name in self.pruning:
            if name not in PRUNING_FIELDS:
                raise ConfigError(f"grid {self.name!r}: unknown [pruning] setting {name!r}")
        for name in self.search:
            if name not in ("tol", "max_evals", "warm_start"):
                raise ConfigError(
                    f"grid {self.name!r}: unknown [search] setting {name!r} "
                    "(tol, max_evals, warm_start)"
                )
        if not isinstance(self.search.get("warm_start", False), bool):
            raise ConfigError(
                f"grid {self.name!r}: [search] warm_start must be true or false, got "
                f"{self.search['warm_start']!r}"
            )
        for point in self.points():  # every configuration must build
            self.configs(point)

    # ------------------------------------------------------------------ expansion
    def points(self) -> list[Point]:
        """Every point of the grid, in a stable order, without duplicates."""
        prune_axes = sorted(a for a in self.axes if a in PRUNING_FIELDS)
        names = list(REQUIRED_AXES) + ["target_connectivity", "variant"] + prune_axes
        values = [self.axes.get(n, [None]) for n in names]
        seen: dict[str, Point] = {}
        for combo in itertools.product(*values):
            d = dict(zip(names, combo, strict=True))
            method = d["method"]
            fields_ = {**(d["variant"] or {}), **{n: d[n] for n in prune_axes}}
            pruning = tuple(sorted(fields_.items()))
            target = None if d["target_connectivity"] is None else float(d["target_connectivity"])
            if method == "none":  # the baseline: no pruning parameter applies
                pruning, target = (), None
            point = Point(d["dataset"], int(d["neurons"]), method, int(d["seed"]), target, pruning)
            seen.setdefault(point.key, point)
        return list(seen.values())

    # ------------------------------------------------------------------ configurations
    @property
    def preset_name(self) -> str:
        """The network preset of every point."""
        return str(self.run.get("preset", DEFAULT_PRESET))

    def run_config(self, point: Point) -> RunConfig:
        """Return the :class:`RunConfig` of ``point``."""
        settings = {k: v for k, v in self.run.items() if k in RUN_FIELDS}
        train = int(settings.get("train_images", 60000))
        settings.setdefault("label_images", max(train, 1))
        return RunConfig(dataset=point.dataset, seed=point.seed, checkpoint_every=0, **settings)

    def network_config(self, point: Point) -> NetworkConfig:
        """Return the :class:`NetworkConfig` of ``point``."""
        cfg = preset(self.preset_name, n_neurons=point.neurons)
        return network_overrides(cfg, dict(self.network)) if self.network else cfg

    def pruning_config(self, point: Point) -> PruningConfig:
        """Return the :class:`PruningConfig` of ``point`` (paper factors, then the grid's)."""
        fields_ = {**self.pruning, **dict(point.pruning)}
        train = self.run_config(point).train_images
        if train < 60000 and "prune_start" not in fields_:
            fields_["prune_start"] = train // 2
            fields_.setdefault("prune_batch", max(train // 12, 1))
        return paper_config(method=point.method, neurons=point.neurons, **fields_)

    def configs(self, point: Point) -> tuple[NetworkConfig, RunConfig, PruningConfig]:
        """Network, run and pruning configuration of ``point``."""
        return self.network_config(point), self.run_config(point), self.pruning_config(point)

    def search_settings(self) -> dict[str, Any]:
        """Tolerance and evaluation budget of the target searches, from ``[search]``.

        The defaults are those of :func:`lava_aptn.engine.target.run_at_connectivity`.
        """
        return {
            "tol": float(self.search.get("tol", TARGET_TOL)),
            "max_evals": int(self.search.get("max_evals", TARGET_MAX_EVALS)),
        }

    def anchor(self, point: Point) -> Point | None:
        """Return the point whose search ``point`` starts from (``[search] warm_start``).

        With ``warm_start = true``, a point with a target connectivity, a method of
        :data:`~lava_aptn.pruning.target.LONG_SEARCHES` and a seed other than the first
        of the ``seed`` axis starts its search from the parameter that the
        same point at the first seed found, with that search's slope
        (:func:`lava_aptn.pruning.target.local_slope`); it runs after that point. Other
        points, and every point without ``warm_start``, have no anchor (``None``).
        """
        if not self.search.get("warm_start", False):
            return None
        if point.target is None or point.method not in LONG_SEARCHES:
            return None
        first = int(self.axes["seed"][0])
        return None if point.seed == first else replace(point, seed=first)

    def prefix_key(self, point: Point) -> str:
        """Name of the unpruned training prefix ``point`` branches from.

        Points that differ only in their pruning method and parameters (not in the
        schedule's start) share it: the first ``prune_start`` images train the same.
        """
        cfg = self.pruning_config(point)
        return (
            f"{point.dataset}-n{point.neurons}-s{point.seed}-start{cfg.prune_start}"
            f"-batch{cfg.prune_batch}"
        )

    def settings_digest(self) -> str:
        """Hash of everything but the axes: points of two grids with equal digests agree."""
        shared = {
            "run": self.run,
            "network": self.network,
            "pruning": self.pruning,
            "search": self.search,
        }
        text = json.dumps(shared, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the inverse of :func:`grid_from_dict`)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "axes": self.axes,
            "run": self.run,
            "network": self.network,
            "pruning": self.pruning,
            "search": self.search,
            "report": self.report,
            "paper": self.paper,
        }


def grid_from_dict(data: dict[str, Any], *, origin: str = "grid") -> Grid:
    """Build a :class:`Grid` from parsed TOML; ``origin`` names it in errors."""
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            f"{origin}: unknown top-level entries {unknown}; allowed: {', '.join(SECTIONS)}"
        )
    if "axes" not in data:
        raise ConfigError(f"{origin}: missing the [axes] table")
    return Grid(
        name=data.get("name", ""),
        title=data.get("title", ""),
        description=data.get("description", ""),
        axes={k: list(v) if isinstance(v, list) else v for k, v in data["axes"].items()},
        run=dict(data.get("run", {})),
        network=dict(data.get("network", {})),
        pruning=dict(data.get("pruning", {})),
        search=dict(data.get("search", {})),
        report=dict(data.get("report", {})),
        paper=dict(data.get("paper", {})),
    )


def load_grid(path: str | Path) -> Grid:
    """Read and validate a grid TOML file.

    Raises
    ------
    ConfigError
        When the file is missing, not TOML, or names an unknown axis, method or setting;
        the message quotes the offending entry.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"grid file {path} does not exist; grids live in experiments/*.toml")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    return grid_from_dict(data, origin=str(path))
