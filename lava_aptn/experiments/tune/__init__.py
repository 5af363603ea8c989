"""Evolutionary search over network parameters, scored on held-out training images.

A search space (a TOML file, :func:`load_space`) names network parameters by the dotted
names :func:`lava_aptn.config.with_overrides` accepts, each with a range or a list of
choices. The search is a (mu + lambda) evolution strategy:

* generation 0: ``population`` candidates drawn at random from the space (candidate 0 is
  the base configuration itself, projected into the space, unless ``include_base`` is
  off);
* generation g > 0: ``population`` children, each a mutation of one of the ``parents``
  best candidates evaluated so far (all earlier generations compete, parents included).

Every candidate is trained with the engine on the first ``train_images`` training images
(no pruning), labelled with the same images, and **scored on a held-out slice of the
training set**, the last ``eval_images`` images, disjoint from those trained on
(:func:`held_out_split`). The test set is never loaded.

Candidates are a pure function of the settings, the space and the scores of earlier
generations, and every evaluation is deterministic (counter-based input spikes, seeded
weights), so a search is reproducible and resumable: each finished candidate is appended
to ``candidates.jsonl`` as one line, and rerunning the same search skips the candidates
already in the log and ends with the same candidates and scores as an uninterrupted run.

Outputs in the search folder: ``search.json`` (what identifies the search),
``candidates.jsonl``, ``seeds.jsonl`` (optional re-evaluation of the best on fresh seeds),
``summary.md`` and ``best.json``.
"""

from lava_aptn.experiments.tune.candidates import MAX_DRAWS, Candidate, generate_generation
from lava_aptn.experiments.tune.evaluate import evaluate_candidate
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
from lava_aptn.experiments.tune.report import (
    best_record,
    seed_statistics,
    summary_markdown,
    train_command,
    write_summary,
)
from lava_aptn.experiments.tune.search import SearchResult, run_search
from lava_aptn.experiments.tune.settings import DEFAULT_GENERATIONS, TuneSettings, held_out_split
from lava_aptn.experiments.tune.space import (
    SIGNIFICANT_DIGITS,
    Param,
    SearchSpace,
    load_space,
    parse_space,
)

__all__ = [
    "BEST_FILE",
    "Candidate",
    "DEFAULT_GENERATIONS",
    "FORMAT_VERSION",
    "LOG_FILE",
    "MAX_DRAWS",
    "Param",
    "SEARCH_FILE",
    "SEEDS_FILE",
    "SIGNIFICANT_DIGITS",
    "SUMMARY_FILE",
    "SearchResult",
    "SearchSpace",
    "TuneSettings",
    "append_record",
    "best_record",
    "evaluate_candidate",
    "generate_generation",
    "held_out_split",
    "load_space",
    "parse_space",
    "read_log",
    "run_search",
    "seed_statistics",
    "summary_markdown",
    "train_command",
    "write_summary",
]
