"""The ``lava-aptn`` entry point's handling of its output stream."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
