"""Grouping by spike-count interval: known answers, invariants, and when the sort-based
rule (paper) and the hardware rule (min/max scan, fixed intervals) agree."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lava_aptn.errors import ConfigError
from lava_aptn.pruning import group_hardware, group_neurons, group_sorted

SETTINGS = settings(derandomize=True, deadline=None, max_examples=200)

counts_st = st.lists(st.integers(0, 300), min_size=1, max_size=40).map(np.array)
si_st = st.one_of(st.integers(0, 80), st.floats(0, 80, allow_nan=False), st.just(math.inf))


def test_sorted_known_answer():
    # counts (neuron: count) 0:40 1:5 2:200 3:12 4:70 5:41, SI = 30
    # sorted: 5 12 40 41 70 200
    # S = 5   -> [5, 35]   -> {5, 12}          = neurons 1, 3  -> G0
    # S = 40  -> [40, 70]  -> {40, 41, 70}     = neurons 0, 5, 4 -> G1 (70 = S + SI is inside)
    # S = 200 -> [200, 230] -> {200}           = neuron 2 -> G2
    g = group_sorted(spike_counts=np.array([40, 5, 200, 12, 70, 41]), spike_interval=30)
    assert g.groups.tolist() == [1, 0, 2, 0, 1, 1]
    assert g.sizes.tolist() == [2, 3, 1]
    assert g.starts.tolist() == [5, 40, 200]
    assert g.n_groups == 3


def test_sorted_chains_do_not_merge():
    # 0, 30, 60, 90 with SI = 30: [0, 30] takes 0 and 30; S = 60 -> [60, 90] takes 60 and 90.
    # (A "gap <= SI" single-linkage rule would wrongly give one group.)
    g = group_sorted(spike_counts=np.array([0, 30, 60, 90]), spike_interval=30)
    assert g.groups.tolist() == [0, 0, 1, 1]


def test_hardware_known_answer():
    # same counts, m = 5, W = floor(30) + 1 = 31: (c - 5) // 31
    # 40 -> 35//31 = 1; 5 -> 0; 200 -> 195//31 = 6; 12 -> 0; 70 -> 65//31 = 2; 41 -> 36//31 = 1
    # n_groups = (200 - 5) // 31 + 1 = 7; intervals 3, 4, 5 are empty
    g = group_hardware(spike_counts=np.array([40, 5, 200, 12, 70, 41]), spike_interval=30)
    assert g.groups.tolist() == [1, 0, 6, 0, 2, 1]
    assert g.sizes.tolist() == [2, 2, 1, 0, 0, 0, 1]
    assert g.starts.tolist() == [5, 36, 67, 98, 129, 160, 191]
    c = group_hardware(
        spike_counts=np.array([40, 5, 200, 12, 70, 41]), spike_interval=30, compact=True
    )
    assert c.groups.tolist() == [1, 0, 3, 0, 2, 1]
    assert c.sizes.tolist() == [2, 2, 1, 1]
    assert c.starts.tolist() == [5, 36, 67, 191]


def test_counterexample_where_they_differ():
    # 0, 40, 65 with SI = 30. Sort: S = 0 -> {0}; S = 40 -> [40, 70] -> {40, 65}.
    # Hardware, W = 31: 0 -> 0, 40 -> 1, 65 -> 2. Interval minima 0, 40, 65: 65 <= 40 + 30,
    # so the partition condition fails.
    counts = np.array([0, 40, 65])
    assert group_sorted(spike_counts=counts, spike_interval=30).groups.tolist() == [0, 1, 1]
    assert group_hardware(spike_counts=counts, spike_interval=30).groups.tolist() == [0, 1, 2]


def test_same_partition_different_labels_when_an_interval_is_empty():
    # 0 and 100 with SI = 30: sort -> {0}, {100}; hardware W = 31 -> 0 -> 0, 100 -> 3
    # (intervals 1, 2 empty). Same partition, different group index, hence thresholds.
    counts = np.array([0, 100])
    assert group_sorted(spike_counts=counts, spike_interval=30).groups.tolist() == [0, 1]
    assert group_hardware(spike_counts=counts, spike_interval=30).groups.tolist() == [0, 3]
    hard = group_hardware(spike_counts=counts, spike_interval=30, compact=True)
    assert hard.groups.tolist() == [0, 1]


def test_infinite_interval_is_one_group():
    counts = np.array([0, 7, 1000, 3])
    for g in (
        group_sorted(spike_counts=counts, spike_interval=math.inf),
        group_hardware(spike_counts=counts, spike_interval=math.inf),
    ):
        assert g.groups.tolist() == [0, 0, 0, 0]
        assert g.sizes.tolist() == [4]


def test_bad_inputs():
    with pytest.raises(ConfigError, match="-1"):
        group_sorted(spike_counts=np.array([1, -1]), spike_interval=30)
    with pytest.raises(ConfigError, match="1.5"):
        group_sorted(spike_counts=np.array([1.0, 1.5]), spike_interval=30)
    with pytest.raises(ConfigError, match="-2"):
        group_sorted(spike_counts=np.array([1, 2]), spike_interval=-2)
    with pytest.raises(ConfigError, match="nan"):
        group_sorted(spike_counts=np.array([1, 2]), spike_interval=math.nan)
    with pytest.raises(ConfigError, match="'bucket'"):
        group_neurons(spike_counts=np.array([1, 2]), spike_interval=30, grouping="bucket")
    # whole-valued floats are fine
    g = group_sorted(spike_counts=np.array([1.0, 50.0]), spike_interval=30)
    assert g.groups.tolist() == [0, 1]


def test_results_are_read_only():
    g = group_sorted(spike_counts=np.array([1, 2]), spike_interval=30)
    with pytest.raises(ValueError, match="read-only"):
        g.groups[0] = 5


@SETTINGS
@given(counts=counts_st, si=si_st)
def test_sorted_invariants(counts, si):
    g = group_sorted(spike_counts=counts, spike_interval=si)
    assert g.sizes.sum() == counts.size and np.all(g.sizes > 0)
    assert np.bincount(g.groups).tolist() == g.sizes.tolist()
    order = np.argsort(counts, kind="stable")
    assert np.all(np.diff(g.groups[order]) >= 0)  # group index rises with count
    for n in range(g.n_groups):
        members = counts[g.groups == n]
        assert members.min() == g.starts[n]  # S is the smallest count of its group
        assert members.max() <= g.starts[n] + si  # all within [S, S + SI]
    # each next group starts beyond the previous interval
    assert np.all(g.starts[1:] > g.starts[:-1] + si)


def _no_empty_interval(counts, si):
    """Every hardware interval between min and max holds at least one count."""
    m, top = int(counts.min()), int(counts.max())
    if math.isinf(si) or si >= top - m:
        return True
    w = int(math.floor(si)) + 1
    return np.unique((counts - m) // w).size == (top - m) // w + 1


def _adjacent_minima_apart(counts, si):
    """For adjacent non-empty hardware intervals g, g+1: min(g+1) > min(g) + SI."""
    m, top = int(counts.min()), int(counts.max())
    if math.isinf(si) or si >= top - m:
        return True
    w = int(math.floor(si)) + 1
    bins = (counts - m) // w
    minima = {int(b): int(counts[bins == b].min()) for b in np.unique(bins)}
    return all(minima[b + 1] > minima[b] + si for b in minima if b + 1 in minima)


@SETTINGS
@given(counts=counts_st, si=si_st)
def test_same_labels_iff_partition_condition_and_no_empty_interval(counts, si):
    sort = group_sorted(spike_counts=counts, spike_interval=si)
    hard = group_hardware(spike_counts=counts, spike_interval=si)
    same = sort.n_groups == hard.n_groups and np.array_equal(sort.groups, hard.groups)
    assert same == (_adjacent_minima_apart(counts, si) and _no_empty_interval(counts, si))


@SETTINGS
@given(counts=counts_st, si=si_st)
def test_same_partition_iff_adjacent_interval_minima_differ_by_more_than_si(counts, si):
    sort = group_sorted(spike_counts=counts, spike_interval=si)
    hard = group_hardware(spike_counts=counts, spike_interval=si, compact=True)
    # both labelings are compact and rise with the count, so equal partitions <=> equal arrays
    same = np.array_equal(sort.groups, hard.groups)
    assert same == _adjacent_minima_apart(counts, si)


@SETTINGS
@given(low=st.integers(0, 100), span=st.integers(0, 150), si=si_st, data=st.data())
def test_counts_without_gaps_always_agree(low, span, si, data):
    # every integer in [low, low + span] occurs (plus repeats): a sufficient condition
    extra = data.draw(st.lists(st.integers(low, low + span), max_size=10))
    counts = np.array(list(range(low, low + span + 1)) + extra)
    sort = group_sorted(spike_counts=counts, spike_interval=si)
    hard = group_hardware(spike_counts=counts, spike_interval=si)
    assert np.array_equal(sort.groups, hard.groups)


@SETTINGS
@given(counts=counts_st)
def test_zero_interval_partitions_always_agree(counts):
    sort = group_sorted(spike_counts=counts, spike_interval=0)
    hard = group_hardware(spike_counts=counts, spike_interval=0, compact=True)
    assert np.array_equal(sort.groups, hard.groups)
    assert sort.n_groups == np.unique(counts).size
