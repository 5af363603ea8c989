"""Lava Processes of the WTA network and of online pruning: ports, Vars and validation.

The ProcessModels (how each Process runs, one per precision tag) live in
:mod:`lava_aptn.models`; run these Processes with
:func:`lava_aptn.models.sim_config`, which tells Lava's compiler where those models are
(``sim_config("fixed_pt")`` for the fixed-point network's :class:`FixedWtaLayer` and
:class:`FixedPlasticSynapses`, :mod:`lava_aptn.processes.fixed`). This folder holds
Process definitions only (Lava's compiler may execute every file in it when it searches
for models).
"""

import lava_aptn.lava_import  # noqa: F401  (first: lets Lava set its start method)
from lava_aptn.processes.counter import SpikeCounter
from lava_aptn.processes.fixed import FixedPlasticSynapses, FixedWtaLayer
from lava_aptn.processes.input import (
    CTRL_IMAGE_END,
    CTRL_PRESENTATION_END,
    CTRL_SIZE,
    PoissonImageInput,
)
from lava_aptn.processes.layer import WtaLayer, fresh_state
from lava_aptn.processes.pruning import WEIGHT_LAYOUTS, PruningProcess
from lava_aptn.processes.synapses import PlasticSynapses

__all__ = [
    "CTRL_IMAGE_END",
    "CTRL_PRESENTATION_END",
    "CTRL_SIZE",
    "FixedPlasticSynapses",
    "FixedWtaLayer",
    "PlasticSynapses",
    "PoissonImageInput",
    "PruningProcess",
    "SpikeCounter",
    "WEIGHT_LAYOUTS",
    "WtaLayer",
    "fresh_state",
]
