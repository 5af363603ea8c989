"""How ``lava-aptn report`` splits its figures into panels (no rendering)."""

from lava_aptn.experiments.report_plots import draw, panel_rows, series_order

SPEC = {"x": "connectivity", "y": "accuracy", "panels": ["neurons", "method"]}


def _row(method, neurons, accuracy, connectivity=0.1, seed=0):
    return {
        "method": method,
        "neurons": neurons,
        "seed": seed,
        "accuracy": accuracy,
        "connectivity": 1.0 if method == "none" else connectivity,
    }


def test_unpruned_rows_become_each_panels_baseline_of_their_own_size():
    rows = [
        _row("none", 100, 0.86, seed=0),
        _row("none", 100, 0.84, seed=1),
        _row("none", 800, 0.90),
        _row("apt", 100, 0.80),
        _row("apn", 100, 0.78),
        _row("apt", 800, 0.85),
    ]
    panels, baselines = panel_rows(rows, SPEC)
    assert sorted(panels) == [(100, "apn"), (100, "apt"), (800, "apt")]
    assert all(r["method"] != "none" for members in panels.values() for r in members)
    assert baselines[(100, "apt")] == baselines[(100, "apn")] == 0.85  # mean over seeds
    assert baselines[(800, "apt")] == 0.90


def test_panel_without_a_matching_baseline_gets_none():
    panels, baselines = panel_rows([_row("none", 100, 0.86), _row("apt", 800, 0.8)], SPEC)
    assert list(panels) == [(800, "apt")] and baselines == {}


def test_baselines_alone_keep_their_panel():
    panels, baselines = panel_rows([_row("none", 100, 0.86)], SPEC)
    assert list(panels) == [(100, "none")] and baselines == {}


def test_without_method_panels_the_baseline_stays_a_point_of_its_panel():
    rows = [_row("none", 100, 0.86), _row("apt", 100, 0.8)]
    panels, baselines = panel_rows(rows, {**SPEC, "panels": ["neurons"]})
    assert [r["method"] for r in panels[(100,)]] == ["none", "apt"] and baselines == {}


def test_rows_missing_x_or_y_are_left_out():
    rows = [_row("apt", 100, None), _row("apt", 100, 0.8, connectivity=float("nan"))]
    rows.append(_row("apn", 100, 0.7))
    panels, _ = panel_rows(rows, SPEC)
    assert list(panels) == [(100, "apn")]


def test_figure_with_baselines_renders():
    rows = [_row("none", 100, 0.86), _row("apt", 100, 0.8), _row("apt", 100, 0.7, 0.05)]
    png = draw(rows, {**SPEC, "series": "method"})
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_series_order_is_numeric_then_text_then_baseline():
    keys = ["time_fn", "spike_interval"]
    rows = [{"time_fn": "f1", "spike_interval": v} for v in (120.0, 30.0, float("inf"), 10.0)] + [
        {"time_fn": "f0", "spike_interval": 60.0},
        {},
    ]
    ordered = sorted(rows, key=lambda r: series_order(r, keys, ""))
    assert [(r.get("time_fn"), r.get("spike_interval")) for r in ordered] == [
        ("f0", 60.0),
        ("f1", 10.0),
        ("f1", 30.0),
        ("f1", 120.0),
        ("f1", float("inf")),
        (None, None),
    ]
