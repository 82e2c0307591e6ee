"""Fitting every hierarchical log-linear model of a search space to one table.

Models are Poisson GLMs over the 2^J - 1 observed cells (Fienberg 1972); the fits and
Rcapture's AIC/BIC come from one compiled loop (`_glm`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.special import gammaln

from musterroll.counts.table import TableError
from musterroll.estimate._glm import fit_models
from musterroll.estimate._hierarchy import (
    all_terms,
    design_matrix,
    hierarchical_models,
    model_name,
    parse_model,
)

__all__ = ["Criterion", "ModelFits", "ModelSpace", "fit_all_models", "model_space"]

Criterion = Literal["bic", "aic"]


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
        """Index of the model minimising the criterion among fits with a finite N-hat.

        Raises:
            ValueError: when no model has a finite estimate.
        """
        values = self.bic if criterion == "bic" else self.aic
        usable = np.isfinite(values) & np.isfinite(self.estimate)
        if not usable.any():
            raise ValueError("no model gives a finite estimate for this table")
        return int(np.nanargmin(np.where(usable, values, np.nan)))

    def best_overall(self, criterion: Criterion) -> int:
        """Index of the model minimising the criterion, whether or not N-hat is finite."""
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
        TableError: when every model of that many lists would be too many to search.
    """
    max_order = j - 1 if max_order is None else max_order
    if not 1 <= max_order <= j - 1:
        raise ValueError(f"max_order must be between 1 and {j - 1}, got {max_order}")
    if models is None and (j == 6 and max_order >= 3 or j >= 7 and max_order >= 2):
        # as Rcapture's getAllModels(stopiflong = TRUE): millions of models. A TableError
        # (the table has too many lists for the default search), so that a comparison of
        # methods runs the others and says why this one did not run.
        raise TableError(
            f"searching every hierarchical model of {j} lists up to order {max_order} is "
            "too long: set max_order to 2 (6 lists) or 1 (7+), or name the models"
        )
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
