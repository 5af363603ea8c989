"""The run folder: ``result.json``, ``weights.npz``, CSV tables and figures."""

from __future__ import annotations

import csv
import io
import platform
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.config import RunConfig
from lava_aptn.engine.network import Network
from lava_aptn.engine.train import PhaseCounters
from lava_aptn.io import atomic_save_npz, atomic_write_json, atomic_write_text
from lava_aptn.pruning import connectivity, unpruned_fraction

#: Version of the ``result.json`` layout.
SCHEMA = 1


def versions() -> dict[str, str]:
    """Versions of the library and the packages a result depends on."""
    from importlib.metadata import PackageNotFoundError, version

    import lava_aptn

    out = {"lava_aptn": lava_aptn.__version__, "python": platform.python_version()}
    for name in ("lava-nc", "numpy", "numba"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def sops(per_image: dict[str, float]) -> tuple[float, float, float]:
    """Return ``(total, accumulations, stdp_updates)`` SOPs per image of a phase.

    SOPs are weight accumulations (input spike x transmitting synapse) plus STDP updates
    (one per active synapse a pre- or post-spike update reaches).
    """
    acc = per_image["accumulations"]
    stdp = per_image["stdp_depressions"] + per_image["stdp_potentiations"]
    return acc + stdp, acc, stdp


def build_result(
    config_record: dict,
    net: Network,
    *,
    accuracy: float,
    train: PhaseCounters,
    infer: PhaseCounters,
    label: PhaseCounters,
    run_cfg: RunConfig,
    confusion: np.ndarray,
    neuron_labels: np.ndarray,
    wall_seconds: float,
    train_wall_seconds: float,
) -> dict[str, Any]:
    """Assemble the ``result.json`` dictionary (design section 2)."""
    train_pi, infer_pi = train.per_image(), infer.per_image()
    for phase in (train_pi, infer_pi):
        phase["stdp_updates"] = phase["stdp_depressions"] + phase["stdp_potentiations"]
        phase["stdp_updates_nominal"] = phase["stdp_updates"]
        phase["stdp_updates_effective"] = (
            phase["stdp_depressions_effective"] + phase["stdp_potentiations_effective"]
        )
    sops_train, acc_train, stdp_train = sops(train_pi)
    sops_infer, _, _ = sops(infer_pi)
    images_s = train.images / train_wall_seconds if train_wall_seconds > 0 else 0.0
    return {
        "schema": SCHEMA,
        "config": config_record,
        "accuracy": accuracy,
        "connectivity": connectivity(net.syn_state),
        "unpruned_fraction": unpruned_fraction(net.syn_state),
        "sops_train_per_image": sops_train,
        "sops_infer_per_image": sops_infer,
        "sops_train_breakdown": {"accumulations": acc_train, "stdp_updates": stdp_train},
        "counters_per_image": {"train": train_pi, "infer": infer_pi},
        "energy_uj_per_image": None,
        "train_images": run_cfg.train_images,
        "label_images": run_cfg.label_images,
        "test_images": run_cfg.test_images,
        "wall_seconds": wall_seconds,
        "train_wall_seconds": train_wall_seconds,
        "label_wall_seconds": label.wall_seconds,
        "test_wall_seconds": infer.wall_seconds,
        "train_images_per_second": images_s,
        "confusion_matrix": confusion.tolist(),
        "neurons_per_label": np.bincount(neuron_labels[neuron_labels >= 0], minlength=10).tolist(),
        "unassigned_neurons": int(np.sum(neuron_labels < 0)),
        "versions": versions(),
    }


def _csv(rows: list, columns: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row[c] for c in columns] if isinstance(row, dict) else row)
    return buf.getvalue()


def write_run(
    out: Path,
    result: dict,
    net: Network,
    neuron_labels: np.ndarray,
    driver,
    history: list[dict],
    *,
    initial_weights: np.ndarray | None = None,
) -> None:
    """Write every file of a finished run into ``out`` (each atomically)."""
    from lava_aptn.engine import plots
    from lava_aptn.pruning import THRESHOLD_COLUMNS

    atomic_save_npz(
        out / "weights.npz",
        weights=net.weights(),
        syn_state=net.syn_state,
        theta_mv=net.fs[3].copy(),
        neuron_labels=neuron_labels,
    )
    atomic_write_text(out / "thresholds.csv", _csv(driver.thresholds, list(THRESHOLD_COLUMNS)))
    columns = [
        "images_seen",
        "connectivity",
        "unpruned_fraction",
        "sops_train_per_image",
        "accumulations_per_image",
        "stdp_updates_per_image",
        "exc_spikes_per_image",
    ]
    atomic_write_text(out / "history.csv", _csv(history, columns))
    plots.write_figures(
        out,
        net.weights(),
        initial_weights,
        getattr(driver, "weights_before", None),
        driver.thresholds,
        history,
        title=f"{result['config']['method']}, N={net.config.n_neurons}",
    )
    # Last: a run folder with result.json is complete (sweeps skip such points).
    atomic_write_json(out / "result.json", result)
