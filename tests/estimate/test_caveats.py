"""Caveats come from an estimate's own figures, and each method says what it assumes."""

from __future__ import annotations

import subprocess
import sys

from musterroll.estimate.caveats import ASSUMPTIONS, caveats_from_result


def test_caveats_follow_the_figures_of_the_estimate():
    narrow = caveats_from_result("lcmcr", observed=900, point=1000, lower=950, upper=1100,
                                 diagnostics={"rhat": 1.002, "ess": 2500}, converged=True)
    wide = caveats_from_result("lcmcr", observed=100, point=400, lower=150, upper=1200,
                               diagnostics={"rhat": 1.002, "ess": 2500}, converged=True)
    assert narrow[0].startswith("lcmcr assumes") and "heterogeneity" in narrow[0]
    assert any("10% of the estimated total (100 persons)" in c for c in narrow)
    assert any("75% of the estimated total" in c for c in wide)
    assert any("interval is wide" in c and "8.0 times" in c for c in wide)
    assert not any("interval is wide" in c for c in narrow)
    assert any("R-hat 1.002" in c for c in narrow)


def test_an_unconverged_estimate_is_said_to_be_so():
    caveats = caveats_from_result("loglinear", observed=100, point=150, lower=120, upper=200,
                                  diagnostics={}, converged=False)
    assert any("did not converge" in c for c in caveats)


def test_every_method_states_its_assumptions():
    from musterroll.estimate import METHODS

    assert set(ASSUMPTIONS) == set(METHODS)


def test_the_command_line_loads_no_numerical_stack_at_start():
    # `musterroll --help` must start fast: heavy stacks are imported by the commands
    # that use them (bench/bench_startup.py measures the time)
    code = ("import sys, musterroll.cli; heavy = ('numpy', 'pandas', 'scipy', 'numba', "
            "'sqlalchemy', 'splink', 'duckdb', 'fastapi'); "
            "print(' '.join(m for m in heavy if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True).stdout.split()
    assert loaded == []
