from __future__ import annotations

from pathlib import Path

import pytest

from lava_aptn.energy.profiles import (
    KNOWN_EVENTS,
    available_profiles,
    load_profile,
    resolve_profile,
    resolve_profile_path,
)
from lava_aptn.errors import ConfigError


def test_shipped_profiles_load_with_cited_values():
    loihi = resolve_profile("loihi")
    # Davies et al. 2018, Table 2.
    assert loihi.energy_pj("synaptic_op") == 23.6
    assert loihi.energy_pj("synaptic_update") == 120.0
    assert loihi.energy_pj("neuron_update_active") == 81.0
    assert loihi.energy_pj("neuron_update_inactive") == 52.0
    assert loihi.energy_pj("spike_within_tile") == 1.7
    truenorth = resolve_profile("truenorth")
    assert truenorth.energy_pj("synaptic_op") == 26.0  # Merolla et al. 2014
    assert not truenorth.has("synaptic_update")
    assert "synaptic_update" in truenorth.omitted
    assert resolve_profile("sram_yang2016").energy_pj("sram_access") == 0.5
    for name in ("loihi", "truenorth", "sram_yang2016"):
        for entry in resolve_profile(name).entries.values():
            assert entry.source.strip() and entry.note.strip()


def test_shipped_profiles_use_known_keys():
    for name in available_profiles():
        profile = resolve_profile(name)
        assert set(profile.entries) <= set(KNOWN_EVENTS), name


def test_unit_conversion_to_pj(toy_profile: Path):
    profile = load_profile(toy_profile)
    assert profile.energy_pj("synaptic_update") == pytest.approx(100.0)  # 0.1 nJ
    assert profile.entries["synaptic_update"].value == 0.1
    assert profile.entries["synaptic_update"].unit == "nJ"


def test_uj_unit(tmp_path: Path, good_profile_text: str):
    path = tmp_path / "u.toml"
    path.write_text(
        good_profile_text.replace('value = 10.0\nunit = "pJ"', 'value = 2e-6\nunit = "uJ"')
    )
    assert load_profile(path).energy_pj("synaptic_op") == pytest.approx(2.0)


def test_user_profile_by_path(toy_profile: Path):
    assert resolve_profile_path(str(toy_profile)) == toy_profile
    assert resolve_profile(toy_profile).name == "toy"


def test_unknown_profile_name_lists_shipped_ones():
    with pytest.raises(ConfigError, match="loihi"):
        resolve_profile("no_such_chip")


def test_missing_profile_file(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="nothing.toml"):
        resolve_profile(tmp_path / "nothing.toml")


def _broken(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "what"),
    [
        ("value = 10.0\n", "", "events.synaptic_op.value", "missing"),
        (
            'source = "test"\nnote = "test"\n\n[events.synaptic_update]',
            'note = "test"\n\n[events.synaptic_update]',
            "events.synaptic_op.source",
            "missing",
        ),
        (
            'value = 10.0\nunit = "pJ"\nsource = "test"\nnote = "test"\n',
            'value = 10.0\nunit = "pJ"\nsource = "test"\n',
            "events.synaptic_op.note",
            "missing",
        ),
        ('name = "toy"\n', "", "name", "missing"),
        ('description = "hand-made profile for tests"\n', "", "description", "missing"),
        ("value = 10.0\n", "value = -1.5\n", "events.synaptic_op.value", ">= 0"),
        ("value = 10.0\n", 'value = "ten"\n', "events.synaptic_op.value", "number"),
        ("value = 10.0\n", "value = true\n", "events.synaptic_op.value", "number"),
        ("value = 10.0\n", "value = nan\n", "events.synaptic_op.value", "finite"),
        ("value = 10.0\n", "value = inf\n", "events.synaptic_op.value", "finite"),
        (
            'value = 10.0\nunit = "pJ"',
            'value = 10.0\nunit = "mJ"',
            "events.synaptic_op.unit",
            "unknown unit",
        ),
        ('value = 10.0\nunit = "pJ"', "value = 10.0", "events.synaptic_op.unit", "missing"),
        (
            'unit = "pJ"\n\n[events.synaptic_op]',
            'unit = "fJ"\n\n[events.synaptic_op]',
            "unit",
            "unknown unit",
        ),
        ("value = 10.0\n", "value = 10.0\nvaule = 3\n", "events.synaptic_op.vaule", "unknown"),
        ("schema = 1\n", "schema = 2\n", "schema", "must be 1"),
        ("schema = 1\n", "schema = 1\nnmae = 3\n", "nmae", "unknown"),
        ('reason = "toy hardware does not say"', "", "omitted.spike.reason", "missing"),
    ],
)
def test_malformed_profile_names_file_and_key(tmp_path, good_profile_text, old, new, key, what):
    assert old in good_profile_text
    path = _broken(tmp_path, good_profile_text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    message = str(info.value)
    assert str(path) in message
    assert f"{key}:" in message
    assert what in message


def test_profile_without_events(tmp_path: Path):
    path = _broken(tmp_path, 'name = "x"\ndescription = "d"\nunit = "pJ"\n')
    with pytest.raises(ConfigError, match=r"broken\.toml: events: missing"):
        load_profile(path)


def test_invalid_toml_names_file(tmp_path: Path):
    path = _broken(tmp_path, "name = \n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_profile(path)


def test_profile_is_read_only(toy_profile: Path):
    profile = load_profile(toy_profile)
    with pytest.raises(TypeError):
        profile.entries["synaptic_op"] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        profile.name = "other"  # type: ignore[misc]


def test_missing_entry_lookup_names_key(toy_profile: Path):
    with pytest.raises(ConfigError, match=r"events\.sram_access"):
        load_profile(toy_profile).energy_pj("sram_access")
