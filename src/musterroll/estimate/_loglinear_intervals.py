"""Intervals for a log-linear estimate: Rcapture's profile likelihood and a bootstrap
that repeats the model selection (see `loglinear` for the argument).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, minimize_scalar
from scipy.special import chdtri

from musterroll.estimate._glm import fit_masks, fit_one, select_bounded
from musterroll.estimate._loglinear_fit import Criterion, ModelFits, ModelSpace

__all__ = [
    "AdaptiveBootstrap",
    "adaptive_bootstrap",
    "bootstrap_selection",
    "candidate_models",
    "profile_interval",
    "quantile_mc_error",
]


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
    candidates: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of N-hat that repeat the model selection.

    `candidates` (model indices; None: all) limits the search of every replicate.

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
    pool = np.arange(len(space.n_cols)) if candidates is None else np.asarray(candidates)
    masks, n_cols, start, b_masks, b_cols, b_start, lacks = _search(space, fits, pool, cells)
    chunks = np.array_split(np.arange(replicates), max(1, min(os.cpu_count() or 1, replicates)))
    with ThreadPoolExecutor(max_workers=len(chunks)) as threads:  # the fits release the GIL
        parts = list(
            threads.map(
                lambda idx: select_bounded(draws[idx], masks, n_cols, start, b_masks, b_cols,
                                           b_start, lacks, criterion == "bic", space.j),
                chunks,
            )
        )
    best = np.concatenate([p[0] for p in parts])
    b0 = np.concatenate([p[1] for p in parts])
    order = pool
    found = best >= 0
    chosen = np.where(found, order[np.maximum(best, 0)], -1)
    with np.errstate(over="ignore"):
        estimates = np.where(found, draws.sum(axis=1) + np.exp(b0), np.inf)
    return estimates, chosen


BOUND_ORDER = 3  # terms of order 2 and 3 bound the deviance of the models lacking them


def _search(
    space: ModelSpace, fits: ModelFits, pool: np.ndarray, cells: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The arguments of `_glm.select_bounded` for the models `pool` of `space`.

    Each design column's term mask is the first cell holding it (the cell whose pattern is
    the term). The bounding models B_t, one per interaction term t of order 2 or 3, hold
    every column of the space but those of t and the terms containing it.
    """
    x = space.x_full
    col_mask = np.argmax(x > 0, axis=0).astype(np.int64)  # column -> its term
    masks = np.ascontiguousarray(col_mask[space.col_index[pool]])
    n_cols = np.ascontiguousarray(space.n_cols[pool])
    width = masks.shape[1]
    present = np.zeros((len(pool), 1 << space.j), dtype=bool)
    for row, (m, c) in enumerate(zip(masks, n_cols, strict=True)):
        present[row, m[:c]] = True
    terms = [int(t) for t in col_mask if 2 <= bin(int(t)).count("1") <= BOUND_ORDER]
    y = cells[1:].astype(np.float64)
    b_masks = np.zeros((len(terms), width), dtype=np.int64)
    b_cols = np.zeros(len(terms), dtype=np.int64)
    b_start = np.empty((len(terms), len(y)))
    for i, t in enumerate(terms):
        keep = [int(m) for m in col_mask if (int(m) & t) != t]
        b_masks[i, : len(keep)] = keep
        b_cols[i] = len(keep)
        b_start[i] = fit_masks(b_masks[i, : len(keep)], y, y + 0.1, space.j)[3]
    lacks = ~present[:, terms] if terms else np.zeros((len(pool), 0), dtype=bool)
    return (masks, n_cols, np.ascontiguousarray(np.maximum(fits.fitted[pool], 0.1)), b_masks,
            b_cols, np.maximum(b_start, 0.1), np.ascontiguousarray(lacks))


def quantile_mc_error(draws: np.ndarray, q: float) -> float:
    """Monte Carlo standard error of the q-quantile of `draws`, free of any distribution.

    The order statistics at ranks B q -+ sqrt(B q (1 - q)) bracket the true quantile with
    about 68% probability (the binomial count of draws below it); half their distance is
    the standard error. Infinite when that bracket reaches an infinite replicate.
    """
    x = np.sort(draws)
    b = len(x)
    spread = math.sqrt(b * q * (1 - q))
    lo = min(max(int(math.floor(b * q - spread)), 0), b - 1)
    hi = min(max(int(math.ceil(b * q + spread)), 0), b - 1)
    return float((x[hi] - x[lo]) / 2) if np.isfinite(x[hi]) else math.inf


@dataclass
class AdaptiveBootstrap:
    """Replicates of the selection bootstrap and the precision of its bounds."""

    draws: np.ndarray
    chosen: np.ndarray
    lower: float
    upper: float
    mc_error: tuple[float, float]  # Monte Carlo standard errors of the two bounds
    rounds: int
    seconds: float
    alpha: float  # the share of replicates beyond each bound

    @property
    def relative_error(self) -> tuple[float, float]:
        """Each bound's Monte Carlo error relative to the bound."""
        return (self.mc_error[0] / self.lower if self.lower > 0 else math.inf,
                self.mc_error[1] / self.upper if np.isfinite(self.upper) else math.inf)

    def is_precise(self, target: float) -> bool:
        """Whether both bounds' relative Monte Carlo errors are below `target`, with at
        least MIN_TAIL replicates beyond each (the error of a bound read from a handful
        of replicates is itself unknown)."""
        enough = len(self.draws) * self.alpha >= MIN_TAIL
        return enough and max(self.relative_error) < target


def adaptive_bootstrap(
    space: ModelSpace,
    fits: ModelFits,
    k: int,
    cells: np.ndarray,
    *,
    criterion: Criterion,
    level: float,
    rng: np.random.Generator,
    start: int,
    target: float,
    budget: float,
    progress: Callable[[str], None] | None = None,
) -> AdaptiveBootstrap:
    """The selection bootstrap, extended until each bound's Monte Carlo error is below
    `target` (relative) or `budget` seconds are spent.

    The replicates needed are predicted from the errors so far (an error shrinks as one
    over the square root of the replicates); each round adds what is predicted, plus a
    tenth, within the time left and at most three times the replicates so far.

    Args:
        start: replicates of the first round; target: e.g. 0.01 for 1%.
        budget: seconds for further rounds (0: the first round only).
        progress: called with a line of text after each round.
    Returns:
        The replicates, the interval, its Monte Carlo errors, rounds and seconds.
    """
    say = progress or (lambda _msg: None)
    alpha = (1 - level) / 2
    started = time.monotonic()
    parts: list[tuple[np.ndarray, np.ndarray]] = []
    candidates: np.ndarray | None = None
    batch, rounds = start, 0
    while True:
        say(f"selection bootstrap: {batch:,} replicates"
            + (f" more ({sum(len(p[0]) for p in parts):,} so far)" if parts else "")
            + (f" over {len(candidates):,} candidate models" if candidates is not None else ""))
        round_start = time.monotonic()
        parts.append(bootstrap_selection(space, fits, k, cells, criterion=criterion,
                                         replicates=batch, rng=rng, candidates=candidates))
        # the next rounds search fewer models: time them by the latest round
        per_replicate = (time.monotonic() - round_start) / batch
        if rounds == 0:
            candidates = candidate_models(fits, k, parts[0][1], criterion)
        rounds += 1
        result = _summarise(parts, alpha, rounds, time.monotonic() - started)
        spent = result.seconds
        if result.is_precise(target) or not np.isfinite(result.upper) or spent >= budget:
            return result
        have = len(result.draws)
        worst = max(result.relative_error)
        needed = int(have * ((worst / target) ** 2 * 1.1 - 1)) + 1
        needed = max(needed, int(math.ceil(MIN_TAIL / alpha)) - have)
        # An error read from few replicates predicts badly (68.8% after 200 on US western
        # asked for all the budget at once): grow at most GROWTH-fold a round, and stop
        # as soon as the bounds are precise.
        needed = min(needed, (GROWTH - 1) * have)
        affordable = int((budget - spent) / max(per_replicate, 1e-9))
        batch = max(min(needed, affordable), 1)
        say(f"bootstrap bounds' Monte Carlo error {result.relative_error[0]:.1%} and "
            f"{result.relative_error[1]:.1%} after {have:,} replicates: about "
            f"{per_replicate * min(needed, affordable):.0f} s left")
        if affordable < max(have // 10, 1):
            return result


GROWTH = 4  # a round adds at most three times the replicates so far
MIN_TAIL = 10  # replicates beyond each bound before its error is trusted (400 at 95%)
CANDIDATE_GAP = 50.0  # criterion points: no model further behind was ever chosen (below)
CANDIDATE_SAFETY = 2.5  # the gap also exceeds 2.5 times the largest one the first round saw


def candidate_models(
    fits: ModelFits, k: int, chosen: np.ndarray, criterion: Criterion
) -> np.ndarray | None:
    """Models the later bootstrap rounds search: those within reach of the chosen one.

    A model whose criterion on the data is far behind the chosen model's is not chosen in
    replicates drawn from the chosen model's fit. In a full search of 400 replicates on
    the published 4-list tables, the models chosen were at most 19 BIC points behind
    (Kosovo 12, HIV Rome 15, diabetes 19, hepatitis A 10). The first round searches every
    model; the later ones search the models within the larger of 50 points and 2.5 times
    the largest gap the first round chose. None (search all) when that leaves over 90%
    (on 5-list tables the models within 50 BIC points are often half of the ~7,000).
    """
    values = fits.bic if criterion == "bic" else fits.aic
    finite = np.isfinite(values)
    seen = chosen[chosen >= 0]
    worst = float(np.max(values[seen] - values[k])) if len(seen) else 0.0
    gap = max(CANDIDATE_GAP, CANDIDATE_SAFETY * worst)
    pool = np.flatnonzero(finite & (values - values[k] <= gap))
    pool = np.union1d(pool, np.unique(seen))
    return None if len(pool) > 0.9 * len(values) else pool


def _summarise(
    parts: list[tuple[np.ndarray, np.ndarray]], alpha: float, rounds: int, seconds: float
) -> AdaptiveBootstrap:
    draws = np.concatenate([p[0] for p in parts])
    chosen = np.concatenate([p[1] for p in parts])
    lower, upper = (float(v) for v in np.quantile(draws, [alpha, 1 - alpha]))
    errors = (quantile_mc_error(draws, alpha), quantile_mc_error(draws, 1 - alpha))
    return AdaptiveBootstrap(draws, chosen, lower, upper, errors, rounds, seconds, alpha)
