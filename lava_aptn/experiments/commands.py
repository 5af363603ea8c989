"""``lava-aptn demo``: the main job."""

from __future__ import annotations


def register(subparsers) -> None:
    """Add the ``demo`` subcommand."""
    p = subparsers.add_parser(
        "demo",
        help="unpruned baseline vs APTN at a target connectivity (the main job)",
        description="Train the unpruned baseline and APTN (paper factors) at a target "
        "connectivity on MNIST, same seed; print one table; write OUT/{baseline,aptn}/.",
    )
    p.add_argument("--out", default="runs/demo", help="output folder (runs/demo)")
    p.add_argument("--neurons", type=int, default=100)
    p.add_argument("--target-connectivity", type=float, default=0.145)
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-images", type=int, default=60000)
    p.add_argument(
        "--label-images",
        type=int,
        default=None,
        help="training images used to assign labels (default: all trained)",
    )
    p.add_argument("--test-images", type=int, default=10000)
    p.add_argument("--jobs", type=int, default=2, help="processes (2: baseline beside APTN)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=run)


def run(args) -> int:
    """Entry point of ``lava-aptn demo``."""
    from lava_aptn.experiments.demo import run_demo

    result = run_demo(
        args.out,
        neurons=args.neurons,
        target=args.target_connectivity,
        dataset=args.dataset,
        seed=args.seed,
        train_images=args.train_images,
        label_images=args.label_images or args.train_images,
        test_images=args.test_images,
        jobs=args.jobs,
        progress=not args.no_progress,
    )
    print()
    print(result["table"])
    print(
        f"\nwrote {args.out}/baseline, {args.out}/aptn, {args.out}/summary.md "
        f"({result['wall_seconds']:.0f} s)"
    )
    return 0
