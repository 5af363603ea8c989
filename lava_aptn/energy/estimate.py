r"""Energy per image from a run's event counts and a hardware profile.

Two conventions, reported side by side:

* **paper convention** (Guo et al. 2020): every synaptic operation costs the profile's
  ``synaptic_op`` energy, STDP updates included,

  .. math:: E = \mathrm{SOPs} \cdot e_{\mathrm{syn\_op}},
            \quad \mathrm{SOPs}_{train} = n_{acc} + n_{stdp},
            \quad \mathrm{SOPs}_{infer} = n_{acc}

* **per-event model**: each event kind priced with its own entry,

  .. math:: E = n_{acc} e_{\mathrm{syn\_op}} + n_{stdp} e_{\mathrm{syn\_update}}
            + n_{neuron} e_{\mathrm{neuron\_update}} + n_{spike} e_{\mathrm{spike}}

  A kind the profile has no entry for is reported as *not included*, with the reason,
  never as zero. When the profile gives a neuron-update range (``neuron_update_inactive``
  / ``neuron_update_active``) the total uses the lower figure and an upper total is given.

Examples
--------
>>> from lava_aptn.energy.profiles import parse_profile
>>> e = {"value": 23.6, "unit": "pJ", "source": "s", "note": "n"}
>>> p = parse_profile({"name": "t", "description": "d", "unit": "pJ",
...                    "events": {"synaptic_op": e}}, origin="t.toml")
>>> round(paper_convention_pj(96_099.0, p) * 1e-6, 2)  # uJ
2.27
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lava_aptn.energy.counters import PHASES, PhaseCounters, RunCounters
from lava_aptn.energy.profiles import HardwareProfile
from lava_aptn.errors import ConfigError

#: Event kinds of the per-event model, in report order.
EVENT_KINDS = ("accumulations", "stdp_updates", "neuron_updates", "spikes")

#: Profile keys that price each kind, first match wins.
_KIND_KEYS = {
    "accumulations": ("synaptic_op",),
    "stdp_updates": ("synaptic_update",),
    "neuron_updates": ("neuron_update", "neuron_update_inactive"),
    "spikes": ("spike", "spike_within_tile"),
}
#: Upper-bound keys for kinds the hardware reports as a range.
_UPPER_KEYS = {"neuron_updates": "neuron_update_active"}
#: Profile keys this module reads; the others are reported as unused.
USED_KEYS = frozenset(k for keys in _KIND_KEYS.values() for k in keys) | frozenset(
    _UPPER_KEYS.values()
)


def _check_nonneg(name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}")


@dataclass(frozen=True)
class EventTerm:
    """One event kind of the per-event model for one phase.

    Attributes
    ----------
    kind
        One of `EVENT_KINDS`.
    count_per_image
        Events per image (``None`` when the run has no per-event counters).
    profile_key
        The profile entry used, or ``None`` when not included.
    coefficient_pj, coefficient_upper_pj
        Energy per event (and its upper bound where the profile gives a range).
    energy_pj, energy_upper_pj
        ``count_per_image * coefficient``; ``None`` when not included.
    reason
        Why the term is not included, or a caveat for an included one.
    """

    kind: str
    count_per_image: float | None
    profile_key: str | None
    coefficient_pj: float | None
    coefficient_upper_pj: float | None
    energy_pj: float | None
    energy_upper_pj: float | None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ConfigError(f"kind must be one of {EVENT_KINDS}, got {self.kind!r}")
        for name in (
            "count_per_image",
            "coefficient_pj",
            "coefficient_upper_pj",
            "energy_pj",
            "energy_upper_pj",
        ):
            _check_nonneg(name, getattr(self, name))

    @property
    def included(self) -> bool:
        """Whether this term contributes to the per-event total."""
        return self.energy_pj is not None


@dataclass(frozen=True)
class PhaseEnergy:
    """Energy per image of one phase under both conventions.

    Attributes
    ----------
    phase
        ``"train"`` or ``"infer"``.
    sops_per_image
        Synaptic operations per image.
    paper_pj
        Paper convention, ``sops_per_image * synaptic_op``; ``None`` if the profile has no
        ``synaptic_op`` entry.
    terms
        The per-event model's terms, in `EVENT_KINDS` order.
    """

    phase: str
    sops_per_image: float
    paper_pj: float | None
    terms: tuple[EventTerm, ...]

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ConfigError(f"phase must be one of {PHASES}, got {self.phase!r}")
        _check_nonneg("sops_per_image", self.sops_per_image)
        _check_nonneg("paper_pj", self.paper_pj)

    @property
    def per_event_pj(self) -> float | None:
        """Sum of the included terms (``None`` if none is included)."""
        included = [t.energy_pj for t in self.terms if t.energy_pj is not None]
        return math.fsum(included) if included else None

    @property
    def per_event_upper_pj(self) -> float | None:
        """As `per_event_pj` with each term at its upper coefficient."""
        included = [
            t.energy_upper_pj if t.energy_upper_pj is not None else t.energy_pj
            for t in self.terms
            if t.energy_pj is not None
        ]
        return math.fsum(included) if included else None

    @property
    def not_included(self) -> tuple[str, ...]:
        """Event kinds left out of the per-event total."""
        return tuple(t.kind for t in self.terms if not t.included)

    def term(self, kind: str) -> EventTerm:
        """Return the term of event ``kind``."""
        for t in self.terms:
            if t.kind == kind:
                return t
        raise ConfigError(f"kind must be one of {EVENT_KINDS}, got {kind!r}")


@dataclass(frozen=True)
class EnergyReport:
    """Training and inference energy per image for one run and one profile.

    Attributes
    ----------
    profile
        The hardware profile used.
    train, infer
        Energy of each phase.
    origin
        The run's ``result.json``.
    warnings
        Inconsistencies found in the run's figures (e.g. SOPs vs counters).
    """

    profile: HardwareProfile
    train: PhaseEnergy
    infer: PhaseEnergy
    origin: str = "<memory>"
    warnings: tuple[str, ...] = ()

    @property
    def unused_keys(self) -> tuple[str, ...]:
        """Profile entries no term reads (e.g. tile hops, which need a placement)."""
        return tuple(sorted(set(self.profile.entries) - USED_KEYS))


def paper_convention_pj(sops_per_image: float, profile: HardwareProfile) -> float:
    """Return ``sops_per_image * synaptic_op`` in pJ (the paper's energy convention)."""
    _check_nonneg("sops_per_image", sops_per_image)
    return float(sops_per_image) * profile.energy_pj("synaptic_op")


def _count_of(kind: str, counters: PhaseCounters) -> float:
    if kind == "spikes":
        return counters.spikes
    return float(getattr(counters, kind))


def _omitted_reason(kind: str, profile: HardwareProfile) -> str:
    for key in _KIND_KEYS[kind]:
        if key in profile.omitted:
            return profile.omitted[key]
    keys = " / ".join(_KIND_KEYS[kind])
    return f"profile {profile.name!r} has no entry for it ({keys})"


def event_term(kind: str, counters: PhaseCounters | None, profile: HardwareProfile) -> EventTerm:
    """Price one event kind; a missing count or coefficient gives a not-included term."""
    if kind not in EVENT_KINDS:
        raise ConfigError(f"kind must be one of {EVENT_KINDS}, got {kind!r}")
    key = next((k for k in _KIND_KEYS[kind] if profile.has(k)), None)
    count = None if counters is None else _count_of(kind, counters)
    coeff = None if key is None else profile.energy_pj(key)
    upper_key = _UPPER_KEYS.get(kind)
    coeff_upper = (
        profile.energy_pj(upper_key)
        if upper_key and key != "neuron_update" and profile.has(upper_key)
        else None
    )
    if key is None:
        reason = _omitted_reason(kind, profile)
    elif count is None:
        reason = "the run has no counters_per_image"
    elif coeff_upper is not None:
        reason = f"range: {key} (total) to {upper_key} (upper bound)"
    else:
        reason = ""
    if key is None or count is None or coeff is None:
        return EventTerm(kind, count, None, coeff, coeff_upper, None, None, reason)
    return EventTerm(
        kind=kind,
        count_per_image=count,
        profile_key=key,
        coefficient_pj=coeff,
        coefficient_upper_pj=coeff_upper,
        energy_pj=count * coeff,
        energy_upper_pj=None if coeff_upper is None else count * coeff_upper,
        reason=reason,
    )


def phase_energy(
    phase: str, sops_per_image: float, counters: PhaseCounters | None, profile: HardwareProfile
) -> PhaseEnergy:
    """Return the `PhaseEnergy` of one phase under both conventions."""
    paper = paper_convention_pj(sops_per_image, profile) if profile.has("synaptic_op") else None
    terms = tuple(event_term(kind, counters, profile) for kind in EVENT_KINDS)
    return PhaseEnergy(phase=phase, sops_per_image=sops_per_image, paper_pj=paper, terms=terms)


def estimate_energy(run: RunCounters, profile: HardwareProfile) -> EnergyReport:
    """Estimate training and inference energy per image.

    Parameters
    ----------
    run
        The run's counters (`counters_from_result`).
    profile
        A hardware profile (`resolve_profile`).
    """
    phases = {}
    for name in PHASES:
        sops, counters = run.phase(name)
        phases[name] = phase_energy(name, sops, counters, profile)
    return EnergyReport(
        profile=profile,
        train=phases["train"],
        infer=phases["infer"],
        origin=run.origin,
        warnings=run.sop_mismatches(),
    )


def _uj(energy_pj: float | None) -> float | None:
    return None if energy_pj is None else energy_pj * 1e-6


def result_field(report: EnergyReport) -> dict:
    """Return the ``energy_uj_per_image`` object for ``result.json``.

    ``train`` and ``infer`` hold the paper convention (SOPs x ``synaptic_op``), the figure
    the paper reports; ``per_event`` holds the fuller model with its not-included kinds.

    Raises
    ------
    ConfigError
        If the profile has no ``synaptic_op`` entry (the paper convention needs it).
    """
    if report.train.paper_pj is None or report.infer.paper_pj is None:
        raise ConfigError(
            f"{report.profile.origin}: events.synaptic_op: missing; the paper convention "
            "(SOPs x energy per synaptic op) needs it"
        )
    per_event: dict = {}
    for phase in (report.train, report.infer):
        per_event[phase.phase] = _uj(phase.per_event_pj)
        per_event[f"{phase.phase}_upper"] = _uj(phase.per_event_upper_pj)
    per_event["breakdown"] = {
        p.phase: {t.kind: _uj(t.energy_pj) for t in p.terms} for p in (report.train, report.infer)
    }
    per_event["not_included"] = {
        p.phase: {t.kind: t.reason for t in p.terms if not t.included}
        for p in (report.train, report.infer)
    }
    return {
        "profile": report.profile.name,
        "train": _uj(report.train.paper_pj),
        "infer": _uj(report.infer.paper_pj),
        "convention": "paper: SOPs x synaptic_op energy (STDP updates priced as synaptic ops)",
        "synaptic_op_pj": report.profile.energy_pj("synaptic_op"),
        "profile_file": report.profile.origin,
        "per_event": per_event,
    }
