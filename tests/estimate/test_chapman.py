"""Chapman's and Lincoln–Petersen's two-list estimators."""

from __future__ import annotations

import pytest

from musterroll.estimate import CaptureTable, chapman, lincoln_petersen


def two_lists(n1_only: int, n2_only: int, both: int) -> CaptureTable:
    return CaptureTable.from_cells(("A", "B"), [0, n2_only, n1_only, both])


def test_chapman_estimate_and_variance_follow_the_formulas():
    # n1 = 100, n2 = 60, m = 20
    result = chapman(two_lists(80, 40, 20))
    assert result.estimate == pytest.approx(101 * 61 / 21 - 1)
    assert result.diagnostics["variance"] == pytest.approx(101 * 61 * 80 * 40 / (21**2 * 22))
    assert result.diagnostics["lincoln_petersen"] == pytest.approx(300.0)
    assert result.observed == 140
    assert result.lower >= 140 and result.lower < result.estimate < result.upper


def test_lists_that_do_not_overlap_are_flagged():
    result = chapman(two_lists(50, 50, 0))
    assert any("do not overlap" in w for w in result.warnings)
    assert lincoln_petersen(50, 50, 0) == float("inf")


def test_more_lists_are_collapsed_with_a_warning_or_a_pair_is_used(reference_table):
    table = reference_table("kosovo")
    collapsed = chapman(table)
    assert any("union" in w for w in collapsed.warnings)
    pair = chapman(table, pair=["ABA", "OSCE"])
    assert pair.diagnostics["pair"] == ["ABA", "OSCE"]
    assert any("ignored" in w for w in pair.warnings)


def test_a_higher_level_gives_a_wider_interval():
    table = two_lists(80, 40, 20)
    narrow, wide = chapman(table, level=0.8), chapman(table, level=0.99)
    assert wide.lower < narrow.lower and wide.upper > narrow.upper
