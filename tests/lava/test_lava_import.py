"""Lava can be imported after other code has fixed the multiprocessing context."""

import subprocess
import sys

import pytest

# The first tqdm bar creates a multiprocessing.RLock, which fixes the default context: what
# an engine run with a progress bar does before a notebook builds Lava processes.
FIX_CONTEXT = "from tqdm import tqdm; list(tqdm(range(2))); "


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_plain_lava_import_fails_once_the_context_is_fixed():
    # the problem this module works around: if Lava fixes it, this test says so
    done = _run(FIX_CONTEXT + "import lava.magma.core.process.process")
    assert done.returncode != 0
    assert "context has already been set" in done.stderr


@pytest.mark.parametrize(
    "package", ["lava_aptn.processes", "lava_aptn.models", "lava_aptn.lavarun"]
)
def test_our_packages_import_lava_after_the_context_is_fixed(package):
    done = _run(
        FIX_CONTEXT
        + f"import {package}, multiprocessing; print(multiprocessing.get_start_method())"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "fork"


def test_another_start_method_is_refused_with_the_fix():
    done = _run(
        "import multiprocessing; multiprocessing.set_start_method('spawn'); "
        "import lava_aptn.processes"
    )
    assert done.returncode != 0
    assert "needs the 'fork' multiprocessing start method" in done.stderr
    assert "import lava_aptn's Lava modules before" in done.stderr
