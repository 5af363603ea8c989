"""Running (or resuming) a search: generations, logging, re-evaluation, the outputs."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lava_aptn.errors import LavaAptnError
from lava_aptn.experiments.tune.candidates import Candidate, _ranked, generate_generation
from lava_aptn.experiments.tune.evaluate import _Evaluator
from lava_aptn.experiments.tune.log import (
    BEST_FILE,
    FORMAT_VERSION,
    LOG_FILE,
    SEARCH_FILE,
    SEEDS_FILE,
    SUMMARY_FILE,
    append_record,
    read_log,
)
from lava_aptn.experiments.tune.report import best_record, write_summary
from lava_aptn.experiments.tune.settings import TuneSettings, held_out_split
from lava_aptn.experiments.tune.space import SearchSpace, _key
from lava_aptn.io import atomic_write_json


@dataclass(frozen=True)
class SearchResult:
    """What :func:`run_search` returns.

    Attributes
    ----------
    records
        Every candidate's record, by index.
    seed_records
        Re-evaluations on fresh seeds (empty unless ``settings.seeds``).
    best
        The content of ``best.json``.
    out
        The search folder.
    """

    records: list[dict[str, Any]]
    seed_records: list[dict[str, Any]]
    best: dict[str, Any]
    out: Path


def _fingerprint(*arrays: np.ndarray) -> str:
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.shape, a.dtype.str)).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def _check_identity(out: Path, identity: dict[str, Any]) -> None:
    path = out / SEARCH_FILE
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        new = json.loads(json.dumps(identity))
        differ = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if differ:
            raise LavaAptnError(
                f"{out} holds a different search (differs in: {', '.join(differ)}); rerun "
                "with the same space and options to resume, or use another --out"
            )
    else:
        atomic_write_json(path, identity)


def _load_training_split(settings: TuneSettings, data: tuple | None):
    if data is not None:
        x, y = data
        return np.asarray(x), np.asarray(y, dtype=np.int64)
    from lava_aptn.data import load_dataset

    x, y = load_dataset(settings.dataset, "train")
    return x, y.astype(np.int64)


def _params_text(params: Mapping[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in params.items())


def run_search(
    space: SearchSpace,
    settings: TuneSettings,
    out_dir: str | os.PathLike,
    *,
    data: tuple[np.ndarray, np.ndarray] | None = None,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> SearchResult:
    """Run (or resume) a search; write the search folder and return its results.

    Parameters
    ----------
    space
        The search space (:func:`load_space`).
    settings
        Base configuration, protocol, budget and evolution settings.
    out_dir
        Search folder (created). A folder holding a search with the same space and
        identity settings is resumed; one holding another search is an error.
    data
        ``(train_images, train_labels)``, a training split to use instead of the one of
        ``settings.dataset`` (tests, other data). No test split is ever used.
    progress
        Show a progress bar.
    log
        Where the line per candidate goes.
    """
    out = Path(out_dir)
    bases = {n: settings.base_config(space, n) for n in settings.sizes}
    if len(bases) > 1 and "n_neurons" in space.names:
        raise LavaAptnError(
            f"search space {space.source} searches n_neurons, which a search over several "
            f"sizes ({list(bases)}) fixes; search it with one --neurons, or drop it"
        )
    base = bases[settings.sizes[0]]
    for cfg in bases.values():
        space.bind(cfg)  # every size must accept every name and bound
    space = space.bind(base)
    x, y = _load_training_split(settings, data)
    train_idx, eval_idx = held_out_split(len(x), settings.train_images, settings.eval_images)
    out.mkdir(parents=True, exist_ok=True)
    identity = {
        "format": FORMAT_VERSION,
        "space": space.to_dict(),
        **settings.identity(),
        "data": settings.dataset if data is None else f"custom:{_fingerprint(x, y)}",
        "train_indices": [train_idx.start, train_idx.stop],
        "eval_indices": [eval_idx.start, eval_idx.stop],
    }
    _check_identity(out, identity)
    log_path, seeds_path = out / LOG_FILE, out / SEEDS_FILE
    done = {r["id"]: r for r in read_log(log_path, repair=True)}
    context = {
        "bases": bases,
        "train": (x[train_idx.start : train_idx.stop], y[train_idx.start : train_idx.stop]),
        "held_out": (x[eval_idx.start : eval_idx.stop], y[eval_idx.start : eval_idx.stop]),
        "dataset": settings.dataset,
        "order": settings.order,
        "repeats": settings.repeats,
    }
    total = settings.n_candidates
    n_seed_tasks = len(settings.fresh_seeds) * min(settings.top, total)
    jobs = settings.jobs or len(os.sched_getaffinity(0))
    jobs = max(1, min(jobs, settings.population, max(total, n_seed_tasks)))
    emit = _emitter(progress, log)
    sizes = "" if len(bases) == 1 else f"scored at N = {', '.join(map(str, bases))} (mean); "
    if settings.repeats > 1:
        sizes += f"each on seeds {list(settings.search_seeds)} (mean); "
    emit(
        f"tune: {len(space.params)} parameters, {sizes}{total} candidates in "
        f"{settings.n_generations} generation(s) of {settings.population}, {jobs} process(es); "
        f"train on images {train_idx.start}-{train_idx.stop - 1}, score on held-out "
        f"{eval_idx.start}-{eval_idx.stop - 1}; {len(done)} already in {log_path}"
    )
    records: list[dict[str, Any]] = []
    with _Evaluator(context, jobs) as evaluator, _bar(total, "tune", progress) as bar:
        for generation in range(settings.n_generations):
            count = min(settings.population, total - generation * settings.population)
            cands = generate_generation(space, settings, base, generation, records, count)
            finished, tasks = [], []
            for c in cands:
                if c.id in done:
                    if _key(done[c.id]["params"]) != _key(c.params):
                        raise LavaAptnError(
                            f"{log_path}: {c.id} was logged with other parameters than this "
                            "search draws; the log belongs to another search"
                        )
                    finished.append(done[c.id])
                    bar.update(1)
                else:
                    tasks.append(_task(c, settings.seed))
            for record in evaluator.map(tasks):
                append_record(log_path, record)
                finished.append(record)
                bar.update(1)
                emit(_record_line(record))
                best = _ranked(records + finished)
                if best:
                    bar.set_postfix(best=f"{best[0]['score']:.4f}")
            records.extend(sorted(finished, key=lambda r: r["index"]))
            write_summary(out, space, settings, records, [], None)
        seed_records = _reevaluate(evaluator, records, settings, seeds_path, progress, emit)
    best = best_record(records, seed_records, settings, space)
    if best is not None:
        atomic_write_json(out / BEST_FILE, best)
    write_summary(out, space, settings, records, seed_records, best)
    if best is not None:
        emit(
            f"tune: best {best['id']} held-out accuracy {best['score']:.4f}"
            + (
                f" (fresh seeds {best['seeds']['mean']:.4f} +- {best['seeds']['std']:.4f})"
                if best.get("seeds")
                else ""
            )
            + f"; wrote {out / SUMMARY_FILE} and {out / BEST_FILE}"
        )
    return SearchResult(records, seed_records, best or {}, out)


def _task(c: Candidate, seed: int) -> dict[str, Any]:
    return {
        "id": c.id,
        "generation": c.generation,
        "index": c.index,
        "parent": c.parent,
        "seed": seed,
        "params": c.params,
    }


def _emitter(progress: bool, log: Callable[[str], None]) -> Callable[[str], None]:
    if progress and log is print:
        from tqdm import tqdm

        return tqdm.write
    return log


def _bar(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="cand", disable=not enabled, dynamic_ncols=True)


def _record_line(r: Mapping[str, Any]) -> str:
    head = f"{r['id']} seed {r['seed']}" if r.get("kind") == "seed" else r["id"]
    if r["status"] != "ok":
        return f"{head}  FAILED ({r['error']})  {_params_text(r['params'])}"
    sizes = r.get("by_size") or {}
    per_size = (
        " (" + ", ".join(f"N={n} {m['score']:.4f}" for n, m in sizes.items()) + ")"
        if len(sizes) > 1
        else ""
    )
    return (
        f"{head}  held-out {r['score']:.4f}{per_size}  label set {r['label_accuracy']:.4f}  "
        f"{r['wall_seconds']:.1f} s  {_params_text(r['params'])}"
    )


def _reevaluate(
    evaluator: _Evaluator,
    records: list[dict],
    settings: TuneSettings,
    path: Path,
    progress: bool,
    emit: Callable[[str], None],
) -> list[dict]:
    """Evaluate the ``top`` best candidates on ``seeds`` fresh seeds (resumable)."""
    if not settings.seeds:
        return []
    top = _ranked(records)[: settings.top]
    done = {(r["id"], r["seed"]): r for r in read_log(path, repair=True)}
    seeds = list(settings.fresh_seeds)
    results, tasks = [], []
    for r in top:
        for s in seeds:
            if (r["id"], s) in done:
                results.append(done[(r["id"], s)])
            else:
                # one fresh seed per task, whatever the search's repeats
                tasks.append({**_task(_as_candidate(r), s), "kind": "seed", "repeats": 1})
    if tasks:
        emit(f"tune: {len(top)} best candidate(s) on seeds {seeds}")
    with _bar(len(tasks), "seeds", progress and bool(tasks)) as bar:
        for record in evaluator.map(tasks):
            append_record(path, record)
            results.append(record)
            bar.update(1)
            emit(_record_line(record))
    order = {r["id"]: k for k, r in enumerate(top)}
    return sorted(
        (r for r in results if r["id"] in order), key=lambda r: (order[r["id"]], r["seed"])
    )


def _as_candidate(r: Mapping[str, Any]) -> Candidate:
    return Candidate(r["id"], r["generation"], r["index"], r["params"], r.get("parent"))
