"""Plain-text reports of the energy estimate and the overhead model (pure functions)."""

from __future__ import annotations

from lava_aptn.energy.area import AreaReport
from lava_aptn.energy.estimate import EVENT_KINDS, EnergyReport, PhaseEnergy
from lava_aptn.energy.overhead import PHASE_NAMES, OverheadReport
from lava_aptn.energy.paper import PaperComparison


def _num(value: float | None, spec: str = ",.1f") -> str:
    return "n/a" if value is None else format(value, spec)


def _uj(energy_pj: float | None) -> str:
    return "not included" if energy_pj is None else f"{energy_pj * 1e-6:.4f}"


def format_energy(report: EnergyReport) -> str:
    """Return the ``lava-aptn energy`` report: both conventions, labelled, side by side."""
    prof = report.profile
    train, infer = report.train, report.infer
    lines = [
        f"run: {report.origin}",
        f"profile: {prof.name} ({prof.origin})",
        f"  {' '.join(prof.description.split())}",
        "",
    ]
    if prof.has("synaptic_op"):
        head = f"paper convention: SOPs/image x synaptic_op = {prof.energy_pj('synaptic_op'):g} pJ"
        lines += [
            head + " (STDP updates priced as synaptic ops)",
            f"  {'':28}{'train':>16}{'infer':>16}",
            f"  {'SOPs/image':28}{train.sops_per_image:>16,.1f}{infer.sops_per_image:>16,.1f}",
            f"  {'energy, uJ/image':28}{_uj(train.paper_pj):>16}{_uj(infer.paper_pj):>16}",
        ]
    else:
        lines.append("paper convention: not available (the profile has no synaptic_op entry)")
    lines += [
        "",
        "per-event model: events/image x the profile's energy per event",
        f"  {'kind':16}{'entry':24}{'pJ/event':>12}{'train/image':>14}{'train uJ':>14}"
        f"{'infer/image':>14}{'infer uJ':>14}",
    ]
    for kind in EVENT_KINDS:
        t, i = train.term(kind), infer.term(kind)
        coeff = _num(t.coefficient_pj, "g")
        if t.coefficient_upper_pj is not None:
            coeff += f"-{t.coefficient_upper_pj:g}"
        lines.append(
            f"  {kind:16}{t.profile_key or '-':24}{coeff:>12}"
            f"{_num(t.count_per_image):>14}{_uj(t.energy_pj):>14}"
            f"{_num(i.count_per_image):>14}{_uj(i.energy_pj):>14}"
        )
    lines.append(
        f"  {'total (included kinds)':66}{_uj(train.per_event_pj):>14}{'':14}"
        f"{_uj(infer.per_event_pj):>14}"
    )
    if train.per_event_upper_pj != train.per_event_pj:
        lines.append(
            f"  {'upper bound (ranges at their top)':66}{_uj(train.per_event_upper_pj):>14}"
            f"{'':14}{_uj(infer.per_event_upper_pj):>14}"
        )
    lines += _term_notes(train) + _term_notes(infer, skip=_term_notes_kinds(train))
    lines += [f"  warning: {w}" for w in report.warnings]
    if report.unused_keys:
        lines.append(
            f"  unused profile entries: {', '.join(report.unused_keys)} "
            "(no counter for them, e.g. tile hops need a core placement)"
        )
    return "\n".join(lines)


def _term_notes_kinds(phase: PhaseEnergy) -> set[tuple[str, str]]:
    return {(t.kind, t.reason) for t in phase.terms if t.reason}


def _term_notes(phase: PhaseEnergy, skip: set[tuple[str, str]] | None = None) -> list[str]:
    out = []
    for t in phase.terms:
        if not t.reason or (skip and (t.kind, t.reason) in skip):
            continue
        label = "not included" if not t.included else "note"
        out.append(f"  {label}: {t.kind} ({phase.phase}): {t.reason}")
    return out


def format_overhead(
    report: OverheadReport,
    *,
    sram_label: str,
    sop_label: str | None,
    area: AreaReport | None,
    comparisons: tuple[PaperComparison, ...],
) -> str:
    """Return the ``lava-aptn overhead`` report."""
    a = report.assumptions
    batches = report.batches
    lines = [
        "pruning-unit overhead model (Guo et al. 2020, Implementation Overhead, Table 4)",
        f"  N = {a.n_neurons:,} neurons, M = {a.n_inputs:,} inputs, G = {a.n_groups} groups, "
        f"final connectivity c = {a.connectivity:g}",
        f"  T = {a.train_images:,} training images, pruning from {a.prune_start:,}, every B "
        f"images{' (incl. a step at T)' if a.include_final_step else ''}",
        f"  no parallelism, one weight-memory access per cycle, {a.word_bits}-bit words; every "
        f"operation priced at {report.sram_access_pj:g} pJ ({sram_label})",
        "",
        f"per pruning step{'':16}{'cycles':>10}{'ops':>12}   formula: cycles; ops",
    ]
    first = batches[0]
    for name in PHASE_NAMES:
        rows = [first] if name != "weight_pruning" else list(batches)
        for b in rows:
            p = b.phase(name)
            label = name if name != "weight_pruning" else f"weight_pruning (B = {b.batch:,})"
            lines.append(
                f"  {label:30}{p.cycles:>10,.0f}{p.ops.total:>12,.0f}   "
                f"{p.cycles_formula}; {p.ops_formula}"
            )
    for b in batches:
        lines.append(
            f"  {'all phases (B = ' + format(b.batch, ',') + ')':30}"
            f"{b.cycles_per_step:>10,.0f}{b.ops_per_step:>12,.0f}"
        )
    lines.append("  how each phase is counted:")
    lines += [f"    {p.phase}: {p.derivation}" for p in first.phases]
    head = "".join(f"{'B = ' + format(b.batch, ','):>14}" for b in batches)
    lines += ["", f"averaged per training image{'':9}{head}"]

    def row(label: str, values: list[str]) -> None:
        lines.append(f"  {label:34}" + "".join(f"{v:>14}" for v in values))

    row("pruning steps in the run", [f"{b.steps:,}" for b in batches])
    row("zero writes per step (W)", [f"{b.zero_writes_per_step:,.1f}" for b in batches])
    row("cycles / image", [f"{b.cycles_per_image:,.2f}" for b in batches])
    row("ops / image", [f"{b.ops_per_image:,.2f}" for b in batches])
    row(
        "ops / image without zero writes",
        [f"{b.ops_per_image_without_writes:,.2f}" for b in batches],
    )
    row("pruning energy / image, nJ", [f"{b.energy_pj_per_image * 1e-3:.4f}" for b in batches])
    if report.sop_energy_pj_per_image:
        sop = report.sop_energy_pj_per_image
        row("pruning / SOP energy", [f"{b.energy_pj_per_image / sop:.4%}" for b in batches])
        row(
            "pruning cycles / training SOPs",
            [f"{b.cycles_per_image / report.train_sops_per_image:.4%}" for b in batches],
        )
        lines.append(
            f"  SOP energy / image: {report.train_sops_per_image:,.0f} training SOPs x "
            f"{sop / report.train_sops_per_image:g} pJ = {sop * 1e-6:.3f} uJ ({sop_label})"
        )
    if area is not None:
        lines += ["", "area of the pruning unit (equivalent NAND2 gates, GE)"]
        for line in area.lines:
            lines.append(f"  {line.item:52}{line.count:>6} x {line.ge_each:>4g}{line.ge:>10,.0f}")
        lines.append(f"  {'total':52}{'':15}{area.total_ge:>10,.0f}")
        share = area.fraction_of_snn
        if share is not None:
            lines.append(f"  share of the SNN's {area.snn_gates:,.0f} GE: {share:.3%}")
        lines.append(
            f"  memories: {area.bram18_blocks} x 18 Kb BRAM (firing activity + thresholds, "
            f"{area.table_bits:,} bits); prune flags: {area.flag_bits:,} bits (1 per weight, "
            "kept with the weights)"
        )
    lines += ["", "paper vs model"]
    if not comparisons:
        lines.append(
            "  no comparison: Table 4 is for N = 100, M = 784, G = 20, T = 60,000, "
            "pruning from 30,000"
        )
    for c in comparisons:
        tag = "n/a " if c.model is None else "ok  " if c.agrees else "DIFF"
        model = "n/a" if c.model is None else f"{c.model:,.4g}"
        if c.model is not None and abs(c.model) >= 1e4:
            model = f"{c.model:,.0f}"
        lines.append(f"  [{tag}] {c.quantity}: paper {c.paper}, {c.source} {model}")
        lines.append(f"         {c.reason}")
    return "\n".join(lines)
