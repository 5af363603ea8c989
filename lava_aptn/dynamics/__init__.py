"""Per-time-step arithmetic of the WTA network, written once as numba functions.

The training engine loops over these functions for whole datasets and the Lava
process models call them every step, so both paths share one implementation.
"""

from lava_aptn.dynamics.params import (
    StepParams,
    decay_factor,
    pre_trace_table,
    step_params,
)

__all__ = ["StepParams", "decay_factor", "pre_trace_table", "step_params"]
