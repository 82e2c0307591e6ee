"""DVI against dvir 3.4.2's answers on its four datasets (shared/data/dna/dvi).

For each: the pairwise LR matrix (log10 to 1e-9, zeros and non-pairings exactly), the
exclusion matrix exactly, the joint table's log-likelihoods in dvir's order (to 1e-8; the
assignments within a run of equal log-likelihoods as sets, because which of two equal
floating sums R put first is rounding), and the posterior pairing probabilities to 1e-9.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from musterroll.kinship.dvi_io import JOINT_ROWS, solve_dvi

DATASETS = ["example1", "example2", "planecrash", "icmp"]


def _matrix(x: dict[str, Any]) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in x["values"]],
                    dtype=float)


def _runs(rows: list[dict[str, Any]], victims: list[str]) -> list[list[tuple[str, ...]]]:
    """Assignments grouped in runs of equal log-likelihood (to 1e-7), each run sorted."""
    runs: list[list[tuple[str, ...]]] = []
    first = math.nan
    for row in rows:
        ll = -math.inf if row["loglik"] is None else row["loglik"]
        if not runs or not (ll == first or abs(ll - first) <= 1e-7):
            runs.append([])
            first = ll
        runs[-1].append(tuple(row[v] for v in victims))
    return [sorted(r) for r in runs]


def _check(name: str, dna_dir: Path) -> None:
    ours = solve_dvi(dna_dir / f"dvi/{name}_input.json")
    ref = json.loads((dna_dir / f"dvi/{name}_output.json").read_text())
    a, b = _matrix(ours["LRmatrix"]), _matrix(ref["LRmatrix"])
    assert ours["LRmatrix"]["rows"] == ref["LRmatrix"]["rows"]
    assert ours["LRmatrix"]["cols"] == ref["LRmatrix"]["cols"]
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
    np.testing.assert_array_equal(a == 0, b == 0)
    pos = b > 0
    assert np.max(np.abs(np.log10(a[pos]) - np.log10(b[pos]))) < 1e-9
    np.testing.assert_array_equal(_matrix(ours["exclusionMatrix"]),
                                  _matrix(ref["exclusionMatrix"]))
    assert ours["dviJoint_nrow"] == ref["dviJoint_nrow"]
    rows_ours, rows_ref = ours["dviJoint"], ref["dviJoint"]
    assert len(rows_ours) == len(rows_ref) == min(JOINT_ROWS, ref["dviJoint_nrow"])
    for x, y in zip(rows_ours, rows_ref, strict=True):
        if y["loglik"] is None:
            assert x["loglik"] is None
        else:
            assert x["loglik"] == pytest.approx(y["loglik"], abs=1e-8)
            assert x["LR"] == pytest.approx(y["LR"], rel=1e-7)
    victims = ours["LRmatrix"]["rows"]
    # The last run may be cut by the 200-row limit; compare whole runs only.
    assert _runs(rows_ours, victims)[:-1] == _runs(rows_ref, victims)[:-1]
    np.testing.assert_allclose(_matrix(ours["Bmarginal"]), _matrix(ref["Bmarginal"]),
                               rtol=0, atol=1e-9)


@pytest.mark.parametrize("name", DATASETS)
def test_dvi_agrees_with_dvir(name: str, dna_dir: Path) -> None:
    _check(name, dna_dir)


def _same_number(ours: float | None, ref: float | None) -> bool:
    if ref is None or ours is None:
        return ours is ref
    return abs(ours - ref) <= 1e-6 * abs(ref)


@pytest.mark.parametrize("name", DATASETS)
def test_conclusions_agree_with_dvirs_dvisolve(name: str, dna_dir: Path) -> None:
    """Same conclusion, sample or missing person, LR and GLR (to 1e-6) for every row.

    Except where dvir's LR is 1 within rounding: which side of 1 a theoretical LR of
    exactly 1 falls ("No match" below 1, "Inconclusive" at 1) is floating noise in R
    (example1's V2 has 0.999999999999996 there, example2's V1 exactly 1).
    """
    ours = solve_dvi(dna_dir / f"dvi/{name}_input.json")
    ref = json.loads((dna_dir / f"dvi/{name}_output.json").read_text())
    for table, key, other in (("dviSolve_AM", "Missing", "Sample"),
                              ("dviSolve_PM", "Sample", "Missing")):
        rows = {r[key]: r for r in ours[table]}
        assert set(rows) == {r[key] for r in ref[table]}
        for want in ref[table]:
            got = rows[want[key]]
            if want["LR"] is not None and abs(want["LR"] - 1) < 1e-9:
                continue
            assert got["Conclusion"] == want["Conclusion"], (table, want, got)
            assert (got[other] or None) == (want[other] or None), (table, want, got)
            assert _same_number(got["LR"], want["LR"]), (table, want, got)
            assert _same_number(got["GLR"], want["GLR"]), (table, want, got)


def test_icmp_recovers_its_truth_with_v2_a_symmetric_match(dna_dir: Path) -> None:
    ours = solve_dvi(dna_dir / "dvi/icmp_input.json")
    truth = json.loads((dna_dir / "dvi/icmp_input.json").read_text())["truth"]
    found = {r["Sample"]: r for r in ours["dviSolve_PM"]}
    for victim, missing in truth.items():
        assert missing in found[victim]["Missing"].split("/")
    assert found["V2"]["Conclusion"] == "Symmetric match"
    assert found["V2"]["Missing"] == "M10/M11"
