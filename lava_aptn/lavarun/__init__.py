"""Run the WTA network as Lava Processes and hold it to the engine.

:func:`build_network` wires the Processes of :mod:`lava_aptn.processes` from the
engine's configuration objects, :func:`run_lava` trains them on Lava's CPU backend,
and :func:`compare_with_engine` runs the engine on the same images and reports the
agreement and the speed of both. For the fixed-point network
(:mod:`lava_aptn.lavarun.fixed`), :func:`run_fixed_lava` runs it from an engine
``FixedNetwork`` and :func:`compare_fixed` holds it to the engine's fixed mode, bit for
bit.
"""

import lava_aptn.lava_import  # noqa: F401  (first: lets Lava set its start method)
from lava_aptn.lavarun.compare import (
    STATE_TOL,
    WEIGHT_TOL,
    Agreement,
    EngineResult,
    agreement,
    compare_with_engine,
    run_engine,
)
from lava_aptn.lavarun.fixed import FixedLavaResult, compare_fixed, run_fixed_lava, warm_up_fixed
from lava_aptn.lavarun.network import LavaNetwork, build_network, fold_periods
from lava_aptn.lavarun.run import LavaResult, run_lava, run_network
from lava_aptn.lavarun.runtime import lava_session, stop_runtime

__all__ = [
    "STATE_TOL",
    "WEIGHT_TOL",
    "Agreement",
    "EngineResult",
    "agreement",
    "compare_with_engine",
    "run_engine",
    "FixedLavaResult",
    "compare_fixed",
    "run_fixed_lava",
    "warm_up_fixed",
    "LavaNetwork",
    "LavaResult",
    "build_network",
    "fold_periods",
    "lava_session",
    "run_lava",
    "run_network",
    "stop_runtime",
]
