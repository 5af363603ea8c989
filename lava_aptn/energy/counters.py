"""Event counters of a run, read from its ``result.json``.

The engine writes, per image (means over the images of each phase)::

    "sops_train_per_image": float, "sops_infer_per_image": float,
    "sops_train_breakdown": {"accumulations": float, "stdp_updates": float},
    "counters_per_image": {"train": {...}, "infer": {...}}

with the counter names in `COUNTER_KEYS`. SOPs follow the paper: training = accumulations
+ STDP updates, inference = accumulations. Only the SOP totals are required; without
``counters_per_image`` the per-event energy model reports every term as not included.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from lava_aptn.errors import ConfigError

#: Counters the estimator needs for each phase (per image).
REQUIRED_COUNTERS = (
    "input_spikes",
    "accumulations",
    "stdp_updates",
    "exc_spikes",
    "inh_spikes",
    "neuron_updates",
)
#: Further counters the engine writes; read when present.
OPTIONAL_COUNTERS = (
    "stdp_updates_nominal",
    "stdp_depressions",
    "stdp_potentiations",
    "time_steps",
    "presentations",
)
COUNTER_KEYS = REQUIRED_COUNTERS + OPTIONAL_COUNTERS
PHASES = ("train", "infer")


def _count(value: Any, *, origin: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{origin}: {key}: must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{origin}: {key}: must be a finite number >= 0, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class PhaseCounters:
    """Mean event counts per image for one phase (training or inference).

    Attributes
    ----------
    input_spikes
        Input (Poisson) spikes.
    accumulations
        Weight accumulations: one per spike per existing outgoing plastic synapse.
    stdp_updates
        Weights actually changed by STDP (0 in inference).
    exc_spikes, inh_spikes
        Excitatory and inhibitory spikes.
    neuron_updates
        Neuron state updates: neurons (excitatory + inhibitory) x time steps simulated.
    stdp_updates_nominal, stdp_depressions, stdp_potentiations, time_steps, presentations
        Optional extra counters (``None`` when the run did not write them).
    """

    input_spikes: float
    accumulations: float
    stdp_updates: float
    exc_spikes: float
    inh_spikes: float
    neuron_updates: float
    stdp_updates_nominal: float | None = None
    stdp_depressions: float | None = None
    stdp_potentiations: float | None = None
    time_steps: float | None = None
    presentations: float | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in OPTIONAL_COUNTERS:
                continue
            _count(value, origin="PhaseCounters", key=f.name)

    @property
    def spikes(self) -> float:
        """All spike messages per image: input + excitatory + inhibitory."""
        return self.input_spikes + self.exc_spikes + self.inh_spikes

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, origin: str, where: str) -> PhaseCounters:
        """Build from a ``counters_per_image[phase]`` mapping; errors name ``origin`` and key."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{origin}: {where}: must be an object, got {data!r}")
        values: dict[str, float | None] = {}
        for key in REQUIRED_COUNTERS:
            if key not in data:
                raise ConfigError(f"{origin}: {where}.{key}: missing (required)")
            values[key] = _count(data[key], origin=origin, key=f"{where}.{key}")
        for key in OPTIONAL_COUNTERS:
            if data.get(key) is not None:
                values[key] = _count(data[key], origin=origin, key=f"{where}.{key}")
        return cls(**values)


@dataclass(frozen=True)
class RunCounters:
    """What the energy estimator reads from one run.

    Attributes
    ----------
    sops_train_per_image, sops_infer_per_image
        Synaptic operations per image (paper convention).
    train, infer
        Per-event counters, or ``None`` if the run did not write ``counters_per_image``.
    neurons
        ``config.neurons`` when present.
    origin
        The file read.
    """

    sops_train_per_image: float
    sops_infer_per_image: float
    train: PhaseCounters | None = None
    infer: PhaseCounters | None = None
    neurons: int | None = None
    origin: str = "<memory>"

    def __post_init__(self) -> None:
        for name in ("sops_train_per_image", "sops_infer_per_image"):
            _count(getattr(self, name), origin=self.origin, key=name)

    def sop_mismatches(self, *, rel_tol: float = 1e-6) -> tuple[str, ...]:
        """Return a note per phase whose SOP total differs from its counters' sum.

        Training SOPs should equal accumulations + STDP updates, inference SOPs the
        accumulations (paper convention); a difference means the run's figures disagree.
        """
        notes = []
        for name in PHASES:
            sops, counters = self.phase(name)
            if counters is None:
                continue
            expected = counters.accumulations + (counters.stdp_updates if name == "train" else 0)
            if not math.isclose(sops, expected, rel_tol=rel_tol, abs_tol=1e-9):
                what = "accumulations + stdp_updates" if name == "train" else "accumulations"
                notes.append(
                    f"sops_{name}_per_image = {sops:,.3f} but counters_per_image.{name} "
                    f"{what} = {expected:,.3f}"
                )
        return tuple(notes)

    def phase(self, name: str) -> tuple[float, PhaseCounters | None]:
        """Return ``(sops_per_image, counters)`` for ``"train"`` or ``"infer"``."""
        if name == "train":
            return self.sops_train_per_image, self.train
        if name == "infer":
            return self.sops_infer_per_image, self.infer
        raise ConfigError(f"phase must be one of {PHASES}, got {name!r}")


def counters_from_result(data: Mapping[str, Any], *, origin: str) -> RunCounters:
    """Parse the counters out of a ``result.json`` document.

    Raises
    ------
    ConfigError
        Naming ``origin`` and the key when a SOP total or a required counter is missing or
        is not a finite number >= 0.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(f"{origin}: must hold a JSON object")
    sops = {}
    for key in ("sops_train_per_image", "sops_infer_per_image"):
        if key not in data:
            raise ConfigError(f"{origin}: {key}: missing (required)")
        sops[key] = _count(data[key], origin=origin, key=key)
    phases: dict[str, PhaseCounters | None] = {"train": None, "infer": None}
    per_image = data.get("counters_per_image")
    if per_image is not None:
        if not isinstance(per_image, Mapping):
            raise ConfigError(f"{origin}: counters_per_image: must be an object")
        for phase in PHASES:
            if phase not in per_image:
                raise ConfigError(f"{origin}: counters_per_image.{phase}: missing (required)")
            phases[phase] = PhaseCounters.from_mapping(
                per_image[phase], origin=origin, where=f"counters_per_image.{phase}"
            )
    config = data.get("config")
    neurons = config.get("neurons") if isinstance(config, Mapping) else None
    if isinstance(neurons, bool) or not isinstance(neurons, int):
        neurons = None
    return RunCounters(
        sops_train_per_image=sops["sops_train_per_image"],
        sops_infer_per_image=sops["sops_infer_per_image"],
        train=phases["train"],
        infer=phases["infer"],
        neurons=neurons,
        origin=origin,
    )


def result_path(run: str | os.PathLike) -> Path:
    """Return ``run/result.json`` for a run folder, or ``run`` itself if it is a file."""
    path = Path(run)
    return path if path.is_file() else path / "result.json"


def read_result(run: str | os.PathLike) -> tuple[Path, dict[str, Any]]:
    """Read a run's ``result.json``; return its path and the parsed document."""
    path = result_path(run)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no result.json at {path}; pass a run folder written by "
            "`lava-aptn train ... --out DIR` (or its result.json)"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must hold a JSON object")
    return path, data
