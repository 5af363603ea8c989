import json

from lava_aptn.config import RunConfig, preset
from lava_aptn.experiments.compare import compare, table

METHODS = ["none", "constant", "apt", "apn", "aptn", "post-training", "soft", "neuron"]


def test_all_eight_methods_from_one_prefix(tmp_path, digits):
    x, y = digits(240, seed=1)
    xt, yt = digits(40, seed=2)
    run_cfg = RunConfig(train_images=240, label_images=240, test_images=40, checkpoint_every=0)
    results = compare(
        tmp_path,
        net_cfg=preset(n_neurons=8),
        run_cfg=run_cfg,
        methods=METHODS,
        seeds=[0],
        target=0.5,
        jobs=2,
        progress=False,
        log=lambda m: None,
        data=(x, y, xt, yt),
        prune_overrides={"prune_start": 120, "prune_batch": 40},
    )
    for m in METHODS:
        written = json.loads((tmp_path / "seed0" / m / "result.json").read_text())
        assert written["config"]["method"] == m
        assert written["accuracy"] == results[0][m]["accuracy"]
    assert results[0]["none"]["connectivity"] == 1.0
    assert results[0]["soft"]["connectivity"] == 1.0
    for m in ("constant", "apt", "apn", "aptn", "post-training", "neuron"):
        assert results[0][m]["connectivity"] < 1.0, m
    # the unpruned baseline and every method saw the same first 120 images: the history
    # rows up to the first pruning step are the same
    rows = {
        m: (tmp_path / "seed0" / m / "history.csv").read_text().splitlines()
        for m in ("none", "aptn")
    }
    assert rows["none"][:3][1].split(",")[3:] == rows["aptn"][:3][1].split(",")[3:]
    text = table(results, METHODS)
    assert text.count("\n") == len(METHODS) + 1


def test_shuffled_order_is_each_seeds_own(tmp_path, digits):
    """Every seed trains in its own permutation, the pruned methods as the baseline."""
    from lava_aptn.engine.run import run
    from lava_aptn.engine.target import run_at_connectivity
    from lava_aptn.experiments.compare import method_configs

    data = (*digits(240, seed=1), *digits(40, seed=2))
    run_cfg = RunConfig(
        train_images=240, label_images=240, test_images=40, checkpoint_every=0, order="shuffled"
    )
    overrides = {"prune_start": 120, "prune_batch": 40}
    results = compare(
        tmp_path / "c",
        net_cfg=preset(n_neurons=8),
        run_cfg=run_cfg,
        methods=["none", "constant"],
        seeds=[0, 1],
        target=0.5,
        jobs=1,
        progress=False,
        log=lambda m: None,
        data=data,
        prune_overrides=overrides,
    )
    configs = method_configs(["none", "constant"], 8, 240, **overrides)
    seed1 = RunConfig(**{**run_cfg.__dict__, "seed": 1})
    none = run(
        preset(n_neurons=8),
        seed1,
        configs["none"],
        tmp_path / "n",
        progress=False,
        log=lambda m: None,
        data=data,
    )
    constant = run_at_connectivity(
        preset(n_neurons=8),
        seed1,
        configs["constant"],
        tmp_path / "k",
        target=0.5,
        progress=False,
        log=lambda *_: None,
        data=data,
    )
    assert results[1]["none"]["accuracy"] == none["accuracy"]
    assert results[1]["constant"]["accuracy"] == constant["accuracy"]
    assert results[1]["constant"]["connectivity"] == constant["connectivity"]


def test_bad_target_fails_before_training(tmp_path, monkeypatch, digits):
    """A target outside (0, 1) is an error before the shared prefix costs any work."""
    import pytest

    import lava_aptn.experiments.compare as compare_mod
    from lava_aptn.config import ConfigError

    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking the target")

    monkeypatch.setattr(compare_mod, "search_prefix", no_training)
    data = (*digits(20, seed=1), *digits(10, seed=2))
    run_cfg = RunConfig(train_images=20, label_images=20, test_images=10, checkpoint_every=0)
    with pytest.raises(ConfigError, match=r"target connectivity must be in \(0, 1\), got 0.0"):
        compare(
            tmp_path,
            net_cfg=preset(n_neurons=4),
            run_cfg=run_cfg,
            methods=["none", "aptn"],
            seeds=[0],
            target=0.0,
            jobs=1,
            progress=False,
            log=lambda m: None,
            data=data,
        )
    assert not any(tmp_path.iterdir())  # nothing written
