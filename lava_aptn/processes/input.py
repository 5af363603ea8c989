"""Poisson rate-coded image input with the presentation, rest and re-presentation protocol."""

from __future__ import annotations

import numpy as np
from lava.magma.core.process.ports.ports import InPort, OutPort
from lava.magma.core.process.variable import Var

from lava_aptn.config import TOTAL_RATE_RULES, NetworkConfig
from lava_aptn.processes import _checks

#: Entries of the control vector sent on ``ctrl_out`` at every time step.
CTRL_PRESENTATION_END = 0  #: 1.0 on the last step of every presentation
CTRL_IMAGE_END = 1  #: 1.0 on the last step of an image's last presentation
CTRL_SIZE = 2


class PoissonImageInput(_checks.CheckedProcess):
    r"""Input spikes of images, exactly those of :func:`lava_aptn.encoding.encode_into`.

    Image ``m`` is shown for ``n_steps`` time steps; presentation ``r`` (0-based) of it
    fires pixel ``j`` as the counter-based Bernoulli process of
    :mod:`lava_aptn.encoding` keyed by ``(seed, stream, first_index + m, r)`` at rate

    .. math:: \nu_j = p_j \left(\frac{\nu_{max}}{255} + r \frac{\nu_{step}}{255}\right).

    When the excitatory spikes received on ``e_in`` during a presentation number fewer
    than ``min_exc_spikes`` and fewer than ``max_presentations`` were made, the image is
    shown again; otherwise the next image follows. Every presentation is exactly
    ``n_steps`` Lava time steps; the rest between presentations takes no Lava step
    (the layer applies it in closed form in a management phase). After the last image
    the process sends no spikes.

    Ports
    -----
    s_out : OutPort (n_inputs,)
        1.0 for each pixel that fires at this step.
    e_in : InPort (n_neurons,)
        Excitatory spikes of this step (for the re-presentation rule). Left
        unconnected it reads zeros, so every image is shown ``max_presentations`` times.
    ctrl_out : OutPort (2,)
        ``[presentation ends, image ends]`` at this step (1.0 or 0.0); the synapses,
        spike counter and pruning process use it to find image boundaries.

    Vars
    ----
    image, presentation : (1,) int
        Index (into ``images``) and presentation number of what is being shown.
    exc_spikes : (1,) int
        Excitatory spikes received during the current presentation.
    images_done : (1,) int
        Images completed.

    Parameters
    ----------
    images : array of uint8, shape (n_images, n_inputs) or (n_images, 28, 28)
        Pixel intensities 0-255.
    n_neurons : int
        Size of ``e_in``.
    seed, stream : int
        Spike-key parts (:func:`lava_aptn.encoding.train_stream` for training epochs).
    first_index : int
        Dataset index of ``images[0]`` (keys the spikes).
    n_steps : int
        Time steps per presentation.
    dt_ms, max_rate_hz, rate_step_hz : float
        Time step, maximum rate of the first presentation, rate added per re-presentation.
    total_rate_hz : float or None
        Input normalisation: each image's rates sum to this at its first presentation
        (``InputConfig.total_rate_hz``); ``None`` leaves rates proportional to intensity.
    total_rate_rule : str
        ``"scale"`` (every image) or ``"cap"`` (only the images above the total).
    min_exc_spikes, max_presentations : int
        Re-presentation rule (``max_presentations = 1`` shows every image once).
    """

    def __init__(
        self,
        *,
        images: np.ndarray,
        n_neurons: int,
        seed: int,
        stream: int,
        first_index: int = 0,
        n_steps: int,
        dt_ms: float,
        max_rate_hz: float,
        rate_step_hz: float = 0.0,
        total_rate_hz: float | None = None,
        total_rate_rule: str = "scale",
        min_exc_spikes: int = 0,
        max_presentations: int = 1,
        name: str | None = None,
    ) -> None:
        flat = _checks.images_2d(images)
        n_inputs = flat.shape[1]
        n_neurons = _checks.integer("n_neurons", n_neurons, 1)
        super().__init__(
            images=flat,
            seed=_checks.integer("seed", seed, 0),
            stream=_checks.integer("stream", stream, 0),
            first_index=_checks.integer("first_index", first_index, 0),
            n_steps=_checks.integer("n_steps", n_steps, 1),
            dt_ms=_checks.number("dt_ms", dt_ms, minimum=0.0),
            max_rate_hz=_checks.number("max_rate_hz", max_rate_hz, minimum=0.0),
            rate_step_hz=_checks.number("rate_step_hz", rate_step_hz, minimum=0.0),
            total_rate_hz=None
            if total_rate_hz is None
            else _checks.positive("total_rate_hz", total_rate_hz),
            total_rate_rule=_checks.choice("total_rate_rule", total_rate_rule, TOTAL_RATE_RULES),
            min_exc_spikes=_checks.integer("min_exc_spikes", min_exc_spikes, 0),
            max_presentations=_checks.integer("max_presentations", max_presentations, 1),
            name=name,
        )
        self.n_images = flat.shape[0]
        self.s_out = OutPort(shape=(n_inputs,))
        self.e_in = InPort(shape=(n_neurons,))
        self.ctrl_out = OutPort(shape=(CTRL_SIZE,))
        self.image = Var(shape=(1,), init=0)
        self.presentation = Var(shape=(1,), init=0)
        self.exc_spikes = Var(shape=(1,), init=0)
        self.images_done = Var(shape=(1,), init=0)

    @classmethod
    def from_config(
        cls,
        config: NetworkConfig,
        images: np.ndarray,
        *,
        seed: int,
        stream: int,
        first_index: int = 0,
        name: str | None = None,
    ) -> PoissonImageInput:
        """Return the input of ``config``'s network (its rates, durations and protocol)."""
        flat = _checks.images_2d(images, config.n_inputs)
        inp = config.input
        return cls(
            images=flat,
            n_neurons=config.n_neurons,
            seed=seed,
            stream=stream,
            first_index=first_index,
            n_steps=config.presentation_steps,
            dt_ms=config.dt_ms,
            max_rate_hz=inp.max_rate_hz,
            rate_step_hz=inp.rate_step_hz,
            total_rate_hz=inp.total_rate_hz,
            total_rate_rule=inp.total_rate_rule,
            min_exc_spikes=inp.min_exc_spikes,
            max_presentations=inp.max_presentations,
            name=name,
        )
