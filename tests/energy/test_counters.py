from __future__ import annotations

import json
from pathlib import Path

import pytest

from lava_aptn.energy.counters import PhaseCounters, counters_from_result, read_result
from lava_aptn.errors import ConfigError


def test_reads_engine_result(result_doc, counters):
    run = counters_from_result(result_doc(), origin="r.json")
    assert run.sops_train_per_image == 3500.0
    assert run.sops_infer_per_image == 2000.0
    assert run.train.accumulations == counters["train"]["accumulations"]
    assert run.train.spikes == 300 + 12 + 8
    assert run.train.time_steps == 700.0
    assert run.neurons == 100


def test_counters_optional(result_doc):
    doc = result_doc()
    del doc["counters_per_image"]
    run = counters_from_result(doc, origin="r.json")
    assert run.train is None and run.infer is None


@pytest.mark.parametrize("key", ["sops_train_per_image", "sops_infer_per_image"])
def test_missing_sops_names_file_and_key(result_doc, key):
    doc = result_doc()
    del doc[key]
    with pytest.raises(ConfigError, match=rf"r\.json: {key}: missing"):
        counters_from_result(doc, origin="r.json")


def test_missing_counter_names_key(result_doc):
    doc = result_doc()
    del doc["counters_per_image"]["infer"]["neuron_updates"]
    with pytest.raises(ConfigError, match=r"r\.json: counters_per_image\.infer\.neuron_updates"):
        counters_from_result(doc, origin="r.json")


@pytest.mark.parametrize("bad", [-1.0, "12", None, True, float("nan")])
def test_bad_counter_value(result_doc, bad):
    doc = result_doc()
    doc["counters_per_image"]["train"]["accumulations"] = bad
    with pytest.raises(ConfigError, match=r"counters_per_image\.train\.accumulations"):
        counters_from_result(doc, origin="r.json")


def test_phase_counters_validate():
    with pytest.raises(ConfigError, match="accumulations"):
        PhaseCounters(
            input_spikes=1,
            accumulations=-1,
            stdp_updates=0,
            exc_spikes=0,
            inh_spikes=0,
            neuron_updates=0,
        )


def test_read_result_accepts_folder_or_file(run_dir: Path):
    path, data = read_result(run_dir)
    assert path == run_dir / "result.json"
    assert read_result(path)[1] == data


def test_read_result_errors(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="result.json"):
        read_result(tmp_path)
    (tmp_path / "result.json").write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        read_result(tmp_path)
    (tmp_path / "result.json").write_text(json.dumps([1, 2]))
    with pytest.raises(ConfigError, match="JSON object"):
        read_result(tmp_path)
