import dataclasses

import pytest

from lava_aptn.config import (
    NetworkConfig,
    RunConfig,
    StdpConfig,
    preset,
    with_overrides,
)
from lava_aptn.errors import ConfigError


def test_presets_differ_where_documented():
    dc, t1 = preset("diehl-cook"), preset("paper-table1")
    assert (dc.stdp.tau_pre_ms, dc.stdp.tau_post1_ms, dc.stdp.tau_post2_ms) == (20, 20, 40)
    assert (t1.stdp.tau_pre_ms, t1.stdp.tau_post1_ms, t1.stdp.tau_post2_ms) == (8, 16, 32)
    assert t1.exc.v_thresh_mv == -50 and t1.exc.theta_plus_mv == 0.01
    tuned = preset("tuned")
    assert tuned.stdp.mu_post == 0.02276 and dc.stdp.mu_post == 0.01
    assert dataclasses.replace(tuned, stdp=dc.stdp) == dc  # nothing else differs


@pytest.mark.parametrize(
    "kwargs, needle",
    [
        (dict(n_neurons=0), "n_neurons must be an integer >= 1, got 0"),
        (dict(n_neurons=2.5), "got 2.5"),
        (dict(dt_ms=-1.0), "dt_ms must be a finite number > 0, got -1.0"),
        (dict(dt_ms=0.3), "whole number of time steps"),
    ],
)
def test_network_errors_quote_the_bad_value(kwargs, needle):
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(").replace(".", r"\.")):
        NetworkConfig(**kwargs)


def test_stdp_and_run_validation():
    with pytest.raises(ConfigError, match="tau_pre_ms"):
        StdpConfig(tau_pre_ms=0)
    with pytest.raises(ConfigError, match="dataset must be one of"):
        RunConfig(dataset="cifar")
    with pytest.raises(ConfigError, match="unknown preset 'nope'"):
        preset("nope")


def test_input_normalisation_settings():
    cfg = with_overrides(
        preset(n_neurons=10), {"input.total_rate_hz": 6530.0, "input.total_rate_rule": "cap"}
    )
    assert (cfg.input.total_rate_hz, cfg.input.total_rate_rule) == (6530.0, "cap")
    assert NetworkConfig.from_dict(cfg.to_dict()) == cfg
    assert preset("tuned").input.total_rate_hz is None  # off unless asked for
    default = preset()  # tuned-cap: only images above 10,000 Hz are scaled, down
    assert (default.input.total_rate_hz, default.input.total_rate_rule) == (10000.0, "cap")
    assert dataclasses.replace(default, input=preset("tuned").input) == preset("tuned")
    with pytest.raises(ConfigError, match="total_rate_hz must be a finite number > 0, got 0.0"):
        with_overrides(cfg, {"input.total_rate_hz": 0.0})
    with pytest.raises(ConfigError, match=r"total_rate_rule must be one of \['scale', 'cap'\]"):
        with_overrides(cfg, {"input.total_rate_rule": "clip"})


def test_overrides_and_round_trip():
    cfg = with_overrides(preset(n_neurons=10), {"stdp.mu_post": 0.02, "dt_ms": 1.0})
    assert cfg.stdp.mu_post == 0.02 and cfg.dt_ms == 1.0 and cfg.n_neurons == 10
    assert NetworkConfig.from_dict(cfg.to_dict()) == cfg
    with pytest.raises(ConfigError, match="unknown stdp parameter"):
        with_overrides(cfg, {"stdp.nope": 1})


def test_tuned_n100_is_search_3s_best_set():
    # runs/tune_n100_shuffled/best.json's overrides on the search's base preset, `tuned`
    best = {
        "stdp.mu_post": 0.0349,
        "stdp.mu_pre": 0.0002772,
        "exc.theta_plus_mv": 0.05103,
        "exc.tau_theta_ms": 7408000.0,
        "syn.w_inh_exc": 21.69,
        "input.max_rate_hz": 64.6,
        "syn.norm_total": 80.9,
    }
    for n in (100, 800):
        assert preset("tuned-n100", n_neurons=n) == with_overrides(
            preset("tuned", n_neurons=n), best
        )


def test_tuned_cap_is_tuned_with_the_capped_input():
    # the runs of docs/parameters.md ("Input normalisation") used these two overrides
    overrides = {"input.total_rate_hz": 10000.0, "input.total_rate_rule": "cap"}
    for n in (100, 800):
        assert preset("tuned-cap", n_neurons=n) == with_overrides(
            preset("tuned", n_neurons=n), overrides
        )
    # 10,000 Hz at 63.75 Hz per 255 levels: an image of more than 40,000 levels is dimmed
    assert preset("tuned-cap").input.total_rate_hz / (63.75 / 255.0) == 40000.0
