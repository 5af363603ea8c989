"""Figures of a run: weight maps, threshold evolution, connectivity over training."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np


def _figure(size: tuple[float, float]):
    """Return a new figure and axes, detached from pyplot.

    Figures are drawn with :class:`matplotlib.figure.Figure` and saved directly, so writing
    a run folder never changes the pyplot backend of the caller (a notebook keeps its
    inline figures) and never needs a display.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=size)
    return fig, fig.subplots()


def weight_map(weights: np.ndarray, side: int = 28) -> np.ndarray:
    """Tile each neuron's input weights as a ``side x side`` image (paper Figure 10 style).

    Returns a 2-D array of shape ``(rows * side, cols * side)`` with one tile per neuron.
    """
    n = weights.shape[1]
    cols = int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / cols))
    canvas = np.zeros((rows * side, cols * side))
    for i in range(n):
        r, c = divmod(i, cols)
        canvas[r * side : (r + 1) * side, c * side : (c + 1) * side] = weights[:, i].reshape(
            side, side
        )
    return canvas


def save_weight_map(path: Path, weights: np.ndarray, title: str) -> None:
    """Write a weight-map PNG."""
    fig, ax = _figure((7, 7))
    im = ax.imshow(
        weight_map(weights),
        cmap="hot_r",
        vmin=0.0,
        vmax=max(float(weights.max()), 1e-9),
        interpolation="nearest",
    )
    ax.set_title(title)
    ax.axis("off")
    fig.colorbar(im, ax=ax, fraction=0.046, label="weight")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def save_thresholds(path: Path, thresholds: list, title: str) -> None:
    """Plot each group's threshold against the pruning step (paper Figure 3B style)."""
    rows = np.asarray([list(r) for r in thresholds], dtype=float)
    fig, ax = _figure((6, 4))
    for g in np.unique(rows[:, 1]).astype(int):
        sel = rows[:, 1] == g
        ax.plot(rows[sel, 0], rows[sel, 2], marker="o", label=f"group {g}")
    ax.set_xlabel("pruning step k")
    ax.set_ylabel("threshold")
    ax.set_title(title)
    if len(np.unique(rows[:, 1])) <= 12:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def save_history(path: Path, history: list[dict], title: str) -> None:
    """Plot connectivity and training SOPs per image over training."""
    x = [h["images_seen"] for h in history]
    fig, ax = _figure((6, 4))
    ax.plot(x, [100 * h["connectivity"] for h in history], marker="o", label="connectivity")
    ax.set_xlabel("training images")
    ax.set_ylabel("connectivity (%)")
    ax2 = ax.twinx()
    ax2.plot(
        x,
        [h["sops_train_per_image"] for h in history],
        color="tab:red",
        marker=".",
        label="training SOPs/image",
    )
    ax2.set_ylabel("training SOPs / image (batch mean)", color="tab:red")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def save_curve(path: Path, rows: list[dict], title: str) -> None:
    """Plot test accuracy against training images seen (:mod:`lava_aptn.engine.curve`)."""
    fig, ax = _figure((6, 4))
    ax.plot([r["images_seen"] for r in rows], [100 * r["accuracy"] for r in rows], marker="o")
    ax.set_xlabel("training images seen")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def write_figures(
    out: Path,
    weights: np.ndarray,
    initial: np.ndarray | None,
    before_pruning: np.ndarray | None,
    thresholds: list,
    history: list[dict],
    *,
    title: str,
) -> None:
    """Write the run's PNG figures into ``out``.

    ``weights.png`` (final), ``weights_initial.png``, ``weights_before_pruning.png`` (just
    before the first pruning step), ``thresholds.png`` and ``connectivity.png``.
    """
    side = int(round(math.sqrt(weights.shape[0])))
    if side * side == weights.shape[0]:
        save_weight_map(out / "weights.png", weights, f"weights after training ({title})")
        if initial is not None:
            save_weight_map(out / "weights_initial.png", initial, "initial weights")
        if before_pruning is not None:
            save_weight_map(
                out / "weights_before_pruning.png",
                before_pruning,
                "weights just before the first pruning step",
            )
    if thresholds:
        save_thresholds(out / "thresholds.png", thresholds, f"pruning thresholds ({title})")
    if history:
        save_history(out / "connectivity.png", history, title)
