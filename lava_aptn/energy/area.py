"""Area of the pruning unit: equivalent NAND2 gates and block-RAM bits.

The paper's Table 5 (an image, not in our text) lists the unit's gates and memories; the
text says it is about 0.3 % of the SNN's equivalent NAND gates and that two 18 Kb BRAMs
hold the neurons' firing activity and pruning thresholds. We cannot read Table 5, so this
module builds the count from a datapath that runs the three phases of `overhead`, with the
gate costs stated below (all in NAND2 equivalents, GE):

* edge-triggered D flip-flop: 6 GE (the classic six-NAND-gate circuit)
* full adder: 9 GE (NAND-only realisation); half adder: 5 GE
* 2:1 multiplexer: 4 GE (three NAND2 + one inverter as NAND2)
* inverter: 1 GE (as a NAND2 with tied inputs; real libraries are nearer 0.7 GE)
* ``w``-bit adder: ``w`` full adders; ``w``-bit magnitude comparator: a ``w``-bit
  subtractor, ``w`` full adders + ``w`` inverters
* ``w``-bit barrel shifter: ``ceil(log2 w)`` stages of ``w`` multiplexers
* ``b``-bit counter: ``b`` flip-flops + ``b`` half adders
* control state machine: 6 states (idle, scan, split, adapt, prune, done), 3 flip-flops
  plus an *assumed* 20 GE of next-state logic per state

Datapath: seven ``w``-bit registers (min, max, group boundary, group threshold, base
threshold, spike interval, neuron factor) each with a 2:1 input multiplexer; three
comparators (count vs min, count vs max, weight vs threshold; the boundary compares reuse
them); one adder and one barrel shifter (boundary increments, shift-and-add scaling);
counters for the neuron, the group and the weight address.

Memories: firing activity and thresholds, ``N`` words of ``w`` bits each, in separate
18 Kb block RAMs (18,432 bits, Xilinx 7-series RAMB18 aspect ratios 16K x 1 ... 512 x 36),
plus one prune flag per weight (``N M`` bits) stored beside the weights.

>>> r = estimate_area(n_neurons=100, n_inputs=784, n_groups=20, word_bits=24)
>>> r.bram18_blocks, r.flag_bits
(2, 78400)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lava_aptn.errors import ConfigError

#: Gate equivalents (NAND2 = 1) of each primitive, as stated in the module docstring.
GE_DFF = 6.0
GE_FULL_ADDER = 9.0
GE_HALF_ADDER = 5.0
GE_MUX2 = 4.0
GE_INVERTER = 1.0
GE_FSM_PER_STATE = 20.0
FSM_STATES = 6
#: Bits in one 18 Kb block RAM and its (depth, width) configurations.
BRAM18_BITS = 18 * 1024
BRAM18_SHAPES = ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36))
REGISTERS = 7
COMPARATORS = 3


def _bits_for(count: int) -> int:
    return max(1, math.ceil(math.log2(count))) if count > 1 else 1


@dataclass(frozen=True)
class GateLine:
    """One line of the gate count: ``count`` items of ``ge_each`` gate equivalents."""

    item: str
    count: int
    ge_each: float

    @property
    def ge(self) -> float:
        """Gate equivalents of the line."""
        return self.count * self.ge_each


@dataclass(frozen=True)
class AreaReport:
    """Gate and memory count of the pruning unit.

    Attributes
    ----------
    lines
        The gate count, item by item.
    bram18_blocks
        18 Kb block RAMs for firing activity and thresholds (one table each).
    table_bits
        Bits actually stored in those tables, ``2 N w``.
    flag_bits
        One prune flag per weight, ``N M``, kept with the weights.
    snn_gates
        The SNN's gate count if given, for the ratio.
    """

    lines: tuple[GateLine, ...]
    bram18_blocks: int
    table_bits: int
    flag_bits: int
    snn_gates: float | None = None

    @property
    def total_ge(self) -> float:
        """Equivalent NAND2 gates of the pruning unit."""
        return math.fsum(line.ge for line in self.lines)

    @property
    def fraction_of_snn(self) -> float | None:
        """``total_ge / snn_gates``, or ``None`` without the SNN's count."""
        return None if not self.snn_gates else self.total_ge / self.snn_gates


def bram18_blocks_for(words: int, word_bits: int) -> int:
    """Return the 18 Kb BRAMs that hold ``words`` words of ``word_bits`` bits.

    Uses the narrowest RAMB18 shape at least ``word_bits`` wide (wider words use several
    blocks side by side).

    >>> bram18_blocks_for(100, 24), bram18_blocks_for(800, 24)
    (1, 2)
    """
    if words <= 0:
        return 0
    for depth, width in BRAM18_SHAPES:
        if width >= word_bits:
            return math.ceil(words / depth)
    depth, width = BRAM18_SHAPES[-1]
    return math.ceil(words / depth) * math.ceil(word_bits / width)


def estimate_area(
    *,
    n_neurons: int,
    n_inputs: int,
    n_groups: int,
    word_bits: int = 24,
    snn_gates: float | None = None,
) -> AreaReport:
    """Count the pruning unit's gates and memories (see the module docstring)."""
    for name, value in (
        ("n_neurons", n_neurons),
        ("n_inputs", n_inputs),
        ("n_groups", n_groups),
        ("word_bits", word_bits),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
    if snn_gates is not None and (not math.isfinite(snn_gates) or snn_gates <= 0):
        raise ConfigError(f"snn_gates must be a finite number > 0, got {snn_gates!r}")
    w = word_bits
    counter_bits = _bits_for(n_neurons) + _bits_for(n_groups) + _bits_for(n_neurons * n_inputs)
    lines = (
        GateLine(f"register bits ({REGISTERS} x {w}-bit), D flip-flops", REGISTERS * w, GE_DFF),
        GateLine(f"register input 2:1 muxes ({REGISTERS} x {w})", REGISTERS * w, GE_MUX2),
        GateLine(
            f"comparators ({COMPARATORS} x {w}-bit): full adders",
            COMPARATORS * w,
            GE_FULL_ADDER,
        ),
        GateLine(f"comparators ({COMPARATORS} x {w}-bit): inverters", COMPARATORS * w, GE_INVERTER),
        GateLine(f"adder ({w}-bit): full adders", w, GE_FULL_ADDER),
        GateLine(f"barrel shifter ({w}-bit): 2:1 muxes", _bits_for(w) * w, GE_MUX2),
        GateLine(f"counters ({counter_bits} bits): flip-flops", counter_bits, GE_DFF),
        GateLine(f"counters ({counter_bits} bits): half adders", counter_bits, GE_HALF_ADDER),
        GateLine(f"control FSM ({FSM_STATES} states): flip-flops", _bits_for(FSM_STATES), GE_DFF),
        GateLine("control FSM: next-state logic (assumed)", FSM_STATES, GE_FSM_PER_STATE),
    )
    blocks = 2 * bram18_blocks_for(n_neurons, w)
    return AreaReport(
        lines=lines,
        bram18_blocks=blocks,
        table_bits=2 * n_neurons * w,
        flag_bits=n_neurons * n_inputs,
        snn_gates=snn_gates,
    )
