"""Key columns and parses for a whole table at once (pandas or pyarrow).

Names repeat: a million records hold tens of thousands of distinct surnames and a few
thousand given names. Each distinct value is keyed once (the key functions are cached)
and the results are spread back with a vectorised take, so the cost follows the number
of distinct values, not of rows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from musterroll.names.parse import parse_full_name
from musterroll.names.record import (
    GIVEN_COLUMNS,
    KEY_COLUMNS,
    PATRONYMIC_COLUMNS,
    SURNAME_COLUMNS,
    given_keys,
    normalise_sex,
    patronymic_keys,
    surname_keys,
)

__all__ = ["name_keys_frame", "parse_full_names"]

_PARSE_COLUMNS = (
    "surname", "given_name", "patronymic", "given_initial", "patronymic_initial", "order",
)


def _as_series(values: Any, length: int) -> pd.Series:
    if values is None:
        return pd.Series([None] * length, dtype=object)
    if isinstance(values, pa.ChunkedArray | pa.Array):
        return pd.Series(values.to_pandas(), dtype=object)
    return pd.Series(values, dtype=object).reset_index(drop=True)


def _spread(
    values: pd.Series, compute: Callable[[Any], dict[str, Any]], columns: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """Apply `compute` to each distinct value and spread the results to every row."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    rows = [compute(value) for value in uniques]
    out: dict[str, np.ndarray] = {}
    for column in columns:
        # One extra slot at the end for missing values (code -1 takes the last element).
        table = np.array([row[column] for row in rows] + [None], dtype=object)
        out[column] = table[codes]
    return out


def _column(table: pd.DataFrame | pa.Table, name: str | None) -> Any:
    if name is None:
        return None
    if isinstance(table, pa.Table):
        return table.column(name) if name in table.column_names else None
    return table[name] if name in table.columns else None


def name_keys_frame(
    table: pd.DataFrame | pa.Table,
    *,
    surname: str | None = "surname",
    given_name: str | None = "given_name",
    patronymic: str | None = "patronymic",
    sex: str | None = "sex",
) -> pd.DataFrame:
    """Return the key columns (record.KEY_COLUMNS) for every row of a table.

    Args:
        table: a pandas DataFrame or pyarrow Table with name columns.
        surname, given_name, patronymic, sex: the column names; a column that is absent
            (or None) counts as missing in every row.
    Returns:
        A DataFrame with one row per input row (same order, fresh RangeIndex) and the
        columns of KEY_COLUMNS (object dtype, None where missing). Row for row it equals
        record.name_keys.
    """
    n = table.num_rows if isinstance(table, pa.Table) else len(table)
    out = _spread(_as_series(_column(table, surname), n), surname_keys, SURNAME_COLUMNS)
    out |= _spread(
        _as_series(_column(table, patronymic), n), patronymic_keys, PATRONYMIC_COLUMNS
    )
    sexes = _spread(_as_series(_column(table, sex), n), lambda v: {"s": normalise_sex(v)}, ("s",))
    known = pd.Series(sexes["s"]).fillna(pd.Series(out["patronymic_sex"]))
    known = known.fillna(pd.Series(out["surname_sex"]))
    given = _as_series(_column(table, given_name), n)
    # The sex matters only for a given name in two groups, but pairing every name with it
    # keeps this one vectorised pass; the pairs are still few.
    paired = pd.Series(list(zip(given, known.where(known.notna(), None), strict=True)))
    out |= _spread(paired, _given_pair, GIVEN_COLUMNS)
    return pd.DataFrame({column: out[column] for column in KEY_COLUMNS})


def _given_pair(pair: Hashable) -> dict[str, str | None]:
    assert isinstance(pair, tuple)  # built as (name, sex) pairs above
    return given_keys(pair[0], pair[1])


def parse_full_names(values: Any) -> pd.DataFrame:
    """Parse a column of full names (see parse.parse_full_name), once per distinct name.

    Args:
        values: a pandas Series, pyarrow array or list of full names; None for missing.
    Returns:
        A DataFrame with columns surname, given_name, patronymic, given_initial,
        patronymic_initial, order; one row per input, in order.
    """
    series = _as_series(values, len(values))

    def parse(text: Any) -> dict[str, Any]:
        parsed = parse_full_name(text if isinstance(text, str) else "")
        return {column: getattr(parsed, column) for column in _PARSE_COLUMNS}

    out = _spread(series, parse, _PARSE_COLUMNS)
    frame = pd.DataFrame(out)
    for flag in ("given_initial", "patronymic_initial"):
        frame[flag] = frame[flag].fillna(False).astype(bool)
    frame["order"] = frame["order"].fillna("empty")
    return frame
