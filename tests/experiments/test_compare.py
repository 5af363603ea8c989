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
