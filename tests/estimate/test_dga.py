"""Graphical-model averaging agrees with R's dga and does not truncate silently."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from musterroll.estimate import CaptureTable, dga
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


def test_a_short_grid_is_extended_until_the_mass_stops_before_its_end(reference_table):
    # a grid ending at 3 x observed cuts Korea's long tail: it is extended tenfold until
    # the mass in its last tenth is negligible, and the summary is that of the full grid
    table = reference_table("korea_comfort_women_palembang")
    short = dga(table, max_factor=3, seed=1)
    full = dga(table, seed=1)
    assert short.diagnostics["grid_extensions"] >= 2
    assert short.diagnostics["mass_in_last_tenth_of_grid"] <= 1e-6
    assert short.diagnostics["grid_max_total"] > 100 * table.observed
    assert (short.estimate, short.upper) == pytest.approx((full.estimate, full.upper), rel=0.01)


# Three lists, constructed (found by searching small tables for two modes): list 1 is
# small (19 persons), nearly all of them on list 2, while lists 2 and 3 hardly overlap.
# Graphs that explain these overlaps by dependence and graphs that do not fit about
# equally well and extrapolate to totals about nine times apart: two modes.
BIMODAL_CELLS = [0, 51, 51, 1, 1, 2, 12, 4]


def test_a_posterior_with_two_modes_is_reported():
    table = CaptureTable.from_cells(["A", "B", "C"], np.array(BIMODAL_CELLS))
    result = dga(table, seed=1)
    shape = result.diagnostics["shape"]
    modes = shape["modes"]
    assert len(modes) == 2 and all(m["mass"] > 0.2 for m in modes)
    assert modes[1]["at"] > 3 * modes[0]["at"]  # far apart, not one hump's noise
    assert any("separate modes" in w for w in result.warnings)
    assert shape["mean"] > shape["median"]


def test_kosovo_has_one_mode_and_no_shape_warning(reference_table):
    result = dga(reference_table("kosovo"), seed=1)
    shape = result.diagnostics["shape"]
    assert len(shape["modes"]) == 1
    assert shape["mass_beyond"]["5x"] < 1e-3
    assert not any("modes" in w or "heavy upper tail" in w for w in result.warnings)


def test_a_heavy_tail_is_reported(reference_table):
    # hepatitis A: the complete graph holds much of the posterior, whose mean runs far
    # above the median
    result = dga(reference_table("hepatitis_a_taiwan"), seed=1)
    assert result.diagnostics["shape"]["mean_over_median_undocumented"] > 1.5
    assert any("heavy upper tail" in w for w in result.warnings)


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
