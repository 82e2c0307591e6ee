"""Log-linear multiple systems estimation with model selection (Fienberg 1972).

Every hierarchical model up to order J-1 is fitted as a Poisson GLM over the 2^J - 1
observed cells; the unobserved cell is exp(intercept), as all its covariates are 0. The
model with the smallest BIC (or AIC) is chosen, as Rcapture's `closedpMS.t` does, with
Rcapture's definitions: AIC = -2 log L + 2 p with the Poisson log-likelihood of the cells,
BIC = AIC + (log n - 2) p with n the documented count (Baillargeon and Rivest 2007).

Two intervals are reported:
- the profile-likelihood interval of the chosen model (Cormack 1992), computed exactly as
  Rcapture's `closedpCI.t`: the multinomial profile log-likelihood in N, from Poisson fits
  over all 2^J cells with the unobserved one set to N - n, plus Cormack's correction;
- a bootstrap that repeats the model selection in every replicate (Silverman, Chan and
  Vincent 2024): replicates are drawn from the fitted population of size N-hat (observed
  cells and the estimated unobserved cell), the unobserved cell is dropped, and the whole
  search runs again. Intervals that ignore the selection cover far less than their level;
  this one is the default.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np

from musterroll.counts.table import CaptureTable, TableError
from musterroll.estimate._loglinear_fit import (
    Criterion,
    ModelFits,
    ModelSpace,
    fit_all_models,
    model_space,
)
from musterroll.estimate._loglinear_intervals import (
    adaptive_bootstrap,
    bootstrap_selection,
    profile_interval,
)
from musterroll.estimate.result import Estimate, fresh_seed

__all__ = [
    "ModelFits",
    "ModelSpace",
    "bootstrap_selection",
    "fit_all_models",
    "loglinear",
    "model_space",
    "profile_interval",
]

IntervalKind = Literal["bootstrap", "profile"]
DEFAULT_REPLICATES = 1000  # the first round; more follow until the bounds are precise
DEFAULT_REPLICATES_MANY_LISTS = 200  # 5 lists: the first round searches ~7,000 models
DEFAULT_REPLICATES_SIX_LISTS = 50  # 6+ lists: tens of thousands of models even at order 2
MC_ERROR_TARGET = 0.01  # Monte Carlo standard error of each bound, relative to it
DEFAULT_BUDGET = 240.0  # seconds the bootstrap may run on to reach MC_ERROR_TARGET
Progress = Callable[[str], None]


def loglinear(
    table: CaptureTable,
    *,
    level: float = 0.95,
    criterion: Criterion = "bic",
    interval: IntervalKind = "bootstrap",
    bootstrap: int | None = None,
    max_order: int | None = None,
    models: list[str] | None = None,
    mc_error: float = MC_ERROR_TARGET,
    max_seconds: float = DEFAULT_BUDGET,
    progress: Progress | None = None,
    seed: int | None = None,
) -> Estimate:
    """Log-linear estimate: search all hierarchical models, choose by BIC or AIC.

    Args:
        table: capture table with at least 3 lists (2 lists: only independence).
        level: interval level.
        criterion: "bic" (default, as Rcapture's closedpMS.t orders models) or "aic".
        interval: "bootstrap" (default; accounts for the selection) or "profile" (the
            chosen model's profile-likelihood interval, as Rcapture; ignores selection).
        bootstrap: bootstrap replicates of the first round; default 1,000, 200 with 5
            lists, 50 with more, where each replicate searches thousands of models (0: none, and
            the interval is the profile one). More rounds follow until the Monte Carlo
            error of each bound is below `mc_error`.
        mc_error: target Monte Carlo standard error of each bootstrap bound, relative to
            the bound (default 1%); a bootstrap that stops short is not `converged`.
        max_seconds: time budget of the further rounds (0: the first round only).
        progress: called with a line of text as the bootstrap advances (None: silent).
        max_order: highest interaction order searched (default J-1).
        models: search only these models (Rcapture names, e.g. ["[12,3]", "[1,2,3]"]).
        seed: seed of the bootstrap draws (drawn and recorded when None).
    Returns:
        Estimate: the chosen model's N-hat with the chosen interval; diagnostics hold the
        model, both intervals, the ten best models and how often the bootstrap chose each.
    Raises:
        TableError: when the table has fewer than 2 lists with persons on them.
        ValueError: on an unknown criterion or interval.
    """
    if len(table.usable_lists()) < 2:
        raise TableError(
            f"log-linear estimation needs 2 lists with persons, got {table.usable_lists()}"
        )
    if criterion not in ("bic", "aic") or interval not in ("bootstrap", "profile"):
        raise ValueError(
            f"criterion must be bic or aic (got {criterion!r}), interval bootstrap or "
            f"profile (got {interval!r})"
        )
    seed = fresh_seed() if seed is None else seed
    if bootstrap is None:
        bootstrap = (DEFAULT_REPLICATES if table.n_lists < 5 else DEFAULT_REPLICATES_MANY_LISTS
                     if table.n_lists == 5 else DEFAULT_REPLICATES_SIX_LISTS)
    space = model_space(table.n_lists, max_order, models)
    cells = table.cells()
    fits = fit_all_models(space, cells)
    k = fits.best(criterion)
    n_max, p_low, p_high = profile_interval(space, k, cells, float(fits.estimate[k]), level)
    warnings = _model_warnings(fits, k, criterion, table)
    diagnostics: dict[str, object] = {
        "model": fits.names[k],
        "criterion": criterion,
        "models_searched": len(fits.names),
        "models_without_finite_estimate": int(np.sum(~np.isfinite(fits.estimate))),
        "profile_interval": [p_low, p_high],
        "profile_mle": n_max,
        "stderr": float(fits.stderr[k]),
        "deviance": float(fits.deviance[k]),
        "df": int(fits.df[k]),
        "best_models": _best_models(fits, criterion),
    }
    draws = None
    converged: bool | None = None
    lower, upper = p_low, p_high
    if bootstrap > 0:
        boot = adaptive_bootstrap(
            space, fits, k, cells, criterion=criterion, level=level,
            rng=np.random.default_rng(seed), start=bootstrap, target=mc_error,
            budget=max_seconds, progress=progress,
        )
        draws, b_low, b_high = boot.draws, boot.lower, boot.upper
        converged = boot.is_precise(mc_error)
        diagnostics["bootstrap_interval"] = [b_low, b_high]
        diagnostics["bootstrap_mc_error"] = list(boot.mc_error)
        diagnostics["bootstrap_mc_error_relative"] = list(boot.relative_error)
        diagnostics["bootstrap_replicates"] = len(draws)
        diagnostics["bootstrap_rounds"] = boot.rounds
        diagnostics["bootstrap_seconds"] = round(boot.seconds, 1)
        diagnostics["bootstrap_model_frequency"] = _frequencies(boot.chosen, fits.names)
        diagnostics["bootstrap_without_finite_estimate"] = float(np.mean(np.isinf(draws)))
        if not converged:
            warnings.append(_imprecise_warning(boot.relative_error, mc_error, max_seconds))
        if interval == "bootstrap":
            lower, upper = b_low, b_high
        warnings.extend(_bootstrap_warnings(draws, b_high, p_high))
    if interval == "profile" or bootstrap == 0:
        warnings.append(
            "the interval is the chosen model's profile likelihood interval: it ignores the "
            "model selection and covers less than its level (use the bootstrap interval)"
        )
    if math.isinf(p_high):
        warnings.append("the profile likelihood does not fall enough on the right: no upper bound")
    return Estimate.from_table(
        table,
        method="loglinear",
        estimate=float(fits.estimate[k]),
        lower=lower,
        upper=upper,
        level=level,
        warnings=warnings,
        diagnostics=diagnostics,
        settings={
            "criterion": criterion,
            "interval": interval,
            "bootstrap": bootstrap,
            "max_order": max_order,
            "models": models,
            "mc_error": mc_error,
            "max_seconds": max_seconds,
        },
        seed=seed if bootstrap > 0 else None,
        draws=draws,
        converged=converged,
    )


def _imprecise_warning(relative: tuple[float, float], target: float, budget: float) -> str:
    """The caveat of a bootstrap whose bounds are not yet precise enough."""
    return (
        f"NOT CONVERGED: the bootstrap bounds' Monte Carlo errors are {relative[0]:.1%} and "
        f"{relative[1]:.1%} of the bounds (target {target:.0%}) when its {budget:g} s ran "
        "out: run longer (--max-seconds) or read the profile interval"
    )


def _best_models(fits: ModelFits, criterion: Criterion, top: int = 10) -> list[dict[str, object]]:
    """The `top` models by criterion, as Rcapture prints them."""
    values = fits.bic if criterion == "bic" else fits.aic
    order = np.argsort(np.where(np.isfinite(values), values, np.inf))[:top]
    return [
        {
            "model": fits.names[i],
            "estimate": float(fits.estimate[i]),
            "stderr": float(fits.stderr[i]),
            "deviance": float(fits.deviance[i]),
            "df": int(fits.df[i]),
            "aic": float(fits.aic[i]),
            "bic": float(fits.bic[i]),
            "converged": bool(fits.converged[i]),
        }
        for i in order
    ]


def _frequencies(chosen: np.ndarray, names: list[str], top: int = 5) -> dict[str, float]:
    """Share of replicates choosing each of the `top` most chosen models."""
    values, counts = np.unique(chosen, return_counts=True)
    order = np.argsort(-counts)[:top]
    label = [names[int(v)] if v >= 0 else "(no finite estimate)" for v in values]
    return {label[i]: float(counts[i] / len(chosen)) for i in order}


def _bootstrap_warnings(draws: np.ndarray, b_high: float, p_high: float) -> list[str]:
    """Caveats on a selection bootstrap: replicates without estimate, a long upper tail."""
    warnings = []
    lost = float(np.mean(np.isinf(draws)))
    if lost > 0:
        warnings.append(
            f"in {lost:.1%} of the bootstrap replicates no model gave a finite estimate"
        )
    if b_high > 2 * p_high:
        warnings.append(
            f"the selection bootstrap reaches {b_high:,.0f}, far above the chosen model's "
            f"profile upper bound {p_high:,.0f}: other plausible models extrapolate much "
            "further, and the upper bound is uncertain"
        )
    return warnings


def _model_warnings(
    fits: ModelFits, k: int, criterion: Criterion, table: CaptureTable
) -> list[str]:
    """Caveats on the selection: close rivals that disagree, non-convergence."""
    warnings: list[str] = []
    values = fits.bic if criterion == "bic" else fits.aic
    close = np.flatnonzero(np.isfinite(values) & (values - values[k] < 2.0))
    low, high = float(fits.estimate[close].min()), float(fits.estimate[close].max())
    undoc_low, undoc_high = low - table.observed, high - table.observed
    if len(close) > 1 and undoc_high > 1.5 * max(undoc_low, 1.0):
        warnings.append(
            f"{len(close)} models are within 2 {criterion.upper()} points of the chosen one and "
            f"give totals from {low:,.0f} to {high:,.0f}: model choice dominates the estimate"
        )
    overall = fits.best_overall(criterion)
    if overall != k:
        warnings.append(
            f"the model with the best {criterion.upper()}, {fits.names[overall]}, gives no finite "
            f"estimate (zero cells leave the unobserved cell unbounded): {fits.names[k]}, the "
            "best with a finite estimate, is used"
        )
    if not fits.converged[k]:
        warnings.append(
            f"the chosen model {fits.names[k]} did not converge in 25 iterations (zero cells "
            "push a parameter to infinity)"
        )
    return warnings
