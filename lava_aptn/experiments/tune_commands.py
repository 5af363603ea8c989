"""``lava-aptn tune``: evolutionary parameter search scored on held-out training images."""

from __future__ import annotations

from lava_aptn.cli_args import positive_int


def register(subparsers) -> None:
    """Add the ``tune`` subcommand."""
    from lava_aptn.engine.commands import add_network_options, add_order_option

    p = subparsers.add_parser(
        "tune",
        help="search network parameters (scored on held-out training images)",
        description="Evolutionary (mu + lambda) search over the network parameters named in "
        "SPACE (a TOML file). Each candidate trains on the first --train-images training "
        "images, assigns labels with them and is scored on the last --eval-images training "
        "images (held out; the test set is never used); with several --neurons sizes it is "
        "trained and scored at each, and its score is the mean. Rerun the same command to resume. "
        "Writes OUT/candidates.jsonl, OUT/summary.md and OUT/best.json.",
    )
    p.add_argument("space", metavar="SPACE.toml", help="search space (see docs/tuning.md)")
    p.add_argument("--out", required=True, help="search folder (resumed when it exists)")
    p.add_argument(
        "--budget",
        type=int,
        default=None,
        help="candidates in all (default: population x generations)",
    )
    p.add_argument("--population", type=int, default=8, help="candidates per generation (8)")
    p.add_argument(
        "--generations",
        type=int,
        default=None,
        help="generations (default: enough for --budget, else 4)",
    )
    p.add_argument(
        "--parents",
        type=int,
        default=None,
        help="best candidates mutated into the next generation (population // 4)",
    )
    p.add_argument(
        "--mutation",
        type=float,
        default=0.15,
        help="mutation step, a fraction of each range (0.15)",
    )
    p.add_argument("--no-base", action="store_true", help="do not evaluate the base config")
    p.add_argument(
        "--train-images",
        type=int,
        default=10000,
        help="first training images, trained on and used to assign labels (10000)",
    )
    p.add_argument(
        "--eval-images",
        type=int,
        default=10000,
        help="last training images, held out to score each candidate (10000)",
    )
    add_order_option(p)
    p.add_argument("--jobs", type=positive_int, default=None, help="processes (default: all cores)")
    p.add_argument("--seed", type=int, default=0, help="seeds the draws and every network (0)")
    p.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="seeds each candidate is evaluated on during the search, scored by the mean (1)",
    )
    p.add_argument(
        "--seeds",
        type=int,
        default=0,
        help="re-evaluate the best --top candidates on this many fresh seeds (0: off)",
    )
    p.add_argument("--top", type=int, default=3, help="candidates re-evaluated by --seeds (3)")
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"))
    add_network_options(p, several_sizes=True)
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=run_tune)


def run_tune(args) -> int:
    """Entry point of ``lava-aptn tune``."""
    from lava_aptn.experiments.tune import TuneSettings, load_space, run_search

    space = load_space(args.space)
    settings = TuneSettings(
        preset=args.preset,
        neurons=tuple(args.neurons),
        fixed=dict(args.overrides),
        dataset=args.dataset,
        train_images=args.train_images,
        eval_images=args.eval_images,
        order=args.order,
        seed=args.seed,
        budget=args.budget,
        population=args.population,
        generations=args.generations,
        parents=args.parents,
        mutation=args.mutation,
        include_base=not args.no_base,
        jobs=args.jobs,
        repeats=args.repeats,
        seeds=args.seeds,
        top=args.top,
    )
    result = run_search(space, settings, args.out, progress=not args.no_progress)
    if result.best:
        print(f"\nbest {result.best['id']}: held-out accuracy {result.best['score']:.4f}")
        print(result.best["command"])
    return 0
