import json

import pytest

from lava_aptn.config import RunConfig, preset
from lava_aptn.engine.run import Dataset
from lava_aptn.engine.target import run_at_connectivity, search_prefix
from lava_aptn.errors import ConfigError
from lava_aptn.pruning import PruningConfig


@pytest.mark.parametrize("method", ["aptn", "soft"])
def test_search_reaches_target_and_reuses_prefix(tmp_path, digits, method):
    x, y = digits(400, seed=1)
    xt, yt = digits(50, seed=2)
    data = (x, y, xt, yt)
    cfg = preset(n_neurons=12)
    run_cfg = RunConfig(train_images=400, label_images=400, test_images=50, checkpoint_every=0)
    prune = PruningConfig(method=method, prune_start=200, prune_batch=100)
    prefix = search_prefix(cfg, run_cfg, prune, Dataset.load(run_cfg, data), progress=False)
    assert prefix.done == 200
    before = prefix.net.weights()
    result = run_at_connectivity(
        cfg,
        run_cfg,
        prune,
        tmp_path,
        target=0.4,
        tol=0.01,
        progress=False,
        log=lambda m: None,
        data=data,
        prefix=prefix,
    )
    search = result["target_search"]
    measured = result["unpruned_fraction"] if method == "soft" else result["connectivity"]
    assert search["converged"] and abs(measured - 0.4) <= 0.01
    assert search["diagnosis"] == "converged" and search["bounds"][0] < search["value"]
    assert measured == pytest.approx(search["achieved"])
    assert (prefix.net.weights() == before).all()  # the shared prefix is not changed
    written = json.loads((tmp_path / "result.json").read_text())
    assert written["config"]["pruning"]["w_th0"] == pytest.approx(search["value"])
    if method == "soft":
        assert result["connectivity"] == 1.0


def test_target_must_be_a_fraction(tmp_path, digits):
    x, y = digits(10)
    with pytest.raises(ConfigError, match="target connectivity must be in"):
        run_at_connectivity(
            preset(n_neurons=4),
            RunConfig(train_images=10, label_images=10, test_images=10),
            PruningConfig(method="aptn"),
            tmp_path,
            target=1.5,
            data=(x, y, x, y),
        )


@pytest.mark.parametrize("method", ["aptn", "post-training"])
def test_branch_from_prefix_equals_direct_run(tmp_path, digits, method):
    import numpy as np

    from lava_aptn.engine.run import config_record, evaluate_and_write, run

    x, y = digits(400, seed=3)
    xt, yt = digits(50, seed=4)
    data = (x, y, xt, yt)
    cfg = preset(n_neurons=12)
    run_cfg = RunConfig(train_images=400, label_images=400, test_images=50, checkpoint_every=0)
    prune = PruningConfig(method=method, w_th0=0.08, prune_start=200, prune_batch=100)
    direct = run(cfg, run_cfg, prune, tmp_path / "direct", progress=False, data=data)
    dataset = Dataset.load(run_cfg, data)
    prefix = search_prefix(cfg, run_cfg, prune, dataset, progress=False)
    session = prefix.branch(prune)
    session.advance(dataset.x_train, 400, progress=False)
    branched = evaluate_and_write(
        session,
        dataset,
        tmp_path / "branched",
        config_record(cfg, run_cfg, prune, None),
        wall0=0.0,
        progress=False,
    )
    for key in ("accuracy", "connectivity", "sops_train_per_image", "sops_infer_per_image"):
        assert branched[key] == direct[key], key
    with (
        np.load(tmp_path / "direct" / "weights.npz") as a,
        np.load(tmp_path / "branched" / "weights.npz") as b,
    ):
        assert np.array_equal(a["weights"], b["weights"])
    assert (tmp_path / "direct" / "thresholds.csv").read_text() == (
        tmp_path / "branched" / "thresholds.csv"
    ).read_text()
    assert (tmp_path / "direct" / "history.csv").read_text() == (
        tmp_path / "branched" / "history.csv"
    ).read_text()


def test_train_refuses_resume_with_a_target_search(tmp_path, capsys):
    """``--resume`` cannot continue a search: the command says so before any work."""
    from lava_aptn.cli import main

    argv = ["train", "--dataset", "mnist", "--neurons", "4", "--method", "aptn"]
    argv += ["--target-connectivity", "0.1", "--resume", "--out", str(tmp_path / "r")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "cannot be combined with --target-connectivity" in err
    assert not (tmp_path / "r").exists()
