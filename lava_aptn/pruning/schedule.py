r"""When pruning happens.

Online methods prune at step ``k = 0, 1, 2, ...`` after

.. math:: t_k = t_m + k B \le T

training images, with ``t_m = prune_start`` (30,000), ``B = prune_batch`` (5,000) and ``T`` the
number of training images. The end of training counts: with ``T = 60,000`` the steps are at
30k, 35k, ..., 60k (``k = 0 .. 6``), so the last, highest threshold of the schedule is applied
(our reading of "runs every batch ... until training ends"). The spike counts that step ``k``
uses are the totals over the ``B`` images before ``t_k`` (fewer for ``k = 0`` when
``t_m < B``), see :func:`spike_count_window`.

``post-training`` prunes once, at ``t = T``, with ``k = 0``; ``none`` never prunes.
"""

from __future__ import annotations

from typing import NamedTuple

from lava_aptn.errors import ConfigError
from lava_aptn.pruning.config import PruningConfig

__all__ = [
    "PrunePoint",
    "prune_points",
    "spike_count_window",
    "is_prune_point",
    "scaled_schedule",
]

#: Training images of one epoch, the length the paper's schedule is written for.
EPOCH_IMAGES = 60_000


class PrunePoint(NamedTuple):
    """One pruning step: its index ``k`` and the training images seen when it runs."""

    k: int
    images_seen: int


def _check_train_images(train_images: int) -> int:
    if isinstance(train_images, bool) or not isinstance(train_images, int) or train_images < 0:
        raise ConfigError(f"train_images must be an integer >= 0, got {train_images!r}")
    return train_images


def prune_points(train_images: int, config: PruningConfig) -> list[PrunePoint]:
    """All pruning steps of a training run of ``train_images`` images.

    Examples
    --------
    >>> cfg = PruningConfig(method="aptn")
    >>> [tuple(p) for p in prune_points(60_000, cfg)][:3]
    [(0, 30000), (1, 35000), (2, 40000)]
    >>> len(prune_points(60_000, cfg)), prune_points(60_000, cfg)[-1]
    (7, PrunePoint(k=6, images_seen=60000))
    >>> prune_points(60_000, cfg.replace(method="post-training"))
    [PrunePoint(k=0, images_seen=60000)]
    >>> prune_points(20_000, cfg)
    []
    >>> prune_points(60_000, cfg.replace(prune_end=55_000))[-1]
    PrunePoint(k=5, images_seen=55000)
    """
    total = _check_train_images(train_images)
    if config.method == "none":
        return []
    if config.method == "post-training":
        return [PrunePoint(0, total)]
    last = total if config.prune_end is None else min(total, config.prune_end)
    if config.prune_start > last:
        return []
    count = (last - config.prune_start) // config.prune_batch + 1
    return [PrunePoint(k, config.prune_start + k * config.prune_batch) for k in range(count)]


def scaled_schedule(config: PruningConfig, train_images: int) -> PruningConfig:
    """Fit the paper's schedule to a run shorter than one epoch, in proportion.

    The paper starts at half the epoch (30,000 of 60,000 images) and prunes every twelfth
    of it (5,000); a shorter run gets ``prune_start = train_images // 2`` and
    ``prune_batch = max(train_images // 12, 1)``, so it prunes as often, relative to its
    length, instead of never. A run of a whole epoch or more keeps ``config``.

    Examples
    --------
    >>> cfg = scaled_schedule(PruningConfig(method="aptn"), 6000)
    >>> cfg.prune_start, cfg.prune_batch, len(prune_points(6000, cfg))
    (3000, 500, 7)
    >>> scaled_schedule(PruningConfig(method="aptn"), 60000).prune_start
    30000
    """
    total = _check_train_images(train_images)
    if total >= EPOCH_IMAGES:
        return config
    return config.replace(prune_start=total // 2, prune_batch=max(total // 12, 1))


def is_prune_point(images_seen: int, train_images: int, config: PruningConfig) -> int | None:
    """Return ``k`` if a pruning step runs after ``images_seen`` images, else ``None``.

    Examples
    --------
    >>> cfg = PruningConfig(method="apt")
    >>> is_prune_point(40_000, 60_000, cfg), is_prune_point(41_000, 60_000, cfg)
    (2, None)
    """
    total = _check_train_images(train_images)
    if config.method == "none" or not 0 <= images_seen <= total:
        return None
    if config.method == "post-training":
        return 0 if images_seen == total else None
    offset = images_seen - config.prune_start
    if offset < 0 or offset % config.prune_batch:
        return None
    if config.prune_end is not None and images_seen > config.prune_end:
        return None
    return offset // config.prune_batch


def spike_count_window(point: PrunePoint, config: PruningConfig) -> tuple[int, int]:
    """Training images ``[start, stop)`` whose spike counts step ``point`` uses.

    The ``prune_batch`` images before the step (clipped at 0). For ``post-training`` the
    spike counts are not used by the method; the window is the last batch all the same.

    Examples
    --------
    >>> spike_count_window(PrunePoint(1, 35_000), PruningConfig())
    (30000, 35000)
    """
    stop = point.images_seen
    return max(0, stop - config.prune_batch), stop
