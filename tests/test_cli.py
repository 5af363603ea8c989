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
