"""Sweeps: grid expansion, a tiny grid end to end, resume after a kill, Dask, report."""

import json
import math
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from lava_aptn.errors import ConfigError, LavaAptnError
from lava_aptn.experiments.grid import grid_from_dict, load_grid
from lava_aptn.experiments.report import make_report, point_rows
from lava_aptn.experiments.sweep import is_done, reusable_points, run_folder, run_sweep

TINY = """
name = "tiny"
title = "Tiny grid"

[axes]
dataset = ["mnist"]
neurons = [8]
method = ["none", "constant", "aptn"]
seed = [0, 1]
target_connectivity = [0.4]

[run]
train_images = 120
label_images = 120
test_images = 40

[pruning]
prune_start = 60
prune_batch = 20

[search]
tol = 0.05
max_evals = 4

[report]
rows = ["neurons", "method"]
metrics = ["accuracy", "accuracy_loss_pp", "connectivity", "sops_infer_reduction"]

[[report.figures]]
name = "accuracy_vs_connectivity"
x = "connectivity"
y = "accuracy"
series = "method"

[paper."8/none"]
accuracy = 0.5
"""


def _data(digits):
    x, y = digits(120, seed=1)
    xt, yt = digits(40, seed=2)
    return x, y, xt, yt


def _grid(tmp_path: Path, text: str = TINY):
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    return load_grid(path), path


@pytest.fixture(scope="module")
def finished(tmp_path_factory, digits):
    """The tiny grid swept once, uninterrupted, in this process (jobs = 1)."""
    tmp = tmp_path_factory.mktemp("sweep")
    grid, path = _grid(tmp)
    out = tmp / "out"
    summary = run_sweep(
        grid,
        out,
        jobs=1,
        data=_data(digits),
        grid_text=path.read_text(),
        progress=False,
        log=lambda m: None,
    )
    return grid, out, summary


# ---------------------------------------------------------------------- grids
def test_grid_expansion_counts_and_baseline_once(tmp_path):
    text = TINY.replace("target_connectivity = [0.4]", "target_connectivity = [0.2, 0.4]")
    grid, _ = _grid(tmp_path, text)
    points = grid.points()
    # none: once per seed (its target is dropped); constant and aptn: 2 targets x 2 seeds
    assert len(points) == 2 + 2 * 2 * 2
    assert len({p.key for p in points}) == len(points)
    assert [p.target for p in points if p.method == "none"] == [None, None]
    # points differing only in method and target share one prefix per seed
    assert {grid.prefix_key(p) for p in points} == {
        "mnist-n8-s0-start60-batch20",
        "mnist-n8-s1-start60-batch20",
    }


def test_grid_pruning_axis_with_infinity_and_paper_factors(tmp_path):
    text = TINY.replace(
        "target_connectivity = [0.4]", "target_connectivity = [0.4]\nspike_interval = [30.0, inf]"
    )
    grid, _ = _grid(tmp_path, text)
    aptn = [p for p in grid.points() if p.method == "aptn" and p.seed == 0]
    assert [dict(p.pruning)["spike_interval"] for p in aptn] == [30.0, math.inf]
    assert aptn[1].key.endswith("spike_intervalinf")
    cfg = grid.pruning_config(aptn[1])
    assert cfg.spike_interval == math.inf and cfg.time_factor == 1.3 and cfg.prune_start == 60


@pytest.mark.parametrize(
    "change, message",
    [
        (("neurons = [8]", "neurons = [8]\nfoo = [1]"), "unknown axis 'foo'"),
        (('"aptn"]', '"aptx"]'), "unknown method 'aptx'"),
        (("seed = [0, 1]", "seed = []"), "'seed' must be a non-empty list"),
        (("seed = [0, 1]", ""), "must list 'seed'"),
        (("test_images = 40", "test_images = 40\nepochs = 2"), "unknown [run] setting 'epochs'"),
        (("prune_batch = 20", "prune_batch = 0"), "prune_batch"),
        (("[0.4]", "[0.4, 10]"), "'tiny': target connectivity must be in (0, 1), got 10; pass"),
        (("[0.4]", '["10%"]'), "'tiny': target connectivity must be a number, got '10%'"),
    ],
)
def test_grid_errors_name_the_problem(tmp_path, change, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        _grid(tmp_path, TINY.replace(*change))


def test_missing_or_broken_grid_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_grid(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("name = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_grid(tmp_path / "bad.toml")


def test_shipped_grids_parse():
    root = Path(__file__).resolve().parents[2] / "experiments"
    grids = sorted(root.glob("*.toml"))
    assert {g.stem for g in grids} >= {"table2", "table3"}
    for path in grids:
        grid = load_grid(path)
        assert grid.points(), path


# ---------------------------------------------------------------------- sweep and report
def test_tiny_sweep_end_to_end_then_report(finished, tmp_path):
    grid, out, summary = finished
    assert summary.total == 6 and summary.ran == 6 and not summary.failed
    results = {
        p.key: json.loads((run_folder(out, p) / "result.json").read_text()) for p in grid.points()
    }
    for p in grid.points():
        r = results[p.key]
        assert r["config"]["method"] == p.method and r["config"]["seed"] == p.seed
        assert r["point"]["key"] == p.key
        if p.method == "none":
            assert r["connectivity"] == 1.0
        else:
            assert r["connectivity"] < 1.0
            assert r["target_search"]["target"] == 0.4
    assert not list((out / "prefixes").glob("*.npz"))  # removed once every point is done

    report = make_report(out, tmp_path / "report")
    md = (tmp_path / "report" / "tiny.md").read_text()
    assert (tmp_path / "report" / "tiny_accuracy_vs_connectivity.png").stat().st_size > 1000
    assert "| 8 | none | 2 |" in md and "accuracy (paper)" in md and "50.00 %" in md
    assert report["points"] == 6 and report["missing"] == 0
    # the aggregated figures are the mean over seeds of the written results
    rows = list(__import__("csv").DictReader((tmp_path / "report" / "tiny.csv").open()))
    by_method = {r["method"]: r for r in rows}
    for method in ("none", "constant", "aptn"):
        accs = [
            results[f"mnist-n8-{method}-s{s}" + ("" if method == "none" else "-c0.4")]["accuracy"]
            for s in (0, 1)
        ]
        assert float(by_method[method]["accuracy"]) == pytest.approx(np.mean(accs))
    losses = [
        100
        * (
            results[f"mnist-n8-none-s{s}"]["accuracy"]
            - results[f"mnist-n8-aptn-s{s}-c0.4"]["accuracy"]
        )
        for s in (0, 1)
    ]
    assert float(by_method["aptn"]["accuracy_loss_pp"]) == pytest.approx(np.mean(losses))
    assert float(by_method["none"]["accuracy_loss_pp"]) == 0.0


def test_effective_training_sops_count_only_weight_changing_updates(finished):
    grid, out, _ = finished
    rows = {r["key"]: r for r in point_rows(out)[0]}

    def effective(key):
        train = json.loads((out / "runs" / key / "result.json").read_text())["counters_per_image"][
            "train"
        ]
        assert train["stdp_updates_effective"] < train["stdp_updates"]  # some change nothing
        return train["accumulations"] + train["stdp_updates_effective"]

    for s in (0, 1):
        base, aptn = f"mnist-n8-none-s{s}", f"mnist-n8-aptn-s{s}-c0.4"
        assert rows[aptn]["sops_train_effective_per_image"] == pytest.approx(effective(aptn))
        assert rows[aptn]["sops_train_effective_reduction"] == pytest.approx(
            1.0 - effective(aptn) / effective(base)
        )
        assert rows[base]["sops_train_effective_reduction"] == 0.0


def test_report_says_why_a_target_was_missed(finished, tmp_path):
    import shutil

    _, out, _ = finished
    copy = tmp_path / "sweep"
    shutil.copytree(out, copy)
    path = copy / "runs" / "mnist-n8-aptn-s1-c0.4" / "result.json"
    result = json.loads(path.read_text())
    assert result["target_search"]["diagnosis"] == "converged"
    # a search written before diagnoses were recorded, which met a jump across the target
    search = result["target_search"]
    for key in ("diagnosis", "bracket", "bounds"):
        del search[key]
    search.update(converged=False, achieved=0.31, value=0.0556)
    search["history"] = [[0.05, 0.52], [0.0554, 0.47], [0.0556, 0.31], [0.07, 0.2]]
    path.write_text(json.dumps(result))
    make_report(copy, tmp_path / "report")
    md = (tmp_path / "report" / "tiny.md").read_text()
    assert "| aptn | 2 (1 off target: gap) |" in md
    rows = list(__import__("csv").DictReader((tmp_path / "report" / "tiny_points.csv").open()))
    assert {r["target_diagnosis"] for r in rows if r["method"] == "aptn"} == {"gap", "converged"}


def test_rerun_skips_finished_points(finished):
    grid, out, _ = finished
    before = {p.key: (run_folder(out, p) / "result.json").stat().st_mtime_ns for p in grid.points()}
    summary = run_sweep(grid, out, jobs=1, progress=False, log=lambda m: None)
    assert summary.skipped == 6 and summary.ran == 0
    after = {p.key: (run_folder(out, p) / "result.json").stat().st_mtime_ns for p in grid.points()}
    assert before == after


def test_other_settings_in_the_same_folder_are_refused(finished, tmp_path):
    _, out, _ = finished
    grid, _ = _grid(tmp_path, TINY.replace("test_images = 40", "test_images = 30"))
    with pytest.raises(ConfigError, match="other settings"):
        run_sweep(grid, out, jobs=1, progress=False, log=lambda m: None)


def test_another_grid_in_the_same_folder_is_refused(finished, tmp_path):
    """Equal settings but another grid: its plan (and report) would be replaced."""
    _, out, _ = finished
    plan = (out / "plan.json").read_text()
    other, path = _grid(tmp_path, TINY.replace('name = "tiny"', 'name = "other"'))
    assert other.settings_digest() == load_grid(out / "grid.toml").settings_digest()
    with pytest.raises(ConfigError, match="holds the sweep of grid 'tiny', not 'other'"):
        run_sweep(other, out, jobs=1, progress=False, log=lambda m: None)
    from lava_aptn.cli import main

    assert main(["sweep", str(path), "--out", str(out), "--dry-run"]) == 2  # a dry run too
    assert (out / "plan.json").read_text() == plan  # nothing replaced


def _same_run(copy_dir: Path, src_dir: Path, key: str, name: str) -> None:
    """The copied result.json is the source's, renamed to its new point and sweep."""
    copy = json.loads((copy_dir / "result.json").read_text())
    src = json.loads((src_dir / "result.json").read_text())
    assert copy.pop("copied_from")["key"] == src["point"]["key"]
    assert (copy.pop("point")["key"], copy.pop("sweep")) == (key, name)
    del src["point"], src["sweep"]
    assert copy == src
    for npz in src_dir.glob("*.npz"):
        assert (copy_dir / npz.name).read_bytes() == npz.read_bytes()


def test_reuse_copies_the_same_runs_from_another_grid(finished, tmp_path, digits):
    _, src, _ = finished
    # another grid (name, report, an extra target) with the same settings sections
    text = TINY.replace('name = "tiny"', 'name = "tiny-wider"').replace(
        "target_connectivity = [0.4]", "target_connectivity = [0.3, 0.4]"
    )
    grid, path = _grid(tmp_path, text)
    out = tmp_path / "wider"
    lines = []
    for only, copied in (({"target_connectivity": ["0.4"]}, 4), ({"method": ["none"]}, 2)):
        summary = run_sweep(
            grid,
            out,
            jobs=1,
            data=_data(digits),
            only=only,
            reuse=[src],
            progress=False,
            log=lines.append,
        )
        # points finished in src are copied, none trained
        assert (summary.reused, summary.ran, summary.skipped) == (copied, 0, 0)
        assert f"{copied} copied from" in lines[-1]
    for p in grid.points():
        if p.target in (None, 0.4):
            _same_run(run_folder(out, p), run_folder(src, p), p.key, "tiny-wider")
        else:
            assert not is_done(out, p)
    assert not list((out / "runs").glob(".*"))  # no temporary folders left
    # the report of the new folder sees the copied points
    report = make_report(out, tmp_path / "report")
    assert (report["points"], report["missing"]) == (6, 4)


def test_reuse_matches_runs_not_keys(finished, tmp_path, digits):
    """A point whose key names an axis the source grid set elsewhere is the same run."""
    _, src, _ = finished
    text = (
        TINY.replace('name = "tiny"', 'name = "tiny-start"')
        .replace(
            "target_connectivity = [0.4]", "target_connectivity = [0.4]\nprune_start = [60, 40]"
        )
        .replace("prune_start = 60\n", "")
    )
    grid, _ = _grid(tmp_path, text)
    out = tmp_path / "start"
    summary = run_sweep(
        grid,
        out,
        jobs=1,
        data=_data(digits),
        only={"prune_start": ["60"]},
        reuse=[src],
        progress=False,
        log=lambda m: None,
    )
    assert (summary.reused, summary.ran) == (4, 0)
    for p in grid.points():
        if dict(p.pruning).get("prune_start") == 60:
            src_key = p.key.replace("-prune_start60", "")
            _same_run(run_folder(out, p), src / "runs" / src_key, p.key, "tiny-start")
        elif p.method != "none":  # prune_start 40: another run, not copied
            assert not is_done(out, p)


def test_reuse_copies_nothing_from_other_runs(finished, tmp_path):
    _, src, _ = finished
    grid, _ = _grid(tmp_path, TINY.replace("test_images = 40", "test_images = 30"))
    assert reusable_points(grid, grid.points(), [src]) == {}
    grid, _ = _grid(tmp_path, TINY.replace("tol = 0.05", "tol = 0.02"))
    # the baselines are the same runs; the target searches stop elsewhere
    assert sorted(reusable_points(grid, grid.points(), [src])) == [
        "mnist-n8-none-s0",
        "mnist-n8-none-s1",
    ]
    with pytest.raises(LavaAptnError, match="not a sweep folder"):
        run_sweep(grid, tmp_path / "o", jobs=1, reuse=[tmp_path], progress=False)
    with pytest.raises(ConfigError, match="sweep folder itself"):
        run_sweep(grid, src, jobs=1, reuse=[src], progress=False)


def test_only_selects_points(tmp_path, digits):
    grid, _ = _grid(tmp_path)
    from lava_aptn.experiments.sweep import select

    chosen = select(grid.points(), {"method": ["none"], "seed": ["1"]})
    assert [p.key for p in chosen] == ["mnist-n8-none-s1"]
    with pytest.raises(ConfigError, match="not an axis"):
        select(grid.points(), {"colour": ["red"]})
    # a pruning-parameter axis selects the pruning points (the baseline has no value)
    text = TINY.replace(
        "target_connectivity = [0.4]", "target_connectivity = [0.4]\nprune_start = [40, 60]"
    ).replace("prune_start = 60\n", "")
    grid, _ = _grid(tmp_path, text)
    chosen = select(grid.points(), {"prune_start": ["40"], "seed": ["0"]})
    assert sorted(p.key for p in chosen) == [
        "mnist-n8-aptn-s0-c0.4-prune_start40",
        "mnist-n8-constant-s0-c0.4-prune_start40",
    ]


def test_only_matches_numbers_by_value_and_refuses_absent_values(tmp_path):
    from lava_aptn.experiments.sweep import select

    text = TINY.replace("[0.4]", "[0.1, 0.4]\nspike_interval = [30.0, inf]")
    grid, _ = _grid(tmp_path, text)
    points = grid.points()
    # "0.10" is the axis value 0.1 and "30" the value 30.0, as the keys write them
    chosen = select(points, {"target_connectivity": ["0.10"], "spike_interval": ["30", "inf"]})
    assert sorted(p.key for p in chosen) == sorted(
        f"mnist-n8-{m}-s{s}-c0.1-spike_interval{si}"
        for m in ("constant", "aptn")
        for s in (0, 1)
        for si in ("30", "inf")
    )
    assert select(points, {"neurons": ["8.0"]}) == points
    # a value no point has is a typo, not an empty selection
    with pytest.raises(ConfigError, match=r"target_connectivity=0\.25: .* takes 0\.1, 0\.4$"):
        select(points, {"target_connectivity": ["0.1", "0.25"]})
    with pytest.raises(ConfigError, match="method=aptx: .* takes aptn, constant, none"):
        select(points, {"method": ["aptx"]})


WARM = TINY.replace('name = "tiny"', 'name = "tiny-warm"').replace(
    "max_evals = 4", "max_evals = 4\nwarm_start = true"
)


def test_warm_start_searches_other_seeds_from_the_first(finished, tmp_path, digits):
    from lava_aptn.pruning.target import local_slope

    _, cold, _ = finished
    grid, _ = _grid(tmp_path, WARM)
    out = tmp_path / "warm"
    # the first seed's runs, the baselines and constant pruning (a short search, never
    # warm-started) are the cold sweep's (copied); the other seed's APTN search is a
    # different run, so it trains
    summary = run_sweep(
        grid, out, jobs=1, data=_data(digits), reuse=[cold], progress=False, log=lambda m: None
    )
    assert (summary.reused, summary.ran, summary.failed) == (5, 1, {})
    runs = out / "runs"
    first = json.loads((runs / "mnist-n8-aptn-s0-c0.4" / "result.json").read_text())
    other = json.loads((runs / "mnist-n8-aptn-s1-c0.4" / "result.json").read_text())
    assert first["target_search"]["start_from"] != "given"
    search = other["target_search"]
    assert search["start_from"] == "given"
    assert search["start"] == first["target_search"]["value"]
    assert search["history"][0][0] == search["start"]
    slope = local_slope(first["target_search"]["history"], 0.4)
    assert search["slope"] == (None if slope is None else pytest.approx(slope))
    constant = json.loads((runs / "mnist-n8-constant-s1-c0.4" / "result.json").read_text())
    assert constant["target_search"]["start_from"] != "given"
    # only its seed-1 points asked for, a fresh folder runs their anchors too, and the
    # warm-started runs come out the same
    lines = []
    again = tmp_path / "warm-only"
    summary = run_sweep(
        grid,
        again,
        jobs=1,
        data=_data(digits),
        only={"seed": ["1"], "method": ["constant", "aptn"]},
        progress=False,
        log=lines.append,
    )
    assert "and 1 their warm starts need" in lines[0]
    assert (summary.total, summary.ran, summary.failed) == (3, 3, {})
    for key in ("mnist-n8-constant-s1-c0.4", "mnist-n8-aptn-s1-c0.4"):
        a = json.loads((out / "runs" / key / "result.json").read_text())
        b = json.loads((again / "runs" / key / "result.json").read_text())
        assert a["target_search"] == b["target_search"]
        assert (a["accuracy"], a["connectivity"]) == (b["accuracy"], b["connectivity"])


def test_dry_run_names_the_point_a_search_starts_from(tmp_path, capsys):
    from lava_aptn.cli import main

    _, path = _grid(tmp_path, WARM)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--dry-run"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "todo  mnist-n8-aptn-s1-c0.4  (search starts from mnist-n8-aptn-s0-c0.4)" in lines
    assert "todo  mnist-n8-aptn-s0-c0.4" in lines  # the first seed starts cold
    assert "todo  mnist-n8-none-s1" in lines  # no search, no anchor
    assert "todo  mnist-n8-constant-s1-c0.4" in lines  # a short search: starts cold


def test_warm_start_needs_a_boolean(tmp_path):
    with pytest.raises(ConfigError, match="warm_start must be true or false"):
        _grid(tmp_path, WARM.replace("warm_start = true", 'warm_start = "yes"'))


def test_a_failed_anchor_fails_the_points_that_wait_on_it(tmp_path, digits, monkeypatch):
    from lava_aptn.experiments import sweep

    grid, _ = _grid(tmp_path, WARM)
    real = sweep.run_point

    def failing(grid_data, point, *args):
        if point.key == "mnist-n8-aptn-s0-c0.4":
            raise RuntimeError("boom")
        return real(grid_data, point, *args)

    monkeypatch.setattr(sweep, "run_point", failing)
    summary = run_sweep(
        grid, tmp_path / "out", jobs=1, data=_data(digits), progress=False, log=lambda m: None
    )
    assert summary.failed["mnist-n8-aptn-s0-c0.4"].endswith("boom")
    assert "mnist-n8-aptn-s0-c0.4" in summary.failed["mnist-n8-aptn-s1-c0.4"]
    assert summary.ran == 4 and len(summary.failed) == 2


def test_a_partial_sweep_keeps_the_prefixes_other_points_need(tmp_path, digits):
    grid, _ = _grid(tmp_path)
    out = tmp_path / "out"
    run_sweep(
        grid,
        out,
        jobs=1,
        data=_data(digits),
        only={"seed": ["0"], "method": ["none"]},
        progress=False,
        log=lambda m: None,
    )
    # seed 0's prefix is still needed by its constant and aptn points; seed 1's never built
    assert [p.name for p in (out / "prefixes").glob("*.npz")] == ["mnist-n8-s0-start60-batch20.npz"]
    run_sweep(
        grid,
        out,
        jobs=1,
        data=_data(digits),
        only={"seed": ["0"]},
        progress=False,
        log=lambda m: None,
    )
    assert not list((out / "prefixes").glob("*.npz"))  # every seed-0 point is done


def test_report_of_a_folder_that_is_not_a_sweep(tmp_path):
    with pytest.raises(LavaAptnError, match="not a sweep folder"):
        make_report(tmp_path, tmp_path / "r")


def test_a_failing_point_is_listed_and_the_others_finish(tmp_path, digits):
    # test images of the wrong size make every point fail when it tests
    grid = grid_from_dict(
        {
            "name": "fails",
            "axes": {
                "dataset": ["mnist"],
                "neurons": [8],
                "method": ["none", "constant"],
                "seed": [0],
            },
            "run": {"train_images": 120, "label_images": 120, "test_images": 40},
            "pruning": {"prune_start": 60, "prune_batch": 20},
        }
    )
    x, y, xt, yt = _data(digits)
    bad = (x, y, xt[:, :10], yt)
    summary = run_sweep(grid, tmp_path, jobs=1, data=bad, progress=False, log=lambda m: None)
    assert set(summary.failed) == {"mnist-n8-none-s0", "mnist-n8-constant-s0"}
    assert json.loads((tmp_path / "failed.json").read_text()).keys() == summary.failed.keys()
    assert list((tmp_path / "prefixes").glob("*.npz"))  # kept for the retry
    summary = run_sweep(
        grid, tmp_path, jobs=1, data=(x, y, xt, yt), progress=False, log=lambda m: None
    )
    assert summary.ran == 2 and not summary.failed and not (tmp_path / "failed.json").exists()


SCRIPT = """
import sys
import numpy as np
from lava_aptn.experiments.grid import load_grid
from lava_aptn.experiments.sweep import run_sweep
z = np.load(sys.argv[3])
data = (z["x"], z["y"], z["xt"], z["yt"])
run_sweep(load_grid(sys.argv[1]), sys.argv[2], jobs=1, data=data, progress=False)
"""


def test_sweep_killed_then_resumed_equals_uninterrupted(finished, tmp_path, digits):
    grid, ref, _ = finished
    _, path = _grid(tmp_path)
    x, y, xt, yt = _data(digits)
    np.savez(tmp_path / "data.npz", x=x, y=y, xt=xt, yt=yt)
    script = tmp_path / "sweep.py"
    script.write_text(textwrap.dedent(SCRIPT))
    out = tmp_path / "out"
    args = [sys.executable, str(script), str(path), str(out), str(tmp_path / "data.npz")]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and not list(out.glob("runs/*/result.json")):
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = [p for p in grid.points() if is_done(out, p)]
    assert 1 <= len(done) < len(grid.points())  # killed in the middle
    summary = run_sweep(grid, out, jobs=1, data=_data(digits), progress=False, log=lambda m: None)
    assert summary.skipped == len(done) and summary.ran == len(grid.points()) - len(done)
    for p in grid.points():
        a = json.loads((run_folder(ref, p) / "result.json").read_text())
        b = json.loads((run_folder(out, p) / "result.json").read_text())
        for key in ("accuracy", "connectivity", "sops_train_per_image", "sops_infer_per_image"):
            assert a[key] == b[key], (p.key, key)
        with (
            np.load(run_folder(ref, p) / "weights.npz") as wa,
            np.load(run_folder(out, p) / "weights.npz") as wb,
        ):
            np.testing.assert_array_equal(wa["weights"], wb["weights"])
            np.testing.assert_array_equal(wa["syn_state"], wb["syn_state"])


def test_dask_local_cluster_gives_the_local_results(finished, tmp_path, digits):
    distributed = pytest.importorskip("distributed")

    grid, ref, _ = finished
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        summary = run_sweep(
            grid,
            tmp_path / "out",
            scheduler=cluster.scheduler_address,
            data=_data(digits),
            progress=False,
            log=lambda m: None,
        )
    assert summary.ran == 6 and not summary.failed
    for p in grid.points():
        a = json.loads((run_folder(ref, p) / "result.json").read_text())
        b = json.loads((run_folder(tmp_path / "out", p) / "result.json").read_text())
        assert (a["accuracy"], a["connectivity"]) == (b["accuracy"], b["connectivity"])


def test_unreachable_scheduler_is_a_clear_error(tmp_path, digits, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("lava_aptn.experiments.sweep.CONNECT_TIMEOUT", "2s")
    grid, _ = _grid(tmp_path)
    with pytest.raises(LavaAptnError, match="cannot reach the Dask scheduler"):
        run_sweep(
            grid,
            tmp_path / "out",
            scheduler="tcp://127.0.0.1:9",
            data=_data(digits),
            progress=False,
            log=lambda m: None,
        )


def test_series_labels_name_the_baseline():
    from lava_aptn.experiments.report_plots import series_label

    keys = ["time_fn", "time_factor"]
    apt = {"method": "apt", "time_fn": "f1", "time_factor": 1.3}
    assert series_label(apt, keys) == "f1 time_factor=1.3"
    # the unpruned baseline has no pruning values: its line is named by its method
    assert series_label({"method": "none", "time_fn": None, "time_factor": None}, keys) == "none"
    assert series_label({"method": "aptn", "spike_interval": math.inf}, ["spike_interval"]) == (
        "spike_interval=inf"
    )


def test_grid_run_order(tmp_path):
    """``[run] order`` reaches every point's run configuration; a bad value is named."""
    grid, _ = _grid(
        tmp_path, TINY.replace("test_images = 40", 'test_images = 40\norder = "shuffled"')
    )
    assert {grid.run_config(p).order for p in grid.points()} == {"shuffled"}
    plain, _ = _grid(tmp_path, TINY)
    assert {plain.run_config(p).order for p in plain.points()} == {"shuffled"}  # default
    split, _ = _grid(
        tmp_path, TINY.replace("test_images = 40", 'test_images = 40\norder = "dataset"')
    )
    assert {split.run_config(p).order for p in split.points()} == {None}
    with pytest.raises(ConfigError, match="order must be 'dataset' .* got 'random'"):
        bad, _ = _grid(
            tmp_path, TINY.replace("test_images = 40", 'test_images = 40\norder = "random"')
        )
        bad.run_config(bad.points()[0])


@pytest.mark.parametrize("method", ["none", "constant", "post-training"])
def test_shuffled_sweep_points_equal_direct_runs(tmp_path, digits, method):
    """A sweep point in a shuffled order trains on the seed's one permutation, as a run does.

    The sweep hands its loaded (already shuffled) data on to the target search; shuffling
    it again there would train the pruned points after the prefix on other images.
    """
    from lava_aptn.engine.run import run
    from lava_aptn.engine.target import run_at_connectivity

    text = TINY.replace("test_images = 40", 'test_images = 40\norder = "shuffled"')
    text = text.replace('method = ["none", "constant", "aptn"]', f'method = ["{method}"]')
    text = text.replace("seed = [0, 1]", "seed = [1]")
    grid, _ = _grid(tmp_path, text)
    data = _data(digits)
    run_sweep(grid, tmp_path / "out", jobs=1, data=data, progress=False, log=lambda m: None)
    (point,) = grid.points()
    swept = json.loads((run_folder(tmp_path / "out", point) / "result.json").read_text())
    net_cfg, run_cfg, prune_cfg = grid.configs(point)
    if method == "none":
        direct = run(
            net_cfg,
            run_cfg,
            prune_cfg,
            tmp_path / "d",
            progress=False,
            log=lambda m: None,
            data=data,
        )
    else:
        direct = run_at_connectivity(
            net_cfg,
            run_cfg,
            prune_cfg,
            tmp_path / "d",
            target=point.target,
            **grid.search_settings(),
            progress=False,
            log=lambda *_: None,
            data=data,
        )
    assert swept["config"]["run"]["order"] == "shuffled"
    assert swept["accuracy"] == direct["accuracy"]
    assert swept["connectivity"] == direct["connectivity"]
    assert swept["sops_train_per_image"] == direct["sops_train_per_image"]


def test_sweep_submits_the_likely_longest_points_first(tmp_path):
    """Run order: first-seed anchors (warm starts), then long searches, then larger N."""
    from lava_aptn.experiments.sweep import run_order

    text = TINY.replace("neurons = [8]", "neurons = [8, 16]").replace(
        '"constant", "aptn"]', '"constant", "aptn", "neuron"]'
    )
    grid, _ = _grid(tmp_path, text)
    order = [p.key for p in run_order(grid, grid.points())]
    assert sorted(order) == sorted(p.key for p in grid.points())  # a permutation
    searches = [k for k in order if "-aptn-" in k or "-neuron-" in k]
    assert order[: len(searches)] == searches
    assert all("-n16-" in k for k in searches[:4]) and all("-n8-" in k for k in searches[4:])
    assert order[-4:] == [  # no search, smaller network; the grid's order within
        "mnist-n8-none-s0",
        "mnist-n8-none-s1",
        "mnist-n8-constant-s0-c0.4",
        "mnist-n8-constant-s1-c0.4",
    ]
    warm, _ = _grid(tmp_path, text.replace("max_evals = 4", "max_evals = 4\nwarm_start = true"))
    order = [p.key for p in run_order(warm, warm.points())]
    waiting = [k for k in order if "-s1-c" in k and "-constant-" not in k]  # warm starts
    assert order[-len(waiting) :] == waiting
    assert waiting == [
        "mnist-n16-aptn-s1-c0.4",
        "mnist-n16-neuron-s1-c0.4",
        "mnist-n8-aptn-s1-c0.4",
        "mnist-n8-neuron-s1-c0.4",
    ]
    assert order[0] == "mnist-n16-aptn-s0-c0.4"
