"""Online adaptive weight pruning (APT, APN, APTN) and the methods it is compared with.

Pure numpy: no numba, Lava or engine imports. The training engine and the Lava
PruningProcess both call :func:`run_step` with a method from :func:`make_method` (or a user
object with the same ``step``) at the points of :func:`prune_points`.

Weights are input-major ``(n_inputs, n_neurons)``; per-synapse states are ``uint8`` codes
:data:`ACTIVE`, :data:`FROZEN`, :data:`REMOVED`. See ``docs/pruning.md``.
"""

from lava_aptn.pruning.config import (
    METHODS,
    PAPER_NEURON_FACTORS,
    PAPER_TIME_FACTORS,
    W_CAP_FRACTION,
    PruningConfig,
    paper_config,
)
from lava_aptn.pruning.functions import (
    FUNCTION_NAMES,
    NEUTRAL_FACTORS,
    AdaptationFn,
    adapted_threshold,
    f1,
    f2,
    f3,
    make_adaptation_fn,
    threshold_table,
)
from lava_aptn.pruning.grouping import (
    GROUPINGS,
    Grouping,
    check_spike_counts,
    group_hardware,
    group_neurons,
    group_sorted,
)
from lava_aptn.pruning.masks import prune_below, remove_neurons
from lava_aptn.pruning.methods import (
    METHOD_CLASSES,
    ApnPruning,
    AptnPruning,
    AptPruning,
    ConstantPruning,
    NeuronPruning,
    NoPruning,
    PostTrainingPruning,
    SoftPruning,
    as_method,
    make_method,
    spike_threshold,
)
from lava_aptn.pruning.protocol import PruneStep, PruningMethod, run_step
from lava_aptn.pruning.records import THRESHOLD_COLUMNS, threshold_rows
from lava_aptn.pruning.schedule import (
    PrunePoint,
    is_prune_point,
    prune_points,
    scaled_schedule,
    spike_count_window,
)
from lava_aptn.pruning.state import (
    ACTIVE,
    FROZEN,
    REMOVED,
    STATE_DTYPE,
    connectivity,
    new_state,
    plastic_mask,
    transmit_mask,
    unpruned_fraction,
)
from lava_aptn.pruning.target import (
    GAP_WIDTH,
    LONG_SEARCHES,
    TARGET_MAX_EVALS,
    TARGET_TOL,
    TargetResult,
    check_target_connectivity,
    find_parameter,
    find_w_th0,
)

__all__ = [
    "ACTIVE",
    "FROZEN",
    "REMOVED",
    "STATE_DTYPE",
    "connectivity",
    "unpruned_fraction",
    "new_state",
    "transmit_mask",
    "plastic_mask",
    "AdaptationFn",
    "FUNCTION_NAMES",
    "NEUTRAL_FACTORS",
    "f1",
    "f2",
    "f3",
    "make_adaptation_fn",
    "adapted_threshold",
    "threshold_table",
    "GROUPINGS",
    "Grouping",
    "check_spike_counts",
    "group_sorted",
    "group_hardware",
    "group_neurons",
    "METHODS",
    "PAPER_TIME_FACTORS",
    "PAPER_NEURON_FACTORS",
    "W_CAP_FRACTION",
    "PruningConfig",
    "paper_config",
    "PrunePoint",
    "prune_points",
    "scaled_schedule",
    "is_prune_point",
    "spike_count_window",
    "prune_below",
    "remove_neurons",
    "PruneStep",
    "PruningMethod",
    "NoPruning",
    "ConstantPruning",
    "AptPruning",
    "ApnPruning",
    "AptnPruning",
    "PostTrainingPruning",
    "SoftPruning",
    "NeuronPruning",
    "METHOD_CLASSES",
    "make_method",
    "as_method",
    "run_step",
    "spike_threshold",
    "THRESHOLD_COLUMNS",
    "threshold_rows",
    "TARGET_TOL",
    "TARGET_MAX_EVALS",
    "GAP_WIDTH",
    "LONG_SEARCHES",
    "TargetResult",
    "check_target_connectivity",
    "find_parameter",
    "find_w_th0",
]
