"""Per-neuron spike counts: a running batch total and a record per image."""

from __future__ import annotations

from lava.magma.core.process.ports.ports import InPort
from lava.magma.core.process.variable import Var

from lava_aptn.processes import _checks
from lava_aptn.processes.input import CTRL_SIZE


class SpikeCounter(_checks.CheckedProcess):
    """Counts the spikes arriving on ``s_in``, per neuron.

    ``counts`` accumulates every spike until someone resets it (the
    :class:`~lava_aptn.processes.pruning.PruningProcess` reads it through a RefPort at
    each pruning step and writes zeros back): these are the batch totals the pruning
    methods use. When ``ctrl_in`` is connected to a
    :class:`~lava_aptn.processes.input.PoissonImageInput`, the counts of each image are
    also recorded: over all its presentations in ``image_counts`` (what the batch
    totals add up) and of its last presentation only in ``last_counts`` (what label
    assignment and classification use).

    Ports
    -----
    s_in : InPort (n_neurons,)
        Spikes (any non-zero value counts as one).
    ctrl_in : InPort (2,)
        ``[presentation ends, image ends]`` from the input; unconnected it reads zeros.

    Vars
    ----
    counts : (n_neurons,) float
        Spikes since the last reset.
    image_counts, last_counts : (max(n_images, 1), n_neurons) float
        Per-image records (rows beyond the images seen stay 0).
    images_done : (1,) int
        Images recorded.

    Parameters
    ----------
    n_neurons : int
        Number of neurons counted.
    n_images : int
        Rows of the per-image records (0: record nothing).
    """

    def __init__(self, *, n_neurons: int, n_images: int = 0, name: str | None = None) -> None:
        n = _checks.integer("n_neurons", n_neurons, 1)
        rows = _checks.integer("n_images", n_images, 0)
        super().__init__(n_neurons=n, n_images=rows, name=name)
        self.s_in = InPort(shape=(n,))
        self.ctrl_in = InPort(shape=(CTRL_SIZE,))
        self.counts = Var(shape=(n,), init=0.0)
        self.image_counts = Var(shape=(max(rows, 1), n), init=0.0)
        self.last_counts = Var(shape=(max(rows, 1), n), init=0.0)
        self.images_done = Var(shape=(1,), init=0)
