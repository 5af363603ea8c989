"""Lava ProcessModels of :mod:`lava_aptn.processes` (CPU, ``floating_pt``; ``fixed_pt``).

Each model calls the engine's numba functions (:mod:`lava_aptn.dynamics`,
:mod:`lava_aptn.encoding`) and the pure pruning code (:mod:`lava_aptn.pruning`), so a
Lava network and the engine compute the same numbers. The ``fixed_pt`` models of the
fixed-point network are in :mod:`lava_aptn.models.fixed_pt`. Run our Processes with
:func:`sim_config` (Lava's compiler does not search this folder by itself).
"""

import lava_aptn.lava_import  # noqa: F401  (first: lets Lava set its start method)
from lava_aptn.models.counter import PySpikeCounterModel
from lava_aptn.models.input import PyPoissonImageInputModel
from lava_aptn.models.kernels import warm_up
from lava_aptn.models.layer import PyWtaLayerFloat
from lava_aptn.models.pruning import PyPruningModel
from lava_aptn.models.registry import MODELS, ModelMap, model_map, sim_config
from lava_aptn.models.synapses import PyPlasticSynapsesFloat

__all__ = [
    "MODELS",
    "ModelMap",
    "PyPlasticSynapsesFloat",
    "PyPoissonImageInputModel",
    "PyPruningModel",
    "PySpikeCounterModel",
    "PyWtaLayerFloat",
    "model_map",
    "sim_config",
    "warm_up",
]
