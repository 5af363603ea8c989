from __future__ import annotations

import json
from pathlib import Path

import pytest

from lava_aptn.cli import main


def test_energy_fills_result_and_keeps_other_keys(run_dir: Path, run_cli, capsys):
    before = json.loads((run_dir / "result.json").read_text())
    assert run_cli(["energy", str(run_dir), "--profile", "loihi"]) == 0
    out = capsys.readouterr().out
    assert "paper convention" in out and "per-event model" in out
    after = json.loads((run_dir / "result.json").read_text())
    field = after.pop("energy_uj_per_image")
    assert after == before  # every other key kept as it was
    sops_train = before["sops_train_per_image"]
    assert field["profile"] == "loihi"
    assert field["train"] == pytest.approx(sops_train * 23.6e-6)
    assert field["infer"] == pytest.approx(before["sops_infer_per_image"] * 23.6e-6)
    assert field["per_event"]["train"] is not None
    assert not list(run_dir.glob(".result.json.*"))  # atomic write left no temp file


def test_energy_prints_2_27_uj_for_96099_sops(tmp_path: Path, result_doc, run_cli, capsys):
    doc = result_doc(sops_train_per_image=96_099.0, sops_infer_per_image=41_000.0)
    del doc["counters_per_image"]
    (tmp_path / "result.json").write_text(json.dumps(doc))
    assert run_cli(["energy", str(tmp_path), "--profile", "loihi"]) == 0
    out = capsys.readouterr().out
    assert "2.2679" in out  # 96,099 x 23.6 pJ = 2.268 uJ
    field = json.loads((tmp_path / "result.json").read_text())["energy_uj_per_image"]
    assert round(field["train"], 2) == 2.27
    assert field["per_event"]["train"] is None  # no counters: nothing silently zero


def test_energy_with_user_profile_file(run_dir: Path, toy_profile: Path, run_cli, capsys):
    assert run_cli(["energy", str(run_dir), "--profile", str(toy_profile)]) == 0
    out = capsys.readouterr().out
    assert "profile: toy" in out
    assert "not included: spikes" in out
    field = json.loads((run_dir / "result.json").read_text())["energy_uj_per_image"]
    assert field["profile"] == "toy"
    assert field["train"] == pytest.approx(3500 * 10e-6)


def test_energy_no_write(run_dir: Path, run_cli):
    text = (run_dir / "result.json").read_text()
    assert run_cli(["energy", str(run_dir), "--no-write"]) == 0
    assert (run_dir / "result.json").read_text() == text


def test_malformed_profile_fails_with_key_named(run_dir, tmp_path, good_profile_text, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(good_profile_text.replace("value = 10.0", "value = -10.0"))
    text = (run_dir / "result.json").read_text()
    assert main(["energy", str(run_dir), "--profile", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "events.synaptic_op.value" in err
    assert (run_dir / "result.json").read_text() == text


def test_energy_missing_run(tmp_path: Path, capsys):
    assert main(["energy", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "no result.json" in err and "lava-aptn train" in err  # the problem and the fix


def test_overhead_prints_table4(run_cli, capsys):
    argv = ["overhead", "--neurons", "100", "--batch", "100", "5000", "--connectivity", "0.1"]
    assert run_cli(argv) == 0
    out = capsys.readouterr().out
    for figure in ("120", "2,000", "78,400", "400", "1,100", "166,800", "156,800"):
        assert figure in out, figure
    assert "403.94" in out and "9.39" in out  # cycles per image, B = 100 / 5,000
    assert "794.14" in out and "18.47" in out  # ops per image without zero writes
    assert "3.4" in out and "0.40 nJ" in out  # the paper's energy and what 794 x 0.5 pJ gives
    assert "[DIFF]" in out and "[ok  ]" in out


def test_overhead_json_and_other_sizes(tmp_path: Path, run_cli, capsys):
    path = tmp_path / "overhead.json"
    assert run_cli(["overhead", "--neurons", "800", "--batch", "5000", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "no comparison" in out
    data = json.loads(path.read_text())
    assert data["overhead"]["batches"][0]["steps"] == 7
    assert data["overhead"]["batches"][0]["phases"][0]["cycles"] == 820.0
    assert data["paper_vs_model"] == []


def test_overhead_train_sops_from_run(run_dir: Path, run_cli, capsys):
    assert run_cli(["overhead", "--run", str(run_dir), "--batch", "100"]) == 0
    assert "3,500 training SOPs" in capsys.readouterr().out


def test_overhead_rejects_bad_values(capsys):
    assert main(["overhead", "--neurons", "0"]) == 2
    assert "n_neurons" in capsys.readouterr().err
