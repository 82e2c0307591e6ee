"""Strata are estimated one by one and combined by their draws, not their bounds."""

from __future__ import annotations

import numpy as np
import pytest

from musterroll.estimate import estimate_strata, read_tables


@pytest.fixture(scope="module")
def strata(data_dir):
    return read_tables(data_dir / "spina_bifida_newyork_by_covariates.csv", stratum="eth")


@pytest.mark.parametrize("method", ["dga", "loglinear", "chapman"])
def test_the_total_is_the_sum_of_the_strata_with_a_proper_interval(strata, method):
    settings = {"bootstrap": 200, "max_seconds": 0} if method == "loglinear" else {}
    total = estimate_strata(strata, method, seed=4, **settings)
    assert total.stratum == "all"
    assert [s.stratum for s in total.strata] == ["caucasian", "afro-american", "other"]
    assert total.observed == 621 == sum(s.observed for s in total.strata)
    assert total.lower <= total.estimate <= total.upper
    # summing bounds would give a wider interval than combining draws or variances
    assert total.upper - total.lower < sum(s.upper - s.lower for s in total.strata)
    if method != "dga":  # dga's total is the median of the summed draws
        assert total.estimate == pytest.approx(sum(s.estimate for s in total.strata))


def test_stratum_seeds_derive_from_the_master_seed(strata):
    a = estimate_strata(strata, "dga", seed=4)
    b = estimate_strata(strata, "dga", seed=4)
    assert a.seed == 4
    assert [s.seed for s in a.strata] == [s.seed for s in b.strata]
    assert len({s.seed for s in a.strata}) == 3
    assert np.array_equal(a.draws, b.draws)


def test_stratum_warnings_name_their_stratum(strata):
    total = estimate_strata(strata, "dga", seed=4)
    assert any(w.startswith("stratum 'other': only 2 list(s)") for w in total.warnings)


def test_without_bootstrap_replicates_no_interval_is_invented(strata):
    total = estimate_strata(strata, "loglinear", bootstrap=0, seed=1)
    assert np.isnan(total.lower) and np.isnan(total.upper)
    assert any("bounds must not be added" in w for w in total.warnings)
