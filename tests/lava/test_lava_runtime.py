"""The Lava runtime is always stopped: after a failing model too."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lava_aptn.errors import ConfigError
from lava_aptn.lavarun import build_network, run_lava, stop_runtime
from lava_aptn.pruning import PruningConfig


class Exploding:
    """A user pruning method that fails at its first step."""

    name = "exploding"

    def step(self, **kwargs):
        raise ValueError("exploding method")


def test_runtime_stopped_when_a_model_raises(images, config):
    prune = PruningConfig(method="aptn", prune_start=1, prune_batch=1)
    with pytest.raises(RuntimeError, match="exploding method"):
        run_lava(config(6), prune, images(2), seed=0, method=Exploding())
    assert multiprocessing.active_children() == []


def test_stop_without_runtime_is_a_no_op(images, config):
    net = build_network(config(4), PruningConfig(method="none"), images(1), seed=0)
    stop_runtime(net.input)
    stop_runtime(net.input)
    assert net.input.runtime is None


def test_fixed_point_float_network_is_refused_before_anything_runs(images, config):
    with pytest.raises(ConfigError, match="run_fixed_lava"):
        run_lava(config(4), PruningConfig(method="none"), images(1), seed=0, select_tag="fixed_pt")


INTERRUPTED_RUN = """
import sys
sys.path.insert(0, {tests!r})
from conftest import small_config, synthetic_images
from lava.magma.core.run_conditions import RunSteps
from lava_aptn.lavarun import build_network, lava_session
from lava_aptn.lavarun.runtime import _actors
from lava_aptn.pruning import PruningConfig

net = build_network(small_config(4), PruningConfig(method="none"), synthetic_images(50), seed=0)
try:
    with lava_session(net.input, net.sim_config()) as root:
        print(*[a.pid for a in _actors(root.runtime)], flush=True)
        root.run(condition=RunSteps(num_steps=10**6))
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


def _gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    with open(f"/proc/{pid}/stat") as f:  # a zombie no longer runs
        return f.read().split(")")[-1].split()[0] == "Z"


def _default_sigint():
    """Give the child a default SIGINT whatever the test process inherited or set.

    A blocked or ignored SIGINT survives exec. Under the full suite (not alone) the test
    twice timed out as if Ctrl-C never reached the script; an inherited signal state is
    the suspected cause (not confirmed), which this rules out.
    """
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_every_lava_process():
    script = INTERRUPTED_RUN.format(tests=str(Path(__file__).parent))
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    pids: list[int] = []
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) >= 2, proc.stderr.read()
        time.sleep(1.0)  # well inside the run
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=180)  # generous: CI machines may be loaded
    finally:
        if proc.poll() is None:
            proc.kill()
        time.sleep(0.5)
        leftover = [pid for pid in pids if not _gone(pid)]
        for pid in leftover:  # never leak Lava actors, even when the test fails
            os.kill(pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "interrupted" in out
    assert not leftover, f"Lava processes still running after Ctrl-C: {leftover}"
