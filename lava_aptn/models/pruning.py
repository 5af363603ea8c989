"""ProcessModel of :class:`~lava_aptn.processes.pruning.PruningProcess`."""

from __future__ import annotations

import numpy as np
from lava.magma.core.decorator import implements, requires, tag
from lava.magma.core.model.py.model import PyLoihiProcessModel
from lava.magma.core.model.py.ports import PyInPort, PyRefPort
from lava.magma.core.model.py.type import LavaPyType
from lava.magma.core.resources import CPU
from lava.magma.core.sync.protocols.loihi_protocol import LoihiProtocol

from lava_aptn.processes.input import CTRL_IMAGE_END
from lava_aptn.processes.pruning import PruningProcess
from lava_aptn.pruning import REMOVED, STATE_DTYPE, prune_points, run_step


def _write_confirmed(ref: PyRefPort, data: np.ndarray) -> None:
    """Write through a RefPort and wait until the target has applied it.

    ``write`` only queues the data; the target serves it while it polls its VarPorts.
    Reading back on the same port is answered after the write (one channel, in
    order), so the target has the new value before this management phase ends and
    before its next spiking phase.
    """
    ref.write(data)
    ref.read()


@implements(proc=PruningProcess, protocol=LoihiProtocol)
@requires(CPU)
@tag("floating_pt")
class PyPruningModel(PyLoihiProcessModel):
    """Calls :func:`lava_aptn.pruning.run_step` at the schedule's image ends.

    The spiking phase only watches for image ends; the reads, the pruning step and
    the writes happen in the post-management phase of the image's last step, after
    every other Process has finished that step (so the synapses have folded their
    scale and the counter holds the image's spikes). Pure numpy: the same code and
    numbers as the engine's :class:`~lava_aptn.engine.pruner.PruningDriver`.
    """

    weights_ref: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, np.float64)
    state_ref: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, STATE_DTYPE)
    counts_ref: PyRefPort = LavaPyType(PyRefPort.VEC_DENSE, np.float64)
    ctrl_in: PyInPort = LavaPyType(PyInPort.VEC_DENSE, float)
    syn_state: np.ndarray = LavaPyType(np.ndarray, STATE_DTYPE)
    images_seen: np.ndarray = LavaPyType(np.ndarray, np.int64)
    steps_done: np.ndarray = LavaPyType(np.ndarray, np.int64)
    last_k: np.ndarray = LavaPyType(np.ndarray, np.int64)
    thresholds: np.ndarray = LavaPyType(np.ndarray, np.float64)
    last_counts: np.ndarray = LavaPyType(np.ndarray, np.float64)
    connectivity: np.ndarray = LavaPyType(np.ndarray, np.float64)

    def __init__(self, proc_params) -> None:
        super().__init__(proc_params)
        config = proc_params["config"]
        self._method = proc_params["method"]
        self._transposed = proc_params["weight_layout"] == "out_in"
        self._steps_per_image = proc_params["steps_per_image"]
        self._points = {
            p.images_seen: p.k for p in prune_points(proc_params["train_images"], config)
        }
        # the counts of step k are those of the prune_batch images before it
        starts = {s - config.prune_batch for s in self._points}
        self._resets = {s for s in starts if s > 0} - set(self._points)
        self._pending = False

    def run_spk(self) -> None:
        """Count image ends; flag the ones where pruning (or a count reset) is due."""
        ctrl = self.ctrl_in.recv()
        if self._steps_per_image:
            end = self.time_step % self._steps_per_image == 0
        else:
            end = ctrl[CTRL_IMAGE_END] > 0.0
        self._pending = False
        if end:
            self.images_seen[0] += 1
            seen = int(self.images_seen[0])
            self._pending = seen in self._points or seen in self._resets

    def post_guard(self) -> bool:
        """Request a management phase when pruning or a count reset is due."""
        return self._pending

    def run_post_mgmt(self) -> None:
        """Prune (read, run the method, write back) or reset the batch counts."""
        seen = int(self.images_seen[0])
        if seen in self._points:
            self._prune(self._points[seen])
        if self.counts_ref.csp_ports:
            _write_confirmed(self.counts_ref, np.zeros(self.thresholds.shape))
        self._pending = False

    def _layout(self, a: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(a.T if self._transposed else a)

    def _read_weights(self) -> np.ndarray:
        """Return the target's true weights as float64, input-major."""
        return self._layout(np.asarray(self.weights_ref.read(), dtype=np.float64))

    def _write_weights(self, weights: np.ndarray) -> None:
        """Write true weights back to the target (and confirm the write)."""
        _write_confirmed(self.weights_ref, self._layout(weights))

    def _prune(self, k: int) -> None:
        weights = self._read_weights()
        if self.state_ref.csp_ports:
            state = self._layout(np.asarray(self.state_ref.read()).astype(STATE_DTYPE))
        else:
            state = np.array(self.syn_state, dtype=STATE_DTYPE)
        if self.counts_ref.csp_ports:
            counts = np.asarray(self.counts_ref.read(), dtype=np.float64)
        else:
            counts = np.zeros(weights.shape[1])
        outcome = run_step(self._method, k=k, weights=weights, syn_state=state, spike_counts=counts)
        self._write_weights(outcome.weights)
        if self.state_ref.csp_ports:
            _write_confirmed(self.state_ref, self._layout(outcome.syn_state))
        self.syn_state = np.array(outcome.syn_state, dtype=STATE_DTYPE)
        self.thresholds = np.array(outcome.thresholds, dtype=np.float64)
        self.last_counts = counts
        self.last_k[0] = k
        self.steps_done[0] += 1
        self.connectivity[0] = float(np.mean(outcome.syn_state != REMOVED))
