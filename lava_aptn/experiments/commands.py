"""``lava-aptn demo``: the main job."""

from __future__ import annotations

from lava_aptn.cli_args import positive_int


def register(subparsers) -> None:
    """Add the ``demo`` and ``compare`` subcommands."""
    from lava_aptn.engine.commands import add_order_option

    _register_compare(subparsers)
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
    add_order_option(p)
    p.add_argument(
        "--jobs", type=positive_int, default=2, help="processes (2: baseline beside APTN)"
    )
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
        order=args.order,
        jobs=args.jobs,
        progress=not args.no_progress,
    )
    print()
    print(result["table"])
    print(
        f"\nwrote {args.out}/baseline, {args.out}/aptn and {args.out}/summary.md "
        f"({result['wall_seconds']:.0f} s)"
    )
    return 0


def _register_compare(subparsers) -> None:
    from lava_aptn.engine.commands import METHODS, add_network_options, add_order_option

    p = subparsers.add_parser(
        "compare",
        help="several pruning methods at one target connectivity, shared prefix",
        description="For each seed, train the images all methods share once, then every "
        "method (in parallel processes) to the target connectivity; write "
        "OUT/seed<s>/<method>/ and OUT/summary.md.",
    )
    add_network_options(p)
    p.add_argument(
        "--methods", nargs="+", default=["aptn", "constant", "post-training"], choices=METHODS
    )
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--target-connectivity", type=float, default=0.1)
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"))
    p.add_argument("--train-images", type=int, default=60000)
    p.add_argument("--label-images", type=int, default=None)
    p.add_argument("--test-images", type=int, default=10000)
    add_order_option(p)
    p.add_argument("--jobs", type=positive_int, default=2)
    p.add_argument("--out", required=True)
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=run_compare)


def run_compare(args) -> int:
    """Entry point of ``lava-aptn compare``."""
    from lava_aptn.config import RunConfig
    from lava_aptn.engine.commands import network_config
    from lava_aptn.experiments.compare import compare, table
    from lava_aptn.io import atomic_write_text

    run_cfg = RunConfig(
        dataset=args.dataset,
        train_images=args.train_images,
        label_images=args.label_images or args.train_images,
        test_images=args.test_images,
        order=args.order,
        checkpoint_every=0,
    )
    results = compare(
        args.out,
        net_cfg=network_config(args),
        run_cfg=run_cfg,
        methods=args.methods,
        seeds=args.seeds,
        target=args.target_connectivity,
        jobs=args.jobs,
        preset_name=args.preset,
        progress=not args.no_progress,
    )
    text = table(results, args.methods)
    atomic_write_text(f"{args.out}/summary.md", f"# lava-aptn compare\n\n{text}\n")
    print()
    print(text)
    return 0
