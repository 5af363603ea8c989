"""ProcessModel of :class:`~lava_aptn.processes.counter.SpikeCounter`."""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.processes.counter import SpikeCounter
from lava_aptn.processes.input import CTRL_IMAGE_END, CTRL_PRESENTATION_END


@implements(proc=SpikeCounter, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PySpikeCounterModel(PyLoihiProcessModel):
    """Adds one per non-zero entry of ``s_in``; closes records on the control flags.

    Counting is exact in float64 up to 2**53 spikes, so the model serves any precision:
    the ``fixed_pt`` configuration (:func:`lava_aptn.models.fixed_pt.fixed_model_map`)
    uses it too.
    """

    s_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    ctrl_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    counts: np.ndarray = LavaPyType(np.ndarray, np.float64)
    image_counts: np.ndarray = LavaPyType(np.ndarray, np.float64)
    last_counts: np.ndarray = LavaPyType(np.ndarray, np.float64)
    images_done: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        self._rows = proc_params["n_images"]
        n = proc_params["n_neurons"]
        self._presentation = np.zeros(n)  # spikes of the current presentation
        self._last = np.zeros(n)  # ... of the last finished presentation
        self._image = np.zeros(n)  # ... of the current image, all presentations

    def run_spk(self) -> None:
        """Count this step's spikes; record at presentation and image ends."""
        hits = self.s_in.recv() != 0.0
        self.counts += hits
        self._presentation += hits
        self._image += hits
        ctrl = self.ctrl_in.recv()
        if ctrl[CTRL_PRESENTATION_END] > 0.0:
            self._last = self._presentation.copy()
            self._presentation[:] = 0.0
        if ctrl[CTRL_IMAGE_END] > 0.0:
            m = int(self.images_done[0])
            if m < self._rows:
                self.image_counts[m] = self._image
                self.last_counts[m] = self._last
            self.images_done[0] = m + 1
            self._image[:] = 0.0
