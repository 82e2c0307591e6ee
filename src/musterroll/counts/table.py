"""Capture tables: how many persons were seen on exactly which lists.

A `CaptureTable` is the input of every estimator. It holds the list names, one row per
observed capture pattern (0/1 per list) and its count, and optionally the stratum it
belongs to. It is built from a table file today (`read_tables`) and from the register's
capture histories later (`CaptureTable.from_histories`): the estimators never care where
it came from.

Pattern index convention (shared by all estimators): list 1 is the most significant bit,
so for J lists the pattern (x_1, ..., x_J) has index sum_j x_j 2^(J-j); index 0 is the
never-observed cell.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CaptureTable", "TableError", "read_tables"]

COUNT_COLUMN = "count"
# The largest count a cell may hold. No war's lists name a billion persons; larger counts
# overflowed the log-linear fit and, past 2^63, were read as negative (issue 19).
MAX_COUNT = 10**9


class TableError(ValueError):
    """A capture table that cannot be estimated from, with what is wrong and where."""


@dataclass(frozen=True)
class CaptureTable:
    """Counts of persons by capture pattern over J lists.

    Attributes:
        lists: list names, in column order (list 1 first).
        patterns: integer array (m, J) of 0/1, one row per distinct observed pattern.
        counts: integer array (m,), persons with that pattern (zeros allowed).
        stratum: the stratum label, or None for an unstratified table.
        source: where the table came from (file path and sha256, or register version).
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray
    stratum: str | None = None
    source: str = ""
    _cells: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = np.asarray(self.patterns, dtype=np.int64)
        counts = np.asarray(self.counts, dtype=np.int64)
        j = len(self.lists)
        if j < 2:
            raise TableError(f"a capture table needs at least 2 lists, got {list(self.lists)}")
        if patterns.ndim != 2 or patterns.shape[1] != j or patterns.shape[0] != counts.shape[0]:
            raise TableError(
                f"patterns {patterns.shape} and counts {counts.shape} do not fit {j} lists"
            )
        if ((patterns != 0) & (patterns != 1)).any():
            raise TableError("capture patterns must be 0 or 1")
        if (counts < 0).any():
            raise TableError("counts must be non-negative")
        if (counts > MAX_COUNT).any():
            raise TableError(f"counts must be at most {MAX_COUNT:,} persons")
        index = patterns @ (1 << np.arange(j - 1, -1, -1))
        if (counts[index == 0] > 0).any():
            raise TableError(
                "the all-zero pattern (on no list) cannot be observed; remove that row"
            )
        cells = np.zeros(1 << j, dtype=np.int64)
        np.add.at(cells, index, counts)
        object.__setattr__(self, "patterns", patterns)
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "_cells", cells)

    @classmethod
    def from_cells(
        cls,
        lists: Sequence[str],
        cells: np.ndarray,
        *,
        stratum: str | None = None,
        source: str = "",
    ) -> CaptureTable:
        """Build a table from a full cell vector of length 2^J (cell 0 is ignored).

        Args:
            lists: the J list names.
            cells: counts indexed by pattern index (see module docstring).
            stratum: stratum label, if any.
            source: provenance text.
        Returns:
            The table with one row per non-zero pattern index.
        """
        j = len(lists)
        cells = np.asarray(cells, dtype=np.int64)
        if cells.shape != (1 << j,):
            raise TableError(f"expected {1 << j} cells for {j} lists, got {cells.shape}")
        idx = np.arange(1, 1 << j)
        return cls(tuple(lists), pattern_matrix(j)[1:], cells[idx], stratum, source)

    @classmethod
    def from_histories(
        cls,
        lists: Sequence[str],
        histories: Iterable[Sequence[int]],
        *,
        stratum: str | None = None,
        source: str = "",
    ) -> CaptureTable:
        """Build a table from one 0/1 capture history per person (e.g. from the register).

        Args:
            lists: the J list names.
            histories: one sequence of J zeros and ones per person.
            stratum: stratum label, if any.
            source: provenance text (register version).
        Returns:
            The aggregated table.
        Raises:
            TableError: when a history has the wrong length or a person is on no list.
        """
        j = len(lists)
        cells = np.zeros(1 << j, dtype=np.int64)
        weights = 1 << np.arange(j - 1, -1, -1)
        for row, history in enumerate(histories):
            h = np.asarray(history, dtype=np.int64)
            if h.shape != (j,):
                raise TableError(f"history {row} has {h.shape} entries, expected {j}")
            cells[int(h @ weights)] += 1
        if cells[0]:
            raise TableError(
                f"{cells[0]} persons are on no list: they cannot be in a capture table"
            )
        return cls.from_cells(lists, cells, stratum=stratum, source=source)

    @property
    def n_lists(self) -> int:
        """J, the number of lists."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """The documented count: persons on at least one list."""
        return int(self._cells.sum())

    def cells(self) -> np.ndarray:
        """Counts for all 2^J pattern indices (a copy; cell 0 is always 0)."""
        return self._cells.copy()

    def list_totals(self) -> np.ndarray:
        """Persons on each list, shape (J,)."""
        return pattern_matrix(self.n_lists).T @ self._cells

    def select(self, lists: Sequence[str]) -> CaptureTable:
        """Collapse to a subset of lists (persons seen only elsewhere drop out).

        Args:
            lists: names of the lists to keep, in the order wanted.
        Returns:
            The marginal table over those lists.
        Raises:
            TableError: when a name is not a list of this table.
        """
        missing = [name for name in lists if name not in self.lists]
        if missing:
            raise TableError(f"no such list(s) {missing}; the lists are {list(self.lists)}")
        keep = [self.lists.index(name) for name in lists]
        pats = pattern_matrix(self.n_lists)[:, keep]
        weights = 1 << np.arange(len(keep) - 1, -1, -1)
        cells = np.zeros(1 << len(keep), dtype=np.int64)
        np.add.at(cells, pats @ weights, self._cells)
        cells[0] = 0
        return CaptureTable.from_cells(
            tuple(lists), cells, stratum=self.stratum, source=self.source
        )

    def merge(self, lists: Sequence[str], name: str) -> CaptureTable:
        """Merge several lists into one (a person is on the merged list if on any of them).

        Args:
            lists: names of the lists to merge.
            name: name of the merged list, which takes the place of the first merged one.
        Returns:
            The table with J - len(lists) + 1 lists.
        """
        idx = [self.lists.index(x) for x in lists]
        pats = pattern_matrix(self.n_lists)
        merged = pats[:, idx].max(axis=1)
        keep = [i for i in range(self.n_lists) if i not in idx[1:]]
        new = pats[:, keep].copy()
        new[:, keep.index(idx[0])] = merged
        names = tuple(name if i == idx[0] else self.lists[i] for i in keep)
        weights = 1 << np.arange(len(keep) - 1, -1, -1)
        cells = np.zeros(1 << len(keep), dtype=np.int64)
        np.add.at(cells, new @ weights, self._cells)
        return CaptureTable.from_cells(names, cells, stratum=self.stratum, source=self.source)

    def usable_lists(self) -> tuple[str, ...]:
        """Lists with at least one person in this table."""
        totals = self.list_totals()
        return tuple(name for name, t in zip(self.lists, totals, strict=True) if t > 0)

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame: one 0/1 column per list and `count`."""
        frame = pd.DataFrame(self.patterns, columns=list(self.lists))
        frame[COUNT_COLUMN] = self.counts
        return frame


def pattern_matrix(j: int) -> np.ndarray:
    """All 2^J capture patterns as rows of 0/1, row i being pattern index i."""
    idx = np.arange(1 << j)[:, None]
    return ((idx >> np.arange(j - 1, -1, -1)) & 1).astype(np.int64)


def read_tables(path: str | Path, *, stratum: str | None = None) -> list[CaptureTable]:
    """Read a capture table file (CSV): one 0/1 column per list and a `count` column.

    Args:
        path: CSV file. Every column other than `count` (and the stratum column) is a list.
        stratum: name of a column holding the stratum label; one table per label is
            returned, all with the same lists. None: one table.
    Returns:
        The tables, in order of first appearance of their stratum label.
    Raises:
        TableError: missing `count` or stratum column, non 0/1 list columns, negative or
            fractional counts, or an observed all-zero pattern (naming the file and row).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        frame = pd.read_csv(path)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise TableError(f"{path}: cannot read the table: {exc}") from exc
    source = f"{path} sha256:{hashlib.sha256(raw).hexdigest()}"
    frame.columns = [str(c).strip() for c in frame.columns]
    if COUNT_COLUMN not in frame.columns:
        raise TableError(f"{path}: no `{COUNT_COLUMN}` column (columns: {list(frame.columns)})")
    if stratum is not None and stratum not in frame.columns:
        raise TableError(f"{path}: no stratum column `{stratum}` (columns: {list(frame.columns)})")
    lists = [c for c in frame.columns if c not in (COUNT_COLUMN, stratum)]
    _check_values(frame, lists, path)
    if stratum is None:
        return [_table_from_rows(frame, lists, None, source)]
    labels = frame[stratum].astype(str)
    return [
        _table_from_rows(frame[labels == label], lists, label, source)
        for label in dict.fromkeys(labels)
    ]


def _check_values(frame: pd.DataFrame, lists: list[str], path: Path) -> None:
    """Raise a TableError naming the first bad row (1-based, after the header)."""
    for column in [*lists, COUNT_COLUMN]:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0) | (values % 1 != 0)
        if column != COUNT_COLUMN:
            bad |= ~values.isin([0, 1])
        else:
            bad |= values > MAX_COUNT
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            found = str(frame[column].iloc[row])
            raise TableError(
                f"{path}, row {row + 2}, column `{column}`: {found!r} is not "
                + (f"a count (0 to {MAX_COUNT:,})" if column == COUNT_COLUMN else "0 or 1")
            )
    if len(frame) and not pd.to_numeric(frame[COUNT_COLUMN]).sum():
        raise TableError(f"{path}: every count is zero: no person was observed on any list, "
                         "so there is nothing to estimate from")


def _table_from_rows(
    frame: pd.DataFrame, lists: list[str], stratum: str | None, source: str
) -> CaptureTable:
    patterns = frame[lists].to_numpy(dtype=np.int64)
    counts = frame[COUNT_COLUMN].to_numpy(dtype=np.int64)
    zero = patterns.sum(axis=1) == 0
    if (counts[zero] > 0).any():
        row = int(np.flatnonzero(zero & (counts > 0))[0])
        raise TableError(
            f"{source.split(' ')[0]}: a row with the all-zero pattern has count {counts[row]}: "
            "persons on no list cannot be observed"
        )
    return CaptureTable(tuple(lists), patterns[~zero], counts[~zero], stratum, source)
