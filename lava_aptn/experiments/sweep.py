"""Run every point of a grid with the engine: resumable, local processes or a Dask cluster.

Layout of a sweep folder ``OUT``::

    OUT/grid.toml            the grid as given (text), for the record
    OUT/plan.json            grid settings, digest and the list of points
    OUT/prefixes/<key>.npz   unpruned training prefixes shared by points (removed at the end)
    OUT/runs/<point key>/    one run folder per point (result.json written last)
    OUT/failed.json          points that raised, with the error (only when some did)

``reuse`` (``--reuse DIR``) takes finished points from other sweep folders instead of
running them again. A point is copied when a finished point of the other sweep makes the
very same run: equal network, run and pruning configurations, preset, and (for a target
connectivity) the same target and search settings (:func:`run_identity`). Keys and grids
may differ (Figure 11's APTN point starting at 30,000 images is Figure 9's APTN point at
10 %), so figures whose grids overlap cost only their new points. The copy's
``result.json`` names its new point and sweep and records where it came from.

Work happens in two kinds of task. A *prefix* task trains, without pruning, the first
``prune_start`` images of one (dataset, size, seed, schedule) and saves the session; a
*point* task loads that prefix and continues it with its method (searching ``w_th0``
when the point has a target connectivity), then labels, tests and writes its folder.
A point is done when its ``result.json`` exists: rerunning a sweep skips finished
points and existing prefixes, so a crash loses at most the runs in flight. Every run
is deterministic, so a resumed sweep gives the results of an uninterrupted one.

Executors: ``jobs = 1`` runs in this process; ``jobs > 1`` a local process pool; a
``scheduler`` address (``tcp://HOST:PORT``) sends the tasks to a running
``dask.distributed`` cluster, whose workers must see ``OUT`` at the same path (a
shared file system) and have the datasets in their cache (``lava-aptn data fetch``).
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lava_aptn.errors import ConfigError, LavaAptnError
from lava_aptn.experiments.grid import Grid, Point, grid_from_dict, value_text
from lava_aptn.io import atomic_write_json, atomic_write_text
from lava_aptn.pruning import LONG_SEARCHES

PLAN = "plan.json"
FAILED = "failed.json"
#: How long to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = "20s"


@dataclass
class SweepSummary:
    """What a sweep did.

    Attributes
    ----------
    total, skipped, ran
        Points of the grid; finished before this call; finished by it.
    failed : dict
        ``{point key: error text}`` of the points that raised.
    wall_seconds : float
        Wall time of this call, in s.
    """

    total: int
    skipped: int
    ran: int = 0
    reused: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    wall_seconds: float = 0.0


def run_folder(out: str | Path, point: Point) -> Path:
    """Run folder of ``point`` in sweep folder ``out``."""
    return Path(out) / "runs" / point.key


def is_done(out: str | Path, point: Point) -> bool:
    """Whether ``point`` finished (its ``result.json`` exists)."""
    return (run_folder(out, point) / "result.json").is_file()


def check_plan(grid: Grid, out: str | Path) -> None:
    """Refuse a sweep folder that holds another grid, or this grid with other settings.

    A grid of the same name and settings may change its axes (points are added; the
    finished ones stay). Another grid's folder is refused even with equal settings: its
    ``plan.json`` would be replaced, and its report with it.
    """
    plan_path = Path(out) / PLAN
    if not plan_path.exists():
        return
    old = json.loads(plan_path.read_text())
    if old.get("name") != grid.name:
        raise ConfigError(
            f"{out} holds the sweep of grid {old.get('name')!r}, not {grid.name!r}; use "
            f"another --out (`--reuse {out}` copies the points the two grids share)"
        )
    digest = grid.settings_digest()
    if old.get("digest") != digest:
        raise ConfigError(
            f"{out} holds a sweep with other settings (grid {old.get('name')!r}, digest "
            f"{old.get('digest')}, this grid {digest}); use another --out, or delete "
            f"{out} to start over"
        )


def write_plan(grid: Grid, out: Path, grid_text: str | None = None) -> None:
    """Write ``plan.json`` (and ``grid.toml``) after :func:`check_plan`."""
    check_plan(grid, out)
    plan_path = out / PLAN
    digest = grid.settings_digest()
    out.mkdir(parents=True, exist_ok=True)
    points = grid.points()
    plan = {
        "schema": 1,
        "name": grid.name,
        "digest": digest,
        "grid": grid.to_dict(),
        "points": [{"key": p.key, **p.axes()} for p in points],
    }
    atomic_write_json(plan_path, plan)
    if grid_text is not None:
        atomic_write_text(out / "grid.toml", grid_text)


def read_plan(out: str | Path) -> tuple[Grid, dict]:
    """Return the grid and the plan of a sweep folder."""
    path = Path(out) / PLAN
    if not path.is_file():
        raise LavaAptnError(
            f"{out} is not a sweep folder (no {PLAN}); run `lava-aptn sweep GRID.toml --out "
            f"{out}` first"
        )
    plan = json.loads(path.read_text())
    return grid_from_dict(plan["grid"], origin=str(path)), plan


# ---------------------------------------------------------------------- tasks
def build_prefix(grid_data: dict, point: Point, path: str, data: tuple | None = None) -> str:
    """Task: train and save the unpruned prefix ``point`` branches from; return ``path``."""
    from lava_aptn.engine.run import Dataset, config_record, save_checkpoint
    from lava_aptn.engine.target import search_prefix

    grid = grid_from_dict(grid_data)
    net_cfg, run_cfg, prune_cfg = grid.configs(point)
    base = prefix_pruning(prune_cfg)
    dataset = Dataset.load(run_cfg, data)
    session = search_prefix(net_cfg, run_cfg, base, dataset, progress=False)
    session.batch_counts = _batch_counts(session)
    save_checkpoint(Path(path), session, config_record(net_cfg, run_cfg, base, grid.preset_name))
    return path


def prefix_pruning(prune_cfg):
    """Return the configuration a prefix trains with: method none, the same schedule."""
    from lava_aptn.pruning import PruningConfig

    return PruningConfig(
        method="none", prune_start=prune_cfg.prune_start, prune_batch=prune_cfg.prune_batch
    )


def _batch_counts(session):
    import numpy as np

    if session.batch_counts is not None:
        return session.batch_counts
    return np.zeros(session.net.config.n_neurons, dtype=np.int64)


def run_point(
    grid_data: dict, point: Point, out: str, prefix_path: str, data: tuple | None = None
) -> dict:
    """Task: run one point from its prefix and write its folder; return ``result.json``."""
    from lava_aptn.engine.run import (
        Dataset,
        config_record,
        evaluate_and_write,
        load_checkpoint,
        new_session,
    )
    from lava_aptn.engine.target import run_at_connectivity

    t0 = time.perf_counter()
    grid = grid_from_dict(grid_data)
    net_cfg, run_cfg, prune_cfg = grid.configs(point)
    base = prefix_pruning(prune_cfg)
    dataset = Dataset.load(run_cfg, data)
    prefix = load_checkpoint(
        Path(prefix_path),
        net_cfg,
        run_cfg,
        base,
        config_record(net_cfg, run_cfg, base, grid.preset_name),
    )
    folder = run_folder(out, point)
    extra = {"point": point.record(), "sweep": grid.name}
    if point.target is not None and point.method != "none":
        hint = warm_start(grid, point, out)
        return run_at_connectivity(
            net_cfg,
            run_cfg,
            prune_cfg,
            folder,
            target=point.target,
            **grid.search_settings(),
            preset=grid.preset_name,
            progress=False,
            log=lambda *_: None,
            data=dataset,
            prefix=prefix,
            extra=extra,
            **hint,
        )
    session = prefix.branch(prune_cfg)
    session.advance(dataset.x_train, run_cfg.train_images, progress=False)
    folder.mkdir(parents=True, exist_ok=True)
    initial = new_session(net_cfg, run_cfg, prune_cfg).net.weights()
    return evaluate_and_write(
        session,
        dataset,
        folder,
        config_record(net_cfg, run_cfg, prune_cfg, grid.preset_name),
        wall0=t0 - prefix.counters.wall_seconds,
        progress=False,
        extra=extra,
        initial_weights=initial,
    )


def warm_start(grid: Grid, point: Point, out: str | Path) -> dict[str, Any]:
    """``start`` and ``slope`` for ``point``'s search from its anchor's finished search.

    Empty when the point has no anchor (:meth:`Grid.anchor`). The anchor's
    ``result.json`` gives the parameter it chose and, from its evaluations,
    :func:`~lava_aptn.pruning.target.local_slope` (``None`` after a single evaluation).

    Raises
    ------
    LavaAptnError
        If the anchor has not finished: the sweep runs it first.
    """
    from lava_aptn.pruning.target import local_slope

    anchor = grid.anchor(point)
    if anchor is None:
        return {}
    path = run_folder(out, anchor) / "result.json"
    if not path.exists():
        raise LavaAptnError(
            f"{point.key} starts its search from {anchor.key}, which has not finished "
            f"({path} is missing); the sweep runs it first"
        )
    search = json.loads(path.read_text())["target_search"]
    return {
        "start": float(search["value"]),
        "slope": local_slope(search["history"], float(search["target"])),
    }


# ---------------------------------------------------------------------- executors
class _Inline:
    """Runs each task at submission (``jobs = 1``): simple tracebacks, no pickling."""

    def submit(self, fn, *args):
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller via the future
            if isinstance(exc, KeyboardInterrupt):
                raise
            future.set_exception(exc)
        return future

    @staticmethod
    def wait(pending):
        return set(pending), set()

    def close(self):
        pass


class _Local:
    """A local process pool (fork: the workers inherit the imported engine)."""

    def __init__(self, jobs: int):
        ctx = multiprocessing.get_context("fork")
        self.pool = cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)

    @staticmethod
    def wait(pending):
        done, rest = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
        return done, rest

    def close(self):
        self.pool.shutdown(wait=True, cancel_futures=True)


class _Dask:
    """A running dask.distributed cluster reached through its scheduler address."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise LavaAptnError(
                "--scheduler needs dask.distributed: pip install 'lava-aptn[dask]'"
            ) from exc
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise LavaAptnError(
                f"cannot reach the Dask scheduler at {address}: {exc}; start one with "
                "`dask scheduler` and workers with `dask worker ADDRESS`"
            ) from exc

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    @staticmethod
    def wait(pending):
        from distributed import wait

        done, rest = wait(list(pending), return_when="FIRST_COMPLETED")
        return set(done), set(rest)

    def close(self):
        self.client.close()


def _executor(jobs: int, scheduler: str | None):
    if scheduler:
        return _Dask(scheduler)
    if jobs <= 1:
        return _Inline()
    return _Local(jobs)


# ---------------------------------------------------------------------- the sweep
def select(points: list[Point], only: dict[str, list[str]] | None) -> list[Point]:
    """Return the points whose axis values match every entry of ``only`` (as text).

    An axis of the pruning parameters (``prune_start``, ``spike_interval``, ...) is
    known to the points of pruning methods only; the baselines have no value for it,
    so they are not selected by it (select them with ``method=none``).
    """
    if not only:
        return points
    known: dict[str, None] = {}
    for p in points:
        known.update(dict.fromkeys(p.axes()))
    for axis in only:
        if points and axis not in known:
            raise ConfigError(
                f"--only names {axis!r}, not an axis of this grid; axes: {', '.join(known)}"
            )
    for axis, values in only.items():
        present = [v for p in points if (v := p.axes().get(axis)) is not None]
        for given in values:
            if points and not any(_matches(v, given) for v in present):
                texts = sorted({value_text(v) for v in present}, key=_sort_key)
                takes = ", ".join(texts) or "no value in this grid"
                raise ConfigError(
                    f"--only {axis}={given}: no point of this grid has it; {axis} takes {takes}"
                )
    return [
        p
        for p in points
        if all(any(_matches(p.axes().get(a), g) for g in values) for a, values in only.items())
    ]


def _matches(value: Any, given: str) -> bool:
    """Whether an axis value is the ``--only`` text ``given``; numbers by value (0.10 = 0.1)."""
    if value is None:
        return False
    if value_text(value) == given:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return float(given) == float(value)
    except ValueError:
        return False


def _sort_key(text: str) -> tuple:
    """Sort axis values numerically where they are numbers, after them as text."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


def run_sweep(
    grid: Grid,
    out: str | Path,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    data: tuple | None = None,
    grid_text: str | None = None,
    only: dict[str, list[str]] | None = None,
    reuse: list[str | Path] | tuple = (),
    progress: bool = True,
    log=print,
) -> SweepSummary:
    """Run every unfinished point of ``grid`` into ``out``.

    Parameters
    ----------
    grid
        The grid (:func:`lava_aptn.experiments.grid.load_grid`).
    out
        Sweep folder; rerunning into it resumes.
    jobs
        Local worker processes (default: all cores); ignored with ``scheduler``.
    scheduler
        Address of a dask.distributed scheduler (``tcp://HOST:PORT``) to run on instead.
    data
        ``(train_images, train_labels, test_images, test_labels)`` to use instead of the
        named datasets (tests, synthetic data); sent with every task.
    grid_text
        The grid file's text, kept as ``OUT/grid.toml``.
    only
        Run only the points whose axes match: ``{"neurons": ["100"]}`` (values compared
        as text); the others stay in the plan, to run later.
    reuse
        Other sweep folders to copy finished points from when they made the same run
        (:func:`run_identity`) instead of running them.
    progress
        Show a progress bar over points.
    log
        Where one-line messages go.
    """
    t0 = time.perf_counter()
    out = Path(out)
    sources = reuse_sources(grid, out, reuse)
    write_plan(grid, out, grid_text)
    points = select(grid.points(), only)
    todo = [p for p in points if not is_done(out, p)]
    anchors = _missing_anchors(grid, out, todo)
    summary = SweepSummary(total=len(points) + len(anchors), skipped=len(points) - len(todo))
    todo = anchors + todo
    copied = _copy_finished(grid, out, todo, sources)
    todo = run_order(grid, [p for p in todo if p.key not in copied])
    summary.reused = len(copied)
    log(
        f"sweep {grid.name}: {len(points)} points"
        + (" selected" if only else "")
        + (f" and {len(anchors)} their warm starts need" if anchors else "")
        + f", {summary.skipped} already done"
        + (f", {summary.reused} copied from {', '.join(map(str, sources))}" if sources else "")
        + f", {len(todo)} to run"
    )
    if not todo:
        _write_failed(out, {})
        summary.wall_seconds = time.perf_counter() - t0
        return summary
    jobs = (os.cpu_count() or 1) if jobs is None else max(int(jobs), 1)
    prefix_dir = out / "prefixes"
    prefix_dir.mkdir(parents=True, exist_ok=True)
    waiting: dict[str, list[Point]] = {}
    for p in todo:
        waiting.setdefault(grid.prefix_key(p), []).append(p)
    grid_data = grid.to_dict()
    executor = _executor(jobs, scheduler)
    bar = _bar(len(todo), progress, grid.name)
    pending: dict[Any, tuple[str, Any]] = {}
    blocked: dict[str, list[tuple[Point, str]]] = {}  # anchor key -> points waiting on it
    try:

        def submit_point(p: Point, path: str) -> None:
            anchor = grid.anchor(p)
            if anchor is not None and not is_done(out, anchor):
                blocked.setdefault(anchor.key, []).append((p, path))
                return
            fut = executor.submit(run_point, grid_data, p, str(out), path, data)
            pending[fut] = ("point", p)

        def submit_points(key: str) -> None:
            path = str(prefix_dir / f"{key}.npz")
            for p in waiting.pop(key):
                submit_point(p, path)

        def fail(p: Point, why: str) -> None:
            summary.failed[p.key] = why
            bar.update(1)
            for q, _ in blocked.pop(p.key, []):
                fail(q, f"the point its search starts from ({p.key}) failed")

        for key, group in waiting.copy().items():
            path = prefix_dir / f"{key}.npz"
            if path.exists():
                submit_points(key)
            else:
                fut = executor.submit(build_prefix, grid_data, group[0], str(path), data)
                pending[fut] = ("prefix", key)
        while pending:
            done, _ = executor.wait(set(pending))
            for fut in done:
                kind, what = pending.pop(fut)
                error = fut.exception()
                if kind == "prefix":
                    if error is not None:
                        for p in waiting.pop(what):
                            fail(p, f"prefix {what}: {_describe(error)}")
                        log(f"prefix {what} failed: {_describe(error)}")
                    else:
                        submit_points(what)
                    continue
                if error is not None:
                    fail(what, _describe(error))
                    log(f"{what.key} failed: {_describe(error)}")
                else:
                    bar.update(1)
                    summary.ran += 1
                    result = fut.result()
                    log(
                        f"{what.key}: accuracy {result['accuracy']:.4f}, connectivity "
                        f"{result['connectivity']:.4f}"
                    )
                    for q, path in blocked.pop(what.key, []):
                        submit_point(q, path)
        for key, group in blocked.items():  # not reached: every anchor runs or fails
            for q, _ in group:
                fail(q, f"the point its search starts from ({key}) never ran")
    finally:
        bar.close()
        executor.close()
    _write_failed(out, summary.failed)
    _remove_spent_prefixes(grid, out)
    summary.wall_seconds = time.perf_counter() - t0
    return summary


def run_order(grid: Grid, points: list[Point]) -> list[Point]:
    """Return ``points`` in the order the sweep submits them: the likely longest first.

    The order changes no result (every point is independent and deterministic), only
    how well the workers stay busy: a long search started last leaves the other workers
    idle while it finishes. Points that wait on another (:meth:`Grid.anchor`, with
    ``[search] warm_start``) come after the rest. Within each part the long searches
    come first (:data:`~lava_aptn.pruning.target.LONG_SEARCHES` with a target), then
    larger networks; the grid's order breaks ties.
    """

    def rank(indexed: tuple[int, Point]) -> tuple[bool, bool, int, int]:
        i, p = indexed
        long_search = p.target is not None and p.method in LONG_SEARCHES
        return (grid.anchor(p) is not None, not long_search, -p.neurons, i)

    return [p for _, p in sorted(enumerate(points), key=rank)]


def _missing_anchors(grid: Grid, out: Path, todo: list[Point]) -> list[Point]:
    """Return the anchors (:meth:`Grid.anchor`) of ``todo`` neither done nor in it."""
    keys = {p.key for p in todo}
    missing = []
    for p in todo:
        anchor = grid.anchor(p)
        if anchor is not None and anchor.key not in keys and not is_done(out, anchor):
            missing.append(anchor)
            keys.add(anchor.key)
    return missing


def reuse_sources(grid: Grid, out: Path, reuse) -> list[Path]:
    """Check the folders to reuse points from: sweep folders other than ``out``."""
    sources = []
    for src in map(Path, reuse):
        if src.resolve() == out.resolve():
            raise ConfigError(f"--reuse {src} is the sweep folder itself; name another folder")
        read_plan(src)  # raises when src is not a sweep folder
        sources.append(src)
    return sources


def run_identity(grid: Grid, point: Point) -> str:
    """Text naming the run ``point`` makes; equal for points of any grids that run alike.

    It holds the ``config`` record of ``result.json`` (network, run and pruning
    configurations and the preset) and, for a target connectivity, the target, the
    search's tolerance and evaluation budget and, for a warm start, the identity of the
    run it starts from (:meth:`Grid.anchor`); axis names and grid names play no part.
    """
    from lava_aptn.engine.run import config_record

    search = None
    if point.target is not None and point.method != "none":
        search = {"target": point.target, **grid.search_settings()}
        anchor = grid.anchor(point)
        if anchor is not None:  # the start depends on the anchor's run
            search["warm_start_from"] = run_identity(grid, anchor)
    record = config_record(*grid.configs(point), grid.preset_name)
    return json.dumps({"config": record, "search": search}, sort_keys=True, default=str)


def reusable_points(grid: Grid, points: list[Point], sources: list[Path]) -> dict[str, tuple]:
    """Map the key of each of ``points`` that a source finished to ``(source, its point)``."""
    wanted = {run_identity(grid, p): p.key for p in points}
    found: dict[str, tuple] = {}
    for src in sources:
        src_grid, _ = read_plan(src)
        for q in src_grid.points():
            key = wanted.get(run_identity(src_grid, q))
            if key is not None and key not in found and is_done(src, q):
                found[key] = (src, src_grid, q)
    return found


def _copy_finished(grid: Grid, out: Path, todo: list[Point], sources: list[Path]) -> set[str]:
    """Copy the points of ``todo`` a source finished (the same run); return their keys.

    Each folder is copied under a temporary name, its ``result.json`` rewritten to name
    its new point and sweep, and renamed, so an interrupted copy leaves no half folder
    that would count as done.
    """
    found = reusable_points(grid, todo, sources)
    for p in todo:
        if p.key not in found:
            continue
        src, src_grid, q = found[p.key]
        dest = run_folder(out, p)
        tmp = dest.with_name(f".{dest.name}.copy-{os.getpid()}")
        if tmp.exists():
            shutil.rmtree(tmp)
        shutil.copytree(run_folder(src, q), tmp)
        result_path = tmp / "result.json"
        result = json.loads(result_path.read_text())
        result.update({"point": p.record(), "sweep": grid.name})
        result["copied_from"] = {"sweep": src_grid.name, "folder": str(src), "key": q.key}
        atomic_write_json(result_path, result)
        if dest.exists():  # an unfinished folder (no result.json): replace it
            shutil.rmtree(dest)
        tmp.rename(dest)
    return set(found)


def _remove_spent_prefixes(grid: Grid, out: Path) -> None:
    """Delete the prefixes whose every point in the whole grid is done (none else).

    Points outside ``only`` and other sweeps into the same folder may still need theirs.
    """
    needed: dict[str, bool] = {}
    for p in grid.points():
        key = grid.prefix_key(p)
        needed[key] = needed.get(key, False) or not is_done(out, p)
    for key, still in needed.items():
        path = out / "prefixes" / f"{key}.npz"
        if not still and path.exists():
            path.unlink()


def _describe(error: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return text.splitlines()[-1] if text else type(error).__name__


def _write_failed(out: Path, failed: dict[str, str]) -> None:
    path = out / FAILED
    if failed:
        atomic_write_json(path, failed)
    elif path.exists():
        path.unlink()


def _bar(total: int, progress: bool, name: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"sweep {name}", unit="run", disable=not progress)
