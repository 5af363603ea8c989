"""PruningConfig validation and the pruning schedule."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lava_aptn.errors import ConfigError
from lava_aptn.pruning import (
    METHODS,
    PrunePoint,
    PruningConfig,
    is_prune_point,
    paper_config,
    prune_points,
    spike_count_window,
)


def test_defaults_are_the_papers_selection():
    c = PruningConfig()
    assert c.method == "aptn"
    assert (c.time_fn, c.time_factor) == ("f1", 1.3)
    assert (c.neuron_fn, c.neuron_factor) == ("f1", 1.15)
    assert c.spike_interval == 30.0
    assert (c.prune_start, c.prune_batch) == (30_000, 5_000)
    assert c.w_max == 1.0 and c.w_cap == 0.9
    assert c.grouping == "sort"


def test_factor_none_takes_the_paper_value_of_each_function():
    c = PruningConfig(time_fn="f2", neuron_fn="f3")
    assert c.time_factor == 1.1 and c.neuron_factor == 0.03


def test_paper_config_sizes():
    assert paper_config(method="aptn", neurons=800).time_factor == 1.2
    assert paper_config(method="aptn", neurons=100).time_factor == 1.3
    assert paper_config(method="apn", neurons=100, w_th0=0.05).w_th0 == 0.05


def test_w_cap_follows_w_max():
    c = PruningConfig(w_max=2.0)
    assert c.w_cap == pytest.approx(1.8)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"method": "magic"}, "'magic'"),
        ({"w_th0": -0.1}, r"\[0, w_cap\].*-0\.1"),
        ({"w_th0": 0.95}, "0.95"),
        ({"w_cap": 1.0}, r"\(0, w_max\).*1\.0"),
        ({"w_max": 0}, "got 0"),
        ({"time_fn": "f9"}, "'f9'"),
        ({"time_fn": "f1", "time_factor": 0.5}, "time_factor.*0.5"),
        ({"neuron_fn": "f3", "neuron_factor": -1}, "neuron_factor.*-1"),
        ({"spike_interval": -5}, "-5"),
        ({"grouping": "bins"}, "'bins'"),
        ({"prune_start": -1}, "prune_start.*-1"),
        ({"prune_batch": 0}, "prune_batch.*0"),
        ({"prune_batch": 2.5}, "2.5"),
        ({"spike_th0": math.nan}, "nan"),
        ({"spike_th_factor": 0.9}, "0.9"),
        ({"w_th0": "0.1"}, "'0.1'"),
    ],
)
def test_validation_quotes_the_bad_value(kwargs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        PruningConfig(**kwargs)


def test_callable_functions_and_as_dict():
    def my_time(w, k):
        return min(w + 0.01 * k, 0.9)

    c = PruningConfig(method="apt", time_fn=my_time)
    assert c.time_fn is my_time and c.time_factor is None
    d = c.as_dict()
    assert d["time_fn"] == "my_time" and d["spike_interval"] == 30.0
    assert PruningConfig(spike_interval=math.inf).spike_interval == math.inf


def test_replace_revalidates():
    c = PruningConfig()
    assert c.replace(w_th0=0.2).w_th0 == 0.2
    with pytest.raises(ConfigError):
        c.replace(w_th0=5.0)


def test_paper_schedule_60k():
    # 30k + k * 5k <= 60k  ->  k = 0..6 at 30k, 35k, ..., 60k
    pts = prune_points(60_000, PruningConfig(method="aptn"))
    assert pts == [PrunePoint(k, 30_000 + 5_000 * k) for k in range(7)]
    assert [k for k, _ in pts] == list(range(7))


def test_schedule_special_cases():
    cfg = PruningConfig(method="apt", prune_start=1_000, prune_batch=300)
    # 1000, 1300, 1600, 1900 <= 2000
    assert [p.images_seen for p in prune_points(2_000, cfg)] == [1000, 1300, 1600, 1900]
    assert prune_points(999, cfg) == []
    assert prune_points(60_000, cfg.replace(method="none")) == []
    assert prune_points(60_000, cfg.replace(method="post-training")) == [PrunePoint(0, 60_000)]
    assert prune_points(1_000, cfg) == [PrunePoint(0, 1_000)]
    with pytest.raises(ConfigError, match="-5"):
        prune_points(-5, cfg)


def test_prune_end_stops_the_schedule():
    cfg = PruningConfig(method="aptn", prune_end=55_000)
    # 30k, 35k, ..., 55k: the 60k step is dropped, 5,000 images train the pruned network
    assert [p.images_seen for p in prune_points(60_000, cfg)] == list(range(30_000, 60_000, 5_000))
    assert is_prune_point(60_000, 60_000, cfg) is None
    assert is_prune_point(55_000, 60_000, cfg) == 5
    # an end between two steps keeps the step before it; post-training ignores the end
    assert prune_points(60_000, cfg.replace(prune_end=52_000))[-1] == PrunePoint(4, 50_000)
    assert prune_points(60_000, cfg.replace(method="post-training")) == [PrunePoint(0, 60_000)]
    with pytest.raises(ConfigError, match=r"prune_end must be an integer >= 30000, got 20000"):
        cfg.replace(prune_end=20_000)


def test_spike_count_window():
    cfg = PruningConfig(prune_start=3_000, prune_batch=5_000)
    assert spike_count_window(PrunePoint(0, 3_000), cfg) == (0, 3_000)
    assert spike_count_window(PrunePoint(1, 8_000), cfg) == (3_000, 8_000)


@settings(derandomize=True, deadline=None, max_examples=200)
@given(
    method=st.sampled_from(METHODS),
    start=st.integers(0, 50),
    batch=st.integers(1, 20),
    total=st.integers(0, 120),
    end_after_start=st.one_of(st.none(), st.integers(0, 80)),
)
def test_is_prune_point_matches_prune_points(method, start, batch, total, end_after_start):
    end = None if end_after_start is None else start + end_after_start
    cfg = PruningConfig(method=method, prune_start=start, prune_batch=batch, prune_end=end)
    expected = {n: k for k, n in prune_points(total, cfg)}
    for n in range(total + 1):
        assert is_prune_point(n, total, cfg) == expected.get(n)
