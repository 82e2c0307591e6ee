"""Poisson log-linear fits by iteratively reweighted least squares, compiled with numba.

The algorithm copies R's `glm.fit` for the Poisson family (start mu = y + 0.1, at most 25
iterations, converged when |dev - dev_old| / (|dev| + 0.1) < 1e-8) so that fits, and in
particular the fits of models whose maximum likelihood estimate lies at infinity because
of zero cells, stop where R stops and give Rcapture's estimates. Normal equations are
solved by Cholesky on the (small) information matrix; thousands of models are fitted in
one compiled loop.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from musterroll.estimate import _numba_cache

__all__ = [
    "fit_masks",
    "fit_models",
    "fit_one",
    "poisson_deviance",
    "select_best",
    "select_bounded",
    "select_many",
]

MAXIT = 25
EPSILON = 1e-8
DIVERGING_STEP = 1e-3  # a last intercept step larger than this: no finite estimate
_numba_cache.install(__file__)  # before the first cached function: see _numba_cache


@numba.njit(cache=True)
def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    """Poisson deviance 2 sum(y log(y/mu) - (y - mu)), with 0 log 0 = 0."""
    dev = 0.0
    for i in range(y.shape[0]):
        if y[i] > 0:
            dev += 2.0 * (y[i] * math.log(y[i] / mu[i]) - (y[i] - mu[i]))
        else:
            dev += 2.0 * mu[i]
    return dev


@numba.njit(cache=True)
def _cholesky_solve(a: np.ndarray, b: np.ndarray, p: int, out: np.ndarray) -> bool:
    """Solve a x = b in place (a overwritten by its Cholesky factor); False if not PD."""
    for j in range(p):
        s = a[j, j]
        for k in range(j):
            s -= a[j, k] * a[j, k]
        if s <= 1e-13 * max(abs(a[j, j]), 1e-300):
            return False
        a[j, j] = math.sqrt(s)
        for i in range(j + 1, p):
            s = a[i, j]
            for k in range(j):
                s -= a[i, k] * a[j, k]
            a[i, j] = s / a[j, j]
    for i in range(p):
        s = b[i]
        for k in range(i):
            s -= a[i, k] * out[k]
        out[i] = s / a[i, i]
    for i in range(p - 1, -1, -1):
        s = out[i]
        for k in range(i + 1, p):
            s -= a[k, i] * out[k]
        out[i] = s / a[i, i]
    return True


@numba.njit(cache=True)
def _inverse_00(a: np.ndarray, p: int) -> float:
    """(A^-1)[0, 0] from the Cholesky factor L (lower triangle of a): ||L^-1 e_0||^2."""
    v = np.zeros(p)
    v[0] = 1.0 / a[0, 0]
    for i in range(1, p):
        s = 0.0
        for k in range(i):
            s -= a[i, k] * v[k]
        v[i] = s / a[i, i]
    return float(np.sum(v * v))


@numba.njit(cache=True, nogil=True)
def fit_one(
    x: np.ndarray, y: np.ndarray, cols: np.ndarray, mu_start: np.ndarray
) -> tuple[float, float, float, bool, np.ndarray]:
    """Fit one Poisson log-linear model by IRLS.

    Args:
        x: design over the cells (rows) and all candidate columns.
        y: counts per row (float; may be non-integer for profile fits).
        cols: indices of the model's columns in `x`, the intercept first.
        mu_start: starting fitted values (R starts at y + 0.1).
    Returns:
        (deviance, intercept, variance of the intercept, converged, fitted values);
        deviance is inf when the information matrix is singular; the intercept is +inf
        when it was still rising at the last iteration (no finite estimate of N).
    """
    n = y.shape[0]
    p = cols.shape[0]
    mu = mu_start.copy()
    eta = np.log(mu)
    dev_old = poisson_deviance(y, mu)
    a = np.empty((p, p))
    b = np.empty(p)
    beta = np.zeros(p)
    converged = False
    dev = dev_old
    b0_old = np.nan
    step0 = 0.0
    for _ in range(MAXIT):
        for r in range(p):
            cr = cols[r]
            s = 0.0
            for i in range(n):
                z = eta[i] + (y[i] - mu[i]) / mu[i]
                s += x[i, cr] * mu[i] * z
            b[r] = s
            for c in range(r + 1):
                cc = cols[c]
                s = 0.0
                for i in range(n):
                    s += x[i, cr] * x[i, cc] * mu[i]
                a[r, c] = s
                a[c, r] = s
        if not _cholesky_solve(a, b, p, beta):
            return np.inf, np.nan, np.nan, False, mu
        step0 = beta[0] - b0_old
        b0_old = beta[0]
        for i in range(n):
            s = 0.0
            for c in range(p):
                s += x[i, cols[c]] * beta[c]
            eta[i] = s
            mu[i] = math.exp(s)
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < EPSILON:
            converged = True
            break
        dev_old = dev
    if step0 > DIVERGING_STEP:
        # the intercept still climbs when the deviance has settled: its MLE is at +inf
        # (zero cells leave the unobserved cell unbounded), so N-hat does not exist
        return dev, np.inf, np.nan, converged, mu
    return dev, beta[0], _inverse_00(a, p), converged, mu


@numba.njit(cache=True)
def fit_models(
    x: np.ndarray, y: np.ndarray, col_index: np.ndarray, n_cols: np.ndarray, mu_start: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit many models on the same cells.

    Args:
        x: design (cells x all columns).
        y: counts per cell.
        col_index: (models, max columns) column indices per model, padded.
        n_cols: number of columns of each model.
        mu_start: (models, cells) starting fitted values.
    Returns:
        Arrays over models: deviance, intercept, intercept variance, converged, and the
        (models, cells) fitted values.
    """
    m = col_index.shape[0]
    dev = np.empty(m)
    b0 = np.empty(m)
    v0 = np.empty(m)
    conv = np.zeros(m, dtype=np.bool_)
    fitted = np.empty((m, y.shape[0]))
    for k in range(m):
        d, i0, var0, ok, mu = fit_one(x, y, col_index[k, : n_cols[k]], mu_start[k])
        dev[k] = d
        b0[k] = i0
        v0[k] = var0
        conv[k] = ok
        fitted[k] = mu
    return dev, b0, v0, conv, fitted


@numba.njit(cache=True, nogil=True)
def select_best(
    x: np.ndarray,
    y: np.ndarray,
    col_index: np.ndarray,
    n_cols: np.ndarray,
    mu_start: np.ndarray,
    penalty: float,
) -> tuple[int, float]:
    """The model minimising deviance + penalty * parameters among those with a finite N.

    An information criterion is deviance + penalty * p plus a constant shared by all
    models, and a deviance is never negative: once a model scores S, no model with
    penalty * p >= S can win, so it is not fitted. The result is exactly the full
    search's choice. Models must come in non-decreasing order of n_cols.

    Returns:
        (index of the best model, its intercept).
    """
    best = -1
    best_score = np.inf
    best_b0 = np.nan
    for k in range(col_index.shape[0]):
        if penalty * n_cols[k] >= best_score:
            break
        d, b0, _, _, _ = fit_one(x, y, col_index[k, : n_cols[k]], mu_start[k])
        score = d + penalty * n_cols[k]
        if score < best_score and b0 < np.inf:
            best, best_score, best_b0 = k, score, b0
    return best, best_b0


@numba.njit(cache=True, nogil=True)
def select_many(
    x: np.ndarray,
    ys: np.ndarray,
    col_index: np.ndarray,
    n_cols: np.ndarray,
    mu_start: np.ndarray,
    use_bic: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """`select_best` for each row of `ys` (bootstrap replicates); releases the GIL.

    The penalty is log(n) for BIC (n the replicate's documented count) or 2 for AIC.

    Returns:
        (best model per replicate, its intercept); -1 and nan when no model has a
        finite estimate.
    """
    reps = ys.shape[0]
    best = np.empty(reps, dtype=np.int64)
    b0 = np.empty(reps)
    for r in range(reps):
        y = ys[r]
        penalty = math.log(max(y.sum(), 1.0)) if use_bic else 2.0
        best[r], b0[r] = select_best(x, y, col_index, n_cols, mu_start, penalty)
    return best, b0


# --- Fits over a 0/1 design of terms, and a search that skips what cannot win ---------
#
# The design of a hierarchical log-linear model has a column per term (a bitmask over
# lists, the intercept's mask 0), equal to 1 on the cells whose pattern contains the term.
# The product of two columns is then the column of their union, so the information matrix
# X'WX holds at (r, c) the sum of mu over the cells containing term_r | term_c: one
# superset-sum transform of mu (J passes over the 2^J cells) gives every entry. And the
# linear predictor of a cell is the sum of the coefficients of the terms it contains: one
# subset-sum transform. An iteration costs O(2^J J + p^2) instead of O(2^J p^2).


@numba.njit(cache=True, nogil=True)
def fit_masks(
    masks: np.ndarray, y: np.ndarray, mu_start: np.ndarray, j: int
) -> tuple[float, float, bool, np.ndarray]:
    """`fit_one` for a model given by its columns' term masks (intercept first, mask 0).

    Args:
        masks: term bitmask of each column; y: counts of the cells 1 .. 2^J - 1.
        mu_start: starting fitted values; j: the number of lists.
    Returns:
        (deviance, intercept, converged, fitted values), as `fit_one` (inf deviance when
        the information matrix is singular, +inf intercept when it diverges).
    """
    cells = 1 << j
    n = cells - 1
    p = masks.shape[0]
    mu = mu_start.copy()
    eta = np.log(mu)
    dev_old = poisson_deviance(y, mu)
    a = np.empty((p, p))
    b = np.empty(p)
    beta = np.zeros(p)
    sup = np.empty(cells)
    supz = np.empty(cells)
    coef = np.empty(cells)
    converged = False
    dev = dev_old
    b0_old = np.nan
    step0 = 0.0
    for _ in range(MAXIT):
        sup[0] = 0.0
        supz[0] = 0.0
        for i in range(n):
            sup[i + 1] = mu[i]
            supz[i + 1] = mu[i] * eta[i] + (y[i] - mu[i])
        for bit in range(j):
            m = 1 << bit
            for i in range(cells):
                if not i & m:
                    sup[i] += sup[i | m]
                    supz[i] += supz[i | m]
        for r in range(p):
            b[r] = supz[masks[r]]
            for c in range(r + 1):
                s = sup[masks[r] | masks[c]]
                a[r, c] = s
                a[c, r] = s
        if not _cholesky_solve(a, b, p, beta):
            return np.inf, np.nan, False, mu
        step0 = beta[0] - b0_old
        b0_old = beta[0]
        coef[:] = 0.0
        for c in range(p):
            coef[masks[c]] += beta[c]
        for bit in range(j):
            m = 1 << bit
            for i in range(cells):
                if i & m:
                    coef[i] += coef[i ^ m]
        for i in range(n):
            eta[i] = coef[i + 1]
            mu[i] = math.exp(eta[i])
        dev = poisson_deviance(y, mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < EPSILON:
            converged = True
            break
        dev_old = dev
    if step0 > DIVERGING_STEP:
        return dev, np.inf, converged, mu
    return dev, beta[0], converged, mu


@numba.njit(cache=True, nogil=True)
def select_bounded(
    ys: np.ndarray,
    masks: np.ndarray,
    n_cols: np.ndarray,
    mu_start: np.ndarray,
    bound_masks: np.ndarray,
    bound_cols: np.ndarray,
    bound_start: np.ndarray,
    lacks: np.ndarray,
    use_bic: bool,
    j: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`select_many` that fits only the models that could win, with the same choice.

    A model's deviance is at least that of any model containing it (its fit maximises the
    likelihood over a subset of the larger model's parameters). For each bounding term t,
    B_t is the largest model of the space without t; every model lacking t has a deviance
    of at least dev(B_t). Per replicate, the B_t are fitted first; each model's criterion
    is then bounded below by max over the terms it lacks of dev(B_t), plus its penalty.
    Models are fitted in increasing order of that bound, and the search stops when the
    bound reaches the best criterion found: no model left can beat it. A B_t whose fit
    did not converge bounds nothing.

    Args:
        ys: replicates (rows) of the counts of cells 1 .. 2^J - 1.
        masks: (models, max columns) term masks, padded; n_cols: columns per model.
        mu_start: (models, cells) warm starts.
        bound_masks, bound_cols, bound_start: the same for the bounding models.
        lacks: (models, bounds) whether a model lacks the bound's term.
        use_bic: penalty log(n) (else 2); j: the number of lists.
    Returns:
        (best model per replicate, its intercept, models fitted per replicate); -1 and
        nan when no model has a finite estimate.
    """
    reps = ys.shape[0]
    models = masks.shape[0]
    bounds = bound_masks.shape[0]
    best = np.empty(reps, dtype=np.int64)
    b0s = np.empty(reps)
    fitted = np.zeros(reps, dtype=np.int64)
    dev_b = np.empty(bounds)
    low = np.empty(models)
    for r in range(reps):
        y = ys[r]
        penalty = math.log(max(y.sum(), 1.0)) if use_bic else 2.0
        for t in range(bounds):
            d, _, ok, _ = fit_masks(bound_masks[t, : bound_cols[t]], y, bound_start[t], j)
            # a margin for the iterations' stopping rule (relative 1e-8)
            dev_b[t] = d - 1e-6 * (abs(d) + 1.0) if ok and d < np.inf else 0.0
        for m in range(models):
            v = 0.0
            for t in range(bounds):
                if lacks[m, t] and dev_b[t] > v:
                    v = dev_b[t]
            low[m] = v + penalty * n_cols[m]
        order = np.argsort(low, kind="mergesort")
        best_k = -1
        best_score = np.inf
        best_b0 = np.nan
        for i in range(models):
            m = order[i]
            if low[m] >= best_score:
                break
            d, b0, _, _ = fit_masks(masks[m, : n_cols[m]], y, mu_start[m], j)
            fitted[r] += 1
            score = d + penalty * n_cols[m]
            if score < best_score and b0 < np.inf:
                best_k, best_score, best_b0 = m, score, b0
        best[r] = best_k
        b0s[r] = best_b0
    return best, b0s, fitted
