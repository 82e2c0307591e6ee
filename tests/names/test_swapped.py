"""Surname and given name typed in each other's columns (issue 14)."""

from __future__ import annotations

import itertools

import duckdb
import pandas as pd

from musterroll.names import KEY_COLUMNS, name_keys, name_keys_frame
from musterroll.names.compare import compare_keys
from musterroll.names.sql import (
    comparison_levels_sql,
    level_case_sql,
    splink_comparison,
    swapped_blocking_rule_sql,
)

# (surname, given name) as typed; rows 0-3 are one man, 1 and 3 with the parts swapped.
_ROWS = [
    ("Петренко", "Іван"), ("Іван", "Петренко"), ("Petrenko", "Ivan"), ("Ivan", "Petrenko"),
    ("Іван", "Коваленко"), ("Петренко", "Петро"), ("Шевченко", "Тарас"), (None, "Іван"),
]


def _table() -> pd.DataFrame:
    frame = pd.DataFrame(_ROWS, columns=["surname", "given_name"])
    frame["patronymic"] = None
    frame.insert(0, "id", range(len(frame)))
    return frame


def test_swapped_parts_are_recognised_across_scripts() -> None:
    a, b, c = name_keys("Петренко", "Іван"), name_keys("Іван", "Петренко"), name_keys(
        "Ivan", "Petrenko")
    for x, y in ((a, b), (a, c)):
        assert compare_keys(x, y, "surname", swapped=True) == "swapped"
        assert compare_keys(x, y, "given", swapped=True) == "swapped"
        # Only when asked: other users of the levels see what they saw before.
        assert compare_keys(x, y, "surname") == "different"


def test_one_crossed_part_is_not_a_swap() -> None:
    a, b = name_keys("Петренко", "Іван"), name_keys("Іван", "Коваленко")
    assert compare_keys(a, b, "surname", swapped=True) == "different"


def test_the_patronymic_takes_no_swapped_level() -> None:
    kinds = [level for level, _ in comparison_levels_sql("patronymic", swapped=True)]
    assert "swapped" not in kinds
    labels = [lvl["label_for_charts"]
              for lvl in splink_comparison("surname", swapped=True)["comparison_levels"]]
    assert labels == ["null", "exact", "transliteration", "equivalent", "swapped",
                      "phonetic", "fuzzy", "different"]


def test_duckdb_swapped_levels_agree_with_python() -> None:
    keyed = pd.concat([_table()[["id"]], name_keys_frame(_table())], axis=1)
    select = ", ".join([f"l.{c} AS {c}_l" for c in KEY_COLUMNS]
                       + [f"r.{c} AS {c}_r" for c in KEY_COLUMNS])
    con = duckdb.connect()
    con.register("keyed", keyed)
    for kind in ("surname", "given"):
        case = level_case_sql(kind, swapped=True)  # type: ignore[arg-type]
        found = con.execute(
            f"SELECT lid, rid, {case} AS level FROM ("
            f"SELECT l.id AS lid, r.id AS rid, {select} FROM keyed l, keyed r)"
        ).fetchall()
        rows = {int(r["id"]): {c: (None if pd.isna(v) else v) for c, v in r.items()}
                for r in keyed.to_dict("records")}
        for lid, rid, level in found:
            assert compare_keys(rows[lid], rows[rid], kind, swapped=True) == level  # type: ignore[arg-type]
        assert "swapped" in {level for _, _, level in found}


def test_the_blocking_rule_pairs_swapped_records() -> None:
    keyed = pd.concat([_table()[["id"]], name_keys_frame(_table())], axis=1)
    con = duckdb.connect()
    con.register("keyed", keyed)
    pairs = con.execute(
        f"SELECT l.id, r.id FROM keyed l JOIN keyed r ON {swapped_blocking_rule_sql()} "
        "WHERE l.id < r.id ORDER BY 1, 2"
    ).fetchall()
    expected = [(i, j) for i, j in itertools.combinations(range(4), 2) if (i + j) % 2]
    assert pairs == expected


def test_names_compare_reports_a_swap_of_full_names() -> None:
    from musterroll.names.report import compare_names

    found = compare_names("Іван, Петренко", "Petrenko, Ivan")
    assert found["level"] == "swapped"
    assert found["parts"]["given_name"]["level"] == "swapped"
    assert compare_names("Петренко, Іван", "Коваленко, Іван")["level"] == "different"
