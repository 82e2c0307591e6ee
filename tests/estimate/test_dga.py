"""Graphical-model averaging agrees with R's dga and does not truncate silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from musterroll.estimate import dga
from musterroll.estimate.dga import decomposable_graphs

REF = json.loads((Path(__file__).parent / "data/reference.json").read_text())


@pytest.mark.parametrize(("j", "count"), [(3, 8), (4, 61), (5, 822)])
def test_decomposable_graphs_are_enumerated(j, count):
    graphs = decomposable_graphs(j)
    assert len(graphs) == count
    assert len({frozenset(c) for c, _ in graphs}) == count


def test_a_four_cycle_is_not_decomposable():
    # the 4-cycle 1-2-3-4-1 has cliques {12, 23, 34, 14}: it must not be listed
    cycle = {0b1100, 0b0110, 0b0011, 0b1001}
    assert all(set(c) != cycle for c, _ in decomposable_graphs(4))


@pytest.mark.parametrize("name", sorted(REF["dga"]))
def test_posterior_median_is_within_five_percent_of_dga(reference_table, name):
    median, low, high = REF["dga"][name]
    result = dga(reference_table(name), seed=1)
    assert result.estimate == pytest.approx(median, rel=0.05)
    assert result.lower == pytest.approx(low, rel=0.05)
    if name not in REF["dga_truncated"]:
        assert result.upper == pytest.approx(high, rel=0.05)
    else:  # dga's grid cut the upper tail: ours reaches further
        assert result.upper > high


def test_the_complete_graph_holding_the_posterior_is_reported(reference_table):
    result = dga(reference_table("hepatitis_a_taiwan"), seed=1)
    assert any("complete graph" in w for w in result.warnings)


def test_mass_at_the_edge_of_a_short_grid_is_reported(reference_table):
    result = dga(reference_table("korea_comfort_women_palembang"), max_factor=3, seed=1)
    assert any("last tenth of the grid" in w for w in result.warnings)


def test_dga_needs_three_lists(reference_table):
    from musterroll.estimate import TableError

    table = reference_table("kosovo").select(["ABA", "EXH"])
    with pytest.raises(TableError, match="3 to 6 lists"):
        dga(table)


def test_a_large_table_is_refined_where_the_mass_is(reference_table):
    from musterroll.estimate import CaptureTable

    small = reference_table("kosovo")
    large = CaptureTable.from_cells(small.lists, small.cells() * 20)  # 88,000 documented
    result = dga(large, seed=1)
    assert large.observed <= result.lower <= result.estimate <= result.upper
    # the refined grid resolves the interval count by count
    assert result.upper - result.lower > 10
