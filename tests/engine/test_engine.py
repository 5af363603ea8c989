"""The compiled engine against the numpy reference, and run-level behaviour."""

import json
from dataclasses import replace

import numpy as np
import pytest

from lava_aptn.config import RunConfig, preset
from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import encode
from lava_aptn.engine.evaluate import (
    accuracy_by_label_images,
    assign_labels,
    classify,
    confusion_matrix,
)
from lava_aptn.engine.network import Network
from lava_aptn.engine.reference import present_reference
from lava_aptn.pruning import PruningConfig


@pytest.mark.parametrize(
    "learning, membrane, decay",
    [
        (True, "backward-euler", "exact"),
        (False, "backward-euler", "exact"),
        (True, "forward-euler", "exact"),
        (True, "forward-euler", "euler"),  # Diehl & Cook's numerics
    ],
)
def test_engine_equals_numpy_reference(digits, learning, membrane, decay, run_present):
    images, _ = digits(6)
    cfg = replace(preset(n_neurons=30), membrane=membrane, decay=decay)
    net = Network.fresh(cfg, seed=1)
    state = net.syn_state.copy()
    state[::7, ::3] = 2  # some removed synapses
    state[1::11, 1::4] = 1  # some frozen ones
    net.set_synapses(net.weights(), state)
    ref = net.copy()
    total = 0
    for k, image in enumerate(images):
        ptr, px = encode(
            image, max_rate_hz=63.75, n_steps=700, dt_ms=0.5, seed=0, stream=16, image_index=k
        )
        c_engine, n_engine = run_present(net, ptr, px, learning)
        c_ref, n_ref = present_reference(ref, ptr, px, learning)
        assert np.array_equal(c_engine, c_ref)
        assert np.array_equal(n_engine, n_ref)
        np.testing.assert_allclose(net.w, ref.w, rtol=0, atol=1e-12)
        physical = slice(0, L.Y2 + 1)  # the engine also keeps refractory flag rows
        np.testing.assert_allclose(net.fs[physical], ref.fs[physical], rtol=1e-12, atol=1e-12)
        assert np.array_equal(net.ist[: L.LAST_I + 1], ref.ist[: L.LAST_I + 1])
        total += c_engine.sum()
        for n in (net, ref):
            n.clock[0] += 700
    assert total > 0


def test_forward_euler_membrane_known_answers():
    """One explicit step, and the clamp at the reversal potential (hand-computed)."""
    from lava_aptn.dynamics.neurons import _membrane

    a = 0.5 / 100.0  # dt / tau_m
    # at rest, g_e = 1: dv = a * (0 + 1 * (0 - (-65))) = 0.325 mV
    assert _membrane(-65.0, 1.0, 0.0, a, -65.0, 0.0, -100.0, 1.0) == pytest.approx(-64.675)
    # backward Euler from the same state: (-65 + a * (-65 + 0)) / (1 + 2a) = -64.6766...
    assert _membrane(-65.0, 1.0, 0.0, a, -65.0, 0.0, -100.0, 0.0) == pytest.approx(
        (-65.0 - 0.325) / 1.01
    )
    # g_i = 500: the explicit step would overshoot to -65 + a * 500 * -35 = -152.5 mV
    assert _membrane(-65.0, 0.0, 500.0, a, -65.0, 0.0, -100.0, 1.0) == -100.0


def test_euler_decay_known_answers(digits, run_present):
    """decay='euler': every factor is 1 - dt/tau; a conductance decays by it per step."""
    from lava_aptn.dynamics.params import step_params

    cfg = replace(preset(n_neurons=4), decay="euler")
    p = step_params(cfg)
    # dt = 0.5 ms: tau_ge 1 ms -> 0.5, tau_gi 2 ms -> 0.75, traces 20 / 40 ms
    assert (p.e_decay_ge, p.e_decay_gi, p.i_decay_ge, p.i_decay_gi) == (0.5, 0.75, 0.5, 0.75)
    assert (p.decay_pre, p.decay_post1, p.decay_post2) == (0.975, 0.975, 0.9875)
    exact = step_params(preset(n_neurons=4))
    assert exact.e_decay_ge == pytest.approx(np.exp(-0.5))
    # one step of an idle network: g_e halves instead of falling to exp(-0.5)
    for config, factor in ((cfg, 0.5), (preset(n_neurons=4), np.exp(-0.5))):
        net = Network.fresh(config, seed=0)
        net.fs[L.GE_E] = 2.0
        no_input = np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int32)
        run_present(net, *no_input, False)
        np.testing.assert_allclose(net.fs[L.GE_E], 2.0 * factor, rtol=1e-15)


def test_label_assignment_and_classification_known_answer():
    # neuron 0 answers class 2, neuron 1 class 0, neuron 2 never fires
    counts = np.array([[4, 0, 0], [0, 3, 0], [5, 1, 0], [0, 2, 0]])
    labels = np.array([2, 0, 2, 0])
    neuron_labels = assign_labels(counts, labels, n_classes=3)
    assert neuron_labels.tolist() == [2, 0, -1]
    test = np.array([[0, 5, 0], [7, 1, 0], [0, 0, 0]])
    assert classify(test, neuron_labels, n_classes=3).tolist() == [0, 2, 0]
    # from the first image alone only neuron 0 has a label (class 2), so a class-0 test
    # image that also excites neuron 0 is called 2; from two images on, both are right
    by_size = accuracy_by_label_images(
        counts,
        labels,
        np.array([[1, 5, 0], [7, 1, 0]]),
        np.array([0, 2]),
        sizes=(1, 2, 4, 9),
        n_classes=3,
    )
    assert by_size == {1: 0.5, 2: 1.0, 4: 1.0}
    cm = confusion_matrix(np.array([0, 2, 1]), np.array([0, 2, 0]), n_classes=3)
    assert cm.tolist() == [[1, 0, 0], [1, 0, 0], [0, 0, 1]]


def _run(
    tmp_path,
    digits,
    name,
    *,
    method="none",
    resume=False,
    kill_at=None,
    monkeypatch=None,
    edit_checkpoint=None,
    order=None,
):
    from lava_aptn.engine import pruner
    from lava_aptn.engine.run import run

    x, y = digits(600, seed=5)
    xt, yt = digits(100, seed=6)
    cfg = preset(n_neurons=16)
    run_cfg = RunConfig(
        train_images=600, label_images=600, test_images=100, checkpoint_every=200, order=order
    )
    prune_cfg = PruningConfig(method=method, w_th0=0.05, prune_start=200, prune_batch=100)
    if kill_at is not None:
        original = pruner.PruningDriver.on_block

        def dying(self, done, net, counts):
            if done == kill_at:
                raise KeyboardInterrupt("killed")
            original(self, done, net, counts)

        monkeypatch.setattr(pruner.PruningDriver, "on_block", dying)
        with pytest.raises(KeyboardInterrupt):
            run(
                cfg,
                run_cfg,
                prune_cfg,
                tmp_path / name,
                progress=False,
                log=lambda m: None,
                data=(x, y, xt, yt),
            )
        monkeypatch.setattr(pruner.PruningDriver, "on_block", original)
        assert (tmp_path / name / "checkpoint.npz").exists()
        if edit_checkpoint is not None:
            edit_checkpoint(tmp_path / name / "checkpoint.npz")
    return run(
        cfg,
        run_cfg,
        prune_cfg,
        tmp_path / name,
        resume=resume,
        progress=False,
        log=lambda m: None,
        data=(x, y, xt, yt),
    )


def _drop_newer_settings(path):
    """Rewrite a checkpoint as a version without ``membrane`` and ``prune_end`` wrote it."""
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    del meta["config"]["network"]["membrane"], meta["config"]["pruning"]["prune_end"]
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)


@pytest.mark.parametrize(
    "method, edit, order",
    [
        ("none", None, None),
        ("aptn", None, None),
        ("aptn", _drop_newer_settings, None),
        ("aptn", None, "shuffled"),
    ],
)
def test_resumed_run_equals_uninterrupted(tmp_path, digits, monkeypatch, method, edit, order):
    full = _run(tmp_path, digits, "full", method=method, order=order)
    resumed = _run(
        tmp_path,
        digits,
        "resumed",
        method=method,
        resume=True,
        kill_at=500,
        monkeypatch=monkeypatch,
        edit_checkpoint=edit,
        order=order,
    )
    assert full["config"]["run"]["order"] == order
    assert resumed["accuracy"] == full["accuracy"]
    assert resumed["connectivity"] == full["connectivity"]
    assert resumed["sops_train_per_image"] == full["sops_train_per_image"]
    with (
        np.load(tmp_path / "full" / "weights.npz") as a,
        np.load(tmp_path / "resumed" / "weights.npz") as b,
    ):
        assert np.array_equal(a["weights"], b["weights"])
        assert np.array_equal(a["syn_state"], b["syn_state"])
    assert (tmp_path / "full" / "thresholds.csv").read_text() == (
        tmp_path / "resumed" / "thresholds.csv"
    ).read_text()
    assert not (tmp_path / "resumed" / "checkpoint.npz").exists()


def test_run_folder_contract(tmp_path, digits):
    result = _run(tmp_path, digits, "r", method="aptn")
    out = tmp_path / "r"
    for name in (
        "result.json",
        "weights.npz",
        "thresholds.csv",
        "history.csv",
        "weights.png",
        "thresholds.png",
        "connectivity.png",
    ):
        assert (out / name).exists(), name
    on_disk = json.loads((out / "result.json").read_text())
    for key in (
        "schema",
        "config",
        "accuracy",
        "connectivity",
        "unpruned_fraction",
        "sops_train_per_image",
        "sops_infer_per_image",
        "sops_train_breakdown",
        "train_images",
        "label_images",
        "test_images",
        "wall_seconds",
        "train_wall_seconds",
        "train_images_per_second",
        "versions",
    ):
        assert key in on_disk, key
    assert on_disk["accuracy"] == result["accuracy"]
    # labels from the whole label set are the run's labels: the last entry is its accuracy
    by_size = on_disk["accuracy_by_label_images"]
    assert list(by_size)[-1] == str(on_disk["label_images"])
    assert by_size[str(on_disk["label_images"])] == on_disk["accuracy"]
    assert all(int(k) < on_disk["label_images"] for k in list(by_size)[:-1])
    assert 0 < on_disk["connectivity"] < 1  # aptn removed weights
    # digits are learnable: far above the 10 % of chance after 600 images
    assert on_disk["accuracy"] > 0.5
    b = on_disk["sops_train_breakdown"]
    assert on_disk["sops_train_per_image"] == pytest.approx(b["accumulations"] + b["stdp_updates"])


def test_resume_refuses_other_configuration(tmp_path, digits, monkeypatch):
    from lava_aptn.engine import pruner
    from lava_aptn.engine.run import run
    from lava_aptn.errors import LavaAptnError

    x, y = digits(600, seed=5)
    run_cfg = RunConfig(train_images=600, label_images=600, test_images=100, checkpoint_every=200)
    original = pruner.PruningDriver.on_block

    def dying(self, done, net, counts):
        if done == 300:
            raise KeyboardInterrupt("killed")
        original(self, done, net, counts)

    monkeypatch.setattr(pruner.PruningDriver, "on_block", dying)
    with pytest.raises(KeyboardInterrupt):
        run(
            preset(n_neurons=16),
            run_cfg,
            PruningConfig(method="none", prune_start=200, prune_batch=100),
            tmp_path,
            progress=False,
            data=(x, y, x[:100], y[:100]),
        )
    monkeypatch.setattr(pruner.PruningDriver, "on_block", original)
    checkpoint = tmp_path / "checkpoint.npz"
    saved = checkpoint.read_bytes()
    with pytest.raises(LavaAptnError, match="different configuration"):
        run(
            preset(n_neurons=17),
            run_cfg,
            PruningConfig(method="none", prune_start=200, prune_batch=100),
            tmp_path,
            resume=True,
            progress=False,
            data=(x, y, x[:100], y[:100]),
        )
    assert checkpoint.read_bytes() == saved  # the refused resume lost nothing


def test_resume_of_a_finished_run_returns_it_and_refuses_another(tmp_path, digits):
    """``--resume`` on a finished folder trains nothing; another configuration is refused."""
    from lava_aptn.engine.run import run
    from lava_aptn.errors import LavaAptnError

    first = _run(tmp_path, digits, "done", method="aptn")
    out = tmp_path / "done"
    text = (out / "result.json").read_text()
    x, y = digits(600, seed=5)
    xt, yt = digits(100, seed=6)
    run_cfg = RunConfig(  # _run's configuration
        train_images=600, label_images=600, test_images=100, checkpoint_every=200, order=None
    )
    prune_cfg = PruningConfig(method="aptn", w_th0=0.05, prune_start=200, prune_batch=100)
    said = []
    again = run(
        preset(n_neurons=16),
        run_cfg,
        prune_cfg,
        out,
        resume=True,
        progress=False,
        log=said.append,
        data=(np.zeros_like(x), y, xt, yt),  # blank images: a retraining would differ
    )
    assert again == json.loads(text) and again["accuracy"] == first["accuracy"]
    assert said == [f"{out} already holds this run's result.json: nothing to resume"]
    with pytest.raises(LavaAptnError, match="finished run with a different configuration"):
        run(
            preset(n_neurons=16),
            run_cfg,
            prune_cfg.replace(w_th0=0.06),
            out,
            resume=True,
            progress=False,
            data=(x, y, xt, yt),
        )
    assert (out / "result.json").read_text() == text  # the refused resume lost nothing


def test_resume_without_checkpoint_says_it_starts_over(tmp_path, digits):
    from lava_aptn.engine.run import run

    x, y = digits(300, seed=5)
    said = []
    run(
        preset(n_neurons=8),
        RunConfig(train_images=300, label_images=300, test_images=50, checkpoint_every=0),
        PruningConfig(method="none"),
        tmp_path / "fresh",
        resume=True,
        progress=False,
        log=said.append,
        data=(x, y, x[:50], y[:50]),
    )
    assert said[0] == f"no checkpoint in {tmp_path / 'fresh'}: training from image 0"
    assert (tmp_path / "fresh" / "result.json").exists()


def test_user_method_trains_in_the_engine(tmp_path, digits):
    from lava_aptn.engine.run import run
    from lava_aptn.pruning import PruneStep, run_step
    from lava_aptn.pruning.state import ACTIVE, REMOVED

    class DropHalfOfEachRow:
        """Removes every active synapse of odd input rows at the first step."""

        name = "drop-odd-rows"

        def step(self, *, k, weights, syn_state, spike_counts):
            state = syn_state.copy()
            w = weights.copy()
            odd = (np.arange(w.shape[0]) % 2 == 1)[:, None] & (state == ACTIVE)
            state[odd] = REMOVED
            w[state == REMOVED] = 0.0
            n = w.shape[1]
            return PruneStep(
                method=self.name,
                k=k,
                weights=w,
                syn_state=state,
                thresholds=np.full(n, np.nan),
                groups=np.zeros(n, np.int64),
                group_thresholds=np.array([np.nan]),
                group_sizes=np.array([n]),
            )

    x, y = digits(200, seed=5)
    method = DropHalfOfEachRow()
    w0 = np.ones((784, 4))
    assert (
        run_step(
            method,
            k=0,
            weights=w0,
            syn_state=np.zeros((784, 4), np.uint8),
            spike_counts=np.zeros(4),
        ).connectivity
        == 0.5
    )
    result = run(
        preset(n_neurons=4),
        RunConfig(train_images=200, label_images=200, test_images=50, checkpoint_every=0),
        PruningConfig(method="constant", prune_start=100, prune_batch=100),
        tmp_path,
        progress=False,
        data=(x, y, x[:50], y[:50]),
        method=method,
    )
    assert result["config"]["method"] == "drop-odd-rows"
    assert result["connectivity"] == 0.5
    with np.load(tmp_path / "weights.npz") as z:
        assert np.all(z["weights"][1::2] == 0) and np.all(z["syn_state"][1::2] == REMOVED)


def test_same_config_lets_missing_optional_settings_resume():
    """A record from before an optional setting existed equals one with it off (None)."""
    from lava_aptn.engine.run import same_config

    old = {"pruning": {"prune_batch": 5000}, "run": {"precision": "fixed"}}
    new = {
        "pruning": {"prune_batch": 5000, "prune_end": None},
        "run": {"precision": "fixed", "fixed_weight_exp": None},
    }
    assert same_config(old, new) and same_config(new, old)
    assert not same_config(old, {**new, "pruning": {"prune_batch": 5000, "prune_end": 55000}})
    assert not same_config(old, {**new, "run": {"precision": "float"}})
    assert not same_config({"a": {"b": 1}}, {})  # a missing section is not "off"


def test_shuffled_order_trains_on_other_images(tmp_path, digits):
    """Same seed, same images: the shuffled order gives another network than the split's."""
    plain = _run(tmp_path, digits, "plain")
    shuffled = _run(tmp_path, digits, "shuffled", order="shuffled")
    assert shuffled["config"]["run"]["order"] == "shuffled"
    with (
        np.load(tmp_path / "plain" / "weights.npz") as a,
        np.load(tmp_path / "shuffled" / "weights.npz") as b,
    ):
        assert not np.array_equal(a["weights"], b["weights"])
    assert shuffled["train_images"] == plain["train_images"] == 600


@pytest.mark.parametrize("precision", ["float", "fixed"])
def test_normalised_input_answers_a_dimmed_image_as_the_image(digits, precision):
    """With ``input.total_rate_hz`` an image at half intensity gives the very same spikes."""
    from lava_aptn.engine.run import fresh_network
    from lava_aptn.engine.train import respond

    x, _ = digits(12, seed=5)
    bright = (x // 2 * 2).astype(np.uint8)  # even levels, so halving is exact
    dim = bright // 2
    run_cfg = RunConfig(precision=precision, checkpoint_every=0)
    counts = {}
    for total in (None, 2000.0):
        cfg = preset(n_neurons=10)
        cfg = replace(cfg, input=replace(cfg.input, total_rate_hz=total))
        for name, images in (("bright", bright), ("dim", dim)):
            net = fresh_network(cfg, run_cfg)
            got, counters = respond(net, images, seed=1, stream=2, progress=False)
            counts[total, name] = (got, counters.counts[L.INPUT_SPIKES])
    same_bright, same_dim = counts[2000.0, "bright"], counts[2000.0, "dim"]
    np.testing.assert_array_equal(same_bright[0], same_dim[0])
    assert same_bright[1] == same_dim[1] > 0
    # without normalisation the dimmed images get fewer input spikes
    assert counts[None, "dim"][1] < 0.7 * counts[None, "bright"][1]
