"""How a search runs (:class:`TuneSettings`) and the held-out split it scores on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from lava_aptn.config import (
    DATASET_NAMES,
    DEFAULT_ORDER,
    DEFAULT_PRESET,
    NetworkConfig,
    check_order,
    preset,
    with_overrides,
)
from lava_aptn.errors import ConfigError
from lava_aptn.experiments.tune.space import SearchSpace

#: Generations run when neither a budget nor a number of generations is given.
DEFAULT_GENERATIONS = 4


@dataclass(frozen=True)
class TuneSettings:
    """How a search runs: base configuration, protocol, budget and evolution settings.

    Parameters
    ----------
    preset, neurons, fixed
        Base configuration: the named preset with ``neurons`` excitatory neurons and the
        ``fixed`` dotted-name overrides (``--set``), applied after the space's ``[fixed]``.
        ``neurons`` may name several sizes (a tuple): each candidate is then trained and
        scored at every size, and its score is the mean of the held-out accuracies, so a
        search can look for one set that serves several network sizes.
    dataset
        ``"mnist"`` or ``"fashion-mnist"`` (its training split only).
    train_images
        Images trained on and used to assign labels: the first ones of the training set.
    order
        Order in which a candidate trains on them: ``"shuffled"`` (the default: a
        permutation of those images drawn from the candidate's seed,
        :func:`lava_aptn.engine.run.training_order`) or ``"dataset"`` (the split's,
        stored as ``None``); the held-out images stay apart.
    eval_images
        Held-out images that score a candidate: the last ones of the training set.
    seed
        Seeds the candidate draws and every candidate's network (weights, input spikes).
    budget, population, generations
        Candidates in all, per generation, and generations; see :attr:`n_candidates`.
    parents
        The mu best candidates that children are mutated from (default
        ``max(1, population // 4)``).
    mutation
        Standard deviation of a mutation step in unit coordinates of a range.
    include_base
        Make candidate 0 the base configuration (projected into the space).
    jobs
        Processes evaluating candidates (``None``: every core available).
    repeats
        Seeds each candidate is evaluated on during the search (``seed`` ...
        ``seed + repeats - 1``); its score is the mean. One held-out evaluation varies by
        a point or two between seeds, so more repeats rank candidates by the set's
        quality rather than the seed's luck, at ``repeats`` times the cost.
    seeds, top
        After the search, evaluate the ``top`` best candidates again on ``seeds`` fresh
        seeds (``seed + repeats`` ... ``seed + repeats + seeds - 1``); 0 seeds skips it.
    """

    preset: str = DEFAULT_PRESET
    neurons: int | tuple[int, ...] = 100
    fixed: dict[str, Any] = field(default_factory=dict)
    dataset: str = "mnist"
    train_images: int = 10000
    eval_images: int = 10000
    order: str | None = DEFAULT_ORDER
    seed: int = 0
    budget: int | None = None
    population: int = 8
    generations: int | None = None
    parents: int | None = None
    mutation: float = 0.15
    include_base: bool = True
    jobs: int | None = None
    repeats: int = 1
    seeds: int = 0
    top: int = 3

    def __post_init__(self) -> None:
        if self.dataset not in DATASET_NAMES:
            raise ConfigError(f"dataset must be one of {DATASET_NAMES}, got {self.dataset!r}")
        sizes = self.neurons if isinstance(self.neurons, tuple | list) else (self.neurons,)
        if not sizes:
            raise ConfigError("neurons must name at least one network size")
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ConfigError(f"neurons must be integers >= 1, got {self.neurons!r}")
        if len(set(sizes)) != len(sizes):
            raise ConfigError(f"neurons names a size twice: {list(sizes)}")
        # one size is stored as an int, so that searches from before sizes existed resume
        object.__setattr__(self, "neurons", sizes[0] if len(sizes) == 1 else tuple(sizes))
        for name, minimum in (
            ("train_images", 1),
            ("eval_images", 1),
            ("seed", 0),
            ("population", 1),
            ("repeats", 1),
            ("seeds", 0),
            ("top", 1),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")
        for name in ("budget", "generations", "parents", "jobs"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ConfigError(f"{name} must be an integer >= 1, got {value!r}")
        object.__setattr__(self, "order", check_order(self.order))
        if not (isinstance(self.mutation, int | float) and 0 < self.mutation <= 1):
            raise ConfigError(f"mutation must be in (0, 1], got {self.mutation!r}")

    @property
    def sizes(self) -> tuple[int, ...]:
        """The network sizes every candidate is scored at."""
        return self.neurons if isinstance(self.neurons, tuple) else (self.neurons,)

    @property
    def search_seeds(self) -> tuple[int, ...]:
        """Seeds a candidate is evaluated on during the search."""
        return tuple(range(self.seed, self.seed + self.repeats))

    @property
    def fresh_seeds(self) -> tuple[int, ...]:
        """Seeds of the re-evaluation after the search (none of :attr:`search_seeds`)."""
        start = self.seed + self.repeats
        return tuple(range(start, start + self.seeds))

    @property
    def n_candidates(self) -> int:
        """Candidates in all: the budget, capped at ``population x generations``."""
        if self.budget is None:
            return self.population * (self.generations or DEFAULT_GENERATIONS)
        if self.generations is None:
            return self.budget
        return min(self.budget, self.population * self.generations)

    @property
    def n_generations(self) -> int:
        """Generations needed for :attr:`n_candidates` (the last may be partial)."""
        return math.ceil(self.n_candidates / self.population)

    @property
    def n_parents(self) -> int:
        """The mu of the (mu + lambda) selection."""
        return self.parents or max(1, self.population // 4)

    def base_config(
        self, space: SearchSpace | None = None, neurons: int | None = None
    ) -> NetworkConfig:
        """Return the preset with the space's ``[fixed]`` and then :attr:`fixed` applied.

        ``neurons`` picks one of :attr:`sizes` (default: the first).
        """
        cfg = preset(self.preset, n_neurons=self.sizes[0] if neurons is None else neurons)
        named = [(f"--set {k}", k) for k in self.fixed]
        if space is not None:
            named = [(f'search space {space.source}: fixed."{k}"', k) for k in space.fixed] + named
        overrides = {**(space.fixed if space else {}), **self.fixed}
        for where, name in named:
            try:
                with_overrides(cfg, {name: overrides[name]})
            except ConfigError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        return with_overrides(cfg, overrides) if overrides else cfg

    def identity(self) -> dict[str, Any]:
        """Return the settings a resumed search must share (budget, jobs, seeds may change)."""
        return {
            "preset": self.preset,
            "neurons": list(self.neurons) if isinstance(self.neurons, tuple) else self.neurons,
            "fixed": dict(self.fixed),
            "dataset": self.dataset,
            "train_images": self.train_images,
            "eval_images": self.eval_images,
            "seed": self.seed,
            "population": self.population,
            "parents": self.n_parents,
            "mutation": self.mutation,
            "include_base": self.include_base,
            # only when set, so that searches from before the setting existed resume
            **({"order": self.order} if self.order is not None else {}),
            **({"repeats": self.repeats} if self.repeats > 1 else {}),
        }


def held_out_split(n_total: int, train_images: int, eval_images: int) -> tuple[range, range]:
    """Return the training-set indices trained on and those held out for scoring.

    Training (and label assignment) uses the first ``train_images`` images; the score
    uses the last ``eval_images``. The two never overlap.

    Examples
    --------
    >>> held_out_split(60000, 10000, 10000)
    (range(0, 10000), range(50000, 60000))
    """
    if train_images < 1 or eval_images < 1:
        raise ConfigError("train_images and eval_images must be >= 1")
    if train_images + eval_images > n_total:
        raise ConfigError(
            f"train_images + eval_images = {train_images + eval_images} exceeds the "
            f"{n_total} training images; the held-out slice must not overlap training"
        )
    return range(0, train_images), range(n_total - eval_images, n_total)
