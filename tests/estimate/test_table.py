"""Capture tables: reading, checking, collapsing."""

from __future__ import annotations

import numpy as np
import pytest

from musterroll.estimate import CaptureTable, TableError, read_tables


def write(tmp_path, text: str):
    path = tmp_path / "t.csv"
    path.write_text(text)
    return path


def test_a_table_file_becomes_counts_by_pattern(tmp_path):
    path = write(tmp_path, "A,B,count\n1,1,5\n1,0,10\n0,1,20\n")
    (table,) = read_tables(path)
    assert table.lists == ("A", "B")
    assert table.observed == 35
    assert table.cells().tolist() == [0, 20, 10, 5]
    assert table.list_totals().tolist() == [15, 25]
    assert "sha256:" in table.source


def test_strata_are_split_in_order_of_appearance(data_dir):
    tables = read_tables(data_dir / "spina_bifida_newyork_by_covariates.csv", stratum="eth")
    assert [t.stratum for t in tables] == ["caucasian", "afro-american", "other"]
    assert sum(t.observed for t in tables) == 621
    assert all(t.lists == ("S1", "S2", "S3") for t in tables)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,n\n1,1,5\n", "no `count` column"),
        ("A,B,count\n1,2,5\n", "row 2, column `B`"),
        ("A,B,count\n1,1,-5\n", "row 2, column `count`"),
        ("A,B,count\n1,1,2.5\n", "is not a count"),
        ("A,B,count\n0,0,3\n", "all-zero pattern"),
    ],
)
def test_bad_tables_fail_with_file_row_and_column(tmp_path, text, message):
    with pytest.raises(TableError, match=message):
        read_tables(write(tmp_path, text))


def test_missing_stratum_column_is_named(tmp_path):
    with pytest.raises(TableError, match="no stratum column `eth`"):
        read_tables(write(tmp_path, "A,B,count\n1,1,5\n"), stratum="eth")


def test_select_and_merge_keep_every_person_they_can(reference_table):
    table = reference_table("kosovo")
    two = table.select(["EXH", "ABA"])
    assert two.lists == ("EXH", "ABA")
    assert two.list_totals().tolist() == table.list_totals()[[1, 0]].tolist()
    merged = table.merge(["EXH", "HRW", "OSCE"], "rest")
    assert merged.observed == table.observed
    assert merged.lists == ("ABA", "rest")


def test_histories_from_the_register_aggregate_to_the_same_table():
    histories = [(1, 0, 1), (1, 0, 1), (0, 1, 0)]
    table = CaptureTable.from_histories(["a", "b", "c"], histories, stratum="killed")
    assert table.observed == 3
    assert table.cells()[0b101] == 2 and table.cells()[0b010] == 1
    with pytest.raises(TableError, match="on no list"):
        CaptureTable.from_histories(["a", "b"], [(0, 0)])


def test_patterns_must_be_zero_or_one():
    with pytest.raises(TableError, match="0 or 1"):
        CaptureTable(("a", "b"), np.array([[2, 0]]), np.array([1]))
