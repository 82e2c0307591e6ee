"""Random draws and MCMC diagnostics the sampler relies on."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import stats

from musterroll.estimate import _rng
from musterroll.estimate._mcmc import effective_sample_size, split_rhat


@numba.njit
def _binomials(seed, size, n, p):
    s = _rng.new_state(seed)
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = _rng.binomial(s, n, p)
    return out


@numba.njit
def _gammas(seed, size, shape, log):
    s = _rng.new_state(seed)
    out = np.empty(size)
    for i in range(size):
        out[i] = np.exp(_rng.log_gamma(s, shape)) if log else _rng.gamma(s, shape)
    return out


@pytest.mark.parametrize(("n", "p"), [(7, 0.5), (30, 0.2), (60, 0.2), (1000, 0.45), (400, 0.93)])
def test_binomial_draws_follow_the_binomial_law(n, p):
    draws = _binomials(17, 200_000, n, p)
    observed = np.bincount(draws, minlength=n + 1)
    expected = stats.binom.pmf(np.arange(n + 1), n, p) * len(draws)
    keep = expected > 20
    scaled = expected[keep] * observed[keep].sum() / expected[keep].sum()
    assert stats.chisquare(observed[keep], scaled).pvalue > 1e-4


@pytest.mark.parametrize(
    ("shape", "log"), [(0.05, True), (0.7, False), (3.0, False), (250.0, True)]
)
def test_gamma_draws_have_the_gamma_mean_and_variance(shape, log):
    draws = _gammas(5, 400_000, shape, log)
    assert draws.mean() == pytest.approx(shape, rel=0.02)
    assert draws.var() == pytest.approx(shape, rel=0.05)


def test_rhat_is_one_for_mixed_chains_and_large_for_stuck_ones():
    rng = np.random.default_rng(1)
    mixed = rng.normal(size=(4, 1000))
    stuck = mixed + np.array([[0.0], [0.0], [3.0], [3.0]])
    assert split_rhat(mixed) == pytest.approx(1.0, abs=0.01)
    assert split_rhat(stuck) > 1.5


def test_ess_is_near_the_draws_when_independent_and_small_when_autocorrelated():
    rng = np.random.default_rng(2)
    iid = rng.normal(size=(4, 1000))
    ar = np.zeros((4, 1000))
    for t in range(1, 1000):
        ar[:, t] = 0.95 * ar[:, t - 1] + rng.normal(size=4)
    assert effective_sample_size(iid) == pytest.approx(4000, rel=0.15)
    # AR(1) with rho 0.95: ESS about n (1 - rho) / (1 + rho), i.e. about 100
    assert 40 < effective_sample_size(ar) < 250


@numba.njit
def _betas(seed, size, a, b):
    s = _rng.new_state(seed)
    out = np.empty(size)
    for i in range(size):
        out[i] = _rng.beta(s, a, b)
    return out


@pytest.mark.parametrize(
    ("a", "b"), [(30.0, 500.0), (1.5, 2.5), (3000.0, 2.0), (1.0, 7.0), (0.3, 0.2)]
)
def test_beta_draws_follow_the_beta_law(a, b):
    draws = _betas(8, 100_000, a, b)
    assert stats.kstest(draws, stats.beta(a, b).cdf).pvalue > 1e-4


@numba.njit
def _normals(seed, size):
    s = _rng.new_state(seed)
    out = np.empty(size)
    for i in range(size):
        out[i] = _rng.normal(s)
    return out


def test_normal_draws_follow_the_normal_law_including_the_tail():
    draws = _normals(3, 2_000_000)
    assert stats.kstest(draws[:200_000], "norm").pvalue > 1e-4
    beyond = np.mean(np.abs(draws) > 3.442619855899)  # the ziggurat's base strip
    assert beyond == pytest.approx(2 * stats.norm.sf(3.442619855899), rel=0.1)


@numba.njit
def _poissons(seed, size, lam):
    s = _rng.new_state(seed)
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = _rng.poisson(s, lam)
    return out


@pytest.mark.parametrize("lam", [0.5, 4.0, 25.0, 6000.0])
def test_poisson_draws_follow_the_poisson_law(lam):
    draws = _poissons(4, 200_000, lam)
    values, observed = np.unique(draws, return_counts=True)
    expected = stats.poisson.pmf(values, lam) * len(draws)
    keep = expected > 20
    scaled = expected[keep] * observed[keep].sum() / expected[keep].sum()
    assert stats.chisquare(observed[keep], scaled).pvalue > 1e-4
