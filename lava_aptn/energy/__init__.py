"""Energy accounting: event counts x cited per-event energies, and the pruning-unit cost.

* `profiles`: hardware profiles (``hw_profiles/*.toml``) parsed into frozen dataclasses.
* `counters`: a run's per-image event counters, read from ``result.json``.
* `estimate`: energy per image, paper convention and per-event model side by side.
* `overhead`, `area`, `paper`: the pruning unit's cycles, operations, energy and area,
  and the comparison with the paper's Table 4.

The modules are pure Python (plus ``tomli``); importing this package is cheap.
"""

from lava_aptn.energy.area import AreaReport, estimate_area
from lava_aptn.energy.counters import PhaseCounters, RunCounters, counters_from_result
from lava_aptn.energy.estimate import (
    EnergyReport,
    EventTerm,
    PhaseEnergy,
    estimate_energy,
    paper_convention_pj,
    result_field,
)
from lava_aptn.energy.overhead import (
    BatchOverhead,
    OverheadAssumptions,
    OverheadReport,
    estimate_overhead,
    pruning_steps,
)
from lava_aptn.energy.paper import PaperComparison, compare_with_paper
from lava_aptn.energy.profiles import (
    EnergyEntry,
    HardwareProfile,
    available_profiles,
    load_profile,
    parse_profile,
    resolve_profile,
)

__all__ = [
    "AreaReport",
    "BatchOverhead",
    "EnergyEntry",
    "EnergyReport",
    "EventTerm",
    "HardwareProfile",
    "OverheadAssumptions",
    "OverheadReport",
    "PaperComparison",
    "PhaseCounters",
    "PhaseEnergy",
    "RunCounters",
    "available_profiles",
    "compare_with_paper",
    "counters_from_result",
    "estimate_area",
    "estimate_energy",
    "estimate_overhead",
    "load_profile",
    "paper_convention_pj",
    "parse_profile",
    "pruning_steps",
    "resolve_profile",
    "result_field",
]
