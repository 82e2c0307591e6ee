"""Caveats come from an estimate's own figures, and each method says what it assumes."""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from musterroll.estimate.caveats import (
    ASSUMPTIONS,
    VALIDATION,
    caveats_from_result,
    load_validation,
    scope_caveats,
)


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


def _edited_copy(tmp_path: Path, edit: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the shipped validation summary, edited as a new `make validate` would."""
    data = json.loads(VALIDATION.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "validation.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_scope_caveats_quote_the_shipped_validation():
    killed, casualty = scope_caveats(["killed"]), scope_caveats(["casualty"])
    assert len(killed) == len(casualty) == 1
    assert "remains never found" in killed[0] and "32% of the dead, 25%-37%" in killed[0]
    assert "On 50 simulated wars of 4,000 people its 95% interval" in casualty[0]
    assert "covered the true total in 48;" in casualty[0]
    assert "on wars of 20,000 people the estimate lay about 1% above the truth" in casualty[0]
    assert "2026-11-28" in casualty[0] and "--wars 50 --people 4000" in casualty[0]
    assert scope_caveats(["missing"]) == scope_caveats(["killed", "missing"]) == []


def test_the_caveat_figures_follow_the_validation_file(tmp_path):
    def rerun(data: dict[str, Any]) -> None:
        run = data["runs"][0]  # 50 wars of 4,000 people
        run |= {"date": "2027-01-05", "wars": 60, "people": 5000,
                "command": "bench/validate_coverage.py --wars 60 --people 5000"}
        run["scopes"]["casualty"] |= {"wars": 60, "covered": 55}
        run["scopes"]["killed"]["missing_dead_share"] = {"mean": 0.41, "min": 0.3, "max": 0.5}
        data["runs"][1]["scopes"]["casualty"]["estimate_over_truth"]["median"] = 0.97

    validation = load_validation(_edited_copy(tmp_path, rerun))
    casualty = scope_caveats(["casualty"], validation=validation)[0]
    assert "On 60 simulated wars of 5,000 people its 95% interval" in casualty
    assert "covered the true total in 55;" in casualty and " in 48" not in casualty
    assert "the estimate lay about 3% below the truth" in casualty
    assert "2027-01-05" in casualty and "--wars 60 --people 5000" in casualty
    killed = scope_caveats(["killed"], validation=validation)[0]
    assert "on 60 simulated wars of 5,000 people 41% of the dead, 30%-50%" in killed
    assert "32%" not in killed


def test_a_scope_the_validation_never_ran_is_named(tmp_path):
    def killed_only(data: dict[str, Any]) -> None:
        for run in data["runs"]:
            del run["scopes"]["casualty"]

    validation = load_validation(_edited_copy(tmp_path, killed_only))
    with pytest.raises(ValueError, match="no run of scope 'casualty'.*SCOPES=casualty"):
        scope_caveats(["casualty"], validation=validation)
    empty = tmp_path / "empty.json"
    empty.write_text('{"runs": []}')
    with pytest.raises(ValueError, match="empty.json: not a validation summary"):
        load_validation(empty)


def _bench(name: str) -> Any:
    """A script of bench/ as a module."""
    path = Path(__file__).parents[2] / "bench" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_validation_run_stores_what_the_caveats_then_say(tmp_path, monkeypatch):
    validate = _bench("validate_coverage")

    def war(seed: int, covers: bool) -> dict[str, Any]:
        killed = {"method": "loglinear", "true": 300, "all_dead": 400, "with_found_alive": 0,
                  "estimate": 310.0, "lower": 290.0, "upper": 330.0, "covers_true": True,
                  "covers_all_dead": False}
        casualty = {"method": "lcmcr", "true": 1000, "with_found_alive": 1100,
                    "estimate": 1040.0, "lower": 1010.0 if not covers else 990.0,
                    "upper": 1080.0, "covers_true": covers, "covers_with_found_alive": False}
        return {"seed": seed, "killed": killed, "casualty": casualty}

    path = _edited_copy(tmp_path, lambda data: None)  # the shipped runs, 50 and 8 wars
    rows = [war(1, True), war(2, False), war(3, True)]
    args = argparse.Namespace(wars=50, people=4000, first_seed=1, linked=0)
    monkeypatch.setattr(sys, "argv", ["validate_coverage.py", "--wars", "50", "--summary",
                                      str(path)])
    validate.write_summary(path, args, ["killed", "casualty"], rows)
    validation = load_validation(path)
    assert len(validation["runs"]) == 2  # the run of 50 wars of 4,000 people was replaced
    casualty = scope_caveats(["casualty"], validation=validation)[0]
    assert "On 3 simulated wars of 4,000 people its 95% interval" in casualty
    assert "covered the true total in 2;" in casualty
    assert "bench/validate_coverage.py --wars 50;" in casualty and "--summary" not in casualty
    killed = scope_caveats(["killed"], validation=validation)[0]
    assert "25% of the dead, 25%-25%" in killed
