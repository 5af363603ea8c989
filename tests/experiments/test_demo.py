import json

from lava_aptn.experiments.demo import run_demo


def test_demo_writes_both_runs_and_the_table(tmp_path, digits):
    x, y = digits(240, seed=1)
    xt, yt = digits(40, seed=2)
    out = run_demo(
        tmp_path,
        neurons=8,
        target=0.3,
        train_images=240,
        label_images=240,
        test_images=40,
        jobs=2,
        progress=False,
        log=lambda m: None,
        data=(x, y, xt, yt),
    )
    base = json.loads((tmp_path / "baseline" / "result.json").read_text())
    aptn = json.loads((tmp_path / "aptn" / "result.json").read_text())
    assert base["config"]["method"] == "none" and aptn["config"]["method"] == "aptn"
    # the default order: each seed's permutation of the training images
    assert base["config"]["run"]["order"] == aptn["config"]["run"]["order"] == "shuffled"
    assert base["connectivity"] == 1.0 and aptn["connectivity"] < 1.0
    assert abs(aptn["connectivity"] - 0.3) <= 0.005 or not aptn["target_search"]["converged"]
    lines = out["table"].splitlines()
    assert lines[2].startswith("| unpruned") and lines[3].startswith("| APTN")
    reduction = 1 - aptn["sops_infer_per_image"] / base["sops_infer_per_image"]
    assert f"{reduction:.1%}" in lines[3]
    assert (tmp_path / "summary.md").read_text().count("| APTN") == 1


def test_demo_order_dataset_reaches_both_runs(tmp_path, digits):
    x, y = digits(120, seed=1)
    xt, yt = digits(20, seed=2)
    run_demo(
        tmp_path,
        neurons=6,
        target=0.4,
        train_images=120,
        label_images=120,
        test_images=20,
        order="dataset",
        jobs=1,
        progress=False,
        log=lambda m: None,
        data=(x, y, xt, yt),
    )
    for name in ("baseline", "aptn"):
        result = json.loads((tmp_path / name / "result.json").read_text())
        assert result["config"]["run"]["order"] is None  # the split's order
