"""Run the WTA network as Lava Processes and hold it to the engine.

:func:`build_network` wires the Processes of :mod:`lava_aptn.processes` from the
engine's configuration objects, :func:`run_lava` trains them on Lava's CPU backend,
and :func:`compare_with_engine` runs the engine on the same images and reports the
agreement and the speed of both.
"""

from lava_aptn.lavarun.compare import (
    STATE_TOL,
    WEIGHT_TOL,
    Agreement,
    EngineResult,
    agreement,
    compare_with_engine,
    run_engine,
)
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
    "LavaNetwork",
    "LavaResult",
    "build_network",
    "fold_periods",
    "lava_session",
    "run_lava",
    "run_network",
    "stop_runtime",
]
