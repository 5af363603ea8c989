from __future__ import annotations

import pytest

from lava_aptn.energy.area import bram18_blocks_for, estimate_area
from lava_aptn.energy.overhead import OverheadAssumptions, estimate_overhead
from lava_aptn.energy.paper import compare_with_paper


def _report(n=100, batches=(100, 5000)):
    return estimate_overhead(
        OverheadAssumptions(n_neurons=n),
        batches=list(batches),
        sram_access_pj=0.5,
        train_sops_per_image=96_099,
        synaptic_op_pj=23.6,
    )


def _by_quantity(lines):
    return {c.quantity: c for c in lines}


def test_paper_comparison_flags_agreements_and_differences():
    lines = _by_quantity(
        compare_with_paper(_report(), estimate_area(n_neurons=100, n_inputs=784, n_groups=20))
    )
    for q in (
        "grouping cycles per step",
        "grouping ops per step",
        "adapting cycles per step",
        "adapting ops per step",
        "weight_pruning cycles per step",
        "cycles per image (B = 100)",
        "cycles per image (B = 5,000)",
        "SOP energy per image, uJ",
        "18 Kb BRAMs (firing activity + thresholds)",
    ):
        assert lines[q].agrees, q
    for q in (
        "weight_pruning ops per step (B = 100)",
        "weight_pruning ops per step (B = 5,000)",
        "ops per image (B = 100)",
        "pruning energy per image (B = 100), nJ",
        "pruning / SOP energy per image (B = 100), %",
        "paper vs itself: ops per image (B = 100) from its per-step ops",
    ):
        assert not lines[q].agrees, q
        assert lines[q].reason
    # 794 ops x 0.5 pJ = 0.4 nJ, not the paper's 3.4 nJ
    energy = lines["pruning energy per image (B = 100), nJ"]
    assert energy.paper == "3.4" and energy.model == pytest.approx(0.398, abs=1e-3)
    assert "0.40 nJ" in energy.reason and "6,800" in energy.reason
    # the paper's own per-step ops (168,300) give 844, not 794; 158,300 gives 794
    itself = lines["paper vs itself: ops per image (B = 100) from its per-step ops"]
    assert itself.model == pytest.approx(301 * 168_300 / 60_000)
    assert itself.source == "from paper" and "794.14" in itself.reason
    assert lines["pruning unit / SNN equivalent NAND gates, %"].model is None


def test_no_comparison_outside_table4_conditions():
    assert compare_with_paper(_report(n=800)) == ()


def test_gate_count_from_stated_costs():
    area = estimate_area(n_neurons=100, n_inputs=784, n_groups=20, word_bits=24)
    w = 24
    counter_bits = 7 + 5 + 17  # ceil(log2 100), ceil(log2 20), ceil(log2 78,400)
    expected = (
        7 * w * 6  # register flip-flops
        + 7 * w * 4  # input muxes
        + 3 * w * (9 + 1)  # comparators: full adder + inverter per bit
        + w * 9  # adder
        + 5 * w * 4  # barrel shifter, ceil(log2 24) = 5 stages
        + counter_bits * (6 + 5)  # counters: flip-flop + half adder per bit
        + 3 * 6  # FSM state flip-flops
        + 6 * 20  # FSM next-state logic (assumed)
    )
    assert area.total_ge == expected == 3_553
    assert area.flag_bits == 78_400
    assert area.table_bits == 2 * 100 * 24
    assert area.fraction_of_snn is None
    with_snn = estimate_area(n_neurons=100, n_inputs=784, n_groups=20, snn_gates=1e6)
    assert with_snn.fraction_of_snn == pytest.approx(3_553 / 1e6)


def test_bram_blocks():
    assert bram18_blocks_for(100, 24) == 1  # 512 x 36 shape
    assert bram18_blocks_for(800, 24) == 2
    assert bram18_blocks_for(1000, 18) == 1  # 1K x 18 shape
    assert bram18_blocks_for(100, 48) == 2  # two 36-bit-wide blocks side by side
    assert estimate_area(n_neurons=100, n_inputs=784, n_groups=20).bram18_blocks == 2
    assert estimate_area(n_neurons=800, n_inputs=784, n_groups=20).bram18_blocks == 4
