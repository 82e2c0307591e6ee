import random

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from musterroll.names.compare import compare, compare_keys
from musterroll.names.frame import name_keys_frame
from musterroll.names.record import KEY_COLUMNS, name_keys
from musterroll.names.sql import KINDS, comparison_levels_sql, level_case_sql, splink_comparison

from .test_compare import load_pairs

_PART = {"surname": "surname", "given": "given_name", "patronymic": "patronymic"}


def _records() -> pd.DataFrame:
    """Two records per labelled pair (its two names in the pair's part), plus blanks."""
    rows = []
    for i, pair in enumerate(load_pairs()):
        for name, sex in ((pair["a"], [None, "m", "f"][i % 3]), (pair["b"], None)):
            rows.append({"surname": None, "given_name": None, "patronymic": None, "sex": sex})
            rows[-1][_PART[pair["kind"]]] = name
    rows += [{"surname": "", "given_name": "  ", "patronymic": None, "sex": "x"}] * 2
    # Initials, as "Шевченко Т.Г." and "Shevchenko T. H." give them.
    for given, patronymic in (("Т", "Г"), ("Тарас", "Григорович"), ("T.", "H."), ("Yu", "Zh.")):
        rows.append({"surname": "Шевченко", "given_name": given, "patronymic": patronymic,
                     "sex": None})
    frame = pd.DataFrame(rows)
    frame.insert(0, "id", range(len(frame)))
    return frame


def _pairs(n_records: int) -> pd.DataFrame:
    """Each labelled pair, then a fixed random sample of other pairs."""
    labelled = [(i, i + 1) for i in range(0, n_records - 2, 2)]
    rng = random.Random(4)
    sampled = [(rng.randrange(n_records), rng.randrange(n_records)) for _ in range(4000)]
    return pd.DataFrame(labelled + sampled, columns=["id_l", "id_r"])


@pytest.fixture(scope="module")
def keyed() -> pd.DataFrame:
    records = _records()
    return pd.concat([records[["id"]], name_keys_frame(records)], axis=1)


def test_the_frame_equals_the_record_function_row_for_row() -> None:
    records = _records()
    frame = name_keys_frame(records)
    assert list(frame.columns) == list(KEY_COLUMNS)
    for i, row in records.iterrows():
        expected = name_keys(row["surname"], row["given_name"], row["patronymic"], row["sex"])
        found = {k: (None if pd.isna(v) else v) for k, v in frame.iloc[int(i)].items()}
        assert found == expected


def test_the_frame_takes_a_pyarrow_table() -> None:
    records = _records()
    assert name_keys_frame(pa.Table.from_pandas(records)).equals(name_keys_frame(records))


def _sql_levels(keyed: pd.DataFrame, kind: str) -> pd.DataFrame:
    columns = [c for c in KEY_COLUMNS if c.startswith(kind)]
    select = ", ".join(
        [f"l.{c} AS {c}_l" for c in columns] + [f"r.{c} AS {c}_r" for c in columns]
    )
    con = duckdb.connect()
    con.register("keyed", keyed)
    con.register("wanted", _pairs(len(keyed)))
    con.execute(
        f"CREATE TABLE pairs AS SELECT w.id_l, w.id_r, {select} FROM wanted w "
        "JOIN keyed l ON l.id = w.id_l JOIN keyed r ON r.id = w.id_r"
    )
    case = level_case_sql(kind)  # type: ignore[arg-type]
    return con.execute(f"SELECT id_l, id_r, {case} AS level FROM pairs").df()


@pytest.mark.parametrize("kind", KINDS)
def test_duckdb_levels_agree_with_python_compare(keyed: pd.DataFrame, kind: str) -> None:
    rows = {
        int(i): {c: (None if pd.isna(v) else v) for c, v in r.items()}
        for i, r in keyed.set_index("id").iterrows()
    }
    found = _sql_levels(keyed, kind)
    for id_l, id_r, level in found.itertuples(index=False):
        assert compare_keys(rows[id_l], rows[id_r], kind) == level, (  # type: ignore[arg-type]
            kind, rows[id_l], rows[id_r]
        )
    assert {"exact", "equivalent", "fuzzy", "different", "null"} <= set(found["level"])


def test_python_compare_uses_the_same_keys_as_the_sql() -> None:
    keys_a, keys_b = name_keys("Ковальов"), name_keys("Ковалёв")
    expected = compare("Ковальов", "Ковалёв", "surname").level
    assert compare_keys(keys_a, keys_b, "surname") == expected


def test_splink_comparison_is_plain_data_with_a_null_and_an_else_level() -> None:
    spec = splink_comparison("given")
    levels = spec["comparison_levels"]
    assert levels[0]["is_null_level"] and levels[-1]["sql_condition"] == "ELSE"
    assert [lvl["label_for_charts"] for lvl in levels[1:]] == [
        "exact", "transliteration", "equivalent", "phonetic", "fuzzy", "different"
    ]
    assert "given_name_translit_l" in comparison_levels_sql("given", prefix="given_name")[2][1]
