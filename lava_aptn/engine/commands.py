"""``lava-aptn train``: train, label and test one network with the engine."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from lava_aptn.errors import LavaAptnError

METHODS = ("none", "constant", "apt", "apn", "aptn", "post-training", "soft", "neuron")


def _override(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--set takes NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    return name.strip(), parsed


def add_network_options(p: argparse.ArgumentParser, *, several_sizes: bool = False) -> None:
    """Options that select the network configuration (``several_sizes``: ``--neurons N ...``)."""
    from lava_aptn.config import DEFAULT_PRESET, PRESETS

    if several_sizes:
        p.add_argument(
            "--neurons",
            type=int,
            nargs="+",
            default=[100],
            metavar="N",
            help="excitatory neurons N, one or more sizes (100)",
        )
    else:
        p.add_argument("--neurons", type=int, default=100, help="excitatory neurons N (100)")
    p.add_argument(
        "--preset",
        default=DEFAULT_PRESET,
        choices=sorted(PRESETS),
        help=f"network parameters ({DEFAULT_PRESET})",
    )
    p.add_argument(
        "--set",
        dest="overrides",
        type=_override,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a network parameter, e.g. --set stdp.mu_post=0.02",
    )


def add_pruning_options(p: argparse.ArgumentParser) -> None:
    """Options of the pruning method (design section 2)."""
    p.add_argument("--method", default="none", choices=METHODS, help="pruning method (none)")
    p.add_argument("--w-th0", type=float, default=None, help="initial weight threshold")
    p.add_argument(
        "--target-connectivity",
        type=float,
        default=None,
        help="search --w-th0 so the final connectivity is this fraction",
    )
    p.add_argument("--time-fn", default="f1", choices=("f1", "f2", "f3"))
    p.add_argument("--time-factor", type=float, default=None)
    p.add_argument("--neuron-fn", default="f1", choices=("f1", "f2", "f3"))
    p.add_argument("--neuron-factor", type=float, default=None)
    p.add_argument(
        "--spike-interval",
        type=float,
        default=None,
        help="grouping interval SI in spikes per batch (inf: one group)",
    )
    p.add_argument(
        "--group-order",
        default=None,
        choices=("ascending", "descending"),
        help="neuron groups by spike count: ascending (paper: most active, highest threshold)",
    )
    p.add_argument(
        "--prune-start",
        type=int,
        default=None,
        help="images before pruning (30000; half of a run shorter than 60000)",
    )
    p.add_argument(
        "--prune-batch",
        type=int,
        default=None,
        help="images per step (5000; a twelfth of a run shorter than 60000)",
    )
    p.add_argument(
        "--prune-end",
        type=int,
        default=None,
        help="no step after this many images (default: steps until the end of training)",
    )


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options of the run protocol."""
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train-images", type=int, default=60000)
    p.add_argument(
        "--label-images",
        type=int,
        default=None,
        help="training images used to assign labels (default: --train-images)",
    )
    p.add_argument("--test-images", type=int, default=10000)
    add_order_option(p)
    p.add_argument("--precision", default="float", choices=("float", "fixed"))
    p.add_argument(
        "--fixed-weight-exp",
        type=int,
        default=None,
        metavar="E",
        help="fixed precision: input-weight exponent, true weight = mantissa * 2**E / 256 "
        "(/ 2**weight_bits for profiles with other widths) "
        "(default: the profile's, 0; 1 or 2 when pruning far, see docs/fixed-point.md)",
    )
    p.add_argument(
        "--fixed-profile",
        default=None,
        metavar="NAME|PATH",
        help="fixed precision: the fixed-point profile, a name in hw_profiles/fixed_point/ "
        "(default loihi2) or a TOML path (widths ablations: docs/fixed-point.md)",
    )
    p.add_argument("--checkpoint-every", type=int, default=5000)
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")


def add_order_option(p: argparse.ArgumentParser) -> None:
    """``--order``: the training images in the seed's permutation or in the split's order."""
    from lava_aptn.config import DEFAULT_ORDER

    p.add_argument(
        "--order",
        default=DEFAULT_ORDER,
        choices=("shuffled", "dataset"),
        help=f"order of the training images: a permutation drawn from the seed, so that "
        f"seeds also differ in the order, or the split's own ({DEFAULT_ORDER})",
    )


def register(subparsers) -> None:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser(
        "train",
        help="train, label and test one network",
        description="Train the WTA network with STDP (and pruning), "
        "assign labels, test; write DIR/result.json and figures.",
    )
    add_network_options(p)
    add_run_options(p)
    add_pruning_options(p)
    p.add_argument("--out", required=True, help="run folder")
    p.add_argument("--resume", action="store_true", help="continue from DIR/checkpoint.npz")
    p.set_defaults(func=run_train)
    register_curve(subparsers)


def register_curve(subparsers) -> None:
    """Add the ``curve`` subcommand."""
    p = subparsers.add_parser(
        "curve",
        help="test accuracy over training (a learning curve)",
        description="Train one network as `train` does and, every --every training "
        "images, label a frozen copy and test it; write DIR/curve.csv and DIR/curve.png "
        "(no checkpoints: --checkpoint-every is ignored).",
    )
    add_network_options(p)
    add_run_options(p)
    add_pruning_options(p)
    p.add_argument(
        "--every",
        type=int,
        default=5000,
        help="training images between measurements, a multiple of 250 (5000)",
    )
    p.add_argument("--out", required=True, help="folder for curve.csv and curve.png")
    p.set_defaults(func=run_curve)


def run_curve(args) -> int:
    """Entry point of ``lava-aptn curve``."""
    from lava_aptn.engine.curve import learning_curve

    net_cfg, run_cfg = network_config(args), run_config(args)
    prune_cfg = fit_schedule(pruning_config(args), args, log=print)
    learning_curve(
        net_cfg,
        run_cfg,
        prune_cfg,
        every=args.every,
        out_dir=args.out,
        progress=not args.no_progress,
    )
    print(f"wrote {args.out}/curve.csv and curve.png")
    return 0


def network_config(args):
    """Build the :class:`NetworkConfig` of parsed arguments."""
    from lava_aptn.config import preset, with_overrides

    cfg = preset(args.preset, n_neurons=args.neurons)
    return with_overrides(cfg, dict(args.overrides)) if args.overrides else cfg


def run_config(args):
    """Build the :class:`RunConfig` of parsed arguments."""
    from lava_aptn.config import RunConfig

    label = args.label_images if args.label_images is not None else max(args.train_images, 1)
    return RunConfig(
        dataset=args.dataset,
        seed=args.seed,
        train_images=args.train_images,
        label_images=label,
        test_images=args.test_images,
        order=args.order,  # "dataset" is stored as None by RunConfig
        checkpoint_every=args.checkpoint_every,
        precision=args.precision,
        fixed_weight_exp=args.fixed_weight_exp,
        fixed_profile=args.fixed_profile,
    )


def pruning_config(args):
    """Build the :class:`PruningConfig` of parsed arguments (paper factors by default)."""
    from lava_aptn.pruning import paper_config

    fields = {
        "w_th0": args.w_th0,
        "time_fn": args.time_fn,
        "time_factor": args.time_factor,
        "neuron_fn": args.neuron_fn,
        "neuron_factor": args.neuron_factor,
        "spike_interval": args.spike_interval,
        "group_order": args.group_order,
        "prune_start": args.prune_start,
        "prune_batch": args.prune_batch,
        "prune_end": args.prune_end,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    if fields.get("spike_interval") is not None and math.isinf(fields["spike_interval"]):
        fields["spike_interval"] = math.inf
    return paper_config(method=args.method, neurons=args.neurons, **fields)


def fit_schedule(prune_cfg, args, *, log):
    """Fit the pruning schedule to the run's length, or refuse one that never prunes.

    A run shorter than one epoch with no ``--prune-start`` or ``--prune-batch`` gets the
    paper's schedule in proportion (:func:`~lava_aptn.pruning.scaled_schedule`), as
    ``compare`` and ``demo`` do, and says so; an online method whose ``--prune-start``
    comes after the last training image is an error, before any training.
    """
    from lava_aptn.pruning import prune_points, scaled_schedule

    if prune_cfg.method in ("none", "post-training"):
        return prune_cfg  # no schedule: never, or once at the end
    if args.prune_start is None and args.prune_batch is None:
        scaled = scaled_schedule(prune_cfg, args.train_images)
        if scaled != prune_cfg:
            log(
                f"{args.train_images:,} training images: pruning from image "
                f"{scaled.prune_start:,} every {scaled.prune_batch:,}, the paper's schedule "
                "in proportion (--prune-start and --prune-batch set it)"
            )
        prune_cfg = scaled
    if not prune_points(args.train_images, prune_cfg):
        raise LavaAptnError(
            f"no pruning step would run: --prune-start {prune_cfg.prune_start} is after the "
            f"last of the {args.train_images} training images; pass a smaller --prune-start"
        )
    return prune_cfg


def print_summary(result: dict, out) -> None:
    """Print the headline numbers of a run."""
    print(
        f"{out}: accuracy {result['accuracy']:.4f}  connectivity "
        f"{result['connectivity']:.4f}  SOPs/image train {result['sops_train_per_image']:,.0f}"
        f" infer {result['sops_infer_per_image']:,.0f}  train {result['train_wall_seconds']:.1f}"
        f" s ({result['train_images_per_second']:,.0f} img/s)"
    )


def run_train(args) -> int:
    """Entry point of ``lava-aptn train``."""
    from lava_aptn.engine.run import run

    net_cfg, run_cfg = network_config(args), run_config(args)
    prune_cfg = fit_schedule(pruning_config(args), args, log=print)
    if args.target_connectivity is not None:
        from lava_aptn.engine.target import run_at_connectivity

        if args.resume:
            raise LavaAptnError(
                "--resume continues one training and cannot be combined with "
                "--target-connectivity (a search of several trainings); run the search "
                "again, or resume a run with a fixed --w-th0"
            )

        result = run_at_connectivity(
            net_cfg,
            run_cfg,
            prune_cfg,
            args.out,
            target=args.target_connectivity,
            preset=args.preset,
            progress=not args.no_progress,
        )
    else:
        result = run(
            net_cfg,
            run_cfg,
            prune_cfg,
            args.out,
            resume=args.resume,
            preset=args.preset,
            progress=not args.no_progress,
        )
    print_summary(result, args.out)
    return 0
