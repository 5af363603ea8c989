"""``lava-aptn tune``: space parsing, deterministic candidates, held-out scoring, resume."""

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from lava_aptn.config import DEFAULT_PRESET, RunConfig, preset
from lava_aptn.errors import ConfigError, LavaAptnError
from lava_aptn.experiments import tune
from lava_aptn.experiments.tune import (
    Param,
    TuneSettings,
    evaluate_candidate,
    generate_generation,
    held_out_split,
    load_space,
    parse_space,
    read_log,
    run_search,
)

SPACE = """
description = "tiny test space"

[fixed]
"input.presentation_ms" = 100.0
"input.rest_ms" = 20.0

[params."exc.theta_plus_mv"]
low = 0.01
high = 0.2
scale = "log"

[params."syn.w_inh_exc"]
low = 5.0
high = 30.0

[params.dt_ms]
choices = [0.5, 1.0]

[params."input.min_exc_spikes"]
low = 0
high = 5
"""

N_IMAGES = 120


@pytest.fixture
def space(tmp_path):
    path = tmp_path / "space.toml"
    path.write_text(SPACE)
    return load_space(path)


@pytest.fixture
def data(digits):
    return digits(N_IMAGES, seed=3)


def settings(**kw):
    base = dict(
        neurons=10,
        train_images=40,
        eval_images=30,
        population=3,
        budget=6,
        jobs=1,
        seed=5,
    )
    base.update(kw)
    return TuneSettings(**base)


def search(space, out, data, **kw):
    lines = []
    result = run_search(space, settings(**kw), out, data=data, progress=False, log=lines.append)
    return result, lines


def _stable(records):
    """Records without wall times, by index (the log is in completion order)."""
    drop = {"wall_seconds", "train_seconds"}
    return sorted(
        ({k: v for k, v in r.items() if k not in drop} for r in records),
        key=lambda r: (r["index"], r["seed"]),
    )


# ----------------------------------------------------------------------------- the space


def test_space_parses_and_binds(space):
    s = settings()
    bound = space.bind(s.base_config(space))
    assert bound.names == (
        "exc.theta_plus_mv",
        "syn.w_inh_exc",
        "dt_ms",
        "input.min_exc_spikes",
    )
    assert bound.fixed == {"input.presentation_ms": 100.0, "input.rest_ms": 20.0}
    by_name = {p.name: p for p in bound.params}
    assert by_name["input.min_exc_spikes"].integer  # inferred from the int field
    assert not by_name["syn.w_inh_exc"].integer
    assert by_name["dt_ms"].choices == (0.5, 1.0)


def test_nested_tables_read_as_dotted_names():
    space = parse_space({"params": {"exc": {"theta_plus_mv": {"low": 0.01, "high": 0.1}}}})
    assert space.names == ("exc.theta_plus_mv",)


@pytest.mark.parametrize(
    "toml, match",
    [
        ('[params."exc.theta_plus"]\nlow = 0.01\nhigh = 0.1\n', r'params\."exc\.theta_plus"'),
        ('[params."exc"]\nlow = 0.01\nhigh = 0.1\n', r'params\."exc".*group'),
        ('[params."stdp.mu_post"]\nlow = 0.01\nhgh = 0.1\n', r"stdp\.mu_post.*'hgh'"),
        ('[params."stdp.mu_post"]\nlow = 0.1\nhigh = 0.01\n', r"stdp\.mu_post.*low must be <"),
        ('[params."stdp.mu_post"]\nlow = 0.0\nhigh = 0.1\nscale = "log"\n', r"mu_post.*log"),
        ('[params."stdp.mu_post"]\nlow = 0.0\nhigh = 0.1\nscale = "cubic"\n', r"mu_post.*scale"),
        ('[params."stdp.mu_post"]\nhigh = 0.1\n', r"stdp\.mu_post.*missing low"),
        ('[params."dt_ms"]\nchoices = [0.5, 0.5]\n', r"dt_ms.*repeat"),
        ('[params."dt_ms"]\nchoices = [0.5]\nlow = 0.1\n', r"dt_ms.*not both"),
        ('[params."dt_ms"]\nchoices = [0.5, 3.0]\n', r"dt_ms.*3\.0"),
        ('[params."stdp.tau_pre_ms"]\nlow = -5.0\nhigh = 10.0\n', r"stdp\.tau_pre_ms.*-5"),
        ('[params."stdp.mu_post"]\nlow = "a"\nhigh = 0.1\n', r"stdp\.mu_post.*number"),
        ('[fixed]\n"exc.nope" = 1.0\n[params.dt_ms]\nchoices = [0.5]\n', r'fixed\."exc\.nope"'),
        ("[serach]\n[params.dt_ms]\nchoices = [0.5]\n", r"serach"),
        ("[params.dt_ms]\nchoices = [0.5]\n[fixed]\ndt_ms = 1.0\n", r"dt_ms.*both"),
        ("[params]\n", r"no \[params\]"),
        ("[params.dt_ms\n", r"not valid TOML"),
    ],
)
def test_space_errors_name_the_bad_key(tmp_path, toml, match):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=match) as info:
        space = load_space(path)
        space.bind(TuneSettings(neurons=10).base_config(space))
    assert str(path) in str(info.value)


def test_sampling_and_mutation_stay_in_the_space():
    rng = np.random.default_rng(0)
    log_p = Param("exc.theta_plus_mv", 0.01, 0.2, "log")
    int_p = Param("input.min_exc_spikes", 0, 5, integer=True)
    choice_p = Param("dt_ms", choices=(0.5, 1.0))
    for _ in range(300):
        v = log_p.mutate(log_p.sample(rng), rng, 0.5)
        assert 0.01 <= v <= 0.2
        k = int_p.mutate(int_p.sample(rng), rng, 0.5)
        assert isinstance(k, int) and 0 <= k <= 5
        assert choice_p.mutate(0.5, rng, 0.5) == 1.0
    draws = np.array([log_p.sample(rng) for _ in range(2000)])
    # log scale: the geometric midpoint splits the draws in half
    assert 0.45 < np.mean(draws < np.sqrt(0.01 * 0.2)) < 0.55


# ----------------------------------------------------------------------------- candidates


def test_candidates_are_deterministic(space):
    s = settings(population=6)
    base = s.base_config(space)
    bound = space.bind(base)
    first = generate_generation(bound, s, base, 0, [])
    again = generate_generation(bound, s, base, 0, [])
    assert first == again
    assert first[0].parent == "base"
    assert first[0].params == {
        "exc.theta_plus_mv": 0.05,
        "syn.w_inh_exc": 17.0,
        "dt_ms": 0.5,
        "input.min_exc_spikes": 5,
    }
    assert len({json.dumps(c.params, sort_keys=True) for c in first}) == len(first)
    other = generate_generation(bound, settings(population=6, seed=6), base, 0, [])
    assert [c.params for c in other[1:]] != [c.params for c in first[1:]]
    # the next generation mutates the best of the history, deterministically
    history = [
        {"id": c.id, "index": c.index, "params": c.params, "status": "ok", "score": 0.1 * k}
        for k, c in enumerate(first)
    ]
    children = generate_generation(bound, s, base, 1, history)
    assert children == generate_generation(bound, s, base, 1, history)
    assert s.n_parents == 1  # max(1, 6 // 4): every child mutates the best
    assert {c.parent for c in children} == {first[-1].id}
    two = settings(population=6, parents=2)
    mixed = generate_generation(bound, two, base, 1, history)
    assert {c.parent for c in mixed} <= {first[-1].id, first[-2].id}
    # a prefix of a generation is the same as the start of the full one (budget changes)
    assert generate_generation(bound, s, base, 1, history, count=2) == children[:2]


# ----------------------------------------------------------------------------- held-out data


def test_held_out_split_is_disjoint_from_training():
    train, held = held_out_split(60000, 10000, 10000)
    assert (train.start, train.stop, held.start, held.stop) == (0, 10000, 50000, 60000)
    assert not set(train) & set(held)
    train, held = held_out_split(100, 60, 40)
    assert train.stop == held.start
    with pytest.raises(ConfigError, match="overlap"):
        held_out_split(100, 61, 40)


def test_search_trains_on_the_first_images_and_scores_on_the_last(
    space, data, tmp_path, monkeypatch
):
    seen = []
    real = tune.evaluate_candidate

    def spy(cfg, train, held_out, **kw):
        seen.append((train, held_out))
        return real(cfg, train, held_out, **kw)

    monkeypatch.setattr(tune.evaluate, "evaluate_candidate", spy)
    x, y = data
    search(space, tmp_path / "s", data, budget=2)
    assert len(seen) == 2
    for (x_tr, y_tr), (x_ev, y_ev) in seen:
        assert np.array_equal(x_tr, x[:40]) and np.array_equal(y_tr, y[:40])
        assert np.array_equal(x_ev, x[-30:]) and np.array_equal(y_ev, y[-30:])
    search_file = json.loads((tmp_path / "s" / "search.json").read_text())
    assert search_file["train_indices"] == [0, 40]
    assert search_file["eval_indices"] == [N_IMAGES - 30, N_IMAGES]


def _engine_accuracy(cfg, train, held, path, order=None):
    """Accuracy of ``lava_aptn.engine.run.run`` with ``held`` as the test set."""
    from lava_aptn.engine.run import run
    from lava_aptn.pruning import PruningConfig

    run_cfg = RunConfig(
        seed=2, train_images=40, label_images=40, test_images=30, checkpoint_every=0, order=order
    )
    result = run(
        cfg,
        run_cfg,
        PruningConfig(method="none"),
        path,
        progress=False,
        log=lambda _m: None,
        data=(*train, *held),
    )
    return result["accuracy"]


def test_score_is_the_engine_protocol_with_held_out_as_test_set(data, tmp_path):
    x, y = data
    cfg = preset(n_neurons=10)
    train, held = (x[:40], y[:40]), (x[-30:], y[-30:])
    metrics = evaluate_candidate(cfg, train, held, seed=2)
    assert metrics["score"] == _engine_accuracy(cfg, train, held, tmp_path / "run")
    # the score reads the held-out labels: wrong labels there cannot score the same
    wrong = evaluate_candidate(cfg, train, (held[0], (held[1] + 1) % 10), seed=2)
    assert wrong["label_accuracy"] == metrics["label_accuracy"]
    assert wrong["score"] + metrics["score"] <= 1.0


def test_shuffled_score_is_the_engine_protocol_in_shuffled_order(data, tmp_path):
    x, y = data
    cfg = preset(n_neurons=10)
    train, held = (x[:40], y[:40]), (x[-30:], y[-30:])
    metrics = evaluate_candidate(cfg, train, held, seed=2, order="shuffled")
    assert metrics["score"] == _engine_accuracy(cfg, train, held, tmp_path / "run", "shuffled")
    plain = evaluate_candidate(cfg, train, held, seed=2)  # another order, another network
    keys = ("train_spikes_per_image", "train_presentations_per_image", "eval_spikes_per_image")
    assert any(plain[k] != metrics[k] for k in keys)


def test_order_enters_the_identity_only_when_shuffled():
    # searches in the split's order, from before the setting existed, resume
    assert "order" not in TuneSettings(order="dataset").identity()
    assert TuneSettings().identity()["order"] == "shuffled"  # the default
    with pytest.raises(ConfigError, match="order must be 'dataset'"):
        TuneSettings(order="random")


# ----------------------------------------------------------------------------- the search


def test_search_writes_log_summary_and_best(space, data, tmp_path):
    result, lines = search(space, tmp_path / "s", data)
    out = tmp_path / "s"
    records = read_log(out / "candidates.jsonl")
    assert [r["id"] for r in records] == [
        "g00-c000",
        "g00-c001",
        "g00-c002",
        "g01-c000",
        "g01-c001",
        "g01-c002",
    ]
    assert all(r["status"] == "ok" and 0 <= r["score"] <= 1 for r in records)
    assert {r["parent"] for r in records[3:]} <= {r["id"] for r in records[:3]}
    best = json.loads((out / "best.json").read_text())
    top = max(records, key=lambda r: (r["score"], -r["index"]))
    assert best["id"] == top["id"] and best["score"] == top["score"]
    assert best["overrides"] == {
        "input.presentation_ms": 100.0,
        "input.rest_ms": 20.0,
        **top["params"],
    }
    assert best["command"].startswith(f"lava-aptn train --preset {DEFAULT_PRESET} --neurons 10")
    summary = (out / "summary.md").read_text()
    assert summary.count("| g0") == 6
    assert "held out" in summary
    assert sum(line.startswith("g0") for line in lines) == 6  # one log line per candidate


def test_resume_after_interruption_equals_uninterrupted(space, data, tmp_path, monkeypatch):
    full, _ = search(space, tmp_path / "full", data)
    real = tune.evaluate_candidate
    calls = []

    def interrupted(*args, **kw):
        calls.append(1)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(tune.evaluate, "evaluate_candidate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        search(space, tmp_path / "cut", data)
    log = tmp_path / "cut" / "candidates.jsonl"
    assert len(read_log(log)) == 4
    with log.open("a") as fh:  # a crash in the middle of a write
        fh.write('{"id": "g01-c001", "sco')
    monkeypatch.setattr(tune.evaluate, "evaluate_candidate", real)
    resumed, lines = search(space, tmp_path / "cut", data)
    assert "4 already in" in lines[0]
    assert _stable(read_log(log)) == _stable(read_log(tmp_path / "full" / "candidates.jsonl"))
    assert resumed.best["id"] == full.best["id"]
    assert resumed.best["overrides"] == full.best["overrides"]
    again, lines = search(space, tmp_path / "cut", data)  # nothing left to do
    assert "6 already in" in lines[0] and len(read_log(log)) == 6


def test_larger_budget_continues_the_same_search(space, data, tmp_path):
    search(space, tmp_path / "s", data, budget=4)
    search(space, tmp_path / "s", data, budget=6)
    full, _ = search(space, tmp_path / "full", data, budget=6)
    assert _stable(read_log(tmp_path / "s" / "candidates.jsonl")) == _stable(full.records)


def test_other_search_in_the_same_folder_is_refused(space, data, tmp_path):
    search(space, tmp_path / "s", data, budget=1)
    with pytest.raises(LavaAptnError, match="seed"):
        search(space, tmp_path / "s", data, budget=1, seed=6)


def test_parallel_jobs_give_the_same_candidates(space, data, tmp_path):
    one, _ = search(space, tmp_path / "one", data, budget=4, population=2)
    two, _ = search(space, tmp_path / "two", data, budget=4, population=2, jobs=2)
    assert _stable(two.records) == _stable(one.records)


def test_reevaluation_on_fresh_seeds(space, data, tmp_path):
    result, _ = search(space, tmp_path / "s", data, budget=3, seeds=2, top=2)
    seeds = read_log(tmp_path / "s" / "seeds.jsonl")
    assert len(seeds) == 4 and {r["seed"] for r in seeds} == {6, 7}  # search seed is 5
    best = result.best
    assert best["seeds"]["seeds"] == [6, 7]
    assert best["seeds"]["mean"] == pytest.approx(np.mean(best["seeds"]["scores"]))
    means = {}
    for r in seeds:
        means.setdefault(r["id"], []).append(r["score"])
    assert best["seeds"]["mean"] == max(np.mean(v) for v in means.values())
    assert "fresh seed" in (tmp_path / "s" / "summary.md").read_text()


# ----------------------------------------------------------------------------- several sizes


def test_several_sizes_score_each_size_and_rank_by_the_mean(space, data, tmp_path):
    from lava_aptn.experiments.tune.space import _valid_config

    s = settings(neurons=(10, 14), budget=2, population=2, seeds=1, top=1)
    result = run_search(space, s, tmp_path / "s", data=data, progress=False, log=lambda _m: None)
    x, y = data
    train, held = (x[:40], y[:40]), (x[-30:], y[-30:])
    for r in result.records + result.seed_records:
        assert set(r["by_size"]) == {"10", "14"}
        for n in (10, 14):
            cfg = _valid_config(s.base_config(space, n), r["params"])
            assert cfg.n_neurons == n
            alone = evaluate_candidate(cfg, train, held, seed=r["seed"], order=s.order)
            assert r["by_size"][str(n)]["score"] == alone["score"]
        assert r["score"] == pytest.approx(np.mean([m["score"] for m in r["by_size"].values()]))
    # the two sizes disagree somewhere, so the mean is not one size's score in disguise
    assert any(r["by_size"]["10"]["score"] != r["by_size"]["14"]["score"] for r in result.records)
    best = json.loads((tmp_path / "s" / "best.json").read_text())
    assert best["neurons"] == [10, 14]
    assert best["commands"]["14"].startswith(
        f"lava-aptn train --preset {DEFAULT_PRESET} --neurons 14"
    )
    summary = (tmp_path / "s" / "summary.md").read_text()
    assert "N = 10, 14 (a candidate's score: the mean" in summary and "| N=14 |" in summary
    assert json.loads((tmp_path / "s" / "search.json").read_text())["neurons"] == [10, 14]


def test_sizes_are_validated_and_one_size_is_stored_as_before():
    assert TuneSettings(neurons=(100,)).neurons == 100  # searches of one size resume
    assert TuneSettings(neurons=[100, 800]).neurons == (100, 800)
    assert TuneSettings(neurons=(100, 800)).identity()["neurons"] == [100, 800]
    assert TuneSettings(neurons=(100, 800)).base_config().n_neurons == 100
    with pytest.raises(ConfigError, match="twice"):
        TuneSettings(neurons=(100, 100))
    with pytest.raises(ConfigError, match="at least one"):
        TuneSettings(neurons=())
    with pytest.raises(ConfigError, match="integers >= 1"):
        TuneSettings(neurons=(100, 0))


def test_several_sizes_refuse_a_space_that_searches_the_size(data, tmp_path):
    path = tmp_path / "space.toml"
    path.write_text("[params.n_neurons]\nlow = 5\nhigh = 20\n")
    with pytest.raises(LavaAptnError, match="searches n_neurons, which a search over several"):
        search(load_space(path), tmp_path / "s", data, neurons=(10, 14))


def test_repeats_score_each_candidate_on_consecutive_seeds(space, data, tmp_path):
    from lava_aptn.experiments.tune.space import _valid_config

    s = settings(repeats=2, budget=2, population=2, seeds=1, top=1)  # search seed 5
    assert s.search_seeds == (5, 6) and s.fresh_seeds == (7,)
    result = run_search(space, s, tmp_path / "s", data=data, progress=False, log=lambda _m: None)
    x, y = data
    train, held = (x[:40], y[:40]), (x[-30:], y[-30:])
    for r in result.records:
        cfg = _valid_config(s.base_config(space), r["params"])
        alone = {
            seed: evaluate_candidate(cfg, train, held, seed=seed, order=s.order)["score"]
            for seed in (5, 6)
        }
        assert r["by_seed"] == {"5": alone[5], "6": alone[6]}
        assert r["score"] == pytest.approx((alone[5] + alone[6]) / 2)
    # the re-evaluation runs one fresh seed per task, none of the search's
    assert [r["seed"] for r in result.seed_records] == [7]
    assert "by_seed" not in result.seed_records[0]
    assert json.loads((tmp_path / "s" / "search.json").read_text())["repeats"] == 2
    assert "repeats" not in TuneSettings().identity()  # one-seed searches resume as before
    assert "mean over seeds [5, 6]" in (tmp_path / "s" / "summary.md").read_text()
    with pytest.raises(ConfigError, match="repeats"):
        TuneSettings(repeats=0)


def test_command_line_maps_onto_settings(tmp_path, monkeypatch):
    from lava_aptn.experiments import tune_commands

    captured = {}

    def fake_run_search(space, settings, out, progress):
        captured.update(space=space, settings=settings, out=out, progress=progress)
        return tune.SearchResult([], [], {}, out)

    monkeypatch.setattr(tune, "run_search", fake_run_search)
    path = tmp_path / "space.toml"
    path.write_text(SPACE)
    parser = argparse.ArgumentParser()
    tune_commands.register(parser.add_subparsers())
    args = parser.parse_args(
        [
            "tune",
            str(path),
            "--out",
            str(tmp_path / "o"),
            "--budget",
            "5",
            "--population",
            "4",
            "--train-images",
            "100",
            "--eval-images",
            "50",
            "--jobs",
            "1",
            "--seed",
            "3",
            "--set",
            "stdp.mu_pre=0.0002",
            "--neurons",
            "20",
            "--dataset",
            "fashion-mnist",
            "--seeds",
            "3",
            "--order",
            "shuffled",
            "--no-progress",
        ]
    )
    assert args.func(args) == 0
    s = captured["settings"]
    assert (s.budget, s.population, s.train_images, s.eval_images) == (5, 4, 100, 50)
    assert (s.jobs, s.seed, s.neurons, s.dataset, s.seeds) == (1, 3, 20, "fashion-mnist", 3)
    assert s.fixed == {"stdp.mu_pre": 0.0002} and s.order == "shuffled"
    assert s.n_candidates == 5 and s.n_generations == 2
    assert captured["progress"] is False
    assert s.repeats == 1
    argv = ["tune", str(path), "--out", "o", "--neurons", "100", "800", "--repeats", "3"]
    args = parser.parse_args(argv)
    assert args.func(args) == 0 and captured["settings"].neurons == (100, 800)
    assert captured["settings"].repeats == 3


def test_shipped_spaces_bind():
    """Every space in experiments/tune/ parses and gives valid networks at its corners."""
    root = Path(__file__).resolve().parents[2] / "experiments" / "tune"
    paths = sorted(root.glob("*.toml"))
    assert paths
    for path in paths:
        space = load_space(path)
        space.bind(TuneSettings(neurons=10).base_config(space))  # raises on a bad name or bound
