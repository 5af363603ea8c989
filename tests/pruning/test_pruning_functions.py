"""Known answers for the (reconstructed) adaptation functions f1, f2, f3."""

import math

import pytest

from lava_aptn.errors import ConfigError
from lava_aptn.pruning import (
    adapted_threshold,
    f1,
    f2,
    f3,
    make_adaptation_fn,
    threshold_table,
)

W_CAP = 0.9


def test_f1_known_values():
    # f1(k) = min(w0 * a**k, w_cap); w0 = 0.036 (paper Fig. 3B), a = 1.3 (paper's APT choice).
    # k = 0: 0.036; k = 1: 0.0468; k = 2: 0.036 * 1.69 = 0.06084; k = 6: 0.036 * 4.826809
    assert f1(0.036, 0, a=1.3, w_cap=W_CAP) == 0.036
    assert f1(0.036, 1, a=1.3, w_cap=W_CAP) == pytest.approx(0.0468, abs=1e-15)
    assert f1(0.036, 2, a=1.3, w_cap=W_CAP) == pytest.approx(0.06084, abs=1e-15)
    assert f1(0.036, 6, a=1.3, w_cap=W_CAP) == pytest.approx(0.173765124, abs=1e-12)
    # 0.5 * 2**3 = 4 > 0.9: capped
    assert f1(0.5, 3, a=2.0, w_cap=W_CAP) == W_CAP
    # a huge index would overflow a**k; the log-space comparison caps it instead
    assert f1(0.036, 100_000, a=1.3, w_cap=W_CAP) == W_CAP
    assert f1(0.0, 5, a=1.3, w_cap=W_CAP) == 0.0


def test_f2_known_values():
    # f2(k) = w_cap - (w_cap - w0) * b**(-k); w0 = 0.036, b = 1.1, w_cap = 0.9:
    # k = 1: 0.9 - 0.864 / 1.1 = 0.114545...; k = 2: 0.9 - 0.864 / 1.21 = 0.185950413...
    assert f2(0.036, 0, b=1.1, w_cap=W_CAP) == 0.036
    assert f2(0.036, 1, b=1.1, w_cap=W_CAP) == pytest.approx(0.9 - 0.864 / 1.1, abs=1e-15)
    assert f2(0.036, 2, b=1.1, w_cap=W_CAP) == pytest.approx(0.185950413, abs=1e-9)
    # it approaches w_cap from below and never passes it
    assert f2(0.036, 10_000, b=1.1, w_cap=W_CAP) == pytest.approx(W_CAP, abs=1e-15)
    assert f2(0.036, 10_000, b=1.1, w_cap=W_CAP) <= W_CAP


def test_f3_known_values():
    # f3(k) = min(w0 + c*k, w_cap); w0 = 0.036, c = 0.01: k = 5 -> 0.086; k = 100 -> capped
    assert f3(0.036, 5, c=0.01, w_cap=W_CAP) == pytest.approx(0.086, abs=1e-15)
    assert f3(0.036, 100, c=0.01, w_cap=W_CAP) == W_CAP


def test_shapes_f1_slow_then_fast_f2_fast_then_slow():
    # The paper's qualitative constraints: f1 increments grow, f2 increments shrink,
    # f3 increments are constant (before reaching the cap).
    d1 = [f1(0.036, k + 1, a=1.3, w_cap=W_CAP) - f1(0.036, k, a=1.3, w_cap=W_CAP) for k in range(6)]
    d2 = [f2(0.036, k + 1, b=1.1, w_cap=W_CAP) - f2(0.036, k, b=1.1, w_cap=W_CAP) for k in range(6)]
    d3 = [
        f3(0.036, k + 1, c=0.01, w_cap=W_CAP) - f3(0.036, k, c=0.01, w_cap=W_CAP) for k in range(6)
    ]
    assert all(b > a for a, b in zip(d1, d1[1:], strict=False))
    assert all(b < a for a, b in zip(d2, d2[1:], strict=False))
    assert all(d == pytest.approx(0.01, abs=1e-15) for d in d3)


@pytest.mark.parametrize("base", [0.0, 0.001, 0.036, 0.1, 0.3333333, 0.77, 0.9])
@pytest.mark.parametrize("k", [0, 1, 2, 7, 50])
def test_neutral_factors_return_the_base_exactly(base, k):
    # a = 1, b = 1, c = 0 are the constant method: exactly the base, no rounding
    assert f1(base, k, a=1.0, w_cap=W_CAP) == base
    assert f2(base, k, b=1.0, w_cap=W_CAP) == base
    assert f3(base, k, c=0.0, w_cap=W_CAP) == base


@pytest.mark.parametrize(
    ("func", "kw"),
    [(f1, {"a": 0.9}), (f2, {"b": 0.99}), (f3, {"c": -0.01}), (f1, {"a": math.inf})],
)
def test_bad_factor_raises_with_value(func, kw):
    with pytest.raises(ConfigError, match=repr(next(iter(kw.values())))):
        func(0.1, 1, w_cap=W_CAP, **kw)


def test_base_outside_range_raises():
    with pytest.raises(ConfigError, match=r"got 0\.95"):
        f1(0.95, 1, a=1.3, w_cap=W_CAP)


def test_factory_names_and_callables():
    g = make_adaptation_fn("f1", factor=1.3, w_cap=W_CAP)
    assert g(0.036, 2) == f1(0.036, 2, a=1.3, w_cap=W_CAP)
    assert "f1" in g.__name__

    def mine(w, i):
        return w + 0.001 * i

    assert make_adaptation_fn(mine, factor=None, w_cap=W_CAP) is mine
    with pytest.raises(ConfigError, match="'f4'"):
        make_adaptation_fn("f4", factor=1.0, w_cap=W_CAP)
    with pytest.raises(ConfigError, match="needs a factor"):
        make_adaptation_fn("f2", factor=None, w_cap=W_CAP)


def test_adapted_threshold_index_zero_is_the_base_without_calling():
    calls = []

    def spy(w, i):
        calls.append(i)
        return w

    assert adapted_threshold(spy, base_threshold=0.2, index=0, w_th0=0.1, w_cap=W_CAP) == 0.2
    assert calls == []


def test_user_function_leaving_range_is_a_clear_error():
    def too_big(w, i):
        return w * 10**i

    with pytest.raises(ConfigError, match=r"returned 1\.0.*\[0\.01, 0\.9\]"):
        adapted_threshold(too_big, base_threshold=0.01, index=2, w_th0=0.01, w_cap=W_CAP)

    def too_small(w, i):
        return w / 2

    with pytest.raises(ConfigError, match=r"returned 0\.005"):
        adapted_threshold(too_small, base_threshold=0.01, index=1, w_th0=0.01, w_cap=W_CAP)

    def not_a_number(w, i):
        return "high"

    with pytest.raises(ConfigError, match="must return a number"):
        adapted_threshold(not_a_number, base_threshold=0.01, index=1, w_th0=0.01, w_cap=W_CAP)


def test_threshold_table():
    # f1 with a = 2 from 0.1: 0.1, 0.2, 0.4, 0.8, then 1.6 capped to 0.9
    g = make_adaptation_fn("f1", factor=2.0, w_cap=W_CAP)
    table = threshold_table(g, base_threshold=0.1, count=5, w_th0=0.1, w_cap=W_CAP)
    assert table.tolist() == pytest.approx([0.1, 0.2, 0.4, 0.8, 0.9], abs=1e-15)
