"""Which ProcessModel runs each of our Processes, per precision tag, and the run config.

Lava's compiler looks for a Process's models only in the folder of the module that
defines the Process (and in that package's sibling folders), so it cannot find the
models kept here in :mod:`lava_aptn.models`. :func:`sim_config` returns a
``Loihi2SimCfg`` whose ``exception_proc_model_map`` names our models: the compiler
consults that map for every Process before searching (it asks ``proc in map`` with
the Process *instance*, ``lava/magma/compiler/compiler_graphs.py``), so our map
answers for instances of our Process classes. Lava's own Processes (``LIF``,
``Dense``, ...) are found as usual.
"""

from __future__ import annotations

from typing import Any

from lava.magma.core.run_configs import Loihi2SimCfg

from lava_aptn.errors import ConfigError
from lava_aptn.models.counter import PySpikeCounterModel
from lava_aptn.models.input import PyPoissonImageInputModel
from lava_aptn.models.layer import PyWtaLayerFloat
from lava_aptn.models.pruning import PyPruningModel
from lava_aptn.models.synapses import PyPlasticSynapsesFloat
from lava_aptn.processes import (
    PlasticSynapses,
    PoissonImageInput,
    PruningProcess,
    SpikeCounter,
    WtaLayer,
)

#: Tag -> {Process class: ProcessModel class} of the floating-point network. The fixed-point
#: network's models are in :mod:`lava_aptn.models.fixed_pt` (its Processes in
#: :mod:`lava_aptn.processes.fixed`).
MODELS: dict[str, dict[type, type]] = {
    "floating_pt": {
        PoissonImageInput: PyPoissonImageInputModel,
        PlasticSynapses: PyPlasticSynapsesFloat,
        WtaLayer: PyWtaLayerFloat,
        SpikeCounter: PySpikeCounterModel,
        PruningProcess: PyPruningModel,
    },
}


class ModelMap(dict):
    """``{Process class or instance: ProcessModel class}`` that also matches instances.

    ``proc in m`` and ``m[proc]`` look up ``proc`` itself, then ``type(proc)``.
    """

    def _key(self, key: Any) -> Any:
        if dict.__contains__(self, key):
            return key
        if not isinstance(key, type) and dict.__contains__(self, type(key)):
            return type(key)
        return None

    def __contains__(self, key: Any) -> bool:
        return self._key(key) is not None

    def __getitem__(self, key: Any) -> type:
        found = self._key(key)
        if found is None:
            raise KeyError(key)
        return dict.__getitem__(self, found)

    def get(self, key: Any, default: Any = None) -> Any:
        """Return the model for ``key`` (a Process or its class), else ``default``."""
        found = self._key(key)
        return default if found is None else dict.__getitem__(self, found)


def model_map(select_tag: str = "floating_pt") -> ModelMap:
    """Return our ``{Process class: ProcessModel class}`` for ``select_tag``.

    ``fixed_pt`` maps the fixed-point network's Processes
    (:mod:`lava_aptn.processes.fixed`) to their models
    (:func:`lava_aptn.models.fixed_pt.fixed_model_map`).

    Raises
    ------
    ConfigError
        For a tag without models.
    """
    if select_tag == "fixed_pt":
        from lava_aptn.models.fixed_pt import fixed_model_map

        return fixed_model_map()
    if select_tag not in MODELS:
        raise ConfigError(f"select_tag must be one of {sorted(MODELS)}, got {select_tag!r}")
    return ModelMap(MODELS[select_tag])


def sim_config(
    select_tag: str = "floating_pt",
    *,
    exception_proc_model_map: dict | None = None,
    **kwargs: Any,
) -> Loihi2SimCfg:
    """Return a ``Loihi2SimCfg`` that runs our Processes with their ``select_tag`` models.

    Parameters
    ----------
    select_tag
        ``"floating_pt"`` or ``"fixed_pt"`` (the fixed-point network's Processes,
        :mod:`lava_aptn.processes.fixed`).
    exception_proc_model_map
        Further ``{Process or Process class: ProcessModel}`` choices; they win over ours.
    **kwargs
        Passed to ``Loihi2SimCfg`` (e.g. ``loglevel``).

    Examples
    --------
    >>> cfg = sim_config("floating_pt")
    >>> cfg.select_tag
    'floating_pt'
    """
    mapping = model_map(select_tag)
    mapping.update(exception_proc_model_map or {})
    return Loihi2SimCfg(select_tag=select_tag, exception_proc_model_map=mapping, **kwargs)
