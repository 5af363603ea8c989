"""The ``lava-aptn`` entry point's handling of its output stream."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GRID = Path(__file__).resolve().parents[1] / "experiments" / "fig4_apt_factors.toml"


def test_a_closed_output_pipe_ends_the_command_quietly(tmp_path):
    # `lava-aptn sweep ... --dry-run | head -1`: the reader closes the pipe before the
    # command writes, so its first write fails with EPIPE.
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lava_aptn.cli",
            "sweep",
            str(GRID),
            "--out",
            str(tmp_path / "s"),
            "--dry-run",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert not (tmp_path / "s").exists()  # a dry run writes nothing


def test_a_broken_pipe_elsewhere_is_not_taken_for_a_closed_output(monkeypatch):
    # A BrokenPipeError from another pipe (a worker process, a socket) while stdout is
    # fine must surface, not end the command as if its reader had gone away.
    import argparse

    from lava_aptn import cli

    def broken(args):
        raise BrokenPipeError("a worker's pipe")

    parser = argparse.ArgumentParser()
    parser.set_defaults(func=broken, command="sweep")
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    with pytest.raises(BrokenPipeError, match="a worker's pipe"):
        cli.main([])


@pytest.mark.parametrize("command", ["sweep", "compare", "tune", "demo"])
@pytest.mark.parametrize("jobs", ["0", "-2", "two"])
def test_jobs_must_be_a_positive_count(command, jobs, capsys, tmp_path):
    """``--jobs 0`` is refused by name instead of quietly running one process."""
    from lava_aptn.cli import main

    argv = {
        "sweep": ["sweep", str(GRID), "--out", str(tmp_path / "s")],
        "compare": ["compare", "--out", str(tmp_path / "c")],
        "tune": ["tune", str(tmp_path / "space.toml"), "--out", str(tmp_path / "t")],
        "demo": ["demo"],
    }[command]
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--jobs", jobs])
    assert exc.value.code == 2
    assert f"argument --jobs: must be an integer >= 1, got '{jobs}'" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing written


def _train_args(**given):
    import argparse

    args = {"method": "aptn", "train_images": 6000, "prune_start": None, "prune_batch": None}
    return argparse.Namespace(**{**args, **given})


def test_a_short_train_run_prunes_on_the_schedule_in_proportion():
    """``train --train-images 6000 --method aptn`` prunes; before, it silently did not."""
    from lava_aptn.engine.commands import fit_schedule
    from lava_aptn.pruning import PruningConfig, prune_points

    said = []
    cfg = fit_schedule(PruningConfig(method="aptn"), _train_args(), log=said.append)
    assert (cfg.prune_start, cfg.prune_batch) == (3000, 500)
    assert [p.images_seen for p in prune_points(6000, cfg)][-1] == 6000
    assert said and "pruning from image 3,000 every 500" in said[0]
    # a whole epoch, a schedule the user gave, and methods without a schedule are kept
    paper = PruningConfig(method="aptn")
    assert fit_schedule(paper, _train_args(train_images=60000), log=said.append) == paper
    given = PruningConfig(method="aptn", prune_start=1000, prune_batch=1000)
    assert fit_schedule(given, _train_args(prune_start=1000), log=said.append) == given
    post = PruningConfig(method="post-training")
    assert fit_schedule(post, _train_args(method="post-training"), log=said.append) == post
    assert len(said) == 1


def test_a_schedule_that_never_prunes_is_refused_before_training(tmp_path, capsys):
    from lava_aptn.cli import main

    argv = ["train", "--dataset", "mnist", "--neurons", "4", "--method", "apt"]
    argv += ["--train-images", "1000", "--prune-start", "2000", "--out", str(tmp_path / "r")]
    assert main(argv) == 2
    assert "no pruning step would run: --prune-start 2000" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
