"""Convergence diagnostics for several chains: split R-hat and effective sample size.

Formulas of Gelman et al., Bayesian Data Analysis (3rd ed., ch. 11.4-11.5) as used by Stan:
each chain is split in halves; R-hat compares between- and within-half variance; the
effective sample size sums autocorrelations over chains up to Geyer's initial positive
sequence. `rank_rhat`, `bulk_ess` and `tail_ess` apply them to rank-normalised draws
(Vehtari, Gelman, Simpson, Carpenter and Bürkner 2021, "Rank-normalization, folding, and
localization"), whose thresholds (R-hat at most 1.01, ESS at least 100 per chain) were
calibrated by simulation there and hold for heavy-tailed posteriors.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata

__all__ = ["bulk_ess", "effective_sample_size", "rank_rhat", "split_rhat", "tail_ess"]


def _split(draws: np.ndarray) -> np.ndarray:
    """(chains, draws) -> (2 chains, draws // 2): the halves of every chain."""
    half = draws.shape[1] // 2
    return np.vstack([draws[:, :half], draws[:, half : 2 * half]])


def split_rhat(draws: np.ndarray) -> float:
    """Split R-hat of (chains, draws); 1.0 for constant draws, values > 1.01 warn.

    Args:
        draws: array (chains, draws per chain), at least 4 draws per chain.
    Returns:
        The potential scale reduction factor.
    """
    x = _split(np.asarray(draws, dtype=np.float64))
    n = x.shape[1]
    within = x.var(axis=1, ddof=1).mean()
    between = n * x.mean(axis=1).var(ddof=1)
    if within <= 0:
        return 1.0
    var_plus = (n - 1) / n * within + between / n
    return float(np.sqrt(var_plus / within))


def effective_sample_size(draws: np.ndarray) -> float:
    """Effective sample size of (chains, draws) from split chains' autocorrelation.

    Args:
        draws: array (chains, draws per chain).
    Returns:
        The effective number of independent draws (at most chains x draws).
    """
    x = _split(np.asarray(draws, dtype=np.float64))
    m, n = x.shape
    within = x.var(axis=1, ddof=1).mean()
    if within <= 0:
        return float(m * n)
    var_plus = (n - 1) / n * within + n * x.mean(axis=1).var(ddof=1) / n
    centred = x - x.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spectrum = np.fft.rfft(centred, n=size, axis=1)
    acov = np.fft.irfft(spectrum * np.conj(spectrum), n=size, axis=1)[:, :n] / n
    rho = 1 - (within - acov.mean(axis=0) * n / (n - 1)) / var_plus
    rho[0] = 1.0
    total = 0.0
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        total += pair
    tau = max(2 * total - 1, 1.0 / np.log10(m * n + 10))
    return float(m * n / tau)


def _rank_normal(draws: np.ndarray) -> np.ndarray:
    """Rank-normalised draws: normal scores of the pooled ranks (Blom's offsets)."""
    x = np.asarray(draws, dtype=np.float64)
    ranks = rankdata(x, method="average").reshape(x.shape)
    return np.asarray(ndtri((ranks - 0.375) / (x.size + 0.25)))


def rank_rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat, the larger of bulk and folded (Vehtari et al. 2021).

    Ranks make it valid for heavy-tailed posteriors such as N's, where the plain R-hat
    is ruled by a few extreme draws; the folded version (|x - median|) catches chains that
    agree on the centre but not on the spread.

    Args:
        draws: array (chains, draws per chain), at least 4 draws per chain.
    Returns:
        R-hat; at most 1.01 is the published threshold.
    """
    x = np.asarray(draws, dtype=np.float64)
    folded = np.abs(x - np.median(x))
    return max(split_rhat(_rank_normal(x)), split_rhat(_rank_normal(folded)))


def bulk_ess(draws: np.ndarray) -> float:
    """Bulk effective sample size: the ESS of the rank-normalised draws (Vehtari et al. 2021).

    Args:
        draws: array (chains, draws per chain).
    Returns:
        Effective draws for the centre of the posterior (the median, our point estimate).
    """
    return effective_sample_size(_rank_normal(draws))


def tail_ess(draws: np.ndarray, level: float = 0.95) -> float:
    """Tail effective sample size: the smaller ESS of the indicators of the two interval
    bounds' quantiles (Vehtari et al. 2021, there at 5% and 95%; here at `level`'s).

    Args:
        draws: array (chains, draws per chain); level: the interval level.
    Returns:
        Effective draws for the interval's bounds.
    """
    x = np.asarray(draws, dtype=np.float64)
    alpha = (1 - level) / 2
    low, high = np.quantile(x, [alpha, 1 - alpha])
    return min(
        effective_sample_size((x <= low).astype(np.float64)),
        effective_sample_size((x >= high).astype(np.float64)),
    )
