"""Network configuration: frozen, validated dataclasses and named presets.

Every physical quantity carries its unit in its name (``tau_m_ms``, ``v_rest_mv``).
Conductances and weights are dimensionless, in units of the leak conductance, as in
Diehl & Cook (2015). Defaults follow Diehl & Cook's published code
(``peter-u-diehl/stdp-mnist``) unless a field says otherwise; the paper's Table 1
(Guo et al. 2020) is the ``paper-table1`` preset.

Examples
--------
>>> cfg = preset("diehl-cook", n_neurons=100)
>>> cfg.n_neurons, cfg.stdp.tau_pre_ms
(100, 20.0)
>>> NetworkConfig(n_neurons=0)
Traceback (most recent call last):
...
lava_aptn.errors.ConfigError: n_neurons must be an integer >= 1, got 0
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, replace
from typing import Any

from lava_aptn.errors import ConfigError


def _positive(owner: Any, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
            raise ConfigError(f"{name} must be a finite number > 0, got {value!r}")


def _nonnegative(owner: Any, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}")


def _finite(owner: Any, *names: str) -> None:
    for name in names:
        value = getattr(owner, name)
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise ConfigError(f"{name} must be a finite number, got {value!r}")


def _integer(owner: Any, name: str, minimum: int) -> None:
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")


@dataclass(frozen=True)
class ExcitatoryConfig:
    r"""Conductance-based LIF excitatory neurons with an adaptive threshold.

    .. math::
        \\tau_m \\frac{dv}{dt} = (v_{rest} - v) + g_e (E_{exc} - v) + g_i (E_{inh} - v)

    A neuron fires when ``v > v_thresh_mv + theta`` and at least ``min_isi_ms`` have
    passed since its last spike; then ``v = v_reset_mv``, ``theta += theta_plus_mv``
    (training only) and ``v`` is held for ``refractory_ms``.
    """

    tau_m_ms: float = 100.0
    v_rest_mv: float = -65.0
    v_reset_mv: float = -65.0
    v_thresh_mv: float = -52.0
    e_exc_mv: float = 0.0
    e_inh_mv: float = -100.0
    tau_ge_ms: float = 1.0
    tau_gi_ms: float = 2.0
    refractory_ms: float = 5.0
    #: Diehl & Cook's ``timer > 5 ms`` with ``dtimer/dt = 0.1``: 50 ms between spikes.
    min_isi_ms: float = 50.0
    theta_plus_mv: float = 0.05
    tau_theta_ms: float = 1e7

    def __post_init__(self) -> None:
        _positive(self, "tau_m_ms", "tau_ge_ms", "tau_gi_ms", "tau_theta_ms")
        _nonnegative(self, "refractory_ms", "min_isi_ms", "theta_plus_mv")
        _finite(self, "v_rest_mv", "v_reset_mv", "v_thresh_mv", "e_exc_mv", "e_inh_mv")
        if not self.e_inh_mv < self.v_reset_mv < self.v_thresh_mv < self.e_exc_mv:
            raise ConfigError(
                "excitatory potentials must satisfy e_inh_mv < v_reset_mv < v_thresh_mv < "
                f"e_exc_mv, got {self.e_inh_mv!r}, {self.v_reset_mv!r}, "
                f"{self.v_thresh_mv!r}, {self.e_exc_mv!r}"
            )


@dataclass(frozen=True)
class InhibitoryConfig:
    """Conductance-based LIF inhibitory neurons (Diehl & Cook), one per excitatory neuron."""

    tau_m_ms: float = 10.0
    v_rest_mv: float = -60.0
    v_reset_mv: float = -45.0
    v_thresh_mv: float = -40.0
    e_exc_mv: float = 0.0
    e_inh_mv: float = -85.0
    tau_ge_ms: float = 1.0
    tau_gi_ms: float = 2.0
    refractory_ms: float = 2.0

    def __post_init__(self) -> None:
        _positive(self, "tau_m_ms", "tau_ge_ms", "tau_gi_ms")
        _nonnegative(self, "refractory_ms")
        _finite(self, "v_rest_mv", "v_reset_mv", "v_thresh_mv", "e_exc_mv", "e_inh_mv")
        if not self.v_rest_mv < self.v_thresh_mv < self.e_exc_mv:
            raise ConfigError(
                "inhibitory potentials must satisfy v_rest_mv < v_thresh_mv < e_exc_mv, got "
                f"{self.v_rest_mv!r}, {self.v_thresh_mv!r}, {self.e_exc_mv!r}"
            )


@dataclass(frozen=True)
class SynapseConfig:
    """Fixed WTA weights, plastic weight bounds, initialisation and normalisation.

    Initial input weights are ``(U[0, 1) + init_offset) * init_scale`` (Diehl & Cook).
    When ``norm_total`` is set, before every training presentation each neuron's
    incoming weights are scaled so that they sum to ``norm_total`` (Diehl & Cook:
    78 = 0.1 x 784). Normalisation is a per-neuron homeostatic scaling, not an STDP
    update: it scales every transmitting weight, frozen ones (soft pruning) included;
    removed synapses stay 0 (scaling 0 gives 0).
    """

    w_exc_inh: float = 10.4
    w_inh_exc: float = 17.0
    w_max: float = 1.0
    init_scale: float = 0.3
    init_offset: float = 0.01
    norm_total: float | None = 78.0

    def __post_init__(self) -> None:
        _nonnegative(self, "w_exc_inh", "w_inh_exc", "init_offset")
        _positive(self, "w_max", "init_scale")
        if self.norm_total is not None:
            _positive(self, "norm_total")
        if (1.0 + self.init_offset) * self.init_scale > self.w_max:
            raise ConfigError(
                f"initial weights reach {(1.0 + self.init_offset) * self.init_scale!r}, above "
                f"w_max={self.w_max!r}; lower init_scale"
            )


@dataclass(frozen=True)
class StdpConfig:
    r"""Triplet STDP (Pfister & Gerstner 2006, in Diehl & Cook's form).

    Traces decay with their time constants and are reset to 1 on their neuron's spike.

    .. math::
        \\text{pre } j:\\; w_{ji} \\leftarrow \\mathrm{clip}(w_{ji} - \\mu_{pre} y_{1,i}),
        \\quad
        \\text{post } i:\\; w_{ji} \\leftarrow \\mathrm{clip}(w_{ji} + \\mu_{post} x_j y_{2,i}^-)

    with :math:`y_{2,i}^-` the slow post trace just before its reset.
    """

    tau_pre_ms: float = 20.0
    tau_post1_ms: float = 20.0
    tau_post2_ms: float = 40.0
    mu_pre: float = 0.0001
    mu_post: float = 0.01

    def __post_init__(self) -> None:
        _positive(self, "tau_pre_ms", "tau_post1_ms", "tau_post2_ms")
        _nonnegative(self, "mu_pre", "mu_post")


#: Input normalisation rules (:attr:`InputConfig.total_rate_rule`): scale every image to
#: the total, or only scale down the images above it.
TOTAL_RATE_RULES = ("scale", "cap")


@dataclass(frozen=True)
class InputConfig:
    """Poisson rate coding and the presentation protocol.

    A pixel of intensity ``p`` (0-255) fires at ``p / 255 * max_rate_hz`` during
    ``presentation_ms``; then ``rest_ms`` without input lets the state relax. When the
    excitatory layer fires fewer than ``min_exc_spikes`` spikes, the image is shown again
    with ``rate_step_hz`` added to the maximum rate (Diehl & Cook: 255/8 = 31.875 Hz), at
    most ``max_presentations`` times in all.

    ``total_rate_hz`` (default ``None``: off) normalises each image's input: its rates are
    multiplied by one gain per image so that they sum to ``total_rate_hz`` over all pixels
    at the first presentation (re-presentations scale it by ``1 + k * rate_step_hz /
    max_rate_hz`` as before). 6,530 Hz is the mean of MNIST's training images at
    63.75 Hz; Fashion-MNIST's mean is 2.2 times that (``docs/parameters.md``). An image
    without ink keeps gain 1 (it has no input either way). ``total_rate_rule = "cap"``
    scales only the images above the total down to it and leaves the others as they are.
    """

    max_rate_hz: float = 63.75
    rate_step_hz: float = 31.875
    presentation_ms: float = 350.0
    rest_ms: float = 150.0
    min_exc_spikes: int = 5
    max_presentations: int = 10
    total_rate_hz: float | None = None
    total_rate_rule: str = "scale"

    def __post_init__(self) -> None:
        _positive(self, "max_rate_hz", "presentation_ms")
        if self.total_rate_hz is not None:
            _positive(self, "total_rate_hz")
        if self.total_rate_rule not in TOTAL_RATE_RULES:
            raise ConfigError(
                f"input.total_rate_rule must be one of {list(TOTAL_RATE_RULES)}, "
                f"got {self.total_rate_rule!r}"
            )
        _nonnegative(self, "rate_step_hz", "rest_ms")
        _integer(self, "min_exc_spikes", 0)
        _integer(self, "max_presentations", 1)


#: Membrane integrators (:attr:`NetworkConfig.membrane`).
MEMBRANE_INTEGRATORS = ("backward-euler", "forward-euler")
#: Per-step decay rules of the exponential variables (:attr:`NetworkConfig.decay`).
DECAY_RULES = ("exact", "euler")


@dataclass(frozen=True)
class NetworkConfig:
    """The whole WTA network: sizes, time step and every component's parameters.

    Parameters
    ----------
    n_neurons
        Excitatory neurons N (and as many inhibitory ones).
    n_inputs
        Input units, one per pixel (784 for 28 x 28 images).
    dt_ms
        Simulation time step in ms (Diehl & Cook: 0.5 ms).
    membrane
        Membrane integrator of both populations: ``"backward-euler"`` (default,
        semi-implicit, unconditionally stable) or ``"forward-euler"`` (the explicit step
        of Diehl & Cook's Brian code and of the fixed-point mode, clamped to the reversal
        potentials); ``docs/engine.md``. The fixed-point mode always uses forward Euler.
    decay
        Per-step factor of every exponentially decaying variable (conductances, STDP
        traces, ``theta``): ``"exact"`` (default, ``exp(-dt/tau)``) or ``"euler"``
        (``1 - dt/tau``, the forward-Euler step of Diehl & Cook's Brian code). They
        differ where ``tau`` is close to ``dt``: for ``tau_ge`` = 1 ms at dt = 0.5 ms
        the factor is 0.5 instead of 0.607, so one input spike's conductance sums to 2
        steps' worth instead of 2.54. ``"euler"`` needs ``dt_ms`` below every time
        constant. The fixed-point mode derives its decay constants by the same rule.
    """

    n_neurons: int = 100
    n_inputs: int = 784
    dt_ms: float = 0.5
    membrane: str = "backward-euler"
    decay: str = "exact"
    exc: ExcitatoryConfig = field(default_factory=ExcitatoryConfig)
    inh: InhibitoryConfig = field(default_factory=InhibitoryConfig)
    syn: SynapseConfig = field(default_factory=SynapseConfig)
    stdp: StdpConfig = field(default_factory=StdpConfig)
    input: InputConfig = field(default_factory=InputConfig)

    def __post_init__(self) -> None:
        _integer(self, "n_neurons", 1)
        _integer(self, "n_inputs", 1)
        _positive(self, "dt_ms")
        if self.membrane not in MEMBRANE_INTEGRATORS:
            raise ConfigError(
                f"membrane must be one of {MEMBRANE_INTEGRATORS}, got {self.membrane!r}"
            )
        if self.dt_ms > 2.0:
            raise ConfigError(f"dt_ms must be <= 2 ms for these dynamics, got {self.dt_ms!r}")
        if self.decay not in DECAY_RULES:
            raise ConfigError(f"decay must be one of {DECAY_RULES}, got {self.decay!r}")
        if self.decay == "euler":
            taus = {
                "exc.tau_ge_ms": self.exc.tau_ge_ms,
                "exc.tau_gi_ms": self.exc.tau_gi_ms,
                "inh.tau_ge_ms": self.inh.tau_ge_ms,
                "inh.tau_gi_ms": self.inh.tau_gi_ms,
                "stdp.tau_pre_ms": self.stdp.tau_pre_ms,
                "stdp.tau_post1_ms": self.stdp.tau_post1_ms,
                "stdp.tau_post2_ms": self.stdp.tau_post2_ms,
            }
            name, tau = min(taus.items(), key=lambda item: item[1])
            if not self.dt_ms < tau:
                raise ConfigError(
                    f"decay='euler' needs dt_ms below every time constant, got dt_ms="
                    f"{self.dt_ms!r} and {name}={tau!r} (a factor 1 - dt/tau <= 0); use a "
                    "smaller dt_ms or decay='exact'"
                )
        if not math.isclose(
            self.input.presentation_ms / self.dt_ms, round(self.input.presentation_ms / self.dt_ms)
        ):
            raise ConfigError(
                f"presentation_ms={self.input.presentation_ms!r} must be a whole number of "
                f"time steps of dt_ms={self.dt_ms!r}"
            )

    @property
    def presentation_steps(self) -> int:
        """Time steps in one presentation."""
        return int(round(self.input.presentation_ms / self.dt_ms))

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as nested plain dictionaries (JSON-ready)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NetworkConfig:
        """Build a configuration from :meth:`to_dict` output (unknown keys are errors)."""
        parts = {
            "exc": ExcitatoryConfig,
            "inh": InhibitoryConfig,
            "syn": SynapseConfig,
            "stdp": StdpConfig,
            "input": InputConfig,
        }
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in parts:
                kwargs[key] = _build(parts[key], value, key)
            else:
                kwargs[key] = value
        return _build(cls, kwargs, "network")


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(f"unknown {where} parameter(s) {unknown}; valid: {sorted(names)}")
    return cls(**values)


def with_overrides(config: NetworkConfig, overrides: dict[str, Any]) -> NetworkConfig:
    """Return ``config`` with dotted-name overrides applied, e.g. ``{"stdp.mu_post": 0.02}``.

    Raises
    ------
    ConfigError
        If a name does not exist; the message lists the valid names.
    """
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for name, value in overrides.items():
        if "." in name:
            part, key = name.split(".", 1)
            nested.setdefault(part, {})[key] = value
        else:
            top[name] = value
    for part, values in nested.items():
        if not hasattr(config, part) or not dataclasses.is_dataclass(getattr(config, part)):
            raise ConfigError(f"unknown parameter group {part!r} in override")
        sub = getattr(config, part)
        _build(type(sub), values, part)  # validates the names
        top[part] = replace(sub, **values)
    _build(NetworkConfig, {k: v for k, v in top.items()}, "network")
    return replace(config, **top)


def _diehl_cook(n_neurons: int) -> NetworkConfig:
    return NetworkConfig(n_neurons=n_neurons)


def _paper_table1(n_neurons: int) -> NetworkConfig:
    """Guo et al. (2020) Table 1; the rest (not given in the paper) from Diehl & Cook."""
    return NetworkConfig(
        n_neurons=n_neurons,
        exc=ExcitatoryConfig(
            tau_m_ms=100.0,
            v_rest_mv=-60.0,
            v_reset_mv=-60.0,
            v_thresh_mv=-50.0,
            e_exc_mv=0.0,
            e_inh_mv=-100.0,
            tau_ge_ms=1.0,
            tau_gi_ms=2.0,
            theta_plus_mv=0.01,
        ),
        stdp=StdpConfig(
            tau_pre_ms=8.0, tau_post1_ms=16.0, tau_post2_ms=32.0, mu_pre=0.0001, mu_post=0.01
        ),
    )


#: Potentiation rate of the ``tuned`` preset: the best of a search scored on held-out
#: images after 50,000 training images (``docs/parameters.md``, Search 2).
TUNED_MU_POST = 0.02276


def _tuned(n_neurons: int) -> NetworkConfig:
    """Diehl & Cook with the potentiation rate of the full-epoch search (Search 2).

    MNIST, one epoch, test set, seeds 0-2: 0.7820 +- 0.0026 at N = 100 against
    0.7585 +- 0.026 for ``diehl-cook`` (``docs/parameters.md``).
    """
    return NetworkConfig(n_neurons=n_neurons, stdp=StdpConfig(mu_post=TUNED_MU_POST))


def _tuned_n100(n_neurons: int) -> NetworkConfig:
    """Return Search 3's best set (N = 100, shuffled order, dt 0.5 ms, held-out scores).

    MNIST, one epoch, shuffled order, test set, seeds 0-2: 0.8579 +- 0.0076 at N = 100
    (``tuned``: 0.8480) but 0.8941 +- 0.0042 at N = 800 (``tuned``: 0.9031), so it is not
    the default (``docs/parameters.md``, Search 3).
    """
    base = _diehl_cook(n_neurons)
    return replace(
        base,
        exc=replace(base.exc, theta_plus_mv=0.05103, tau_theta_ms=7.408e6),
        syn=replace(base.syn, w_inh_exc=21.69, norm_total=80.9),
        stdp=replace(base.stdp, mu_pre=0.0002772, mu_post=0.0349),
        input=replace(base.input, max_rate_hz=64.6),
    )


#: Total input rate above which ``tuned-cap`` scales an image down (Hz, over all pixels at
#: the first presentation): 40,000 intensity levels at 63.75 Hz. It dims 6.6 % of MNIST's
#: training images and 70.8 % of Fashion-MNIST's (``docs/parameters.md``).
CAP_TOTAL_RATE_HZ = 10000.0


def _tuned_cap(n_neurons: int) -> NetworkConfig:
    """Return ``tuned`` with input normalisation rule ``cap`` at 10,000 Hz.

    Images whose pixels would fire more than 10,000 Hz in all are scaled down to it, the
    others are left as they are: most of MNIST is untouched, most of Fashion-MNIST is
    dimmed (``docs/parameters.md``, "Input normalisation").
    """
    base = _tuned(n_neurons)
    return replace(
        base,
        input=replace(base.input, total_rate_hz=CAP_TOTAL_RATE_HZ, total_rate_rule="cap"),
    )


#: Named presets selectable with ``--preset``: name -> (factory, description).
PRESETS = {
    "diehl-cook": (_diehl_cook, "Diehl & Cook (2015) code: traces 20/20/40 ms, dt 0.5 ms"),
    "paper-table1": (_paper_table1, "Guo et al. (2020) Table 1: traces 8/16/32 ms"),
    "tuned": (_tuned, "diehl-cook with mu_post 0.02276 (full-epoch search, docs/parameters.md)"),
    "tuned-n100": (
        _tuned_n100,
        "Search 3's set for N = 100 (stronger STDP and inhibition; docs/parameters.md)",
    ),
    "tuned-cap": (
        _tuned_cap,
        "tuned with bright images scaled down to 10,000 Hz of input (docs/parameters.md)",
    ),
}

#: The preset used when none is named: MNIST 0.8573 / 0.9041 and Fashion-MNIST
#: 0.6805 / 0.7334 (N = 100 / 800, one epoch, shuffled order, 3 seeds;
#: ``docs/parameters.md``, "Input normalisation").
DEFAULT_PRESET = "tuned-cap"


def preset(name: str = DEFAULT_PRESET, *, n_neurons: int = 100) -> NetworkConfig:
    """Return the named preset's configuration for ``n_neurons`` excitatory neurons."""
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}")
    return PRESETS[name][0](n_neurons)


#: Datasets the engine can train on (names of :mod:`lava_aptn.data`).
DATASET_NAMES = ("mnist", "fashion-mnist")
#: Arithmetic of the simulation.
PRECISIONS = ("float", "fixed")
#: Orders of the training images (``RunConfig.order``): ``None`` is the split's own order,
#: which configuration files and the command line name ``"dataset"``.
ORDERS = (None, "shuffled")
#: The order used when none is named: a permutation drawn from each seed
#: (``docs/parameters.md``, "Where the epoch ends").
DEFAULT_ORDER = "shuffled"


def check_order(order: str | None) -> str | None:
    """Return ``order`` as stored (``"dataset"`` becomes ``None``); refuse any other value."""
    if order == "dataset":
        return None
    if order not in ORDERS:
        raise ConfigError(
            f"order must be 'dataset' (the split's order) or 'shuffled', got {order!r}"
        )
    return order


@dataclass(frozen=True)
class RunConfig:
    """One training run: data, protocol sizes, seed and bookkeeping.

    Parameters
    ----------
    dataset
        ``"mnist"`` or ``"fashion-mnist"``.
    seed
        Fixes every random draw: initial weights and input spikes.
    train_images, label_images, test_images
        Images of each phase, taken from the start of the training set (training and
        label assignment, in ``order``) and of the test set.
    order
        Order of the training images: ``"shuffled"`` (the default: a permutation of the
        whole training split drawn from ``seed``, so each seed also sees its own order;
        the first ``train_images`` of it are trained on, the first ``label_images`` label
        the neurons) or ``"dataset"`` (the split's own order, as Diehl & Cook's code;
        stored as ``None``).
    checkpoint_every
        Save a resumable checkpoint every this many training images (0: never).
    precision
        ``"float"`` (float64 engine) or ``"fixed"`` (Loihi-semantics integers,
        :mod:`lava_aptn.engine.simulate_fixed`).
    fixed_weight_exp
        Fixed precision only: exponent of the 8-bit input-weight mantissas (true weight
        ``mantissa * 2**fixed_weight_exp / 2**weight_bits``, ``/ 256`` in the shipped
        profile), replacing the profile's ``weight_exp``
        (``None``: the profile's, 0). 1 or 2 let weights reach about 2 or 4, which
        normalisation asks for once few synapses are left (``docs/fixed-point.md``).
    fixed_profile
        Fixed precision only: the fixed-point profile, a shipped name (``"loihi2"``, the
        default, or an ablation profile of ``hw_profiles/fixed_point/``) or the path of a
        TOML file in that format (``None``: ``"loihi2"``).
    """

    dataset: str = "mnist"
    seed: int = 0
    train_images: int = 60000
    label_images: int = 60000
    test_images: int = 10000
    order: str | None = DEFAULT_ORDER
    checkpoint_every: int = 5000
    precision: str = "float"
    fixed_weight_exp: int | None = None
    fixed_profile: str | None = None

    def __post_init__(self) -> None:
        if self.dataset not in DATASET_NAMES:
            raise ConfigError(f"dataset must be one of {DATASET_NAMES}, got {self.dataset!r}")
        _integer(self, "seed", 0)
        _integer(self, "train_images", 0)
        _integer(self, "label_images", 1)
        _integer(self, "test_images", 1)
        _integer(self, "checkpoint_every", 0)
        if self.train_images > 60000 or self.label_images > 60000:
            raise ConfigError(
                f"train_images and label_images must be <= 60000 (one epoch), got "
                f"{self.train_images!r} and {self.label_images!r}"
            )
        if self.test_images > 10000:
            raise ConfigError(f"test_images must be <= 10000, got {self.test_images!r}")
        object.__setattr__(self, "order", check_order(self.order))
        if self.precision not in PRECISIONS:
            raise ConfigError(f"precision must be one of {PRECISIONS}, got {self.precision!r}")
        if self.fixed_weight_exp is not None:
            if self.precision != "fixed":
                raise ConfigError(
                    "fixed_weight_exp applies to precision='fixed' only; add --precision "
                    "fixed or drop --fixed-weight-exp"
                )
            exp = self.fixed_weight_exp
            if isinstance(exp, bool) or not isinstance(exp, int) or not -8 <= exp <= 7:
                raise ConfigError(f"fixed_weight_exp must be an integer in [-8, 7], got {exp!r}")
        if self.fixed_profile is not None:
            if self.precision != "fixed":
                raise ConfigError(
                    "fixed_profile applies to precision='fixed' only; add --precision "
                    "fixed or drop --fixed-profile"
                )
            if not isinstance(self.fixed_profile, str):
                raise ConfigError(
                    f"fixed_profile must be a profile name or path, got {self.fixed_profile!r}"
                )
            from lava_aptn.dynamics.fixed_profile import fixed_profile_path

            if not fixed_profile_path(self.fixed_profile).is_file():
                raise ConfigError(f"fixed_profile: no such file: {self.fixed_profile!r}")
