"""Shared helpers for the energy tests: hand-written profiles and result files."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from lava_aptn.energy.commands import register

GOOD_PROFILE = """\
schema = 1
name = "toy"
description = "hand-made profile for tests"
unit = "pJ"

[events.synaptic_op]
value = 10.0
unit = "pJ"
source = "test"
note = "test"

[events.synaptic_update]
value = 0.1
unit = "nJ"
source = "test"
note = "100 pJ written in nJ"

[events.neuron_update]
value = 2.0
unit = "pJ"
source = "test"
note = "test"

[omitted.spike]
reason = "toy hardware does not say"
"""

TRAIN = {
    "input_spikes": 300.0,
    "accumulations": 3000.0,
    "stdp_updates": 500.0,
    "stdp_updates_nominal": 800.0,
    "stdp_depressions": 300.0,
    "stdp_potentiations": 200.0,
    "exc_spikes": 12.0,
    "inh_spikes": 8.0,
    "neuron_updates": 14000.0,
    "time_steps": 700.0,
    "presentations": 1.0,
}
INFER = dict(
    TRAIN,
    accumulations=2000.0,
    stdp_updates=0.0,
    stdp_updates_nominal=0.0,
    stdp_depressions=0.0,
    stdp_potentiations=0.0,
)


def _result_doc(**overrides) -> dict:
    """A result.json as the engine writes it (train SOPs = acc + stdp, infer = acc)."""
    doc = {
        "schema": 1,
        "config": {"dataset": "mnist", "neurons": 100, "method": "aptn", "seed": 0},
        "accuracy": 0.8,
        "connectivity": 0.145,
        "sops_train_per_image": TRAIN["accumulations"] + TRAIN["stdp_updates"],
        "sops_infer_per_image": INFER["accumulations"],
        "sops_train_breakdown": {"accumulations": 3000.0, "stdp_updates": 500.0},
        "counters_per_image": {"train": dict(TRAIN), "infer": dict(INFER)},
        "train_images": 60000,
        "versions": {"lava_aptn": "0.1.0"},
    }
    doc.update(overrides)
    return doc


@pytest.fixture
def toy_profile(tmp_path: Path) -> Path:
    path = tmp_path / "toy.toml"
    path.write_text(GOOD_PROFILE)
    return path


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    (run / "result.json").write_text(json.dumps(_result_doc()))
    return run


@pytest.fixture
def good_profile_text() -> str:
    return GOOD_PROFILE


@pytest.fixture
def counters() -> dict:
    """Per-image counters of the hand-made run: {"train": {...}, "infer": {...}}."""
    return {"train": dict(TRAIN), "infer": dict(INFER)}


@pytest.fixture
def result_doc():
    """Factory of result.json documents (keyword arguments override top-level keys)."""
    return _result_doc


@pytest.fixture
def run_cli():
    """Run ``lava-aptn ARGV`` with only the energy subcommands registered."""

    def run(argv: list[str]) -> int:
        parser = argparse.ArgumentParser(prog="lava-aptn")
        register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(argv)
        return args.func(args)

    return run
