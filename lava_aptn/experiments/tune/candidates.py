"""Candidates of a search: random draws and mutations of the best, one generation at a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lava_aptn.config import NetworkConfig
from lava_aptn.errors import ConfigError
from lava_aptn.experiments.tune.settings import TuneSettings
from lava_aptn.experiments.tune.space import SearchSpace, _get, _key, _valid_config

#: Redraws allowed to find a valid configuration not evaluated before.
MAX_DRAWS = 200


@dataclass(frozen=True)
class Candidate:
    """One parameter set of the search.

    Attributes
    ----------
    id
        ``g{generation:02d}-c{k:03d}``.
    generation, index
        Its generation and its index over the whole search (``generation x population
        + k``).
    params
        Searched parameter values by dotted name.
    parent
        Id of the candidate it was mutated from, ``"base"`` or ``None`` (random draw).
    """

    id: str
    generation: int
    index: int
    params: dict[str, Any]
    parent: str | None = None


def _ranked(records: Iterable[dict]) -> list[dict]:
    """Finished candidates, best first (errors last; ties by index)."""
    ok = [r for r in records if r.get("status") == "ok"]
    return sorted(ok, key=lambda r: (-r["score"], r["index"]))


def generate_generation(
    space: SearchSpace,
    settings: TuneSettings,
    base: NetworkConfig,
    generation: int,
    history: Iterable[dict],
    count: int | None = None,
) -> list[Candidate]:
    """Return the candidates of one generation.

    Parameters
    ----------
    space
        The bound search space (:meth:`SearchSpace.bind`).
    settings
        Population, parents, mutation and seed.
    base
        The base configuration (candidate validity is checked against it).
    generation
        Generation number, from 0.
    history
        Finished records of every earlier generation (``candidates.jsonl`` lines).
    count
        Candidates wanted (default ``population``); the first ``count`` of a full
        generation, so a larger budget later continues the same search.

    Returns
    -------
    list of Candidate
        Deterministic in ``(settings.seed, generation)``, the space and the history.
    """
    history = list(history)
    count = settings.population if count is None else count
    rng = np.random.default_rng([settings.seed, generation, 0x7E5E])
    seen = {_key(r["params"]) for r in history}
    parents = _ranked(history)[: settings.n_parents] if generation > 0 else []
    out: list[Candidate] = []
    for k in range(count):
        cid = f"g{generation:02d}-c{k:03d}"
        index = generation * settings.population + k
        if generation == 0 and k == 0 and settings.include_base:
            params = {p.name: p.project(_get(base, p.name)) for p in space.params}
            out.append(Candidate(cid, generation, index, params, "base"))
            seen.add(_key(params))
            continue
        for _ in range(MAX_DRAWS):
            if parents:
                parent = parents[int(rng.integers(len(parents)))]
                params, parent_id = _mutate(space, parent["params"], rng, settings), parent["id"]
            else:
                params, parent_id = {p.name: p.sample(rng) for p in space.params}, None
            if _key(params) in seen:
                continue
            try:
                _valid_config(base, params)
            except ConfigError:
                continue
            break
        else:
            raise ConfigError(
                f"search space {space.source}: no new valid candidate in {MAX_DRAWS} draws "
                "(space too small for the budget, or its ranges give invalid configurations)"
            )
        seen.add(_key(params))
        out.append(Candidate(cid, generation, index, params, parent_id))
    return out


def _mutate(
    space: SearchSpace, values: Mapping[str, Any], rng: np.random.Generator, s: TuneSettings
) -> dict[str, Any]:
    """Mutate each parameter with probability ``min(1, 2 / d)``, at least one of them."""
    d = len(space.params)
    chosen = rng.random(d) < min(1.0, 2.0 / d)
    if not chosen.any():
        chosen[int(rng.integers(d))] = True
    return {
        p.name: p.mutate(values[p.name], rng, s.mutation) if flag else values[p.name]
        for p, flag in zip(space.params, chosen, strict=True)
    }
