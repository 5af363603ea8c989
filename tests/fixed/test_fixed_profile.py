"""The fixed-point profile file and its loader."""

import pytest
import tomli

from lava_aptn.dynamics.fixed_profile import (
    DEFAULT_FIXED_PROFILE,
    PROFILE_KEYS,
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
