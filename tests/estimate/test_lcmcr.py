"""The latent class sampler: exact where the posterior is known, and as R's LCMCR."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.special import gammaln

from musterroll.estimate import lcmcr
from musterroll.estimate.lcmcr import TARGET_ESS, TARGET_RHAT

REF = json.loads((Path(__file__).parent / "data/reference.json").read_text())["lcmcr"]


def test_one_class_matches_the_exact_posterior_of_the_independence_model(reference_table):
    # With K = 1 and Beta(1, 1) priors, p(N | data) ∝ (1/N) N!/(N-n)! prod_j B(n_j+1, N-n_j+1)
    table = reference_table("hiv_rome")
    n, totals = table.observed, table.list_totals()
    grid = np.arange(n, 20 * n)
    logp = -np.log(grid) + gammaln(grid + 1) - gammaln(grid - n + 1)
    logp += sum(gammaln(t + 1) + gammaln(grid - t + 1) - gammaln(grid + 2) for t in totals)
    cdf = np.cumsum(np.exp(logp - logp.max()))
    cdf /= cdf[-1]
    exact = grid[np.searchsorted(cdf, [0.025, 0.5, 0.975])]
    result = lcmcr(table, k=1, chains=2, burnin=500, samples=4000, thinning=5, seed=3)
    assert result.estimate == pytest.approx(exact[1], rel=0.005)
    assert result.lower == pytest.approx(exact[0], rel=0.01)
    assert result.upper == pytest.approx(exact[2], rel=0.01)


def test_same_seed_same_draws_and_seeds_are_recorded(reference_table):
    table = reference_table("korea_comfort_women_palembang")
    a = lcmcr(table, chains=2, burnin=200, samples=200, thinning=5, seed=9)
    b = lcmcr(table, chains=2, burnin=200, samples=200, thinning=5, seed=9)
    c = lcmcr(table, chains=2, burnin=200, samples=200, thinning=5, seed=10)
    # extended chains are as reproducible as the first round (the budget did not bind)
    assert np.array_equal(a.draws, b.draws)
    assert not np.array_equal(a.draws, c.draws)
    assert a.seed == 9 and len(a.diagnostics["chain_seeds"]) == 2


def test_golden_korea_short_run(reference_table):
    # R's LCMCR over its seeds: median 137-138, interval [123-124, 194-214] (shared/data/mse).
    # Exact draws depend on the CPU's floating point (fused multiply-add), so the short run
    # is held to that spread, give or take 5%, as the issue asks of the full runs.
    table = reference_table("korea_comfort_women_palembang")
    result = lcmcr(table, chains=2, burnin=2000, samples=500, thinning=20, seed=2026)
    assert 137 * 0.95 <= result.estimate <= 138 * 1.05
    assert 123 * 0.95 <= result.lower <= 124 * 1.05
    assert 194 * 0.95 <= result.upper <= 214 * 1.05


def test_chains_stopped_short_say_they_did_not_converge(reference_table):
    # no time to extend 50 draws of 2 chains: the result says so, in the JSON too
    result = lcmcr(
        reference_table("kosovo"), chains=2, burnin=100, samples=50, thinning=1,
        max_seconds=0, seed=1,
    )
    assert {"rhat", "ess", "ess_tail", "chain_medians"} <= set(result.diagnostics)
    assert result.converged is False and result.to_dict()["converged"] is False
    assert any("NOT CONVERGED" in w and "run longer" in w for w in result.warnings)


def test_chains_run_on_until_they_converge(reference_table):
    # the same short start, with time to go on: the chains are extended until R-hat and
    # both effective sample sizes reach their targets
    result = lcmcr(
        reference_table("kosovo"), chains=2, burnin=100, samples=50, thinning=5, seed=1
    )
    d = result.diagnostics
    assert result.converged is True and d["rounds"] > 1 and d["draws_per_chain"] > 50
    assert d["rhat"] <= TARGET_RHAT
    assert min(d["ess"], d["ess_tail"]) >= TARGET_ESS
    assert not any("CONVERGED" in w for w in result.warnings)


def test_progress_is_reported_while_the_chains_run(reference_table):
    lines: list[str] = []
    lcmcr(reference_table("korea_comfort_women_palembang"), chains=2, burnin=50, samples=20,
          thinning=2, progress=lines.append, seed=4)
    assert lines and "draws" in lines[0]


def test_a_posterior_pressing_on_the_bound_is_reported(reference_table):
    # a bound of 1.05 x observed is far below the posterior: the draws press on it
    table = reference_table("hepatitis_a_taiwan")
    result = lcmcr(
        table, chains=1, burnin=200, samples=100, thinning=2, max_total_factor=0.05, seed=1
    )
    assert result.diagnostics["sweeps_at_bound"] > 0
    assert any("presses on the bound" in w for w in result.warnings)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REF))
def test_median_and_interval_within_the_reference_seeds_spread(reference_table, name):
    (med_lo, med_hi), lower, upper = REF[name]
    result = lcmcr(reference_table(name), seed=2026)
    assert med_lo * 0.95 <= result.estimate <= med_hi * 1.05
    if lower is not None:
        assert lower[0] * 0.95 <= result.lower <= lower[1] * 1.05
        assert upper[0] * 0.95 <= result.upper <= upper[1] * 1.05
