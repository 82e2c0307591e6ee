"""Convergence diagnostics for several chains: split R-hat and effective sample size.

Formulas of Gelman et al., Bayesian Data Analysis (3rd ed., ch. 11.4-11.5) as used by Stan:
each chain is split in halves; R-hat compares between- and within-half variance; the
effective sample size sums autocorrelations over chains up to Geyer's initial positive
sequence.
"""

from __future__ import annotations

import numpy as np

__all__ = ["effective_sample_size", "split_rhat"]


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
