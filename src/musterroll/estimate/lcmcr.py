"""Bayesian non-parametric latent class model (Manrique-Vallier 2016), as R's LCMCR.

Persons belong to latent classes with their own list-inclusion probabilities lambda_jk;
class weights follow a truncated stick-breaking prior with K classes and concentration
alpha ~ Gamma(a, b); lambda_jk ~ Beta(1, 1). The Gibbs sampler augments the data with the
n0 persons on no list (Manrique-Vallier 2016, sec. 3): n0 | rest ~ NegBinomial(n, 1 - p0),
p0 = sum_k pi_k prod_j (1 - lambda_jk), which corresponds to the prior p(N) ~ 1/N as in
LCMCR. Persons with the same pattern are exchangeable, so their classes are drawn as one
multinomial per observed pattern (as LCMCR's frequency sampler), which makes a sweep cost
O(patterns x K x J) whatever the population size.

R's LCMCR bounds N at 21 times the documented count without saying so; here the bound is
far above (`max_total_factor` x observed, default 1000) and any draw reaching it, or a
posterior reaching into the region LCMCR would have cut, is reported.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from musterroll.estimate import _rng
from musterroll.estimate._mcmc import effective_sample_size, split_rhat
from musterroll.estimate._rng import FAST
from musterroll.estimate.result import Estimate, fresh_seed
from musterroll.estimate.table import CaptureTable, TableError

__all__ = ["lcmcr", "sample_chain"]

WARMUP = 500  # sweeps with alpha fixed before the burn-in, as LCMCR
SMALL_MULTINOMIAL = 8  # below this many persons, draw classes one by one
LCMCR_CAP_FACTOR = 21  # R's LCMCR caps N at 21 x observed (the cap it does not report)


@numba.njit(cache=True, inline="always", error_model="numpy", fastmath=FAST)
def _multinomial(
    rng: np.ndarray, total: int, probs: np.ndarray, order: np.ndarray, out: np.ndarray
) -> None:
    """Multinomial draw of `total` over unnormalised `probs` (any order of classes).

    One binomial per class, conditional on the persons left (an exact draw), visiting
    classes in `order` (heaviest first, so the persons run out early); once only a
    handful of persons are left, they are drawn one by one.
    """
    k_max = probs.shape[0]
    rest = 0.0
    for k in range(k_max):
        rest += probs[k]
        out[k] = 0
    remaining = total
    for r in range(k_max - 1):
        if remaining <= SMALL_MULTINOMIAL:
            _categorical(rng, remaining, probs, order, r, rest, out)
            return
        k = order[r]
        p = probs[k] / rest if rest > 0 else 0.0
        if p >= 1.0:
            out[k] = remaining
            return
        if p > 0.0:
            x = _rng.binomial(rng, remaining, p)
            out[k] = x
            remaining -= x
        rest -= probs[k]
    out[order[k_max - 1]] = remaining


@numba.njit(cache=True, inline="always", error_model="numpy", fastmath=FAST)
def _categorical(
    rng: np.ndarray,
    count: int,
    probs: np.ndarray,
    order: np.ndarray,
    first: int,
    rest: float,
    out: np.ndarray,
) -> None:
    """Add `count` one-by-one class draws over classes order[first:] (mass `rest`)."""
    last = probs.shape[0] - 1
    for _ in range(count):
        u = _rng.uniform(rng) * rest
        r = first
        while r < last and u >= probs[order[r]]:
            u -= probs[order[r]]
            r += 1
        out[order[r]] += 1


@numba.njit(cache=True, error_model="numpy", fastmath=FAST)
def _order_by_weight(nu: np.ndarray, order: np.ndarray) -> None:
    """Class indices by decreasing weight (insertion sort: K is small)."""
    for k in range(nu.shape[0]):
        i = k
        while i > 0 and nu[order[i - 1]] < nu[k]:
            order[i] = order[i - 1]
            i -= 1
        order[i] = k


@numba.njit(cache=True, error_model="numpy", fastmath=FAST)
def _sample_sticks(
    rng: np.ndarray, counts: np.ndarray, alpha: float, nu: np.ndarray, log_nu: np.ndarray
) -> None:
    """Stick-breaking weights given class counts: V_k ~ Beta(1 + n_k, alpha + n_{>k})."""
    k_max = counts.shape[0]
    after = 0
    for k in range(k_max):
        after += counts[k]
    acc = 0.0
    for k in range(k_max - 1):
        after -= counts[k]
        g1 = _rng.log_gamma(rng, 1.0 + counts[k])
        g2 = _rng.log_gamma(rng, alpha + after)
        top = max(g1, g2)
        lsum = top + math.log(math.exp(g1 - top) + math.exp(g2 - top))
        log_nu[k] = g1 - lsum + acc
        acc += g2 - lsum
        nu[k] = math.exp(log_nu[k])
    log_nu[k_max - 1] = acc
    nu[k_max - 1] = math.exp(acc)


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=FAST)
def sample_chain(
    cells: np.ndarray,
    freq: np.ndarray,
    k_max: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thinning: int,
    max_n0: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Run one Gibbs chain of the latent class model.

    Args:
        cells: (patterns, J) observed 0/1 patterns; freq: their counts.
        k_max: K, the truncation of the stick-breaking prior.
        a_alpha, b_alpha: Gamma prior of the concentration alpha.
        burnin, samples, thinning: sweeps discarded, draws kept, sweeps between draws.
        max_n0: bound on the undocumented count (draws above are set to it and counted).
        seed: seed of this chain.
    Returns:
        (N draws, alpha draws, occupied-class draws, number of sweeps that hit max_n0).
    """
    rng = _rng.new_state(seed)
    m, j = cells.shape
    n = 0
    for i in range(m):
        n += freq[i]
    lam = np.empty((j, k_max))
    for jj in range(j):
        on = 0
        for i in range(m):
            on += freq[i] * cells[i, jj]
        base = on / n
        for k in range(k_max):
            lam[jj, k] = min(max(base + 0.1 * (_rng.uniform(rng) - 0.5), 0.01), 0.99)
    nu = np.empty(k_max)
    log_nu = np.empty(k_max)
    # LCMCR's start: a few heavy classes and a small, fixed alpha during a warm-up, so
    # that chains begin near the sparse configurations the posterior favours.
    alpha = 0.3 / k_max
    for k in range(k_max):
        nu[k] = 0.9 / min(4, k_max) if k < 4 else 0.1 / (k_max - 4)
        log_nu[k] = math.log(nu[k])
    count_mk = np.zeros((m, k_max), dtype=np.int64)
    count0 = np.zeros(k_max, dtype=np.int64)
    counts = np.zeros(k_max, dtype=np.int64)
    ones = np.zeros((j, k_max), dtype=np.int64)
    probs = np.empty(k_max)
    row = np.empty(k_max, dtype=np.int64)
    order = np.arange(k_max)
    n0 = 0
    hits = 0
    out_n = np.empty(samples)
    out_alpha = np.empty(samples)
    out_k = np.empty(samples)
    total_sweeps = WARMUP + burnin + samples * thinning
    for step in range(total_sweeps):
        sweep = step - WARMUP
        _order_by_weight(nu, order)
        # 1. classes of the documented persons, one multinomial per pattern
        for i in range(m):
            for k in range(k_max):
                p = nu[k]
                for jj in range(j):
                    p *= lam[jj, k] if cells[i, jj] == 1 else 1.0 - lam[jj, k]
                probs[k] = p
            _multinomial(rng, freq[i], probs, order, row)
            for k in range(k_max):
                count_mk[i, k] = row[k]
        # 2. inclusion probabilities lambda_jk ~ Beta(1 + on list, 1 + off list)
        for k in range(k_max):
            counts[k] = count0[k]
            for i in range(m):
                counts[k] += count_mk[i, k]
            for jj in range(j):
                ones[jj, k] = 0
                for i in range(m):
                    if cells[i, jj] == 1:
                        ones[jj, k] += count_mk[i, k]
                if counts[k] == 0:
                    lam[jj, k] = _rng.uniform(rng)  # Beta(1, 1): the prior of an empty class
                else:
                    lam[jj, k] = _rng.beta(rng, 1.0 + ones[jj, k], 1.0 + counts[k] - ones[jj, k])
        # 3. class weights by stick breaking
        _sample_sticks(rng, counts, alpha, nu, log_nu)
        # 4. the undocumented: n0 ~ NegBin(n, 1 - p0), as a Gamma-Poisson mixture
        p0 = 0.0
        for k in range(k_max):
            p = nu[k]
            for jj in range(j):
                p *= 1.0 - lam[jj, k]
            probs[k] = p
            p0 += p
        p0 = min(p0, 1.0 - 1e-15)
        rate = _rng.gamma(rng, float(n)) * (p0 / (1.0 - p0))
        if rate >= max_n0:
            n0 = max_n0
            hits += 1
        else:
            n0 = min(_rng.poisson(rng, rate), max_n0)
            if n0 == max_n0:
                hits += 1
        # 5. their classes
        _multinomial(rng, n0, probs, order, count0)
        # 6. concentration alpha ~ Gamma(a + K - 1, b - log pi_K)
        if sweep >= 0:
            alpha = _rng.gamma(rng, a_alpha + k_max - 1.0) / (b_alpha - log_nu[k_max - 1])
        if sweep >= burnin and (sweep - burnin + 1) % thinning == 0:
            s = (sweep - burnin + 1) // thinning - 1
            out_n[s] = n + n0
            out_alpha[s] = alpha
            occupied = 0
            for k in range(k_max):
                if counts[k] > 0:
                    occupied += 1
            out_k[s] = occupied
    return out_n, out_alpha, out_k, hits


def lcmcr(
    table: CaptureTable,
    *,
    level: float = 0.95,
    k: int = 10,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    burnin: int = 10_000,
    samples: int = 1_000,
    thinning: int = 100,
    chains: int = 4,
    max_total_factor: float = 1000.0,
    seed: int | None = None,
) -> Estimate:
    """Latent class estimate: posterior median and equal-tailed interval of N.

    Args:
        table: capture table with at least 2 usable lists (3 or more to model dependence).
        level: interval level.
        k: number of latent classes K (the stick-breaking truncation), default 10.
        a_alpha, b_alpha: Gamma prior of alpha, default 0.25 and 0.25 (as LCMCR).
        burnin, samples, thinning: per chain; defaults as the reference runs (10,000
            sweeps discarded, 1,000 draws every 100 sweeps).
        chains: independent chains, each with its own seed from `seed`.
        max_total_factor: the undocumented count is bounded at this multiple of the
            documented count (draws reaching it are counted and reported).
        seed: master seed (drawn and recorded when None).
    Returns:
        Estimate with posterior draws; diagnostics hold R-hat, ESS, chain medians, the
        posterior mean of alpha and of occupied classes, and draws at the bound.
    Raises:
        TableError: with fewer than 2 usable lists; ValueError on bad settings.
    """
    if len(table.usable_lists()) < 2:
        raise TableError(
            f"the latent class model needs lists with persons, got {table.usable_lists()}"
        )
    if k < 1 or samples < 4 or thinning < 1 or burnin < 0 or chains < 1:
        raise ValueError("need k >= 1, samples >= 4, thinning >= 1, burnin >= 0, chains >= 1")
    seed = fresh_seed() if seed is None else seed
    chain_seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(chains)]
    keep = table.counts > 0
    cells = np.ascontiguousarray(table.patterns[keep])
    freq = np.ascontiguousarray(table.counts[keep])
    max_n0 = int(max_total_factor * table.observed)
    # chains release the GIL: run them side by side; each has its own generator state
    with ThreadPoolExecutor(max_workers=min(chains, os.cpu_count() or 1)) as pool:
        runs = list(
            pool.map(
                lambda s: sample_chain(
                    cells, freq, k, a_alpha, b_alpha, burnin, samples, thinning, max_n0, s
                ),
                chain_seeds,
            )
        )
    draws = np.vstack([r[0] for r in runs])
    pooled = draws.ravel()
    alpha = (1 - level) / 2
    median, lower, upper = (float(v) for v in np.quantile(pooled, [0.5, alpha, 1 - alpha]))
    hits = sum(r[3] for r in runs)
    rhat, ess = split_rhat(draws), effective_sample_size(draws)
    diagnostics: dict[str, object] = {
        "rhat": rhat,
        "ess": ess,
        "chain_medians": [float(np.median(d)) for d in draws],
        "mean": float(pooled.mean()),
        "alpha_mean": float(np.mean([r[1].mean() for r in runs])),
        "occupied_classes_mean": float(np.mean([r[2].mean() for r in runs])),
        "sweeps_at_bound": int(hits),
        "bound": table.observed + max_n0,
        "chain_seeds": chain_seeds,
    }
    warnings = _posterior_warnings(rhat, ess, hits, pooled, table.observed, max_total_factor)
    return Estimate(
        method="lcmcr",
        observed=table.observed,
        estimate=median,
        lower=lower,
        upper=upper,
        level=level,
        warnings=warnings,
        diagnostics=diagnostics,
        settings={
            "k": k,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "chains": chains,
            "max_total_factor": max_total_factor,
        },
        seed=seed,
        lists=table.lists,
        stratum=table.stratum,
        source=table.source,
        draws=pooled,
    )


def _posterior_warnings(
    rhat: float, ess: float, hits: int, pooled: np.ndarray, observed: int, factor: float
) -> list[str]:
    """Caveats on convergence and on the posterior's reach towards bounds."""
    warnings = []
    if not math.isnan(rhat) and rhat > 1.05:
        warnings.append(f"chains disagree (R-hat {rhat:.2f} > 1.05): run longer chains")
    if ess < 400:
        warnings.append(f"few effective draws (ESS {ess:.0f} < 400): run longer chains")
    if hits:
        warnings.append(
            f"the posterior presses on the bound of {factor:g} x observed undocumented "
            f"persons in {hits} sweeps: the data do not bound N"
        )
    share = float(np.mean(pooled > LCMCR_CAP_FACTOR * observed))
    if share > 0.005:
        warnings.append(
            f"{share:.1%} of the posterior lies above {LCMCR_CAP_FACTOR} x observed, where R's "
            "LCMCR silently truncates: its figures would be lower"
        )
    return warnings
