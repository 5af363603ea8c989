"""Cycles, basic operations and energy of the pruning unit (Guo et al. 2020, Table 4).

Hardware assumed, as the paper states it: a synchronous digital unit, no parallelism, all
weights in one memory with one weight access per cycle, at most ``G`` groups (20), 16-bit
integer + 8-bit fraction words, multiplications done by shift and add. Each pruning step
has three phases; with ``N`` neurons, ``M`` inputs and ``G`` groups:

=============== ============ ============================================================
phase           cycles       basic operations
=============== ============ ============================================================
grouping        ``N + G``    ``3N + 5G``: per neuron read the spike count and compare it
                             with the running min and max (1 cycle each); per group add
                             the spike interval to the boundary, compare it with the max,
                             scale the threshold by the neuron factor (1 shift + 1 add),
                             write the threshold (1 cycle each)
adapting        ``N G``      ``N (1 + f G)``: per neuron one memory access and a
                             sequential search over the group boundaries, ``G``
                             comparisons at worst (cycles, one per cycle) and ``f G`` on
                             average (ops; ``f = 1/2`` when a neuron is equally likely to
                             sit in any group)
weight pruning  ``N M``      ``2 N M + W``: read and compare every weight (both in its
                             cycle), and write 0 (or the prune flag) to the ``W`` weights
                             removed in this step, in the same access slot
=============== ============ ============================================================

``W`` is averaged over the steps: the run removes ``(1 - c) N M`` weights in all (``c``
the final connectivity), each written once. Per training image the phases are averaged
over the run: ``steps * per-step / train_images`` with ``steps = (T - t_m) // B + 1``
(a step at ``t_m`` and one at the end of training, ``T``; the paper's 404 / 9 cycles need
that count). The grouping split ``5G`` and the adapting ``f = 1/2`` are reconstructions
(the paper gives totals only, for ``N = 100``); the rest follows from the stated hardware.

Examples
--------
>>> a = OverheadAssumptions(n_neurons=100)
>>> [(p.phase, p.cycles, p.ops.total) for p in step_phases(a, batch=5000)][:2]
[('grouping', 120.0, 400.0), ('adapting', 2000.0, 1100.0)]
>>> pruning_steps(train_images=60_000, prune_start=30_000, batch=100)
301
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lava_aptn.errors import ConfigError

PHASE_NAMES = ("grouping", "adapting", "weight_pruning")


def _integer(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _fraction(name: str, value: object, *, low_open: bool) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (0 < value <= 1) if low_open else (0 <= value <= 1)
    if not ok:
        interval = "(0, 1]" if low_open else "[0, 1]"
        raise ConfigError(f"{name} must be a number in {interval}, got {value!r}")


@dataclass(frozen=True)
class OverheadAssumptions:
    """Inputs of the overhead model.

    Attributes
    ----------
    n_neurons
        Excitatory neurons ``N``.
    n_inputs
        Inputs per neuron ``M`` (784 for MNIST).
    n_groups
        Neuron groups ``G`` assumed (the paper uses the upper limit 20).
    connectivity
        Final fraction of input->excitatory weights kept, ``c``.
    train_images
        Training images ``T``.
    prune_start
        Image count ``t_m`` at which pruning starts.
    include_final_step
        Count a step at ``T`` (end of training). The paper's per-image cycles need it.
    adapt_compare_fraction
        Average fraction ``f`` of the ``G`` boundaries compared per neuron (ops).
    zero_write_extra_cycle
        If true, writing a removed weight costs its own cycle (single-port memory with no
        read-modify-write slot); the paper's 78,400 cycles exclude such cycles.
    word_bits
        Width of spike counts and thresholds (16 integer + 8 fraction bits).
    """

    n_neurons: int
    n_inputs: int = 784
    n_groups: int = 20
    connectivity: float = 0.1
    train_images: int = 60_000
    prune_start: int = 30_000
    include_final_step: bool = True
    adapt_compare_fraction: float = 0.5
    zero_write_extra_cycle: bool = False
    word_bits: int = 24

    def __post_init__(self) -> None:
        _integer("n_neurons", self.n_neurons, 1)
        _integer("n_inputs", self.n_inputs, 1)
        _integer("n_groups", self.n_groups, 1)
        _integer("train_images", self.train_images, 1)
        _integer("prune_start", self.prune_start, 0)
        _integer("word_bits", self.word_bits, 1)
        _fraction("connectivity", self.connectivity, low_open=True)
        _fraction("adapt_compare_fraction", self.adapt_compare_fraction, low_open=False)
        if self.prune_start > self.train_images:
            raise ConfigError(
                f"prune_start must be <= train_images ({self.train_images}), "
                f"got {self.prune_start!r}"
            )

    @property
    def n_weights(self) -> int:
        """Plastic weights ``N M`` before pruning."""
        return self.n_neurons * self.n_inputs

    @property
    def removed_weights(self) -> float:
        """Weights removed over the whole run, ``(1 - c) N M``."""
        return (1.0 - self.connectivity) * self.n_weights


@dataclass(frozen=True)
class OpCounts:
    """Basic operations of one phase, by kind (each priced as one SRAM access)."""

    reads: float = 0.0
    writes: float = 0.0
    comparisons: float = 0.0
    additions: float = 0.0
    shifts: float = 0.0

    def __post_init__(self) -> None:
        for name in ("reads", "writes", "comparisons", "additions", "shifts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{name} must be a number, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}")
            object.__setattr__(self, name, float(value))

    @property
    def total(self) -> float:
        """All basic operations."""
        return self.reads + self.writes + self.comparisons + self.additions + self.shifts


@dataclass(frozen=True)
class PhaseCost:
    """Cost of one phase of one pruning step, with the formulas that gave it."""

    phase: str
    cycles: float
    ops: OpCounts
    cycles_formula: str
    ops_formula: str
    derivation: str = ""

    def __post_init__(self) -> None:
        if self.phase not in PHASE_NAMES:
            raise ConfigError(f"phase must be one of {PHASE_NAMES}, got {self.phase!r}")
        if not math.isfinite(self.cycles) or self.cycles < 0:
            raise ConfigError(f"cycles must be a finite number >= 0, got {self.cycles!r}")


@dataclass(frozen=True)
class BatchOverhead:
    """Pruning cost for one batch size: per step and averaged per training image.

    Attributes
    ----------
    batch
        Images between pruning steps ``B``.
    steps
        Pruning steps in the run.
    phases
        Per-step `PhaseCost` of grouping, adapting and weight pruning.
    zero_writes_per_step
        Removed weights written per step, ``(1 - c) N M / steps``.
    cycles_per_image, ops_per_image
        ``steps * per-step / train_images``.
    ops_per_image_without_writes
        As `ops_per_image` leaving out the zero writes.
    energy_pj_per_image
        ``ops_per_image * sram_access_pj``.
    """

    batch: int
    steps: int
    phases: tuple[PhaseCost, ...]
    zero_writes_per_step: float
    cycles_per_image: float
    ops_per_image: float
    ops_per_image_without_writes: float
    energy_pj_per_image: float

    @property
    def cycles_per_step(self) -> float:
        """Cycles of one pruning step (all phases)."""
        return math.fsum(p.cycles for p in self.phases)

    @property
    def ops_per_step(self) -> float:
        """Basic operations of one pruning step (all phases)."""
        return math.fsum(p.ops.total for p in self.phases)

    def phase(self, name: str) -> PhaseCost:
        """Return the cost of phase ``name``."""
        for p in self.phases:
            if p.phase == name:
                return p
        raise ConfigError(f"phase must be one of {PHASE_NAMES}, got {name!r}")


@dataclass(frozen=True)
class OverheadReport:
    """The overhead model for several batch sizes, with its energy reference."""

    assumptions: OverheadAssumptions
    sram_access_pj: float
    batches: tuple[BatchOverhead, ...]
    sop_energy_pj_per_image: float | None = None
    train_sops_per_image: float | None = None

    def batch(self, batch: int) -> BatchOverhead:
        """Return the result for batch size ``batch``."""
        for b in self.batches:
            if b.batch == batch:
                return b
        raise ConfigError(f"batch {batch!r} not in this report")


def pruning_steps(
    *, train_images: int, prune_start: int, batch: int, include_final_step: bool = True
) -> int:
    """Return the number of pruning steps in a run.

    Steps fall at ``prune_start, prune_start + batch, ...``; with ``include_final_step``
    the one at ``train_images`` (after the last image) counts, otherwise only those before.

    >>> pruning_steps(train_images=60_000, prune_start=30_000, batch=5000)
    7
    >>> pruning_steps(train_images=60_000, prune_start=30_000, batch=5000,
    ...               include_final_step=False)
    6
    """
    _integer("train_images", train_images, 1)
    _integer("prune_start", prune_start, 0)
    _integer("batch", batch, 1)
    span = train_images - prune_start
    if span < 0:
        raise ConfigError(f"prune_start must be <= train_images, got {prune_start!r}")
    return span // batch + 1 if include_final_step else -(-span // batch)


def step_phases(a: OverheadAssumptions, *, batch: int) -> tuple[PhaseCost, ...]:
    """Return the per-step cost of the three phases (see the module docstring)."""
    n, m, g = a.n_neurons, a.n_inputs, a.n_groups
    steps = pruning_steps(
        train_images=a.train_images,
        prune_start=a.prune_start,
        batch=batch,
        include_final_step=a.include_final_step,
    )
    writes = a.removed_weights / steps if steps else 0.0
    grouping = PhaseCost(
        phase="grouping",
        cycles=float(n + g),
        ops=OpCounts(reads=n, comparisons=2 * n + g, additions=2 * g, shifts=g, writes=g),
        cycles_formula="N + G",
        ops_formula="3N + 5G",
        derivation="one spike count read per cycle, compared with the running min and max "
        "(N reads, 2N compares); then one group per cycle: add the spike interval to the "
        "boundary, compare it with the max, scale the threshold by the neuron factor "
        "(shift + add), write the threshold",
    )
    f = a.adapt_compare_fraction
    adapting = PhaseCost(
        phase="adapting",
        cycles=float(n * g),
        ops=OpCounts(reads=n, comparisons=f * n * g),
        cycles_formula="N G",
        ops_formula=f"N (1 + {f:g} G)",
        derivation="per neuron one memory access and a sequential search over the G group "
        f"boundaries: G compares at worst (cycles, one per cycle), {f:g} G on average (ops)",
    )
    extra = writes if a.zero_write_extra_cycle else 0.0
    pruning = PhaseCost(
        phase="weight_pruning",
        cycles=float(n * m) + extra,
        ops=OpCounts(reads=n * m, comparisons=n * m, writes=writes),
        cycles_formula="N M + W" if a.zero_write_extra_cycle else "N M",
        ops_formula="2 N M + W",
        derivation="read and compare every weight with its neuron's threshold, one weight per "
        "cycle; write 0 (or the prune flag) to the W = (1 - c) N M / steps weights removed "
        "per step, "
        + ("each in its own cycle" if a.zero_write_extra_cycle else "in the same access slot"),
    )
    return grouping, adapting, pruning


def batch_overhead(a: OverheadAssumptions, *, batch: int, sram_access_pj: float) -> BatchOverhead:
    """Return the per-step and per-image cost for one batch size."""
    if not math.isfinite(sram_access_pj) or sram_access_pj < 0:
        raise ConfigError(f"sram_access_pj must be a finite number >= 0, got {sram_access_pj!r}")
    steps = pruning_steps(
        train_images=a.train_images,
        prune_start=a.prune_start,
        batch=batch,
        include_final_step=a.include_final_step,
    )
    phases = step_phases(a, batch=batch)
    cycles_step = math.fsum(p.cycles for p in phases)
    ops_step = math.fsum(p.ops.total for p in phases)
    writes_step = phases[-1].ops.writes
    per_image = steps / a.train_images
    ops_per_image = ops_step * per_image
    return BatchOverhead(
        batch=batch,
        steps=steps,
        phases=phases,
        zero_writes_per_step=writes_step,
        cycles_per_image=cycles_step * per_image,
        ops_per_image=ops_per_image,
        ops_per_image_without_writes=(ops_step - writes_step) * per_image,
        energy_pj_per_image=ops_per_image * sram_access_pj,
    )


def estimate_overhead(
    a: OverheadAssumptions,
    *,
    batches: tuple[int, ...] | list[int],
    sram_access_pj: float,
    train_sops_per_image: float | None = None,
    synaptic_op_pj: float | None = None,
) -> OverheadReport:
    """Run the overhead model for each batch size.

    Parameters
    ----------
    a
        Network size and schedule.
    batches
        Batch sizes ``B`` (images between pruning steps).
    sram_access_pj
        Energy of one basic operation (the paper prices every one as an SRAM access).
    train_sops_per_image, synaptic_op_pj
        Optional training SOPs/image and energy per SOP, for the energy ratio.
    """
    if not batches:
        raise ConfigError("batches must hold at least one batch size")
    results = tuple(
        batch_overhead(a, batch=b, sram_access_pj=sram_access_pj) for b in dict.fromkeys(batches)
    )
    sop_pj = None
    if train_sops_per_image is not None and synaptic_op_pj is not None:
        sop_pj = float(train_sops_per_image) * float(synaptic_op_pj)
    return OverheadReport(
        assumptions=a,
        sram_access_pj=float(sram_access_pj),
        batches=results,
        sop_energy_pj_per_image=sop_pj,
        train_sops_per_image=train_sops_per_image,
    )
