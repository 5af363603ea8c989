"""The tutorial notebooks: each notebook in ``tutorials/`` runs to the end and draws its figures.

Each notebook is found by glob, so a new one is tested without touching this file. It is run
headless with nbclient in its own folder (the kernel is the ``python3`` kernelspec of the
environment running pytest); a cell that raises fails the test with the cell's traceback. A code
cell that calls ``plt.show()`` must leave at least one PNG in its output: a figure the notebook
promises has to render. The committed notebooks must carry no outputs.

The execution tests need the MNIST cache (``make setup`` fetches it) and take about a minute
per notebook on 2 cores; they are marked ``realdata`` and ``slow``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

TUTORIALS = Path(__file__).resolve().parents[1] / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("*.ipynb"))
CELL_TIMEOUT_S = 900  # one cell; FULL = False runs take seconds per cell


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def _code_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_tutorials_exist():
    assert NOTEBOOKS, f"no notebooks in {TUTORIALS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} hold outputs or execution counts; strip them before "
        "committing (tutorials/README.md shows how)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_opens_with_what_you_will_learn_and_has_a_full_flag(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells and nb.cells[0].cell_type == "markdown", f"{path.name}: no opening text"
    assert "what you will learn" in nb.cells[0].source.lower(), (
        f"{path.name}: the first cell must say what you will learn"
    )
    flag = re.compile(r"^FULL\s*=\s*False\b", re.MULTILINE)
    assert any(flag.search(c.source) for c in _code_cells(nb)), (
        f"{path.name}: no `FULL = False` cell (the switch to the full-size run)"
    )


def _require_mnist() -> None:
    from lava_aptn.data.cache import cache_root, dataset_dir

    folder = dataset_dir("mnist")
    if not folder.is_dir() or not any(folder.iterdir()):
        pytest.skip(
            f"MNIST cache not found at {folder} (cache root {cache_root()}); "
            "run `lava-aptn data fetch mnist`"
        )


@pytest.mark.realdata
@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_and_draws_its_figures(path, tmp_path):
    _require_mnist()
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        startup_timeout=300,  # a loaded CI machine can take minutes to start a kernel
        resources={"metadata": {"path": str(path.parent)}},
    )
    # Run folders made with tempfile land under pytest's tmp_path, which pytest cleans up; the
    # kernel picks its matplotlib backend as Jupyter does (inline), whatever MPLBACKEND says here.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["TMPDIR"] = str(tmp_path)
    client.execute(env=env)  # raises CellExecutionError, with the traceback, if a cell fails

    missing = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "plt.show()" not in cell.source:
            continue
        pngs = sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if not pngs:
            missing.append(i)
    assert not missing, (
        f"{path.name}: cells {missing} call plt.show() but no figure rendered in their output"
    )
