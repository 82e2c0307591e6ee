"""The caveats that must accompany a number."""

from __future__ import annotations

from musterroll.estimate import CaptureTable, check_table, compare_methods, estimate


def test_two_lists_non_overlap_and_sparse_cells_are_flagged():
    # lists b and c never share a person; most cells are tiny
    table = CaptureTable(
        ("a", "b", "c"),
        [[1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]],
        [2, 1, 40, 3, 4],
    )
    warnings = check_table(table)
    assert any("'b' and 'c' have no person in common" in w for w in warnings)
    assert any("fewer than 5 persons" in w for w in warnings)


def test_fewer_than_three_usable_lists_are_flagged():
    table = CaptureTable(("a", "b", "c"), [[1, 1, 0], [1, 0, 0], [0, 1, 0]], [20, 30, 40])
    assert any("only 2 list(s) with persons" in w for w in check_table(table))


def test_table_caveats_come_first_in_every_estimate():
    table = CaptureTable(("a", "b", "c"), [[1, 1, 0], [1, 0, 0], [0, 1, 0]], [20, 30, 40])
    result = estimate(table, "chapman", pair=["a", "b"])
    assert "only 2 list(s)" in result.warnings[0]


def test_methods_that_disagree_widely_are_flagged(reference_table):
    table = reference_table("hepatitis_a_taiwan")
    results, warnings = compare_methods(
        [table], ["loglinear", "dga"], seed=1, settings={"loglinear": {"bootstrap": 0}}
    )
    assert [r.method for r in results] == ["loglinear", "dga"]
    assert any("methods disagree widely" in w for w in warnings)


def test_documented_and_estimated_counts_stay_apart(reference_table):
    result = estimate(reference_table("kosovo"), "dga", seed=1)
    out = result.to_dict()
    assert out["observed"] == 4400
    assert out["estimate"] > out["observed"]
    assert {"method", "observed", "estimate", "lower", "upper", "level", "warnings"} <= set(out)


def test_a_method_that_cannot_use_the_table_is_skipped_with_a_reason(reference_table):
    two = reference_table("kosovo").select(["ABA", "EXH"])
    results, warnings = compare_methods([two], ["chapman", "dga"], seed=1, settings={})
    assert [r.method for r in results] == ["chapman"]
    assert any(w.startswith("dga was not run") for w in warnings)
