"""``lava-aptn bench``: engine speed, its ratios to numpy and to Lava (:mod:`lava_aptn.bench`)."""

from __future__ import annotations

import argparse


def add_bench_arguments(p: argparse.ArgumentParser) -> None:
    """Options of the benchmark (shared by ``lava-aptn bench`` and ``make bench``)."""
    p.add_argument("--neurons", type=int, nargs="+", default=[100, 400, 800, 1600])
    p.add_argument("--images", type=int, default=2000, help="training images per repeat")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--reference-images", type=int, default=3)
    p.add_argument(
        "--lava-neurons",
        type=int,
        nargs="*",
        default=[20, 100],
        help="sizes for the engine-to-Lava ratio (none: skip)",
    )
    p.add_argument("--lava-images", type=int, default=4)
    p.add_argument(
        "--fixed-neurons",
        type=int,
        nargs="*",
        default=[100, 800],
        help="sizes for the fixed-point vs float speed (none: skip)",
    )
    p.add_argument("--fixed-images", type=int, default=200, help="images for the fixed-point rows")


def register(subparsers) -> None:
    """Add the ``bench`` subcommand."""
    p = subparsers.add_parser(
        "bench",
        help="engine speed (images/s) and its ratios to a numpy reference and to Lava",
        description="Training and inference images/s for several sizes, the ratio to a "
        "plain numpy reference and to the Lava CPU backend, measured side by side in one run.",
    )
    add_bench_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    """Entry point of ``lava-aptn bench``."""
    from lava_aptn.bench import report

    report(args)
    return 0
