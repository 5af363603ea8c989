"""``lava-aptn sweep`` and ``lava-aptn report``."""

from __future__ import annotations

from lava_aptn.cli_args import positive_int


def register(subparsers) -> None:
    """Add the ``sweep`` and ``report`` subcommands."""
    p = subparsers.add_parser(
        "sweep",
        help="run every point of a grid (resumable; local processes or a Dask cluster)",
        description="Run every point of GRID.toml with the engine into OUT/runs/<point>/. "
        "Finished points are skipped, so rerunning the same command resumes.",
    )
    p.add_argument("grid", help="grid file (experiments/*.toml)")
    p.add_argument("--out", required=True, help="sweep folder")
    p.add_argument(
        "--jobs",
        type=positive_int,
        default=None,
        help="local worker processes (default: all cores)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDR",
        help="run on a dask.distributed cluster at ADDR (tcp://HOST:PORT) instead",
    )
    p.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="AXIS=V1,V2",
        help="run only the points with these axis values (repeatable), e.g. --only neurons=100",
    )
    p.add_argument(
        "--reuse",
        action="append",
        default=[],
        metavar="DIR",
        help="copy the points already finished in sweep folder DIR (a grid with the same "
        "settings: the same runs) instead of running them (repeatable)",
    )
    p.add_argument("--dry-run", action="store_true", help="list the points and exit")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=run_sweep_command)

    r = subparsers.add_parser(
        "report",
        help="tables (md, csv) and figures (png) of a sweep folder",
        description="Aggregate the finished points of a sweep over seeds; write "
        "REPORT_DIR/<grid>.md, .csv, _points.csv and the grid's figures.",
    )
    r.add_argument("sweep_dir", metavar="DIR", help="sweep folder")
    r.add_argument("--out", required=True, metavar="REPORT_DIR")
    r.set_defaults(func=run_report_command)


def run_sweep_command(args) -> int:
    """Entry point of ``lava-aptn sweep``."""
    from pathlib import Path

    from lava_aptn.experiments.grid import load_grid
    from lava_aptn.experiments.sweep import (
        check_plan,
        is_done,
        reusable_points,
        reuse_sources,
        run_sweep,
        select,
    )

    grid = load_grid(args.grid)
    only = _parse_only(args.only)
    if args.dry_run:
        check_plan(grid, args.out)
        sources = reuse_sources(grid, Path(args.out), args.reuse)
        points = select(grid.points(), only)
        todo = [p for p in points if not is_done(args.out, p)]
        copies = reusable_points(grid, todo, sources)
        for point in points:
            mark = "done" if is_done(args.out, point) else "todo"
            if point.key in copies:
                src, _, q = copies[point.key]
                mark, point_text = "copy", f"{point.key}  <- {src}/runs/{q.key}"
            else:
                point_text = point.key
            anchor = grid.anchor(point)
            if anchor is not None and mark == "todo":
                point_text += f"  (search starts from {anchor.key})"
            print(f"{mark}  {point_text}")
        return 0
    summary = run_sweep(
        grid,
        args.out,
        jobs=args.jobs,
        scheduler=args.scheduler,
        grid_text=Path(args.grid).read_text(),
        only=only,
        reuse=args.reuse,
        progress=not args.no_progress,
    )
    print(
        f"sweep {grid.name}: {summary.ran} run, {summary.skipped} skipped, "
        f"{summary.reused} copied, "
        f"{len(summary.failed)} failed of {summary.total} points in "
        f"{summary.wall_seconds:.0f} s; folder {args.out}"
    )
    if summary.failed:
        print(f"failed points are listed in {args.out}/failed.json; rerun to retry them")
        return 1
    return 0


def _parse_only(items: list[str]) -> dict[str, list[str]]:
    from lava_aptn.errors import ConfigError

    only: dict[str, list[str]] = {}
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--only takes AXIS=VALUE[,VALUE...], got {item!r}")
        axis, values = item.split("=", 1)
        only.setdefault(axis.strip(), []).extend(v.strip() for v in values.split(","))
    return only


def run_report_command(args) -> int:
    """Entry point of ``lava-aptn report``."""
    from lava_aptn.experiments.report import make_report

    report = make_report(args.sweep_dir, args.out)
    print(report["markdown"])
    print("wrote " + ", ".join(report["files"]))
    return 0
