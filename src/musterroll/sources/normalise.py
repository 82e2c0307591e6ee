"""Turn batches of raw rows into record rows and quarantined rows, with warnings.

Work is done column by column with a cache per distinct value (a million rows hold a few
thousand distinct dates and names), then assembled row by row into plain tuples for a
bulk insert: no ORM object per row.

A row goes to quarantine when it cannot be read: a reader problem, a blank row, a CSV row
whose cells do not line up with the header, no name and no service number, or a date,
status or sex that cannot be read. An implausible row (death before birth, a date in the
future) is accepted with a warning.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from musterroll.sources.mapping import ColumnMap, map_columns
from musterroll.sources.names_split import split_full_name
from musterroll.sources.readers import RawRow
from musterroll.sources.values import clean_value, parse_date, parse_sex, parse_status
from musterroll.store.models import CANONICAL_FIELDS

__all__ = ["QUARANTINE_COLUMNS", "RECORD_COLUMNS_IN", "BatchResult", "Normaliser"]

# Column order of the tuples handed to the bulk insert.
RECORD_COLUMNS_IN: tuple[str, ...] = (
    ("file_id", "source_id", "row")
    + CANONICAL_FIELDS
    + ("extra", "warnings", "verbatim", "row_hash", "row_key")
)
QUARANTINE_COLUMNS: tuple[str, ...] = (
    "file_id", "source_id", "row", "column", "reason", "verbatim",
)  # fmt: skip
_DATE_FIELDS = ("birth_date", "event_date", "reported_date")
_PARSERS: dict[str, Callable[[str], str | None]] = {
    "sex": parse_sex,
    "status": parse_status,
    **{name: parse_date for name in _DATE_FIELDS},
}
_IDENTITY = ("surname", "given_name", "patronymic", "full_name", "birth_date", "service_number")
_CACHE_LIMIT = 200_000  # distinct values kept per column; service numbers are all distinct
_SAMPLES = 20


class _Bad(NamedTuple):
    message: str


def _cached(parse: Callable[[str], str | None]) -> Callable[[str], str | None | _Bad]:
    """Wrap a parser with a per-value cache; a ValueError becomes a `_Bad` value."""
    cache: dict[str, str | None | _Bad] = {}

    def get(text: str) -> str | None | _Bad:
        try:
            return cache[text]
        except KeyError:
            pass
        try:
            value: str | None | _Bad = parse(text)
        except ValueError as exc:
            value = _Bad(str(exc))
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[text] = value
        return value

    return get


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _before(a: str | None, b: str | None) -> bool:
    """Tell whether partial ISO date `a` is surely before `b` (compared at common precision)."""
    if a is None or b is None:
        return False
    n = min(len(a), len(b))
    return a[:n] < b[:n]


@dataclass
class BatchResult:
    """What one batch became: tuples to insert and counts for the summary."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    quarantined: list[tuple[Any, ...]] = field(default_factory=list)
    warnings: int = 0


@dataclass
class Normaliser:
    """Normalise the rows of one file, keeping counts and samples across batches.

    Attributes:
        header: the file's header cells (grows for JSON as new keys appear; the column
            map is then recomputed).
        mapping: the user's header -> field mapping (see ``mapping.load_mapping``).
        file_id, source_id: provenance written into every tuple.
        strict_width: quarantine rows whose cell count differs from the header's (CSV).
        today: dates after this are "in the future" (warning).
    """

    header: list[str]
    mapping: dict[str, str | None]
    file_id: int
    source_id: int
    strict_width: bool
    today: date
    reasons: Counter[str] = field(default_factory=Counter)
    quarantine_samples: list[dict[str, Any]] = field(default_factory=list)
    warning_samples: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._parse: dict[str, Callable[[str], str | None | _Bad]] = {}
        self._width = -1
        self._split = _cached_split()
        self._today = self.today.isoformat()
        self._remap()

    @property
    def columns(self) -> ColumnMap:
        """The current column map."""
        return self._columns

    def _remap(self) -> None:
        """(Re)compute the column map for the header as it is now."""
        self._width = len(self.header)
        self._columns = map_columns(self.header, self.mapping)
        for name in self._columns.fields:
            if name not in self._parse:
                self._parse[name] = _cached(_PARSERS.get(name, clean_value))

    def _quarantine(
        self, out: BatchResult, raw: RawRow, reason: str, column: str | None, kind: str
    ) -> None:
        verbatim = raw.verbatim
        if verbatim is None:
            verbatim = json.dumps(raw.cells, ensure_ascii=False)
        out.quarantined.append((self.file_id, self.source_id, raw.number, column, reason, verbatim))
        self.reasons[kind] += 1
        if len(self.quarantine_samples) < _SAMPLES:
            self.quarantine_samples.append({"row": raw.number, "column": column, "reason": reason})

    def _column_values(self, rows: list[RawRow], name: str) -> list[Any]:
        index = self.columns.fields[name]
        get = self._parse[name]
        return [
            get(cell) if (cell := (r.cells[index] if len(r.cells) > index else None)) else None
            for r in rows
        ]

    def _readable(self, raw: RawRow, out: BatchResult) -> bool:
        """Quarantine a row the reader flagged or whose cells do not line up; else True."""
        if raw.problem is not None:
            kind = "blank row" if raw.problem == "blank row" else raw.problem.split(":")[0]
            self._quarantine(out, raw, raw.problem, None, kind)
            return False
        width = len(self.header)
        if self.strict_width and len(raw.cells) != width:
            trailing_blank = len(raw.cells) > width and not any(
                cell and cell.strip() for cell in raw.cells[width:]
            )
            if not trailing_blank:
                reason = f"expected {width} cells as in the header, found {len(raw.cells)}"
                self._quarantine(out, raw, reason, None, "cells do not line up with the header")
                return False
        return True

    def normalise(self, rows: list[RawRow]) -> BatchResult:
        """Normalise one batch of rows (in file order) into insertable tuples."""
        if len(self.header) != self._width:
            self._remap()
        out = BatchResult()
        good = [raw for raw in rows if self._readable(raw, out)]
        values = {name: self._column_values(good, name) for name in self.columns.fields}
        empty: list[Any] = [None] * len(good)
        columns = [values.get(name, empty) for name in CANONICAL_FIELDS]
        extras = self.columns.extras
        for i, raw in enumerate(good):
            row = [column[i] for column in columns]
            if not self._check(row, raw, out):
                continue
            self._fill_names(row)
            warnings = self._plausibility(row)
            if warnings:
                out.warnings += 1
                if len(self.warning_samples) < _SAMPLES:
                    self.warning_samples.append({"row": raw.number, "warnings": warnings})
            extra = None
            if extras:
                cells = raw.cells
                found = {
                    key: cleaned
                    for key, index in extras
                    if index < len(cells)
                    and cells[index]
                    and (cleaned := clean_value(cells[index] or ""))
                }
                extra = json.dumps(found, ensure_ascii=False) if found else None
            verbatim = raw.verbatim
            if verbatim is None:
                verbatim = json.dumps(raw.cells, ensure_ascii=False)
            key = "\x1f".join((row[k] or "").casefold() for k in _IDENTITY_IDX)
            out.records.append(
                (self.file_id, self.source_id, raw.number, *row, extra,
                 json.dumps(warnings, ensure_ascii=False) if warnings else None,
                 verbatim, _hash(verbatim), _hash(key))
            )  # fmt: skip
        return out

    def _check(self, row: list[Any], raw: RawRow, out: BatchResult) -> bool:
        """Quarantine a row with an unreadable value or no identity; else True."""
        bad = [(name, value) for name, value in zip(CANONICAL_FIELDS, row, strict=True)
               if isinstance(value, _Bad)]  # fmt: skip
        if bad:
            parts = []
            for name, value in bad:
                header = self.header[self.columns.fields[name]]
                parts.append(f"column {header!r} ({name}): {value.message}")
            first = self.header[self.columns.fields[bad[0][0]]]
            self._quarantine(out, raw, "; ".join(parts), first, f"unreadable {bad[0][0]}")
            return False
        if not any(row[k] for k in _NAME_IDX):
            named = [self.header[i] for f, i in self.columns.fields.items() if f in _IDENTITY]
            reason = (
                "no name and no service number"
                + (f" (columns {', '.join(map(repr, named))} are empty)" if named else
                   " (no column maps to surname, given_name, full_name or service_number;"
                   " give a mapping)")
            )  # fmt: skip
            self._quarantine(out, raw, reason, None, "no name and no service number")
            return False
        return True

    def _fill_names(self, row: list[Any]) -> None:
        """Split a full name into its parts, or compose the full name from the parts."""
        surname, given, patronymic, full = row[0], row[1], row[2], row[3]
        if full and not (surname or given or patronymic):
            parts = self._split(full)
            row[0], row[1], row[2] = parts
        elif not full and (surname or given or patronymic):
            row[3] = " ".join(part for part in (surname, given, patronymic) if part)

    def _plausibility(self, row: list[Any]) -> list[str]:
        """Return warnings for an implausible but readable row."""
        warnings = []
        birth, event, reported = row[_BIRTH], row[_EVENT], row[_REPORTED]
        for name, value in (("birth_date", birth), ("event_date", event),
                            ("reported_date", reported)):  # fmt: skip
            if value is not None and _before(self._today, value):
                warnings.append(f"{name} {value} is in the future")
        if _before(event, birth):
            warnings.append(f"event_date {event} is before birth_date {birth}")
        if _before(reported, event):
            warnings.append(f"reported_date {reported} is before event_date {event}")
        if _before(reported, birth):
            warnings.append(f"reported_date {reported} is before birth_date {birth}")
        return warnings


_INDEX = {name: i for i, name in enumerate(CANONICAL_FIELDS)}
_IDENTITY_IDX = tuple(_INDEX[name] for name in _IDENTITY)
_NAME_IDX = tuple(_INDEX[name] for name in ("surname", "given_name", "full_name", "service_number"))
_BIRTH, _EVENT, _REPORTED = (_INDEX[name] for name in _DATE_FIELDS)


def _cached_split() -> Callable[[str], tuple[str | None, str | None, str | None]]:
    cache: dict[str, tuple[str | None, str | None, str | None]] = {}

    def split(full: str) -> tuple[str | None, str | None, str | None]:
        try:
            return cache[full]
        except KeyError:
            pass
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[full] = parts = split_full_name(full)
        return parts

    return split
