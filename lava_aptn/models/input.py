"""ProcessModel of :class:`~lava_aptn.processes.input.PoissonImageInput`."""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyOutPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.encoding import (
    encode_into,
    image_gain,
    input_normalisation,
    presentation_key,
    presentation_rate,
)
from lava_aptn.processes.input import (
    CTRL_IMAGE_END,
    CTRL_PRESENTATION_END,
    CTRL_SIZE,
    PoissonImageInput,
)


@implements(proc=PoissonImageInput, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyPoissonImageInputModel(PyLoihiProcessModel):
    """Encodes each presentation with :func:`lava_aptn.encoding.encode_into`, then replays it.

    At the first step of a presentation the whole presentation is encoded with the
    engine's key and rate (``max_rate / 255 + r * rate_step / 255`` per level, as in
    :func:`lava_aptn.engine.simulate.run_images`); step ``s`` sends the pixels of
    ``step_ptr[s]:step_ptr[s + 1]``. The spikes are binary, so the model serves any
    precision: the ``fixed_pt`` configuration
    (:func:`lava_aptn.models.fixed_pt.fixed_model_map`) uses it too.
    """

    s_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    e_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    ctrl_out: PyOutPort = LavaPyType(PyOutPort.VEC_DENSE, float)
    image: np.ndarray = LavaPyType(np.ndarray, np.int64)
    presentation: np.ndarray = LavaPyType(np.ndarray, np.int64)
    exc_spikes: np.ndarray = LavaPyType(np.ndarray, np.int64)
    images_done: np.ndarray = LavaPyType(np.ndarray, np.int64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        self._images = proc_params["images"]
        self._seed = proc_params["seed"]
        self._stream = proc_params["stream"]
        self._first = proc_params["first_index"]
        self._n_steps = proc_params["n_steps"]
        self._dt_ms = proc_params["dt_ms"]
        # the same float operations as lava_aptn.dynamics.params.step_params
        self._rate_per_level = proc_params["max_rate_hz"] / 255.0
        self._rate_step_per_level = proc_params["rate_step_hz"] / 255.0
        self._total_levels, self._total_cap = input_normalisation(
            proc_params["total_rate_hz"], proc_params["total_rate_rule"], proc_params["max_rate_hz"]
        )
        self._min_exc = proc_params["min_exc_spikes"]
        self._max_pres = proc_params["max_presentations"]
        n_inputs = self._images.shape[1]
        self._step_ptr = np.zeros(self._n_steps + 1, dtype=np.int64)
        self._pixels = np.zeros(n_inputs * self._n_steps, dtype=np.int32)
        self._scratch = np.zeros(n_inputs * self._n_steps, dtype=np.int64)
        self._spikes = np.zeros(n_inputs)

    def _active(self) -> bool:
        return int(self.image[0]) < self._images.shape[0]

    def _encode(self) -> None:
        m, pres = int(self.image[0]), int(self.presentation[0])
        gain = image_gain(self._images[m], self._total_levels, self._total_cap)
        rate = presentation_rate(self._rate_per_level, self._rate_step_per_level, pres, gain)
        key = np.uint64(presentation_key(self._seed, self._stream, self._first + m, pres))
        encode_into(
            self._images[m],
            rate,
            self._n_steps,
            self._dt_ms,
            key,
            self._step_ptr,
            self._pixels,
            self._scratch,
        )

    def run_spk(self) -> None:
        """Send this step's input spikes; at a presentation's end decide what comes next."""
        step = (self.time_step - 1) % self._n_steps
        active = self._active()
        self._spikes[:] = 0.0
        if active:
            if step == 0:
                self._encode()
                self.exc_spikes[0] = 0
            self._spikes[self._pixels[self._step_ptr[step] : self._step_ptr[step + 1]]] = 1.0
        self.s_out.send(self._spikes)
        exc = self.e_in.recv()
        ctrl = np.zeros(CTRL_SIZE)
        if active:
            self.exc_spikes[0] += int(np.count_nonzero(exc))
            if step == self._n_steps - 1:
                ctrl[CTRL_PRESENTATION_END] = 1.0
                pres = int(self.presentation[0])
                if self.exc_spikes[0] >= self._min_exc or pres + 1 >= self._max_pres:
                    ctrl[CTRL_IMAGE_END] = 1.0
                    self.image[0] += 1
                    self.images_done[0] += 1
                    self.presentation[0] = 0
                else:
                    self.presentation[0] = pres + 1
        self.ctrl_out.send(ctrl)
