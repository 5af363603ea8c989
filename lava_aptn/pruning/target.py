r"""Find the parameter that gives a target connectivity (``--target-connectivity``).

The final connectivity of a run falls monotonically as the initial threshold ``w_th0``
rises (the paper's Figures 4A, 6A, 8A). A user asks for a connectivity ``C``; we search the
parameter ``p`` with :math:`|\mathrm{run}(p) - C| \le tol`, where ``run`` is a **full
training** returning the final connectivity (soft pruning: the unpruned fraction; neuron
pruning: ``p`` is the spike threshold :math:`s_0`). Each evaluation therefore costs one whole
training run, so the search is built to need few of them:

1. **Bracket** in :math:`x = \log p`: start at ``initial``; step towards the target, first by a
   factor ``growth``, then by a secant extrapolation through the last two points (clamped to
   ``[1.05, max_growth]`` per step and to ``[lower, upper]``).
2. **Brent's method** on the bracket, in :math:`\log p`, interpolating
   :math:`\operatorname{logit}(\mathrm{run})` when the target is a fraction (sigmoid-shaped
   curves become nearly straight lines, so interpolation lands close in few steps); bisection
   steps guarantee the bracket keeps shrinking on kinks and steps.
3. Stop as soon as an evaluation lands within ``tol``; or when the bracket is narrower than
   ``xtol`` in :math:`\log p` (a step in ``run``: the target is not reachable to ``tol``);
   or after ``max_evals`` runs; or when a bound is reached without bracketing.

Results are cached, so a parameter is never trained twice. On the synthetic curves of the
tests (sigmoids, exponentials, kinks, staircases; targets 0.05-0.9) a search from
``initial = 0.036`` takes 1-10 evaluations, about 4.3 on average, for ``tol = 0.005``;
a good ``initial`` (e.g. the result for a nearby target) saves most of the bracketing, and a
``slope`` borrowed from a related search (:func:`local_slope`; a sweep's other seeds) turns
its first step into a Newton step.
:attr:`TargetResult.converged` says whether the tolerance was met; the closest point found is
returned either way, and :attr:`TargetResult.diagnosis` says why a search that missed
ended (a gap in the curve, the budget, or a bound).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from lava_aptn.errors import ConfigError

__all__ = [
    "GAP_WIDTH",
    "LONG_SEARCHES",
    "TARGET_MAX_EVALS",
    "TARGET_TOL",
    "TargetResult",
    "find_parameter",
    "find_w_th0",
    "local_slope",
]

#: Accepted distance to a target connectivity (0.005 = 0.5 percentage points) and the most
#: training runs a search may spend, for the drivers that train (``run_at_connectivity``:
#: ``train --target-connectivity``, ``compare``, ``demo``; sweep grids). Real runs are not
#: smooth in ``w_th0`` (MNIST, N = 100, seed 0 at 14.5 % jumps from 15.3 % to 13.0 % within
#: 0.3 % of ``w_th0``; its 9th run lands inside the jump), so the budget leaves room for a
#: few bisections there.
TARGET_TOL = 0.005
TARGET_MAX_EVALS = 12
#: Widest bracket, in ``log p`` (about 1 % of the parameter), across which a jump of the
#: result over the target is reported as a gap in the curve (:attr:`TargetResult.diagnosis`).
#: Fashion-MNIST, N = 100, APTN, seed 0 at 10 %: 21.6 % at w_th0 = 0.05537, 7.9 % at 0.05557.
GAP_WIDTH = 0.01
#: Methods whose target search usually needs several training runs: their parameter
#: acts through the rest of training (adaptive thresholds; neuron pruning's spike
#: threshold), so the static estimate from the prefix's weights only approximates it.
#: Constant, soft and post-training pruning found their 10 % targets from that estimate
#: in one run at every point of Tables 2 and 3 (exactly so for post-training pruning,
#: whose prefix is the whole training), so a warm start over seeds
#: (``[search] warm_start``) applies to these methods only.
LONG_SEARCHES = frozenset({"apt", "apn", "aptn", "neuron"})


@dataclass(frozen=True)
class TargetResult:
    """Outcome of a target search.

    Attributes
    ----------
    param
        The parameter of the evaluation closest to the target.
    achieved
        ``run(param)``.
    evaluations
        Number of calls to ``run`` (each one a full training).
    history
        ``(param, achieved)`` of every evaluation, in order.
    converged
        Whether ``|achieved - target| <= tol``.
    target, tol
        What was asked.
    bounds
        ``(lower, upper)`` of the parameter, when known.
    """

    param: float
    achieved: float
    evaluations: int
    history: tuple[tuple[float, float], ...]
    converged: bool
    target: float
    tol: float
    bounds: tuple[float, float] | None = None

    @property
    def bracket(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """The closest two evaluations (in ``log p``) whose results lie either side of the target.

        Returns ``((p_low, run(p_low)), (p_high, run(p_high)))`` with ``p_low < p_high``,
        taken among evaluations next to each other in ``p``; ``None`` when every result
        lies on one side of the target (or on it).
        """
        points = sorted(self.history)
        best, width = None, math.inf
        for (p0, y0), (p1, y1) in zip(points, points[1:], strict=False):
            if (y0 - self.target) * (y1 - self.target) < 0 and math.log(p1 / p0) < width:
                best, width = ((p0, y0), (p1, y1)), math.log(p1 / p0)
        return best

    @property
    def diagnosis(self) -> str:
        """Why the search ended: ``"converged"``, ``"gap"``, ``"budget"`` or ``"unreachable"``.

        ``"gap"``: the result jumps across the target (by more than the tolerance) between
        two parameters less than :data:`GAP_WIDTH` apart, so no parameter in between is
        likely to land within the tolerance; ``"budget"``: the evaluations ran out first
        (a wider bracket, or none yet); ``"unreachable"``: every result lies on one side of
        the target and a bound of the parameter was evaluated (or the bounds are unknown).
        """
        if self.converged:
            return "converged"
        bracket = self.bracket
        if bracket is None:
            at_bound = self.bounds is None or any(p in self.bounds for p, _ in self.history)
            return "unreachable" if at_bound else "budget"
        (p0, _), (p1, _) = bracket
        return "gap" if math.log(p1 / p0) <= GAP_WIDTH else "budget"

    def summary(self, name: str = "p") -> str:
        """One sentence on the outcome, for logs and warnings (``name``: the parameter)."""
        goal = f"{self.target:.4g} +- {self.tol:.2g}"
        runs = f"{self.evaluations} run{'s' if self.evaluations != 1 else ''}"
        diagnosis = self.diagnosis
        if diagnosis == "converged":
            return f"{self.achieved:.4f} at {name} = {self.param:.5g} (target {goal}, {runs})"
        closest = f"the closest result is {self.achieved:.4f} at {name} = {self.param:.5g}"
        if self.bracket is None:
            ys = [y for _, y in self.history]
            side = "above" if min(ys) > self.target else "below"
            why = (
                f"a bound of {name} was reached"
                if diagnosis == "unreachable"
                else "a larger budget may reach it"
            )
            return (
                f"no {name} reached {goal} in {runs}: every result lies {side} the target "
                f"({why}); {closest}"
            )
        (p0, y0), (p1, y1) = self.bracket
        jump = f"from {y0:.4f} at {name} = {p0:.5g} to {y1:.4f} at {p1:.5g}"
        if diagnosis == "gap":
            return (
                f"no {name} reaches {goal}: the result jumps {jump} ({p1 / p0 - 1:.2%} apart), "
                f"a gap in the curve; {closest}; choose a target outside the gap"
            )
        return (
            f"{goal} not reached in {runs}; the target lies between {name} = {p0:.5g} "
            f"({y0:.4f}) and {p1:.5g} ({y1:.4f}); {closest}; a larger budget may reach it"
        )


class _Stop(Exception):
    """Raised inside the search when the target is met or the budget is spent."""


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def check_target_connectivity(target: float) -> float:
    """Return ``target`` as a float if it is a connectivity in (0, 1), else raise.

    Callers check before any training, so a bad value costs no work.

    >>> check_target_connectivity(0.1)
    0.1
    """
    if isinstance(target, bool) or not isinstance(target, int | float):
        raise ConfigError(f"target connectivity must be a number, got {target!r}")
    if not 0.0 < target < 1.0:
        raise ConfigError(
            f"target connectivity must be in (0, 1), got {target!r}; "
            "pass a fraction, e.g. 0.1 for 10 %"
        )
    return float(target)


def find_parameter(
    run: Callable[[float], float],
    target: float,
    *,
    tol: float = 0.005,
    initial: float,
    lower: float,
    upper: float,
    decreasing: bool = True,
    transform: str = "auto",
    max_evals: int = 10,
    growth: float = 2.0,
    max_growth: float = 16.0,
    xtol: float = 1e-4,
    slope: float | None = None,
) -> TargetResult:
    r"""Search ``p`` in ``[lower, upper]`` with ``|run(p) - target| <= tol``.

    Parameters
    ----------
    run
        Monotone function of ``p`` (non-increasing when ``decreasing``); one call is one
        training run.
    target, tol
        Wanted value and accepted distance (0.005 = 0.5 percentage points).
    initial, lower, upper
        Start point and bounds, ``0 < lower <= initial <= upper``.
    decreasing
        ``True`` when ``run`` falls as ``p`` grows (connectivity vs ``w_th0``).
    transform
        ``"logit"`` interpolates :math:`\operatorname{logit}(\mathrm{run})` (values clipped
        to ``[1e-3, 1 - 1e-3]``), which is close to linear in :math:`\log p` for
        sigmoid-shaped curves; ``"none"`` interpolates ``run`` itself; ``"auto"`` picks
        ``"logit"`` when ``0 < target < 1`` (a fraction), else ``"none"``. The tolerance is
        always checked on ``run`` itself.
    max_evals
        Most calls to ``run``.
    growth, max_growth
        First bracketing step factor and largest step factor.
    xtol
        Smallest bracket width in ``log p`` before giving up (a step in ``run``).
    slope
        Expected magnitude of the curve's slope near the target: the change of
        ``run`` (logit of it with ``transform="logit"``) per unit of ``log p``, e.g.
        :func:`local_slope` of a related search. When given, the first bracketing step is
        the Newton step ``|u| / slope`` (clamped to ``[10 xtol, log(max_growth)]``)
        instead of a factor ``growth``; the search is otherwise the same.

    Examples
    --------
    >>> res = find_parameter(lambda p: 1 / (1 + (p / 0.05) ** 2), 0.145,
    ...                      initial=0.036, lower=1e-4, upper=0.9)
    >>> res.converged, abs(res.achieved - 0.145) <= 0.005, res.evaluations
    (True, True, 3)
    """
    target = float(target)
    if not math.isfinite(target):
        raise ConfigError(f"target must be a finite number, got {target!r}")
    tol = _positive("tol", tol)
    lower, upper = _positive("lower", lower), _positive("upper", upper)
    initial = _positive("initial", initial)
    if not lower <= initial <= upper:
        raise ConfigError(
            f"initial must be in [lower, upper] = [{lower!r}, {upper!r}], got {initial!r}"
        )
    if isinstance(max_evals, bool) or not isinstance(max_evals, int) or max_evals < 1:
        raise ConfigError(f"max_evals must be an integer >= 1, got {max_evals!r}")
    if _positive("growth", growth) <= 1 or _positive("max_growth", max_growth) < growth:
        raise ConfigError(
            f"need 1 < growth <= max_growth, got growth={growth!r}, max_growth={max_growth!r}"
        )
    if slope is not None:
        slope = _positive("slope", slope)
    if transform not in ("auto", "logit", "none"):
        raise ConfigError(f"transform must be 'auto', 'logit' or 'none', got {transform!r}")
    if transform == "auto":
        transform = "logit" if 0 < target < 1 else "none"
    if transform == "logit" and not 0 < target < 1:
        raise ConfigError(f"transform='logit' needs 0 < target < 1, got {target!r}")
    shape = _logit if transform == "logit" else float
    sign = -1.0 if decreasing else 1.0
    goal = shape(target)
    history: list[tuple[float, float]] = []
    cache: dict[float, float] = {}
    exact = {math.log(v): v for v in (lower, upper, initial)}  # no exp(log(p)) rounding

    def u(x: float) -> float:
        """Signed distance to the target, increasing in ``x = log p``."""
        p = exact.get(x) or min(max(math.exp(x), lower), upper)
        if p not in cache:
            if len(history) >= max_evals:
                raise _Stop
            y = float(run(p))
            if not math.isfinite(y):
                raise ConfigError(f"run({p!r}) returned {y!r}; it must return a finite number")
            history.append((p, y))
            cache[p] = sign * (shape(y) - goal)
            if abs(y - target) <= tol:
                raise _Stop
        return cache[p]

    try:
        bracket = _bracket(
            u,
            math.log(initial),
            math.log(lower),
            math.log(upper),
            growth,
            max_growth,
            None if slope is None else (slope, 10 * xtol),
        )
        if bracket is not None:
            _brent(u, *bracket, xtol)
    except _Stop:
        pass
    param, achieved = min(history, key=lambda h: abs(h[1] - target))
    return TargetResult(
        param=param,
        achieved=achieved,
        evaluations=len(history),
        history=tuple(history),
        converged=abs(achieved - target) <= tol,
        target=target,
        tol=tol,
        bounds=(lower, upper),
    )


def _logit(y: float, eps: float = 1e-3) -> float:
    y = min(max(y, eps), 1.0 - eps)
    return math.log(y / (1.0 - y))


def _bracket(
    u: Callable[[float], float],
    x0: float,
    x_lo: float,
    x_hi: float,
    growth: float,
    max_growth: float,
    newton: tuple[float, float] | None = None,
) -> tuple[float, float, float, float] | None:
    """Walk from ``x0`` until ``u`` changes sign; ``None`` if a bound is hit first.

    ``newton = (slope, min_step)``: the first step is ``|u| / slope``, at least ``min_step``.
    """
    pts = [(x0, u(x0))]
    while True:
        x1, u1 = pts[-1]
        direction = 1.0 if u1 < 0 else -1.0
        if (direction > 0 and x1 >= x_hi) or (direction < 0 and x1 <= x_lo):
            return None  # the target lies beyond a bound
        step = math.log(growth)
        if len(pts) == 1 and newton is not None:
            step = min(max(abs(u1) / newton[0], newton[1]), math.log(max_growth))
        if len(pts) >= 2 and pts[-2][1] != u1:
            xp, up = pts[-2]
            secant = abs(u1 * (x1 - xp) / (u1 - up))
            step = min(max(secant, math.log(1.05)), math.log(max_growth))
        xn = min(max(x1 + direction * step, x_lo), x_hi)
        un = u(xn)
        if (un > 0) != (u1 > 0):
            return x1, u1, xn, un
        pts.append((xn, un))


def _brent(
    f: Callable[[float], float], a: float, fa: float, b: float, fb: float, xtol: float
) -> None:
    """Brent's method (inverse quadratic / secant / bisection) on a sign-changing bracket."""
    if abs(fa) < abs(fb):
        a, b, fa, fb = b, a, fb, fa
    c, fc, d, bisected = a, fa, a, True
    while abs(b - a) > xtol:
        if fa != fc and fb != fc:
            s = (
                a * fb * fc / ((fa - fb) * (fa - fc))
                + b * fa * fc / ((fb - fa) * (fb - fc))
                + c * fa * fb / ((fc - fa) * (fc - fb))
            )
        else:
            s = b - fb * (b - a) / (fb - fa)
        lo, hi = sorted(((3 * a + b) / 4, b))
        last = abs(b - c) if bisected else abs(c - d)
        if not lo < s < hi or abs(s - b) >= last / 2 or last < xtol:
            s, bisected = (a + b) / 2, True
        else:
            bisected = False
        fs = f(s)
        d, c, fc = c, b, fb
        if (fa < 0) != (fs < 0):
            b, fb = s, fs
        else:
            a, fa = s, fs
        if abs(fa) < abs(fb):
            a, b, fa, fb = b, a, fb, fa


def local_slope(history, target: float, *, transform: str = "auto") -> float | None:
    r"""Slope magnitude of a finished search's curve at its target, for ``slope=``.

    Taken between the two evaluations that bracket the target most closely
    (:attr:`TargetResult.bracket`), else between the two closest to the target: the change
    of ``run`` (its logit for ``transform="logit"``, ``"auto"`` as in
    :func:`find_parameter`) per unit of ``log p``. ``None`` when fewer than two distinct
    evaluations exist or they give no slope.

    Examples
    --------
    >>> round(local_slope([(0.1, 0.2), (0.2, 0.1), (0.4, 0.05)], 0.12), 4)
    1.1699
    """
    target = float(target)
    if transform == "auto":
        transform = "logit" if 0 < target < 1 else "none"
    shape = _logit if transform == "logit" else float
    points = sorted({(float(p), float(y)) for p, y in history if p > 0})
    pairs = [
        (a, b)
        for a, b in zip(points, points[1:], strict=False)
        if (a[1] - target) * (b[1] - target) < 0
    ]
    if pairs:
        a, b = min(pairs, key=lambda ab: math.log(ab[1][0] / ab[0][0]))
    else:
        near = sorted(points, key=lambda h: abs(h[1] - target))
        if len(near) < 2:
            return None
        a, b = near[0], near[1]
    dx = math.log(b[0] / a[0])
    if dx == 0:
        return None
    value = abs((shape(b[1]) - shape(a[1])) / dx)
    return value if math.isfinite(value) and value > 0 else None


def find_w_th0(
    run: Callable[[float], float],
    target: float,
    *,
    tol: float = 0.005,
    initial: float = 0.036,
    lower: float = 1e-4,
    upper: float = 0.9,
    max_evals: int = 10,
) -> TargetResult:
    """Find ``w_th0`` so the final connectivity (or unpruned fraction) is ``target +- tol``.

    :func:`find_parameter` with weight-threshold defaults: connectivity falls as ``w_th0``
    rises; ``upper`` should be the config's ``w_cap``. For neuron pruning call
    :func:`find_parameter` on ``spike_th0`` instead (also decreasing).

    Examples
    --------
    >>> import math
    >>> res = find_w_th0(lambda w: max(0.0, min(1.0, -0.3 * math.log(w / 0.6))), 0.10)
    >>> res.converged, round(res.param, 4), round(res.achieved, 4), res.evaluations
    (True, 0.4243, 0.104, 5)
    """
    return find_parameter(
        run,
        target,
        tol=tol,
        initial=initial,
        lower=lower,
        upper=upper,
        decreasing=True,
        max_evals=max_evals,
    )
