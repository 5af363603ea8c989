"""``lava-aptn lava``: train on Lava's CPU backend, check it against the engine.

Trains the WTA network as Lava Processes (:mod:`lava_aptn.processes`) on the first
``--images`` training images, trains the engine on the same images, and prints how
well they agree and the speed of both. Exit status 0 when they agree within the
documented tolerance (``docs/lava.md``), 1 otherwise. Heavy imports (Lava, numba)
happen only when the command runs.
"""

from __future__ import annotations

import argparse
import sys

from lava_aptn.errors import LavaAptnError

PRECISIONS = ("float", "fixed")
#: Default images per pruning step: small, so that a short run prunes.
DEFAULT_PRUNE_BATCH = 2


def register(subparsers) -> None:
    """Add the ``lava`` subcommand."""
    from lava_aptn.engine.commands import add_network_options, add_pruning_options

    p = subparsers.add_parser(
        "lava",
        help="train on the Lava CPU backend and compare with the engine",
        description="Train the WTA network with STDP and online pruning as Lava Processes "
        "on the first --images training images, train the engine on the same images, and "
        "report their agreement (spike counts, synapse states, weights) and steps/s. "
        "Exit status 0 when they agree within the documented tolerance, 1 otherwise.",
    )
    add_network_options(p)
    add_pruning_options(p)
    p.set_defaults(method="aptn")
    p.add_argument("--images", type=int, default=4, help="training images (4)")
    p.add_argument("--dataset", default="mnist", choices=("mnist", "fashion-mnist"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--precision",
        default="float",
        choices=PRECISIONS,
        help="float: floating_pt models against the float engine; fixed: fixed_pt models "
        "against the engine's fixed-point mode (bit-exact)",
    )
    p.set_defaults(func=run_lava_command)


def _pruning_config(args):
    from lava_aptn.engine.commands import pruning_config

    if args.target_connectivity is not None:
        raise LavaAptnError("--target-connectivity is not available for `lava`; give --w-th0")
    if args.prune_batch is None:
        args.prune_batch = DEFAULT_PRUNE_BATCH
    if args.prune_start is None:
        args.prune_start = args.prune_batch
    return pruning_config(args)


def run_lava_command(args) -> int:
    """Entry point of ``lava-aptn lava``."""
    if not 1 <= args.images <= 60000:
        raise LavaAptnError(f"--images must be between 1 and 60000, got {args.images}")
    from lava_aptn.data import load_dataset
    from lava_aptn.engine.commands import network_config
    from lava_aptn.lavarun.compare import compare_with_engine

    net_cfg = network_config(args)
    prune_cfg = _pruning_config(args)
    images, _ = load_dataset(args.dataset, "train")
    print(
        f"lava: {args.dataset} images 0-{args.images - 1}, N = {net_cfg.n_neurons}, method "
        f"{prune_cfg.method} (prune start {prune_cfg.prune_start}, batch "
        f"{prune_cfg.prune_batch}), seed {args.seed}, "
        f"{'fixed_pt' if args.precision == 'fixed' else 'floating_pt'}",
        flush=True,
    )

    def progress(done: int, total: int) -> None:
        print(f"  Lava: {done}/{total} images", flush=True)

    if args.precision == "fixed":
        return _run_fixed(net_cfg, prune_cfg, images[: args.images], args.seed)
    agreement, lava, engine = compare_with_engine(
        net_cfg, prune_cfg, images[: args.images], seed=args.seed, progress=progress
    )
    print(
        f"Lava: {lava.steps} steps ({lava.presentations} presentations) in "
        f"{lava.run_seconds:.1f} s + {lava.compile_seconds:.1f} s compile/start; "
        f"{lava.prune_steps} pruning steps"
    )
    print(f"engine: {engine.steps} steps in {engine.seconds:.3f} s")
    print(agreement.report())
    return 0 if agreement.ok else 1


def _run_fixed(net_cfg, prune_cfg, images, seed: int) -> int:
    """Compare the Lava fixed_pt models with the engine's fixed-point mode, bit for bit."""
    from lava_aptn.lavarun.fixed import compare_fixed

    report = compare_fixed(net_cfg, prune_cfg, images, seed=seed)
    fields = ("spikes", "weights", "syn_state", "theta", "neuron_state", "traces", "clock")
    for name in fields:
        if name in report:
            print(f"{name:>13} identical: {report[name]}")
    print(
        f"pruning steps: engine {report['prune_steps_engine']}, Lava {report['prune_steps_lava']}"
    )
    lava_s, engine_s = report["lava_steps_per_s"], report["engine_steps_per_s"]
    print(
        f"steps/s: Lava {lava_s:,.0f}, engine {engine_s:,.0f} (engine/Lava "
        f"{engine_s / lava_s:,.0f}x)"
    )
    print("verdict: " + ("BIT-EXACT" if report["bit_exact"] else "DIFFER"))
    return 0 if report["bit_exact"] else 1


def main(argv: list[str] | None = None) -> int:
    """Run ``lava`` alone (``python -m lava_aptn.lava_commands ...``)."""
    parser = argparse.ArgumentParser(prog="lava-aptn")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["lava", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (LavaAptnError, ValueError) as exc:
        print(f"lava-aptn lava: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
