"""Estimates under several linkages: the spread is reported, not one of them."""

from __future__ import annotations

from musterroll.estimate import CaptureTable, estimate_over_linkages


def test_looser_linkage_gives_more_overlap_and_the_spread_is_reported(reference_table):
    strict = reference_table("kosovo")
    cells = strict.cells()
    # a looser threshold merges 300 persons seen only on ABA with persons seen only on EXH
    loose = cells.copy()
    loose[0b1000] -= 300
    loose[0b0100] -= 300
    loose[0b1100] += 300
    tables = {0.9: [strict], 0.7: [CaptureTable.from_cells(strict.lists, loose)]}
    spread = estimate_over_linkages(tables, "dga", seed=5)
    assert list(spread.estimates) == [0.7, 0.9]
    assert spread.estimates[0.7].estimate < spread.estimates[0.9].estimate
    assert spread.lower <= spread.lowest <= spread.highest <= spread.upper
    assert {e.seed for e in spread.estimates.values()} == {5}
    assert any("linkage thresholds" in w for w in spread.warnings)
    assert set(spread.to_dict()["thresholds"]) == {"0.7", "0.9"}
