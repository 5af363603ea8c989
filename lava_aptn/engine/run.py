"""One complete run: train (with pruning), assign labels, test, write the results.

Outputs in the run folder (design section 2): ``result.json``, ``weights.npz``,
``thresholds.csv``, ``history.csv`` and PNG figures; ``checkpoint.npz`` while training
(removed when the run completes).
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from lava_aptn.config import NetworkConfig, RunConfig
from lava_aptn.dynamics import layout as L
from lava_aptn.encoding import LABEL_STREAM, TEST_STREAM
from lava_aptn.engine import outputs
from lava_aptn.engine.evaluate import (
    accuracy_by_label_images,
    assign_labels,
    classify,
    confusion_matrix,
)
from lava_aptn.engine.network import Network
from lava_aptn.engine.pruner import PruningDriver
from lava_aptn.engine.train import PhaseCounters, respond, train
from lava_aptn.errors import LavaAptnError
from lava_aptn.io import atomic_save_npz
from lava_aptn.pruning import (
    PruningConfig,
    PruningMethod,
    as_method,
    connectivity,
    unpruned_fraction,
)

CHECKPOINT = "checkpoint.npz"
#: Hardware profile of the energy figures written into every ``result.json``.
DEFAULT_ENERGY_PROFILE = "loihi"


def energy_field(result: dict, profile: str) -> dict:
    """Return the ``energy_uj_per_image`` entry of ``result`` for a hardware profile."""
    from lava_aptn.energy.counters import counters_from_result
    from lava_aptn.energy.estimate import estimate_energy, result_field
    from lava_aptn.energy.profiles import resolve_profile

    report = estimate_energy(
        counters_from_result(result, origin="result"), resolve_profile(profile)
    )
    return result_field(report)


#: Random-stream key of the shuffled training order (initial weights use 0x5EED).
ORDER_STREAM = 0x0D3


@dataclass
class Dataset:
    """Images and labels of one run (training split and test split)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @classmethod
    def load(cls, run_cfg: RunConfig, data: tuple | Dataset | None = None) -> Dataset:
        """Load the dataset named by ``run_cfg``, or wrap ``data`` (x, y, x_test, y_test).

        The training images come in ``run_cfg.order`` (:func:`training_order`): a split
        loaded from disk or given as a tuple is put in that order. A :class:`Dataset`
        (one this method returned) is already in it and is returned as it is, so a
        caller that loaded the data hands it on without shuffling it twice.
        """
        if isinstance(data, Dataset):
            return data
        if data is not None:
            x, y, xt, yt = data
            if run_cfg.order is not None:
                take = training_order(run_cfg.order, run_cfg.seed, len(x), len(x))
                x, y = np.asarray(x)[take], np.asarray(y)[take]
            return cls(x, np.asarray(y, np.int64), xt, np.asarray(yt, np.int64))
        from lava_aptn.data import load_dataset

        x, y = load_dataset(run_cfg.dataset, "train")
        xt, yt = load_dataset(run_cfg.dataset, "test")
        n_train = max(run_cfg.train_images, run_cfg.label_images)
        take = training_order(run_cfg.order, run_cfg.seed, len(x), n_train)
        n_test = run_cfg.test_images
        return cls(x[take], y[take].astype(np.int64), xt[:n_test], yt[:n_test].astype(np.int64))


def training_order(order: str | None, seed: int, n_available: int, n_take: int) -> np.ndarray:
    """Return the indices of the training images a run uses, in the order it uses them.

    Parameters
    ----------
    order
        ``None`` (or ``"dataset"``): the first ``n_take`` images in the split's order;
        ``"shuffled"``: the first ``n_take`` of a permutation of all ``n_available``
        images drawn from ``seed`` (its own random stream, independent of the initial
        weights and the input spikes), so that seeds also differ in the order of the
        images.
    seed
        The run's seed.
    n_available, n_take
        Images in the split, and how many the run needs.

    Returns
    -------
    ndarray of int64, shape (n_take,)

    Examples
    --------
    >>> training_order(None, 3, 10, 4)
    array([0, 1, 2, 3])
    >>> sorted(training_order("shuffled", 3, 10, 10).tolist()) == list(range(10))
    True
    """
    if not 0 <= n_take <= n_available:
        raise ValueError(f"cannot take {n_take} of {n_available} training images")
    if order is None or order == "dataset":
        return np.arange(n_take, dtype=np.int64)
    if order == "shuffled":
        rng = np.random.default_rng([int(seed), ORDER_STREAM])
        return rng.permutation(n_available)[:n_take].astype(np.int64)
    raise ValueError(f"unknown order {order!r}; choose 'dataset' (the split's) or 'shuffled'")


@dataclass
class Session:
    """A network in training with its pruning driver, counters and per-batch history."""

    net: Network
    driver: PruningDriver
    run_cfg: RunConfig
    counters: PhaseCounters = field(default_factory=PhaseCounters)
    history: list = field(default_factory=list)
    last: dict = field(default_factory=dict)
    batch_counts: np.ndarray | None = None
    done: int = 0

    def copy(self) -> Session:
        """Return an independent copy (to branch several continuations from one prefix)."""
        driver = copy.copy(self.driver)
        driver.load_state(json.loads(json.dumps(self.driver.state())))
        return Session(
            self.net.copy(),
            driver,
            self.run_cfg,
            PhaseCounters.from_dict(self.counters.to_dict()),
            copy.deepcopy(self.history),
            copy.deepcopy(self.last),
            None if self.batch_counts is None else self.batch_counts.copy(),
            self.done,
        )

    def branch(self, prune_cfg: PruningConfig, method: PruningMethod | None = None) -> Session:
        """Return a copy that continues with ``prune_cfg`` from this unpruned prefix.

        The prefix must have been trained without pruning (method ``none``, same
        schedule); a pruning step due at the prefix's last image runs now. ``method``, a
        user object with the :class:`~lava_aptn.pruning.PruningMethod` interface, replaces
        the method ``prune_cfg`` names (which then only sets the schedule).
        """
        if self.driver.config.method != "none":
            raise ValueError("branch() needs a prefix trained with method 'none'")
        other = self.copy()
        driver = PruningDriver(as_method(method or prune_cfg), prune_cfg, self.run_cfg.train_images)
        driver.load_state(json.loads(json.dumps(self.driver.state())))
        other.driver = driver
        k = driver.points.get(self.done)
        if k is not None and self.done and prune_cfg.method != "post-training":
            driver.apply(k, self.done, other.net)
        if self.done == self.run_cfg.train_images:
            driver.finish(other.net)
        other._refresh_last_row()
        return other

    def _refresh_last_row(self) -> None:
        """Show in the history row of the current image the pruning done at it."""
        if self.history and self.history[-1]["images_seen"] == self.done:
            self.history[-1]["connectivity"] = connectivity(self.net.syn_state)
            self.history[-1]["unpruned_fraction"] = unpruned_fraction(self.net.syn_state)

    def _record(self, images_done: int) -> None:
        counts = self.counters.counts.astype(float)
        n = max(self.counters.images - self.last.get("images", 0), 1)
        delta = counts - np.asarray(self.last.get("counts", np.zeros_like(counts)))
        acc = delta[L.ACCUMULATIONS] / n
        stdp = (delta[L.DEP_NOMINAL] + delta[L.POT_NOMINAL]) / n
        self.history.append(
            {
                "images_seen": images_done,
                "connectivity": connectivity(self.net.syn_state),
                "unpruned_fraction": unpruned_fraction(self.net.syn_state),
                "sops_train_per_image": acc + stdp,
                "accumulations_per_image": acc,
                "stdp_updates_per_image": stdp,
                "exc_spikes_per_image": delta[L.EXC_SPIKES] / n,
            }
        )
        self.last["images"] = self.counters.images
        self.last["counts"] = counts.tolist()

    def advance(
        self,
        images: np.ndarray,
        stop: int,
        *,
        progress: bool = True,
        checkpoint: tuple[int, Path, dict] | None = None,
        watchers: tuple[tuple[int, Any], ...] = (),
    ) -> None:
        """Train on ``images[done:stop]`` with pruning; optionally checkpoint periodically.

        ``watchers`` are more ``(period, fn)`` callbacks of :func:`train`, called after the
        pruning and checkpoint callbacks; they must not change the network.
        """
        if self.done >= stop:
            return
        batch = self.driver.config.prune_batch
        total = self.run_cfg.train_images

        def on_block(done: int, network: Network, counts: np.ndarray) -> None:
            self.driver.on_block(done, network, counts)
            if done % batch == 0 or done == total:
                self._record(done)

        callbacks = [(self.driver.block, on_block)]
        if checkpoint is not None and checkpoint[0]:
            every, path, record = checkpoint

            def on_checkpoint(done: int, network: Network, counts: np.ndarray) -> None:
                if done < total:
                    self.done = done
                    self.batch_counts = counts.copy()
                    save_checkpoint(path, self, record)

            callbacks.append((every, on_checkpoint))
        callbacks.extend(watchers)
        self.counters, self.batch_counts = train(
            self.net,
            images[:stop],
            seed=self.run_cfg.seed,
            start=self.done,
            counters=self.counters,
            batch_counts=self.batch_counts,
            callbacks=tuple(callbacks),
            progress=progress,
        )
        self.done = stop
        if stop == total:
            self.driver.finish(self.net)
            self._refresh_last_row()

    def measure(self) -> float:
        """Return what a target search aims at: unpruned for soft pruning, else connectivity."""
        if self.driver.config.method == "soft":
            return unpruned_fraction(self.net.syn_state)
        return connectivity(self.net.syn_state)


def config_record(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    preset: str | None,
    method: PruningMethod | None = None,
) -> dict[str, Any]:
    """Return the ``config`` entry of ``result.json`` (also the identity of a checkpoint).

    With a user ``method``, its ``name`` is recorded instead of ``prune_cfg.method``.
    """
    return {
        "dataset": run_cfg.dataset,
        "neurons": net_cfg.n_neurons,
        "method": getattr(method, "name", type(method).__name__) if method else prune_cfg.method,
        "seed": run_cfg.seed,
        "preset": preset,
        "run": asdict(run_cfg),
        "network": net_cfg.to_dict(),
        "pruning": prune_cfg.as_dict(),
    }


def new_session(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    method: PruningMethod | None = None,
) -> Session:
    """Return a fresh, untrained session.

    ``method``, a user object with the :class:`~lava_aptn.pruning.PruningMethod`
    interface, replaces the method ``prune_cfg`` names (which then sets the schedule).
    """
    driver = PruningDriver(as_method(method or prune_cfg), prune_cfg, run_cfg.train_images)
    return Session(fresh_network(net_cfg, run_cfg), driver, run_cfg)


def fresh_network(net_cfg: NetworkConfig, run_cfg: RunConfig):
    """Return the untrained network of ``run_cfg``'s precision (and fixed-point profile)."""
    if run_cfg.precision == "fixed":
        from lava_aptn.engine.simulate_fixed import FixedNetwork

        return FixedNetwork.fresh(net_cfg, run_cfg.seed, fixed_profile(run_cfg))
    return Network.fresh(net_cfg, run_cfg.seed)


def restore_network(net_cfg: NetworkConfig, run_cfg: RunConfig, state: dict):
    """Rebuild a network saved by its ``state_dict`` under ``run_cfg``'s precision."""
    if run_cfg.precision == "fixed":
        from lava_aptn.engine.simulate_fixed import FixedNetwork

        return FixedNetwork.from_state_dict(net_cfg, state, fixed_profile(run_cfg))
    return Network.from_state_dict(net_cfg, state)


def fixed_profile(run_cfg: RunConfig):
    """Return ``run_cfg``'s fixed-point profile (default loihi2), with its weight exponent."""
    from lava_aptn.dynamics.fixed_profile import load_fixed_profile

    profile = load_fixed_profile(run_cfg.fixed_profile)
    if run_cfg.fixed_weight_exp is not None:
        profile = replace(profile, weight_exp=run_cfg.fixed_weight_exp)
    return profile


class Evaluation(NamedTuple):
    """The label and test passes of a trained network (:func:`label_and_test`)."""

    neuron_labels: np.ndarray
    label_counts: np.ndarray
    label_counters: PhaseCounters
    test_counts: np.ndarray
    test_counters: PhaseCounters


def label_and_test(net, data: Dataset, run_cfg: RunConfig, *, progress: bool = True):
    """Label the neurons with the first ``label_images`` training images, then test.

    Both passes run with learning off; the network's neuron state carries over (pass a
    copy to keep ``net`` as it is). Returns an :class:`Evaluation`.
    """
    label_counts, label_counters = respond(
        net,
        data.x_train[: run_cfg.label_images],
        seed=run_cfg.seed,
        stream=LABEL_STREAM,
        progress=progress,
        desc="label",
    )
    neuron_labels = assign_labels(label_counts, data.y_train[: run_cfg.label_images])
    test_counts, test_counters = respond(
        net, data.x_test, seed=run_cfg.seed, stream=TEST_STREAM, progress=progress, desc="test"
    )
    return Evaluation(neuron_labels, label_counts, label_counters, test_counts, test_counters)


def evaluate_and_write(
    session: Session,
    data: Dataset,
    out: Path,
    record: dict,
    *,
    wall0: float,
    progress: bool = True,
    extra: dict | None = None,
    initial_weights: np.ndarray | None = None,
) -> dict[str, Any]:
    """Assign labels, test, write the run folder; return the result dictionary."""
    run_cfg, net = session.run_cfg, session.net
    ev = label_and_test(net, data, run_cfg, progress=progress)
    neuron_labels = ev.neuron_labels
    predictions = classify(ev.test_counts, neuron_labels)
    result = outputs.build_result(
        record,
        net,
        accuracy=float(np.mean(predictions == data.y_test)),
        train=session.counters,
        infer=ev.test_counters,
        label=ev.label_counters,
        run_cfg=run_cfg,
        confusion=confusion_matrix(data.y_test, predictions),
        neuron_labels=neuron_labels,
        wall_seconds=time.perf_counter() - wall0,
        train_wall_seconds=session.counters.wall_seconds,
    )
    by_size = accuracy_by_label_images(
        ev.label_counts, data.y_train[: run_cfg.label_images], ev.test_counts, data.y_test
    )
    result["accuracy_by_label_images"] = {str(k): acc for k, acc in by_size.items()}
    result["prune_wall_seconds"] = session.driver.wall_seconds()
    result["prune_steps"] = len(session.driver.steps)
    if extra:
        result.update(extra)
    result["energy_uj_per_image"] = energy_field(result, DEFAULT_ENERGY_PROFILE)
    outputs.write_run(
        out,
        result,
        net,
        neuron_labels,
        session.driver,
        session.history,
        initial_weights=initial_weights,
    )
    return result


def run(
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    out_dir: str | Path,
    *,
    resume: bool = False,
    preset: str | None = None,
    progress: bool = True,
    log=print,
    data: tuple | Dataset | None = None,
    method: PruningMethod | None = None,
) -> dict[str, Any]:
    """Train, label and test one network; write the run folder; return ``result.json``.

    Parameters
    ----------
    net_cfg, run_cfg, prune_cfg
        The network, the run protocol and the pruning method.
    out_dir
        Run folder (created).
    resume
        Continue from ``out_dir/checkpoint.npz`` if present; the configuration must be
        the same as the checkpoint's.
    preset
        Name of the preset the network came from (recorded only).
    progress
        Show progress bars.
    log
        Where one-line status messages go.
    data
        ``(train_images, train_labels, test_images, test_labels)`` to use instead of the
        dataset named in ``run_cfg`` (tests, synthetic data), put in ``run_cfg.order``; or
        a :class:`Dataset` already in it (:meth:`Dataset.load`).
    method
        A user pruning method (:class:`~lava_aptn.pruning.PruningMethod` interface) used
        instead of the one ``prune_cfg`` names; ``prune_cfg`` then sets the schedule and
        must name an online method (not ``none`` or ``post-training``).
    """
    wall0 = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    record = config_record(net_cfg, run_cfg, prune_cfg, preset, method)
    dataset = Dataset.load(run_cfg, data)
    ckpt = out / CHECKPOINT
    if resume and not ckpt.exists():
        finished = finished_result(out, record)
        if finished is not None:
            log(f"{out} already holds this run's result.json: nothing to resume")
            return finished
        log(f"no checkpoint in {out}: training from image 0")
    if resume and ckpt.exists():
        session = load_checkpoint(ckpt, net_cfg, run_cfg, prune_cfg, record, method)
        log(f"resuming {out} at image {session.done}")
    else:
        session = new_session(net_cfg, run_cfg, prune_cfg, method)
        atomic_save_npz(out / "initial_weights.npz", weights=session.net.weights())
    session.advance(
        dataset.x_train,
        run_cfg.train_images,
        progress=progress,
        checkpoint=(run_cfg.checkpoint_every, ckpt, record),
    )
    with np.load(out / "initial_weights.npz") as z:
        initial = z["weights"]
    result = evaluate_and_write(
        session, dataset, out, record, wall0=wall0, progress=progress, initial_weights=initial
    )
    if ckpt.exists():
        ckpt.unlink()
    return result


def save_checkpoint(path: Path, session: Session, record: dict) -> None:
    """Write a resumable checkpoint of ``session`` (atomically)."""
    meta = {
        "images_done": session.done,
        "counters": session.counters.to_dict(),
        "batch_counts": [int(c) for c in session.batch_counts],
        "config": record,
        "driver": session.driver.state(),
        "history": session.history,
        "last": session.last,
    }
    arrays = session.net.state_dict()
    if session.driver.weights_before is not None:
        arrays["weights_before_pruning"] = session.driver.weights_before
    atomic_save_npz(path, meta=np.array(json.dumps(meta)), **arrays)


def same_config(saved: Any, current: Any) -> bool:
    """Whether a checkpoint's configuration record equals the current one.

    Compared as JSON. A setting missing from one side counts as equal when the other
    side has it as ``None`` (every optional setting's "off" default), so checkpoints
    written before such a setting existed still resume.

    >>> same_config({"a": 1}, {"a": 1, "prune_end": None})
    True
    >>> same_config({"a": 1}, {"a": 1, "prune_end": 55000})
    False
    """
    saved, current = json.loads(json.dumps(saved)), json.loads(json.dumps(current))

    def equal(a: Any, b: Any) -> bool:
        if isinstance(a, dict) and isinstance(b, dict):
            keys = set(a) | set(b)
            return all(equal(a.get(k), b.get(k)) for k in keys)
        return a == b

    return equal(saved, current)


def _with_defaults(saved: dict) -> dict:
    """Return a saved configuration record with later network settings at their defaults."""
    if isinstance(saved.get("network"), dict):
        return {**saved, "network": NetworkConfig.from_dict(saved["network"]).to_dict()}
    return saved


def finished_result(out: Path, record: dict) -> dict[str, Any] | None:
    """Return ``out/result.json`` if it is a finished run of configuration ``record``.

    ``None`` when there is no ``result.json``. Raises :class:`LavaAptnError` when the
    folder holds a finished run of another configuration, which resuming would replace.
    """
    path = Path(out) / "result.json"
    if not path.exists():
        return None
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
        saved = result["config"]
    except (ValueError, KeyError, TypeError):
        raise LavaAptnError(
            f"{path} is not a run's result.json; pass another --out, or delete it to "
            "train from image 0"
        ) from None
    if not same_config(_with_defaults(saved), record):
        raise LavaAptnError(
            f"{path} is a finished run with a different configuration; resume with the "
            "same options, pass another --out, or delete it to train from image 0"
        )
    return result


def load_checkpoint(
    path: Path,
    net_cfg: NetworkConfig,
    run_cfg: RunConfig,
    prune_cfg: PruningConfig,
    record: dict,
    method: PruningMethod | None = None,
) -> Session:
    """Rebuild the :class:`Session` saved in ``path``; its configuration must be ``record``."""
    with np.load(path) as z:
        meta = json.loads(str(z["meta"]))
        state = {k: z[k] for k in z.files if k != "meta"}
    if not same_config(_with_defaults(meta["config"]), record):
        raise LavaAptnError(
            f"{path} was written by a run with a different configuration; resume with the "
            "same options, or delete the checkpoint to start over"
        )
    session = new_session(net_cfg, run_cfg, prune_cfg, method)
    session.net = restore_network(net_cfg, run_cfg, state)
    session.driver.load_state(meta["driver"])
    session.driver.weights_before = state.pop("weights_before_pruning", None)
    session.counters = PhaseCounters.from_dict(meta["counters"])
    session.batch_counts = np.asarray(meta["batch_counts"], dtype=np.int64)
    session.history, session.last = meta["history"], meta["last"]
    session.done = int(meta["images_done"])
    return session
