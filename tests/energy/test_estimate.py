from __future__ import annotations

import math
from pathlib import Path

import pytest

from lava_aptn.energy.counters import PhaseCounters, RunCounters, counters_from_result
from lava_aptn.energy.estimate import (
    EVENT_KINDS,
    estimate_energy,
    paper_convention_pj,
    result_field,
)
from lava_aptn.energy.profiles import load_profile, parse_profile, resolve_profile
from lava_aptn.errors import ConfigError


def _run(counters: dict) -> RunCounters:
    train = PhaseCounters.from_mapping(counters["train"], origin="t", where="train")
    infer = PhaseCounters.from_mapping(counters["infer"], origin="t", where="infer")
    return RunCounters(
        sops_train_per_image=train.accumulations + train.stdp_updates,
        sops_infer_per_image=infer.accumulations,
        train=train,
        infer=infer,
    )


def test_paper_convention_for_96099_sops_is_2_27_uj():
    loihi = resolve_profile("loihi")
    energy_uj = paper_convention_pj(96_099.0, loihi) * 1e-6
    assert energy_uj == pytest.approx(96_099 * 23.6e-6)
    assert round(energy_uj, 2) == 2.27


def test_counts_times_coefficients(toy_profile: Path, counters: dict):
    # toy profile: synaptic_op 10 pJ, synaptic_update 0.1 nJ = 100 pJ, neuron_update 2 pJ,
    # no spike entry (omitted with a reason).
    report = estimate_energy(_run(counters), load_profile(toy_profile))
    tr, inf = counters["train"], counters["infer"]
    assert report.train.term("accumulations").energy_pj == pytest.approx(tr["accumulations"] * 10)
    assert report.train.term("stdp_updates").energy_pj == pytest.approx(tr["stdp_updates"] * 100)
    assert report.train.term("neuron_updates").energy_pj == pytest.approx(tr["neuron_updates"] * 2)
    expected_train = tr["accumulations"] * 10 + tr["stdp_updates"] * 100 + tr["neuron_updates"] * 2
    assert expected_train == 108_000.0
    assert report.train.per_event_pj == pytest.approx(expected_train)
    expected_infer = inf["accumulations"] * 10 + 0 * 100 + inf["neuron_updates"] * 2
    assert report.infer.per_event_pj == pytest.approx(expected_infer)
    # paper convention: SOPs x synaptic_op
    assert report.train.paper_pj == pytest.approx((tr["accumulations"] + tr["stdp_updates"]) * 10)
    assert report.infer.paper_pj == pytest.approx(inf["accumulations"] * 10)


def test_missing_event_is_not_included_not_zero(toy_profile: Path, counters: dict):
    report = estimate_energy(_run(counters), load_profile(toy_profile))
    spikes = report.train.term("spikes")
    assert not spikes.included
    assert spikes.energy_pj is None
    assert spikes.reason == "toy hardware does not say"
    assert spikes.count_per_image == 300 + 12 + 8  # counted, just not priced
    assert report.train.not_included == ("spikes",)
    # an included term whose count is zero stays included, at zero
    assert report.infer.term("stdp_updates").included
    assert report.infer.term("stdp_updates").energy_pj == 0.0


def test_loihi_neuron_update_range(counters: dict):
    report = estimate_energy(_run(counters), resolve_profile("loihi"))
    term = report.train.term("neuron_updates")
    n = counters["train"]["neuron_updates"]
    assert term.profile_key == "neuron_update_inactive"
    assert term.energy_pj == pytest.approx(n * 52.0)
    assert term.energy_upper_pj == pytest.approx(n * 81.0)
    tr = counters["train"]
    spikes = tr["input_spikes"] + tr["exc_spikes"] + tr["inh_spikes"]
    lower = tr["accumulations"] * 23.6 + tr["stdp_updates"] * 120 + n * 52 + spikes * 1.7
    upper = lower + n * (81 - 52)
    assert report.train.per_event_pj == pytest.approx(lower)
    assert report.train.per_event_upper_pj == pytest.approx(upper)
    assert set(report.unused_keys) == {"tile_hop_east_west", "tile_hop_north_south"}


def test_truenorth_only_prices_synaptic_events(counters: dict):
    report = estimate_energy(_run(counters), resolve_profile("truenorth"))
    assert report.train.not_included == ("stdp_updates", "neuron_updates", "spikes")
    assert report.train.per_event_pj == pytest.approx(counters["train"]["accumulations"] * 26)
    assert "no on-chip learning" in report.train.term("stdp_updates").reason


def test_without_counters_every_term_is_not_included():
    run = RunCounters(sops_train_per_image=96_099.0, sops_infer_per_image=41_000.0)
    report = estimate_energy(run, resolve_profile("loihi"))
    for phase in (report.train, report.infer):
        assert phase.not_included == EVENT_KINDS
        assert phase.per_event_pj is None
        assert "counters_per_image" in phase.term("accumulations").reason
    assert report.train.paper_pj == pytest.approx(96_099 * 23.6)


def test_result_field_is_json_ready(toy_profile: Path, counters: dict):
    field = result_field(estimate_energy(_run(counters), load_profile(toy_profile)))
    assert field["profile"] == "toy"
    assert field["train"] == pytest.approx(35_000e-6)
    assert field["infer"] == pytest.approx(20_000e-6)
    assert field["per_event"]["train"] == pytest.approx(108_000e-6)
    assert field["per_event"]["breakdown"]["train"]["spikes"] is None
    assert field["per_event"]["not_included"]["train"] == {"spikes": "toy hardware does not say"}


def test_result_field_needs_synaptic_op(counters: dict):
    report = estimate_energy(_run(counters), resolve_profile("sram_yang2016"))
    assert report.train.paper_pj is None
    with pytest.raises(ConfigError, match=r"events\.synaptic_op"):
        result_field(report)


def test_sop_mismatch_is_reported(result_doc):
    doc = result_doc(sops_train_per_image=9999.0)
    run = counters_from_result(doc, origin="r.json")
    report = estimate_energy(run, resolve_profile("loihi"))
    assert len(report.warnings) == 1 and "sops_train_per_image" in report.warnings[0]
    assert not counters_from_result(result_doc(), origin="r.json").sop_mismatches()


def test_energy_scales_linearly_with_counts(counters: dict):
    profile = parse_profile(
        {
            "name": "lin",
            "description": "d",
            "unit": "pJ",
            "events": {"synaptic_op": {"value": 3, "unit": "pJ", "source": "s", "note": "n"}},
        },
        origin="lin.toml",
    )
    one = estimate_energy(_run(counters), profile)
    doubled = {phase: {k: 2 * v for k, v in values.items()} for phase, values in counters.items()}
    two = estimate_energy(_run(doubled), profile)
    assert math.isclose(two.train.per_event_pj, 2 * one.train.per_event_pj)
    assert math.isclose(two.train.paper_pj, 2 * one.train.paper_pj)
