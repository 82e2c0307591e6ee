"""Key columns and parses for a whole table at once (pandas or pyarrow).

Names repeat: a million records hold tens of thousands of distinct surnames and a few
thousand given names. Each distinct value is keyed once (the key functions are cached)
and the results are spread back with a vectorised take, so the cost follows the number
of distinct values, not of rows.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from musterroll.names.morphology import may_be_oblique, nominative_name
from musterroll.names.parse import (
    QUOTES,
    TokenFeatures,
    clean_token,
    parse_full_name,
    plan_for,
    token_features,
)
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
    "nickname",
)
_SLOW_RE = re.compile("[," + re.escape(QUOTES) + "]")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: a million rows make millions of short-lived lists
    and tuples, each batch of which triggers a collection that finds nothing (nothing here
    makes a reference cycle); that was a quarter of the run time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


@_collector_paused()
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
    surnames, given, patronymics = _in_nominative(
        _as_series(_column(table, surname), n),
        _as_series(_column(table, given_name), n),
        _as_series(_column(table, patronymic), n),
    )
    out = _spread(surnames, surname_keys, SURNAME_COLUMNS)
    out |= _spread(patronymics, patronymic_keys, PATRONYMIC_COLUMNS)
    sexes = _spread(_as_series(_column(table, sex), n), lambda v: {"s": normalise_sex(v)}, ("s",))
    known = np.where(pd.isna(sexes["s"]), out["patronymic_sex"], sexes["s"])
    known = np.where(pd.isna(known), out["surname_sex"], known)
    given = given.where(given.notna(), None)  # one missing value, not many NaN objects
    # The sex matters only for a given name in two groups, but pairing every name with it
    # keeps this one vectorised pass; the pairs are still few.
    paired = pd.Series(list(zip(given, known, strict=True)), dtype=object)
    out |= _spread(paired, _given_pair, GIVEN_COLUMNS)
    # Object columns: building Arrow-backed strings here would cost more than the keys.
    return pd.DataFrame({column: out[column] for column in KEY_COLUMNS}, dtype=object)


def _maybe_oblique_rows(values: pd.Series, *, is_patronymic: bool) -> np.ndarray:
    """Per row: whether its value may show an oblique case (decided per distinct value)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    flags = [may_be_oblique(v, is_patronymic=is_patronymic) for v in uniques] + [False]
    return np.array(flags, dtype=bool)[codes]


def _in_nominative(
    surnames: pd.Series, given: pd.Series, patronymics: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Put names written in a grammatical case in the nominative (morphology.py).

    The patronymic (or, where there is none, the given name) is tested once per distinct
    value; only rows it shows in an oblique case are read as a whole, which keeps a table
    of nominative names at the cost of two factorisations.
    """
    oblique = _maybe_oblique_rows(patronymics, is_patronymic=True)
    no_patronymic = np.flatnonzero(patronymics.isna().to_numpy())
    if len(no_patronymic):
        # The given name decides only where there is no patronymic: test those alone.
        oblique[no_patronymic] = _maybe_oblique_rows(
            given.iloc[no_patronymic], is_patronymic=False)
    rows = np.flatnonzero(oblique)
    if not len(rows):
        return surnames, given, patronymics
    columns = [surnames.copy(), given.copy(), patronymics.copy()]
    for row in rows.tolist():
        parts = (_text(column.iat[row]) for column in columns)
        for column, value in zip(columns, nominative_name(*parts), strict=True):
            column.iat[row] = value
    return columns[0], columns[1], columns[2]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _given_pair(pair: Hashable) -> dict[str, str | None]:
    assert isinstance(pair, tuple)  # built as (name, sex) pairs above
    return given_keys(pair[0], pair[1])


_MAX_TOKENS = 4


@_collector_paused()
def parse_full_names(values: Any) -> pd.DataFrame:
    """Parse a column of full names, as `parse.parse_full_name` does row by row.

    Tokens are cleaned and classified once per distinct token, and the order is decided
    once per distinct sequence of token classes; names with a comma, a quote or more
    than four words take the row-by-row path.

    Args:
        values: a pandas Series, pyarrow array or list of full names; None for missing.
    Returns:
        A DataFrame with columns surname, given_name, patronymic, given_initial,
        patronymic_initial, order, nickname; one row per input, in order.
    """
    plain = [v if isinstance(v, str) else "" for v in _as_series(values, len(values))]
    n = len(plain)
    parts = [text.replace(".", ". ").split() for text in plain]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=n)
    flat = np.array([t for row in parts for t in row], dtype=object)
    codes, uniques = pd.factorize(flat)
    cleaned = np.array([clean_token(t) for t in uniques] + [""], dtype=object)
    features = [token_features(t) if t else None for t in cleaned[:-1]]
    kinds, kind_codes = _feature_ids(features)
    # A comma or a quote sends its row down the row-by-row path (see parse_full_name).
    special = np.array([bool(_SLOW_RE.search(t)) for t in uniques] + [False])
    rows = np.repeat(np.arange(n), lengths)
    positions = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    odd = (kind_codes[codes] < 0) | special[codes]
    slow = (lengths > _MAX_TOKENS) | (np.bincount(rows, weights=odd, minlength=n) > 0)
    fast = ~slow[rows]
    tokens = np.full((n, _MAX_TOKENS), None, dtype=object)
    tokens[rows[fast], positions[fast]] = cleaned[codes[fast]]
    # One number per row for its sequence of token classes (at most 4 tokens, < 64
    # classes: below 2**30, exact in the float weights of bincount).
    weights = (kind_codes[codes[fast]] + 1) * 64.0 ** positions[fast]
    pattern = np.bincount(rows[fast], weights=weights, minlength=n).astype(np.int64)
    out = _assemble(tokens, pattern, lengths, kinds)
    slow_rows = np.flatnonzero(slow)
    parsed = [parse_full_name(plain[i]) for i in slow_rows]
    for column in _PARSE_COLUMNS:
        out[column][slow_rows] = [getattr(p, column) for p in parsed]
    frame = pd.DataFrame({column: out[column] for column in _PARSE_COLUMNS}, dtype=object)
    return frame.astype({"given_initial": bool, "patronymic_initial": bool})


def _feature_ids(
    features: list[TokenFeatures | None],
) -> tuple[list[TokenFeatures], np.ndarray]:
    """Number the distinct feature tuples; -1 for a token that cleans to nothing."""
    kinds: dict[TokenFeatures, int] = {}
    ids = [kinds.setdefault(f, len(kinds)) if f is not None else -1 for f in features]
    if len(kinds) >= 63:
        raise ValueError("more distinct token classes than the pattern code holds")
    return list(kinds), np.array(ids + [-1], dtype=np.int64)


def _assemble(
    tokens: np.ndarray, pattern: np.ndarray, lengths: np.ndarray, kinds: list[TokenFeatures]
) -> dict[str, np.ndarray]:
    """Fill the parts of every row from the plan of its pattern of token classes."""
    n = len(tokens)
    parts = ("surname", "given_name", "patronymic", "nickname")
    out = {c: np.full(n, None, dtype=object) for c in parts}
    flags = {c: np.zeros(n, dtype=bool) for c in ("given_initial", "patronymic_initial")}
    order = np.full(n, "empty", dtype=object)
    codes, uniques = pd.factorize(pattern)
    for code, value in enumerate(uniques):
        rows = np.flatnonzero(codes == code)
        plan = plan_for(_decode(int(value), int(lengths[rows[0]]), kinds))
        order[rows] = plan.order
        for column, positions, initial in (
            ("surname", plan.surname, False),
            ("given_name", plan.given, plan.given_initial),
            ("patronymic", plan.patronymic, plan.patronymic_initial),
        ):
            out[column][rows] = _join(tokens[rows], positions, initial)
        flags["given_initial"][rows] = plan.given_initial
        flags["patronymic_initial"][rows] = plan.patronymic_initial
    return out | flags | {"order": order}


def _decode(value: int, length: int, kinds: list[TokenFeatures]) -> tuple[TokenFeatures, ...]:
    return tuple(kinds[(value // 64**i) % 64 - 1] for i in range(length)) if value else ()


def _join(tokens: np.ndarray, positions: tuple[int, ...], initial: bool) -> np.ndarray:
    if not positions:
        return np.full(len(tokens), None, dtype=object)
    if len(positions) == 1 and not initial:
        return tokens[:, positions[0]]
    joined = [" ".join(row[list(positions)]) for row in tokens]
    return np.array([t.rstrip(".") if initial else t for t in joined], dtype=object)
