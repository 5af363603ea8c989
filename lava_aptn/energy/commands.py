"""``lava-aptn energy`` and ``lava-aptn overhead`` subcommands."""

from __future__ import annotations

import argparse

_PROFILE_HELP = (
    "shipped profile name (hw_profiles/NAME.toml: loihi, truenorth, sram_yang2016) "
    "or the path of your own .toml profile"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``energy`` and ``overhead`` subcommands to the ``lava-aptn`` parser."""
    p = subparsers.add_parser(
        "energy",
        help="energy per image from a run's counters and a hardware profile",
        description=(
            "Print training and inference energy per image under the paper's convention "
            "(SOPs x energy per synaptic op) and a per-event model (each counted event kind "
            "x its cited energy), and store the result in DIR/result.json under "
            "energy_uj_per_image."
        ),
    )
    p.add_argument("run", metavar="DIR", help="run folder holding result.json (or the file)")
    p.add_argument("--profile", default="loihi", help=_PROFILE_HELP + " (default: loihi)")
    p.add_argument(
        "--no-write", action="store_true", help="print only; leave result.json unchanged"
    )
    p.set_defaults(func=cmd_energy)

    o = subparsers.add_parser(
        "overhead",
        help="cycles, operations, energy and area of the pruning unit (paper Table 4)",
        description=(
            "Model the pruning unit's cost per pruning step (grouping, adapting, weight "
            "pruning) and per training image, and print it beside the paper's Table 4."
        ),
    )
    o.add_argument("--neurons", type=int, default=100, help="excitatory neurons N (100)")
    o.add_argument(
        "--batch", type=int, nargs="+", default=[100, 5000], help="batch sizes B (100 5000)"
    )
    o.add_argument("--connectivity", type=float, default=0.1, help="final connectivity (0.1)")
    o.add_argument("--inputs", type=int, default=784, help="inputs per neuron M (784)")
    o.add_argument("--groups", type=int, default=20, help="neuron groups G (20)")
    o.add_argument("--train-images", type=int, default=60_000, help="training images (60000)")
    o.add_argument("--prune-start", type=int, default=30_000, help="first pruning (30000)")
    o.add_argument(
        "--no-final-step",
        action="store_true",
        help="do not count a pruning step at the end of training",
    )
    o.add_argument(
        "--zero-write-cycles",
        action="store_true",
        help="give each zero write its own cycle (single-port weight memory)",
    )
    o.add_argument("--word-bits", type=int, default=24, help="word width (16 + 8 = 24)")
    o.add_argument(
        "--sram-profile",
        default="sram_yang2016",
        help="profile with the sram_access entry (sram_yang2016)",
    )
    o.add_argument(
        "--sop-profile", default="loihi", help="profile with the synaptic_op entry (loihi)"
    )
    o.add_argument(
        "--train-sops",
        type=float,
        default=None,
        help="training SOPs/image to compare with (default: the paper's 96,099 for N = 100, "
        "or DIR's figure with --run)",
    )
    o.add_argument("--run", metavar="DIR", help="take training SOPs/image from DIR/result.json")
    o.add_argument("--snn-gates", type=float, default=None, help="the SNN's NAND2 gate count")
    o.add_argument("--json", metavar="PATH", help="also write the model as JSON to PATH")
    o.set_defaults(func=cmd_overhead)


def cmd_energy(args: argparse.Namespace) -> int:
    """Run ``lava-aptn energy``: print the estimate and fill ``energy_uj_per_image``."""
    from lava_aptn.energy.counters import counters_from_result, read_result
    from lava_aptn.energy.estimate import estimate_energy, result_field
    from lava_aptn.energy.profiles import resolve_profile
    from lava_aptn.energy.report import format_energy
    from lava_aptn.io import atomic_write_json

    profile = resolve_profile(args.profile)
    path, data = read_result(args.run)
    run = counters_from_result(data, origin=str(path))
    report = estimate_energy(run, profile)
    print(format_energy(report))
    if not args.no_write:
        field = result_field(report)
        updated = dict(data)
        updated["energy_uj_per_image"] = field
        atomic_write_json(path, updated)
        print(f"\nwrote energy_uj_per_image (profile {profile.name}) to {path}")
    return 0


def cmd_overhead(args: argparse.Namespace) -> int:
    """Run ``lava-aptn overhead``: print the model, its area and the paper comparison."""
    import dataclasses

    from lava_aptn.energy.area import estimate_area
    from lava_aptn.energy.counters import counters_from_result, read_result
    from lava_aptn.energy.overhead import OverheadAssumptions, estimate_overhead
    from lava_aptn.energy.paper import TABLE4_TRAIN_SOPS, compare_with_paper
    from lava_aptn.energy.profiles import resolve_profile
    from lava_aptn.energy.report import format_overhead
    from lava_aptn.io import atomic_write_json

    assumptions = OverheadAssumptions(
        n_neurons=args.neurons,
        n_inputs=args.inputs,
        n_groups=args.groups,
        connectivity=args.connectivity,
        train_images=args.train_images,
        prune_start=args.prune_start,
        include_final_step=not args.no_final_step,
        zero_write_extra_cycle=args.zero_write_cycles,
        word_bits=args.word_bits,
    )
    sram = resolve_profile(args.sram_profile)
    sop = resolve_profile(args.sop_profile)
    train_sops = args.train_sops
    if train_sops is None and args.run:
        path, data = read_result(args.run)
        train_sops = counters_from_result(data, origin=str(path)).sops_train_per_image
    sop_label = None
    if train_sops is None and args.neurons == 100 and args.connectivity == 0.1:
        train_sops = float(TABLE4_TRAIN_SOPS)
        sop_label = "paper's Table 4 training SOPs, N = 100 at 10 % connectivity"
    report = estimate_overhead(
        assumptions,
        batches=args.batch,
        sram_access_pj=sram.energy_pj("sram_access"),
        train_sops_per_image=train_sops,
        synaptic_op_pj=sop.energy_pj("synaptic_op") if train_sops is not None else None,
    )
    area = estimate_area(
        n_neurons=args.neurons,
        n_inputs=args.inputs,
        n_groups=args.groups,
        word_bits=args.word_bits,
        snn_gates=args.snn_gates,
    )
    comparisons = compare_with_paper(report, area)
    print(
        format_overhead(
            report,
            sram_label=f"sram_access of profile {sram.name}",
            sop_label=f"synaptic_op of {sop.name}" + (f"; {sop_label}" if sop_label else ""),
            area=area,
            comparisons=comparisons,
        )
    )
    if args.json:
        atomic_write_json(
            args.json,
            {
                "overhead": dataclasses.asdict(report),
                "area": dataclasses.asdict(area) | {"total_ge": area.total_ge},
                "paper_vs_model": [dataclasses.asdict(c) for c in comparisons],
            },
        )
        print(f"\nwrote {args.json}")
    return 0
