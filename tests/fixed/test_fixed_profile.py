"""The fixed-point profile file and its loader."""

import pytest
import tomli

from lava_aptn.config import preset
from lava_aptn.dynamics.fixed import fixed_params, weight_unit
from lava_aptn.dynamics.fixed_profile import (
    DEFAULT_FIXED_PROFILE,
    PROFILE_KEYS,
    fixed_profile_names,
    load_fixed_profile,
    parse_fixed_profile,
)
from lava_aptn.errors import ConfigError


def _data():
    return tomli.loads(DEFAULT_FIXED_PROFILE.read_text())


def test_shipped_profile_loads_with_loihi_widths():
    prof = load_fixed_profile()
    assert (prof.state_bits, prof.decay_bits, prof.weight_bits, prof.trace_bits) == (24, 12, 8, 7)
    assert prof.state_max == 2**23 - 1
    assert prof.trace_max == 127
    assert prof.weight_max == 255
    for key in PROFILE_KEYS:  # every constant is documented
        entry = _data()["fixed"][key]
        assert entry["source"].strip() and entry["note"].strip(), key


def test_shipped_profile_is_not_an_energy_profile_file():
    from lava_aptn.energy.profiles import available_profiles

    assert "loihi2" not in available_profiles()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["fixed"].pop("state_bits"), "fixed.state_bits: missing"),
        (lambda d: d["fixed"]["decay_bits"].update(value=40), "fixed.decay_bits.value"),
        (lambda d: d["fixed"]["trace_bits"].update(value=1.5), "fixed.trace_bits.value"),
        (lambda d: d["fixed"]["lr_shift"].update(source=" "), "fixed.lr_shift.source"),
        (lambda d: d["fixed"].update(bogus={"value": 1}), "fixed.bogus: unknown key"),
        (lambda d: d["fixed"]["trace_impulse"].update(value=200), "exceeds 2**trace_bits"),
        (lambda d: d.pop("fixed"), "fixed: missing"),
        (lambda d: d["fixed"]["weight_bits"].update(value=17), "fixed.weight_bits.value"),
        (
            lambda d: (
                d["fixed"]["weight_bits"].update(value=16),
                d["fixed"]["weight_exp"].update(value=-1),
            ),
            "lower weight_bits or raise",
        ),
    ],
)
def test_malformed_profile_names_the_key(edit, message):
    data = _data()
    edit(data)
    with pytest.raises(ConfigError, match=message.replace("*", r"\*")):
        parse_fixed_profile(data, origin="bad.toml")


def test_missing_and_invalid_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_fixed_profile(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("fixed = [")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_fixed_profile(bad)


def test_ablation_profiles_by_name():
    names = fixed_profile_names()
    assert {"loihi2", "loihi2-wide-traces", "loihi2-wide-weights", "loihi2-wide"} <= set(names)
    assert load_fixed_profile("loihi2-wide-all").decay_bits == 16
    assert load_fixed_profile("loihi2") == load_fixed_profile()
    wide = load_fixed_profile("loihi2-wide")
    assert (wide.weight_bits, wide.trace_bits, wide.trace_impulse) == (16, 15, 2**15 - 1)
    with pytest.raises(ConfigError, match="unknown fixed-point profile 'nope'"):
        load_fixed_profile("nope")


@pytest.mark.parametrize("name", fixed_profile_names())
def test_learning_constants_mean_the_float_rates(name):
    """Known answer: ``a * trace_max**k / 2**lr_shift`` mantissa steps are ``mu`` in weight.

    With k traces at their maximum (127/128 of 1.0 for 7 bits), the float update is
    ``mu * (trace_max / 2**tb)**k``; the integer one ``a * trace_max**k / 2**lr_shift``
    steps of ``weight_unit``. They agree to the rounding of ``a`` (0.5 / a relative).
    """
    prof = load_fixed_profile(name)
    cfg = preset("diehl-cook", n_neurons=10)
    p = fixed_params(cfg, prof)
    tb, tm, unit = prof.trace_bits, prof.trace_max, weight_unit(prof)
    for a, mu, k in ((p.a_pre, cfg.stdp.mu_pre, 1), (p.a_post, cfg.stdp.mu_post, 2)):
        integer = a * tm**k / 2**prof.lr_shift * unit
        exact = mu * (tm / 2**tb) ** k
        assert integer == pytest.approx(exact, rel=0.6 / a)
    assert p.w_in_shift == prof.weight_exp + prof.g_frac_bits - prof.weight_bits


@pytest.mark.parametrize(
    ("name", "unit", "a_pre", "a_post"),
    [
        # mu_pre = 1e-4, mu_post = 1e-2, lr_shift 20, 7-bit traces:
        # a_pre = 1e-4 * 2**8 * 2**(20 - 7) = 209.7 -> 210; a_post = 1e-2 * 2**8 * 2**6 = 163.8
        ("loihi2", 2**-8, 210, 164),
        # 16-bit weights: a_pre = 1e-4 * 2**16 * 2**13 = 53687.1; a_post = 1e-2 * 2**16 * 2**6
        ("loihi2-wide-weights", 2**-16, 53687, 41943),
        # 15-bit traces, lr_shift 40: a_pre = 1e-4 * 2**8 * 2**25 = 858993.46;
        # a_post = 1e-2 * 2**8 * 2**10 = 2621.4
        ("loihi2-wide-traces", 2**-8, 858993, 2621),
    ],
)
def test_learning_constants_known_answers(name, unit, a_pre, a_post):
    prof = load_fixed_profile(name)
    p = fixed_params(preset("diehl-cook", n_neurons=10), prof)
    assert weight_unit(prof) == unit
    assert (p.a_pre, p.a_post) == (a_pre, a_post)


def test_too_small_lr_shift_is_refused():
    from dataclasses import replace

    prof = replace(load_fixed_profile("loihi2-wide-traces"), lr_shift=20)
    with pytest.raises(ConfigError, match="a_post rounds to 0.*raise lr_shift"):
        fixed_params(preset("diehl-cook", n_neurons=10), prof)


def test_overflowing_stdp_product_is_refused():
    """lr_shift = 61 (past the loader's range, set directly): a_post * 127**2 is about
    1e-2 * 2**8 * 2**61 = 5.9e18 > 2**62 = 4.6e18."""
    from dataclasses import replace

    prof = replace(load_fixed_profile(), lr_shift=61)
    with pytest.raises(ConfigError, match="a_post reaches .* over 62 bits"):
        fixed_params(preset("diehl-cook", n_neurons=10), prof)
