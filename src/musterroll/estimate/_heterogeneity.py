"""Rcapture's heterogeneity columns for log-linear models (Baillargeon and Rivest 2007).

Rcapture models heterogeneous capture probabilities by adding to a log-linear model one or
more columns that depend only on c, the number of lists a cell's persons are on
(`Xclosedp` in Rcapture's `internal.matrices.R`; Rivest 2011):

- "poisson": theta^c - 1 (theta 2 by default: "Poisson2");
- "darroch": c^2 / 2 (Darroch et al. 1993);
- "gamma": -log(theta + c) + log(theta) (theta 3.5 by default: "Gamma3.5");
- "chao": Chao's lower bound, J - 2 columns max(c - k + 1, 0) for k = 3 .. J, whose
  coefficients (eta) should be at least 0; Rcapture (neg = TRUE) removes the first
  column with a negative eta and refits until none is negative (`Chao.neg`).

Every column is 0 on the unobserved cell (c = 0), so N-hat is still n + exp(intercept).
`closedpMS.t(h=...)` adds the column to every hierarchical model; `closedp.t` fits the
Mh and Mth models (the column with one main effect for all lists, or with each list's).

`loglinear` does not use them: on the published latent-class designs they did not bring
the log-linear interval near its level, searched or as Mth models (the estimate README,
"Log-linear under heterogeneity"; `bench/diagnose_loglinear_designs.py` uses them).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from musterroll.estimate._glm import fit_one
from musterroll.estimate._loglinear_fit import ModelSpace, model_space

__all__ = [
    "Heterogeneity",
    "captures",
    "chao_lower_bound",
    "heterogeneity_columns",
    "homogeneous_space",
    "independence_space",
    "with_heterogeneity",
]

Heterogeneity = Literal["chao", "poisson", "darroch", "gamma"]
DEFAULT_THETA = {"poisson": 2.0, "gamma": 3.5}


def captures(j: int) -> np.ndarray:
    """c, the number of lists of each of the 2^J cells (pattern index order), as floats."""
    return np.array([bin(i).count("1") for i in range(1 << j)], dtype=np.float64)


def heterogeneity_columns(kind: Heterogeneity, j: int, theta: float | None = None) -> np.ndarray:
    """Rcapture's heterogeneity column(s) over the 2^J cells, shape (2^J, q).

    Args:
        kind: "chao" (J - 2 columns), "poisson", "darroch" or "gamma" (one column).
        j: the number of lists (at least 3, as Rcapture's heterogeneous models).
        theta: the parameter of "poisson" (default 2) and "gamma" (default 3.5).
    Raises:
        ValueError: on an unknown kind or fewer than 3 lists.
    """
    if j < 3:
        raise ValueError("heterogeneous models need at least 3 lists")
    c = captures(j)
    if kind == "chao":
        return np.stack([np.maximum(c - k + 1, 0.0) for k in range(3, j + 1)], axis=1)
    if kind == "darroch":
        return (c**2 / 2)[:, None]
    if kind == "poisson":
        t = DEFAULT_THETA["poisson"] if theta is None else theta
        return (t**c - 1)[:, None]
    if kind == "gamma":
        t = DEFAULT_THETA["gamma"] if theta is None else theta
        return (-np.log(t + c) + np.log(t))[:, None]
    raise ValueError(f"heterogeneity must be chao, poisson, darroch or gamma, got {kind!r}")


def with_heterogeneity(space: ModelSpace, columns: np.ndarray) -> ModelSpace:
    """Every model of `space` with `columns` (2^J, q) added, as `closedpMS.t(h=...)`.

    The result's design is no longer the 0/1 design of terms: fit it with
    `fit_all_models` (and `profile_interval`), not with the term-mask search of the
    bootstrap.
    """
    x = np.hstack([space.x_full, columns])
    first = space.x_full.shape[1]
    q = columns.shape[1]
    col_index = np.zeros((len(space.n_cols), space.col_index.shape[1] + q), dtype=np.int64)
    for k, n in enumerate(space.n_cols):
        col_index[k, :n] = space.col_index[k, :n]
        col_index[k, n : n + q] = np.arange(first, first + q)
    return ModelSpace(space.j, space.models, space.names, x, col_index, space.n_cols + q)


def homogeneous_space(j: int) -> ModelSpace:
    """Rcapture's M0 as a one-model space: an intercept and c (one capture probability
    for every list and person); with heterogeneity columns, Mh."""
    x = np.stack([np.ones(1 << j), captures(j)], axis=1)
    return ModelSpace(j, [frozenset()], ["M0"], x, np.array([[0, 1]], dtype=np.int64),
                      np.array([2], dtype=np.int64))


def independence_space(j: int) -> ModelSpace:
    """Rcapture's Mt (independent lists, one main effect each) as a one-model space."""
    return model_space(j, models=[f"[{','.join(str(i) for i in range(1, j + 1))}]"])


def chao_lower_bound(base: ModelSpace, cells: np.ndarray) -> ModelSpace:
    """The one model of `base` (e.g. M0 or Mt) with Chao's lower-bound columns whose etas
    are not negative, as Rcapture's `Chao.neg`: fit, remove the first column with a
    negative eta, refit, until none is negative.

    Args:
        base: a one-model space; cells: counts of all 2^J cells.
    Returns:
        A one-model space with the kept columns (fit it with `fit_all_models`).
    """
    columns = heterogeneity_columns("chao", base.j)
    keep = list(range(columns.shape[1]))
    y = cells[1:].astype(np.float64)
    while True:
        space = with_heterogeneity(base, columns[:, keep])
        x = np.ascontiguousarray(space.x_full[1:])
        cols = space.columns(0)
        mu = fit_one(x, y, cols, y + 0.1)[4]
        # the coefficients from the fitted linear predictor (the design has full rank)
        beta = np.linalg.lstsq(x[:, cols], np.log(mu), rcond=None)[0]
        etas = beta[len(cols) - len(keep):]
        negative = [i for i, eta in enumerate(etas) if eta < 0]
        if not negative:
            return space
        del keep[negative[0]]
