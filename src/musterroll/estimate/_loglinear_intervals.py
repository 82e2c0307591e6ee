"""Intervals for a log-linear estimate: Rcapture's profile likelihood and a bootstrap
that repeats the model selection (see `loglinear` for the argument).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import chdtri

from musterroll.estimate._glm import fit_one, select_many
from musterroll.estimate._loglinear_fit import Criterion, ModelFits, ModelSpace

__all__ = ["bootstrap_selection", "profile_interval"]


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
    target = l_max - float(chdtri(1, 1 - level)) / 2  # chi-square(1) quantile at level

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
        (replicate estimates, index of the model chosen in each replicate); a replicate
        in which no model gives a finite estimate has estimate inf and model -1.
    """
    y = cells[1:].astype(np.float64)
    n_hat = float(fits.estimate[k])
    probs = np.concatenate(([n_hat - y.sum()], y)) / n_hat
    draws = rng.multinomial(int(round(n_hat)), probs, size=replicates)[:, 1:].astype(np.float64)
    # Fit small models first so that select_best can skip the large ones exactly.
    order = np.argsort(space.n_cols, kind="stable")
    args = (
        np.ascontiguousarray(space.x_full[1:]),
        np.ascontiguousarray(space.col_index[order]),
        np.ascontiguousarray(space.n_cols[order]),
        np.ascontiguousarray(np.maximum(fits.fitted[order], 0.1)),
        criterion == "bic",
    )
    chunks = np.array_split(np.arange(replicates), max(1, min(os.cpu_count() or 1, replicates)))
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:  # the fits release the GIL
        parts = list(
            pool.map(
                lambda idx: select_many(args[0], draws[idx], args[1], args[2], args[3], args[4]),
                chunks,
            )
        )
    best = np.concatenate([p[0] for p in parts])
    b0 = np.concatenate([p[1] for p in parts])
    found = best >= 0
    chosen = np.where(found, order[np.maximum(best, 0)], -1)
    with np.errstate(over="ignore"):
        estimates = np.where(found, draws.sum(axis=1) + np.exp(b0), np.inf)
    return estimates, chosen
