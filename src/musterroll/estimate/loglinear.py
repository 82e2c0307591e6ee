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
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln
from scipy.stats import chi2

from musterroll.estimate._glm import fit_models, fit_one, select_best
from musterroll.estimate._hierarchy import (
    all_terms,
    design_matrix,
    hierarchical_models,
    model_name,
    parse_model,
)
from musterroll.estimate.result import Estimate, fresh_seed
from musterroll.estimate.table import CaptureTable, TableError

__all__ = ["ModelFits", "fit_all_models", "loglinear", "profile_interval"]

Criterion = Literal["bic", "aic"]
IntervalKind = Literal["bootstrap", "profile"]


@dataclass(frozen=True)
class ModelSpace:
    """The models to search and their design over all 2^J cells."""

    j: int
    models: list[frozenset[int]]
    names: list[str]
    x_full: np.ndarray  # (2^J, 1 + terms); row 0 is the unobserved cell
    col_index: np.ndarray  # (models, max columns)
    n_cols: np.ndarray  # (models,)

    def columns(self, k: int) -> np.ndarray:
        """Design column indices of model k (intercept first)."""
        return self.col_index[k, : self.n_cols[k]]


@dataclass(frozen=True)
class ModelFits:
    """Fits of every model of a space to one table.

    Attributes:
        names: model names (Rcapture notation).
        estimate: N-hat = n + exp(intercept) per model.
        stderr: Rcapture's standard error of N-hat per model.
        deviance, df, aic, bic: fit statistics per model (Rcapture definitions).
        converged: whether IRLS converged within 25 iterations.
        fitted: (models, 2^J - 1) fitted values on the observed cells.
    """

    names: list[str]
    estimate: np.ndarray
    stderr: np.ndarray
    deviance: np.ndarray
    df: np.ndarray
    aic: np.ndarray
    bic: np.ndarray
    converged: np.ndarray
    fitted: np.ndarray

    def best(self, criterion: Criterion) -> int:
        """Index of the model minimising the criterion among finite fits."""
        values = self.bic if criterion == "bic" else self.aic
        return int(np.nanargmin(np.where(np.isfinite(values), values, np.nan)))


def model_space(
    j: int, max_order: int | None = None, models: list[str] | None = None
) -> ModelSpace:
    """Build the search space: all hierarchical models, or the named ones.

    Args:
        j: number of lists.
        max_order: highest interaction order (default J-1).
        models: restrict the search to these model names (Rcapture notation).
    Returns:
        The model space with its design.
    Raises:
        ValueError: on a bad model name or max_order.
    """
    max_order = j - 1 if max_order is None else max_order
    if not 1 <= max_order <= j - 1:
        raise ValueError(f"max_order must be between 1 and {j - 1}, got {max_order}")
    chosen = [parse_model(m, j) for m in models] if models else hierarchical_models(j, max_order)
    terms = all_terms(j, max(max_order, max((_order(t) for m in chosen for t in m), default=1)))
    position = {t: i + 1 for i, t in enumerate(terms)}
    mains = [position[1 << (j - 1 - i)] for i in range(j)]
    col_index = np.zeros((len(chosen), len(terms) + 1), dtype=np.int64)
    n_cols = np.zeros(len(chosen), dtype=np.int64)
    for k, model in enumerate(chosen):
        cols = [0, *mains, *sorted(position[t] for t in model)]
        col_index[k, : len(cols)] = cols
        n_cols[k] = len(cols)
    return ModelSpace(
        j, chosen, [model_name(m, j) for m in chosen], design_matrix(j, terms), col_index, n_cols
    )


def _order(term: int) -> int:
    return bin(term).count("1")


def fit_all_models(
    space: ModelSpace, cells: np.ndarray, mu_start: np.ndarray | None = None
) -> ModelFits:
    """Fit every model of `space` to the observed cells of a 2^J cell vector.

    Args:
        space: the models.
        cells: counts for all 2^J pattern indices (cell 0 ignored).
        mu_start: optional (models, 2^J - 1) starting values (warm start); R's y + 0.1
            otherwise.
    Returns:
        The fits, with Rcapture's AIC and BIC.
    """
    y = cells[1:].astype(np.float64)
    n = float(y.sum())
    m = len(space.models)
    start = np.tile(y + 0.1, (m, 1)) if mu_start is None else mu_start
    x = np.ascontiguousarray(space.x_full[1:])
    dev, b0, v0, conv, fitted = fit_models(x, y, space.col_index, space.n_cols, start)
    safe = np.where(fitted > 0, fitted, 1e-300)
    loglik = (y * np.log(safe) - fitted - gammaln(y + 1)).sum(axis=1)
    p = space.n_cols.astype(np.float64)
    aic = np.where(np.isfinite(dev), -2 * loglik + 2 * p, np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        e0 = np.exp(b0)
        stderr = np.sqrt(e0 + e0**2 * v0)
    return ModelFits(
        names=space.names,
        estimate=n + e0,
        stderr=stderr,
        deviance=dev,
        df=len(y) - space.n_cols,
        aic=aic,
        bic=aic + (math.log(n) - 2) * p,
        converged=conv,
        fitted=fitted,
    )


def profile_interval(
    space: ModelSpace, k: int, cells: np.ndarray, estimate: float, level: float
) -> tuple[float, float, float]:
    """Profile-likelihood interval for N under model k, as Rcapture's `closedpCI.t`.

    The multinomial profile log-likelihood at N is -(D(N) - 2 c(N)) / 2, where D(N) is
    the Poisson deviance of the model fitted to all 2^J cells with the unobserved cell
    set to N - n, and c(N) is Cormack's (1992) correction log(n0^n0 N! / (N^N n0!)).
    Rcapture searches the upper end up to 3 N-hat and reports ">3N" beyond; we keep
    doubling the search range instead and return inf only past 10^4 N-hat.

    Args:
        space: the model space; k: the model.
        cells: counts for all 2^J cells; estimate: the model's N-hat (bounds the search).
        level: interval level.
    Returns:
        (N maximising the profile likelihood, lower, upper).
    """
    y_obs = cells[1:].astype(np.float64)
    n = float(y_obs.sum())
    cols = space.columns(k)
    x = np.ascontiguousarray(space.x_full)

    def loglik(total: float) -> float:
        n0 = total - n
        y = np.concatenate(([n0], y_obs))
        dev = fit_one(x, y, cols, y + 0.1)[0]
        return -(dev - 2 * _cormack(n0, total)) / 2

    opt = minimize_scalar(
        lambda t: -loglik(t), bounds=(n, 3 * estimate), method="bounded", options={"xatol": 1e-4}
    )
    n_max, l_max = float(opt.x), -float(opt.fun)
    target = l_max - chi2.ppf(level, 1) / 2

    def f(t: float) -> float:
        return loglik(t) - target

    lower = brentq(f, n, n_max, xtol=1e-4) if f(n) < 0 else n
    hi = 3 * estimate
    while f(hi) > 0 and hi < 1e4 * estimate:
        hi *= 2
    upper = brentq(f, n_max, hi, xtol=1e-4) if f(hi) <= 0 else math.inf
    return n_max, float(lower), float(upper)


def _cormack(n0: float, total: float) -> float:
    """Cormack's correction term as Rcapture computes it (Stirling's form above N=100)."""
    if total > 100:
        if n0 == 0 or n0 == 1:
            return -total + 0.5 * math.log(2 * math.pi * total)
        return n0 - total - 0.5 * math.log(n0 / total)
    log_n0 = n0 * math.log(n0) if n0 > 0 else 0.0
    return log_n0 + math.lgamma(total + 1) - total * math.log(total) - math.lgamma(n0 + 1)


def bootstrap_selection(
    space: ModelSpace,
    fits: ModelFits,
    k: int,
    cells: np.ndarray,
    *,
    criterion: Criterion,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of N-hat that repeat the model selection.

    Each replicate draws round(N-hat) persons over the 2^J cells with probabilities
    (estimated unobserved cell, observed cells) / N-hat, drops the unobserved, refits
    every model that could win (warm-started from the original fits) and keeps the
    chosen model's N-hat.

    Returns:
        (replicate estimates, index of the model chosen in each replicate).
    """
    y = cells[1:].astype(np.float64)
    n_hat = float(fits.estimate[k])
    probs = np.concatenate(([n_hat - y.sum()], y)) / n_hat
    total = int(round(n_hat))
    estimates = np.empty(replicates)
    chosen = np.empty(replicates, dtype=np.int64)
    # Fit small models first so that select_best can skip the large ones exactly.
    order = np.argsort(space.n_cols, kind="stable")
    col_index = np.ascontiguousarray(space.col_index[order])
    n_cols = np.ascontiguousarray(space.n_cols[order])
    warm = np.ascontiguousarray(np.maximum(fits.fitted[order], 0.1))
    x = np.ascontiguousarray(space.x_full[1:])
    for b in range(replicates):
        draw = rng.multinomial(total, probs)[1:].astype(np.float64)
        n_b = draw.sum()
        penalty = math.log(n_b) if criterion == "bic" else 2.0
        best, b0 = select_best(x, draw, col_index, n_cols, warm, penalty)
        chosen[b] = order[best]
        estimates[b] = n_b + math.exp(b0)
    return estimates, chosen


def loglinear(
    table: CaptureTable,
    *,
    level: float = 0.95,
    criterion: Criterion = "bic",
    interval: IntervalKind = "bootstrap",
    bootstrap: int = 1000,
    max_order: int | None = None,
    models: list[str] | None = None,
    seed: int | None = None,
) -> Estimate:
    """Log-linear estimate: search all hierarchical models, choose by BIC or AIC.

    Args:
        table: capture table with at least 3 lists (2 lists: only independence).
        level: interval level.
        criterion: "bic" (default, as Rcapture's closedpMS.t orders models) or "aic".
        interval: "bootstrap" (default; accounts for the selection) or "profile" (the
            chosen model's profile-likelihood interval, as Rcapture; ignores selection).
        bootstrap: bootstrap replicates (0: none, then the interval is the profile one).
        max_order: highest interaction order searched (default J-1).
        models: search only these models (Rcapture names, e.g. ["[12,3]", "[1,2,3]"]).
        seed: seed of the bootstrap draws (drawn and recorded when None).
    Returns:
        Estimate: the chosen model's N-hat with the chosen interval; diagnostics hold the
        model, both intervals, the ten best models and how often the bootstrap chose each.
    Raises:
        TableError: when the table has fewer than 2 lists with persons on them.
    """
    if len(table.usable_lists()) < 2:
        raise TableError(
            f"log-linear estimation needs 2 lists with persons, got {table.usable_lists()}"
        )
    seed = fresh_seed() if seed is None else seed
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
        "profile_interval": [p_low, p_high],
        "profile_mle": n_max,
        "stderr": float(fits.stderr[k]),
        "deviance": float(fits.deviance[k]),
        "df": int(fits.df[k]),
        "best_models": _best_models(fits, criterion),
    }
    draws = None
    lower, upper = p_low, p_high
    if bootstrap > 0:
        draws, chosen = bootstrap_selection(
            space,
            fits,
            k,
            cells,
            criterion=criterion,
            replicates=bootstrap,
            rng=np.random.default_rng(seed),
        )
        alpha = (1 - level) / 2
        b_low, b_high = (float(v) for v in np.quantile(draws, [alpha, 1 - alpha]))
        diagnostics["bootstrap_interval"] = [b_low, b_high]
        diagnostics["bootstrap_model_frequency"] = _frequencies(chosen, fits.names)
        if interval == "bootstrap":
            lower, upper = b_low, b_high
    if interval == "profile" or bootstrap == 0:
        warnings.append(
            "the interval is the chosen model's profile likelihood interval: it ignores the "
            "model selection and covers less than its level (use the bootstrap interval)"
        )
    if math.isinf(p_high):
        warnings.append("the profile likelihood does not fall enough on the right: no upper bound")
    return Estimate(
        method="loglinear",
        observed=table.observed,
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
        },
        seed=seed if bootstrap > 0 else None,
        lists=table.lists,
        stratum=table.stratum,
        source=table.source,
        draws=draws,
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
    values, counts = np.unique(chosen, return_counts=True)
    order = np.argsort(-counts)[:top]
    return {names[int(values[i])]: float(counts[i] / len(chosen)) for i in order}


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
    if not fits.converged[k]:
        warnings.append(
            f"the chosen model {fits.names[k]} did not converge in 25 iterations (zero cells "
            "push a parameter to infinity)"
        )
    return warnings
