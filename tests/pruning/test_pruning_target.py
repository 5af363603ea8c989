"""Target-connectivity search on synthetic monotone functions (each call stands for a
full training run, so the number of calls is part of what is tested)."""

import math

import pytest

from lava_aptn.errors import ConfigError
from lava_aptn.pruning import GAP_WIDTH, TargetResult, find_parameter, find_w_th0
from lava_aptn.pruning.target import local_slope


class Counted:
    """Wrap f, count calls and remember every argument."""

    def __init__(self, f):
        self.f, self.args = f, []

    def __call__(self, p):
        self.args.append(p)
        return self.f(p)


def logistic(p):  # connectivity 0.5 at w_th0 = 0.05, sigmoid in log p
    return 1 / (1 + (p / 0.05) ** 2)


def steep(p):
    return 1 / (1 + (p / 0.08) ** 6)


def exp_decay(p):
    return math.exp(-p / 0.03)


def kinked(p):  # flat at 1 until 0.1, then a straight drop to 0 at 0.3
    return 1.0 if p < 0.1 else max(0.0, 1 - (p - 0.1) * 5)


def two_phase(p):
    # like a trained weight matrix: 80 % near-zero weights vanish at tiny thresholds,
    # the remaining 20 % spread uniformly; f1 with a = 1.3 over 7 steps multiplies by 4.83
    th = 4.83 * p
    return 0.8 * math.exp(-th / 0.01) + 0.2 * min(1.0, max(0.0, 1 - (th - 0.1) / 0.9))


def staircase(p):  # steps of 0.004, finer than the tolerance
    return math.floor(logistic(p) / 0.004) * 0.004


CURVES = [logistic, steep, exp_decay, kinked, two_phase, staircase]
TARGETS = [0.05, 0.10, 0.145, 0.17, 0.30, 0.50, 0.90]


@pytest.mark.parametrize("curve", CURVES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("target", TARGETS)
def test_reaches_target_within_tolerance_and_budget(curve, target):
    run = Counted(curve)
    res = find_w_th0(run, target)
    assert res.converged
    assert abs(res.achieved - target) <= 0.005
    assert res.achieved == curve(res.param)
    assert res.evaluations == len(run.args) <= 10
    assert len(set(run.args)) == len(run.args)  # never trains the same parameter twice
    assert [h[0] for h in res.history] == run.args


def test_sigmoid_needs_few_evaluations():
    # logit(connectivity) is linear in log(w_th0) for this curve: two bracketing points and
    # one interpolation suffice
    for target in TARGETS:
        assert find_w_th0(logistic, target).evaluations <= 3


def test_mean_cost_over_all_curves():
    evals = [find_w_th0(c, t).evaluations for c in CURVES for t in TARGETS]
    assert sum(evals) / len(evals) <= 5.0


def test_warm_start_from_a_related_search():
    # another seed's curve: the same shape shifted in w_th0 by a few percent. Starting
    # from the first search's parameter saves bracketing; borrowing its slope as well
    # makes the first step a Newton step and saves more; every search still converges
    cost = {"cold": [], "initial": [], "initial + slope": []}
    for curve in CURVES:
        for target in TARGETS:
            first = find_w_th0(curve, target)
            slope = local_slope(first.history, target)  # None after a single evaluation
            assert slope is None or slope > 0
            for shift in (0.9, 0.97, 1.03, 1.08):
                other = Counted(lambda p, c=curve, s=shift: c(p * s))
                runs = {
                    "cold": find_w_th0(other, target),
                    "initial": find_w_th0(other, target, initial=first.param),
                    "initial + slope": find_parameter(
                        other,
                        target,
                        initial=first.param,
                        lower=1e-4,
                        upper=0.9,
                        slope=slope,
                    ),
                }
                for name, res in runs.items():
                    assert res.converged, (curve.__name__, target, shift, name)
                    cost[name].append(res.evaluations)
    mean = {name: sum(v) / len(v) for name, v in cost.items()}
    assert mean["initial + slope"] < mean["initial"] < mean["cold"]
    assert mean["initial + slope"] <= 0.6 * mean["cold"]


def test_local_slope_known_answers():
    logit = lambda y: math.log(y / (1 - y))  # noqa: E731
    # bracketing pair (0.1, 0.2) and (0.2, 0.1): one doubling, logit(0.2) - logit(0.1)
    expected = (logit(0.2) - logit(0.1)) / math.log(2)
    assert local_slope([(0.4, 0.05), (0.1, 0.2), (0.2, 0.1)], 0.12) == pytest.approx(expected)
    # no bracket: the two evaluations closest to the target, plain differences
    assert local_slope([(1.0, 5.0), (2.0, 3.0), (8.0, 1.0)], 0.5, transform="none") == (
        pytest.approx(2.0 / math.log(4))
    )
    assert local_slope([(0.1, 0.2)], 0.1) is None  # one evaluation: no slope
    assert local_slope([(0.1, 0.2), (0.2, 0.2)], 0.1) is None  # flat: no slope


def test_step_function_cannot_converge_and_stops():
    # jumps from 0.3 to 0.05 at 0.1: no parameter gives 0.15 +- 0.005
    run = Counted(lambda p: 0.3 if p < 0.1 else 0.05)
    res = find_w_th0(run, 0.15, max_evals=40)
    assert not res.converged
    assert res.evaluations < 40  # stopped because the bracket shrank below xtol
    below = max(p for p in run.args if p < 0.1)
    above = min(p for p in run.args if p >= 0.1)
    assert math.log(above / below) <= 1e-4 * 1.01  # the step is located precisely
    # with the default budget it stops at 10
    assert find_w_th0(lambda p: 0.3 if p < 0.1 else 0.05, 0.15).evaluations == 10


def test_a_jump_across_the_target_is_diagnosed_as_a_gap():
    # 0.3 below w_th0 = 0.1, 0.05 from there on: the search narrows the jump to xtol
    res = find_w_th0(lambda p: 0.3 if p < 0.1 else 0.05, 0.15, max_evals=40)
    (p0, y0), (p1, y1) = res.bracket
    assert p0 < 0.1 <= p1 and (y0, y1) == (0.3, 0.05)
    assert math.log(p1 / p0) <= GAP_WIDTH
    assert res.diagnosis == "gap"
    text = res.summary("w_th0")
    assert "gap" in text and "0.3000" in text and "0.0500" in text


def test_a_wide_bracket_left_by_the_budget_is_not_a_gap():
    # two runs: 0.0588 at 0.2, 0.2 at 0.1; the target 0.145 lies between, a factor 2 apart
    res = find_w_th0(logistic, 0.145, initial=0.2, max_evals=2)
    assert not res.converged and res.evaluations == 2
    (p0, y0), (p1, y1) = res.bracket
    assert (p0, p1) == pytest.approx((0.1, 0.2)) and y0 > 0.145 > y1
    assert math.log(p1 / p0) > GAP_WIDTH
    assert res.diagnosis == "budget"
    assert "larger budget" in res.summary("w_th0")


def test_no_bracket_yet_is_budget_and_a_bound_reached_is_unreachable():
    one = find_w_th0(logistic, 0.145, initial=0.001, max_evals=1)  # one run, far off
    assert one.bracket is None and one.diagnosis == "budget"
    far = find_w_th0(lambda p: 0.2 + 0.8 / (1 + (p / 0.05) ** 2), 0.1, upper=0.9)
    assert far.bracket is None and far.diagnosis == "unreachable"
    assert "bound" in far.summary("w_th0")
    assert find_w_th0(logistic, 0.5, initial=0.05).diagnosis == "converged"


def test_bracket_is_the_narrowest_straddling_pair_of_neighbours():
    # a non-monotone record (real runs are): 0.22 -> 0.23 -> 0.20 -> 0.22 -> 0.08 -> 0.03
    history = (
        (0.047, 0.22),
        (0.052, 0.23),
        (0.0548, 0.20),
        (0.0554, 0.22),
        (0.0556, 0.08),
        (0.060, 0.03),
    )
    res = TargetResult(
        param=0.0556,
        achieved=0.08,
        evaluations=6,
        history=history,
        converged=False,
        target=0.10,
        tol=0.005,
    )
    assert res.bracket == ((0.0554, 0.22), (0.0556, 0.08))
    assert res.diagnosis == "gap"  # log(0.0556 / 0.0554) = 0.0036


def test_unreachable_target_stops_at_the_bound():
    run = Counted(lambda p: 0.2 + 0.8 / (1 + (p / 0.05) ** 2))  # never below 0.2
    res = find_w_th0(run, 0.1, upper=0.9)
    assert not res.converged
    assert run.args[-1] == 0.9 and res.param == 0.9
    assert res.evaluations < 10


def test_first_guess_on_target_costs_one_run():
    res = find_w_th0(logistic, 0.5, initial=0.05)
    assert res.converged and res.evaluations == 1 and res.param == 0.05


def test_increasing_parameter_and_plain_transform():
    # e.g. a parameter that raises connectivity; or a non-fraction target
    res = find_parameter(
        lambda p: 1 - logistic(p), 0.8, initial=0.01, lower=1e-4, upper=1.0, decreasing=False
    )
    assert res.converged
    res = find_parameter(
        lambda s: 800 * math.exp(-s / 100), 120.0, tol=1.0, initial=50.0, lower=1.0, upper=1e4
    )
    assert res.converged and abs(res.achieved - 120.0) <= 1.0


def test_neuron_pruning_style_search_over_s0():
    # connectivity after neuron pruning falls with s_0 in steps of 1/N (N = 100 neurons):
    # steps of 0.01 are coarser than tol = 0.005, but a step lands on the target value
    def conn(s0):
        return math.floor(100 * math.exp(-s0 / 200)) / 100

    res = find_parameter(conn, 0.10, initial=50.0, lower=1.0, upper=5_000.0)
    assert res.converged and res.achieved == pytest.approx(0.10)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"tol": 0}, "tol"),
        ({"initial": 2.0}, "initial"),
        ({"lower": -1.0}, "lower"),
        ({"max_evals": 0}, "max_evals"),
    ],
)
def test_bad_arguments(kwargs, pattern):
    with pytest.raises(ConfigError, match=pattern):
        find_w_th0(logistic, 0.1, **kwargs)
    with pytest.raises(ConfigError, match="transform"):
        find_parameter(logistic, 2.0, initial=0.1, lower=0.01, upper=1, transform="logit")


@pytest.mark.parametrize("slope", [0.0, -1.0, math.nan, math.inf])
def test_slope_must_be_positive_and_finite(slope):
    with pytest.raises(ConfigError, match="slope"):
        find_parameter(logistic, 0.1, initial=0.1, lower=0.01, upper=1, slope=slope)


def test_non_finite_run_result_is_an_error():
    with pytest.raises(ConfigError, match="nan"):
        find_w_th0(lambda p: math.nan, 0.1)
