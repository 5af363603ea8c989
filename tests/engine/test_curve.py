"""The learning curve measures the very network a plain run trains."""

import numpy as np
import pytest

from lava_aptn.config import RunConfig, preset
from lava_aptn.engine.curve import CURVE_COLUMNS, check_every, learning_curve
from lava_aptn.engine.run import run
from lava_aptn.pruning import PruningConfig


def test_every_must_be_a_multiple_of_the_chunk():
    check_every(250)  # accepted: no error
    check_every(5000)
    for bad in (0, 100, 260, -250, True):
        with pytest.raises(ValueError, match="multiple of 250 training images"):
            check_every(bad)


def test_a_period_past_the_end_measures_the_end_only(digits):
    data = (*digits(300, seed=5), *digits(50, seed=6))
    run_cfg = RunConfig(train_images=300, label_images=300, test_images=50, checkpoint_every=0)
    rows = learning_curve(
        preset(n_neurons=8),
        run_cfg,
        PruningConfig(method="none"),
        every=500,
        data=data,
        progress=False,
        log=lambda m: None,
    )
    assert [r["images_seen"] for r in rows] == [300]


@pytest.mark.parametrize("method", ["none", "aptn"])
def test_last_point_is_the_plain_run(tmp_path, digits, method):
    x, y = digits(600, seed=5)
    xt, yt = digits(100, seed=6)
    data = (x, y, xt, yt)
    net_cfg = preset(n_neurons=16)
    run_cfg = RunConfig(train_images=600, label_images=600, test_images=100, checkpoint_every=0)
    prune_cfg = PruningConfig(method=method, w_th0=0.05, prune_start=250, prune_batch=250)
    rows = learning_curve(
        net_cfg,
        run_cfg,
        prune_cfg,
        every=250,
        out_dir=tmp_path / "curve",
        data=data,
        progress=False,
        log=lambda m: None,
    )
    plain = run(
        net_cfg,
        run_cfg,
        prune_cfg,
        tmp_path / "run",
        progress=False,
        log=lambda m: None,
        data=data,
    )
    assert [r["images_seen"] for r in rows] == [250, 500, 600]
    assert rows[-1]["accuracy"] == plain["accuracy"]
    assert rows[-1]["connectivity"] == plain["connectivity"]
    if method == "aptn":  # pruned at 250 and 500: the curve sees connectivity fall
        assert rows[0]["connectivity"] > rows[-1]["connectivity"] > 0
    lines = (tmp_path / "curve" / "curve.csv").read_text().splitlines()
    assert lines[0] == ",".join(CURVE_COLUMNS) and len(lines) == 4
    assert float(lines[-1].split(",")[1]) == pytest.approx(plain["accuracy"], abs=5e-5)
    assert (tmp_path / "curve" / "curve.png").stat().st_size > 0
    assert all(
        0.0 <= r["accuracy"] <= 1.0 and np.isfinite(r["test_spikes_per_image"]) for r in rows
    )
