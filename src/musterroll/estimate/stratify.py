"""Stratified estimation: estimate each stratum, then combine them properly.

The total over strata is the sum of the stratum totals. Its interval is not the sum of
the stratum bounds (that interval is far too wide, and has no stated level): the stratum
posterior draws, or bootstrap replicates, are independent across strata, so they are
summed draw by draw and the interval is read from the sums. Chapman's variances add.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy.special import ndtri

from musterroll.estimate.result import Estimate

__all__ = ["combine_strata"]

# (estimate, lower, upper, summed draws, notes)
Combined = tuple[float, float, float, np.ndarray | None, list[str]]


def combine_strata(estimates: Sequence[Estimate], *, seed: int | None) -> Estimate:
    """Combine per-stratum estimates of one method into the estimate of the total.

    Args:
        estimates: one estimate per stratum, same method and level.
        seed: the master seed the strata's seeds were derived from.
    Returns:
        Estimate with stratum "all", the strata attached, their warnings prefixed with the
        stratum, the summed draws, and every list of any stratum (strata may have
        different lists: the casualty scope's groups do).
    Raises:
        ValueError: when the estimates mix methods or levels, or there are none.
    """
    if not estimates:
        raise ValueError("no strata to combine")
    methods = {e.method for e in estimates}
    levels = {e.level for e in estimates}
    if len(methods) != 1 or len(levels) != 1:
        raise ValueError(f"cannot combine methods {methods} or levels {levels}")
    method, level = methods.pop(), levels.pop()
    combiner: Callable[[Sequence[Estimate], float], Combined]
    combiner = _combine_chapman if method == "chapman" else _combine_draws
    est, lower, upper, draws, notes = combiner(estimates, level)
    warnings = [f"stratum {e.stratum!r}: {w}" for e in estimates for w in e.warnings] + notes
    first = estimates[0]
    return Estimate(
        method=method,
        observed=sum(e.observed for e in estimates),
        estimate=est,
        lower=lower,
        upper=upper,
        level=level,
        warnings=warnings,
        diagnostics={"strata": len(estimates), "combination": _HOW[method]},
        settings=dict(first.settings),
        seed=seed,
        lists=tuple(dict.fromkeys(name for e in estimates for name in e.lists)),
        stratum="all",
        strata=list(estimates),
        source=first.source,
        draws=draws,
        converged=_all_converged(estimates),
    )


def _all_converged(estimates: Sequence[Estimate]) -> bool | None:
    """False if any stratum did not converge, True if all did, None if none drew."""
    flags = [e.converged for e in estimates if e.converged is not None]
    return all(flags) if flags else None


_HOW = {
    "chapman": "sum of estimates; variances added; log-normal interval on the undocumented",
    "loglinear": "sum of strata estimates and bootstrap replicates",
    "lcmcr": "sum of strata posterior draws",
    "dga": "sum of strata posterior draws",
}


def _combine_draws(estimates: Sequence[Estimate], level: float) -> Combined:
    """Sum the draws (or replicates) draw by draw; median or sum of points as estimate."""
    alpha = (1 - level) / 2
    point = sum(e.estimate for e in estimates)
    if any(e.draws is None for e in estimates):
        return (
            point,
            math.nan,
            math.nan,
            None,
            [
                "no interval for the total: a stratum has no draws or bootstrap replicates to "
                "combine (bounds must not be added)"
            ],
        )
    size = min(len(e.draws) for e in estimates if e.draws is not None)
    total = np.zeros(size)
    for e in estimates:
        assert e.draws is not None
        total += e.draws[:size]
    low, mid, high = (float(v) for v in np.quantile(total, [alpha, 0.5, 1 - alpha]))
    if estimates[0].method == "loglinear":
        mid = point  # the point estimate is the sum of the chosen models' estimates
    return mid, low, high, total, []


def _combine_chapman(estimates: Sequence[Estimate], level: float) -> Combined:
    """Chapman strata: estimates and variances add (Seber 1982, sec. 3.2.3)."""
    est = sum(e.estimate for e in estimates)
    var = sum(float(e.diagnostics["variance"]) for e in estimates)
    documented = sum(int(e.diagnostics["documented_on_pair"]) for e in estimates)
    f0 = est - documented
    if f0 <= 0 or var <= 0:
        return est, float(documented), est, None, []
    z = float(ndtri(0.5 + level / 2))
    c = math.exp(z * math.sqrt(math.log(1 + var / f0**2)))
    return est, documented + f0 / c, documented + f0 * c, None, []
