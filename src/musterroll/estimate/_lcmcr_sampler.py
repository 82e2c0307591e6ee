"""The Gibbs sampler of the latent class model (see `lcmcr` for the model), compiled.

A chain's state is plain arrays (`start_chain`), updated in place by `advance_chain`, so
that a chain that has not converged is continued exactly where it stopped.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from musterroll.estimate import _numba_cache, _rng
from musterroll.estimate._rng import FAST

__all__ = ["WARMUP", "advance_chain", "sample_chain", "start_chain"]

WARMUP = 500  # sweeps with alpha fixed before the burn-in, as LCMCR
SMALL_MULTINOMIAL = 8  # below this many persons, draw classes one by one
_numba_cache.install(__file__)  # before the first cached function: see _numba_cache


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
def start_chain(
    cells: np.ndarray, freq: np.ndarray, k_max: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The starting state of one chain: (rng, lambda, nu, log nu, alpha box, n0 classes).

    The state is plain arrays, updated in place by `advance_chain`, so that a chain that
    has not converged can be continued exactly where it stopped.
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
    alpha = np.array([0.3 / k_max])
    for k in range(k_max):
        nu[k] = 0.9 / min(4, k_max) if k < 4 else 0.1 / (k_max - 4)
        log_nu[k] = math.log(nu[k])
    count0 = np.zeros(k_max, dtype=np.int64)
    return rng, lam, nu, log_nu, alpha, count0


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=FAST)
def advance_chain(
    cells: np.ndarray,
    freq: np.ndarray,
    state: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    a_alpha: float,
    b_alpha: float,
    warmup: int,
    burnin: int,
    samples: int,
    thinning: int,
    max_n0: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Continue one Gibbs chain of the latent class model from `state` (updated in place).

    Args:
        cells: (patterns, J) observed 0/1 patterns; freq: their counts.
        state: from `start_chain` or a previous call.
        a_alpha, b_alpha: Gamma prior of the concentration alpha.
        warmup: first sweeps with alpha held fixed (LCMCR's warm-up; 0 to continue).
        burnin, samples, thinning: sweeps discarded, draws kept, sweeps between draws.
        max_n0: bound on the undocumented count (draws above are set to it and counted).
    Returns:
        (N draws, alpha draws, occupied-class draws, number of sweeps that hit max_n0).
    """
    rng, lam, nu, log_nu, alpha_box, count0 = state
    m, j = cells.shape
    k_max = nu.shape[0]
    n = 0
    for i in range(m):
        n += freq[i]
    alpha = alpha_box[0]
    count_mk = np.zeros((m, k_max), dtype=np.int64)
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
    total_sweeps = warmup + burnin + samples * thinning
    for step in range(total_sweeps):
        sweep = step - warmup
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
    alpha_box[0] = alpha
    return out_n, out_alpha, out_k, hits


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
    """Run one Gibbs chain of the latent class model from its start (warm-up included).

    Arguments as `start_chain` and `advance_chain`; returns what `advance_chain` returns.
    """
    state = start_chain(cells, freq, k_max, seed)
    return advance_chain(
        cells, freq, state, a_alpha, b_alpha, WARMUP, burnin, samples, thinning, max_n0
    )
