"""Turn batches of raw rows into record rows and quarantined rows, with warnings.

Work is done column by column with a cache per distinct value (a million rows hold a few
thousand distinct dates and names), and rows are assembled by ``zip`` into plain tuples
for a bulk insert: no ORM object, and as little Python per row as possible.

A row goes to quarantine only when it cannot be read (a reader problem, a blank row, a CSV
row whose cells do not line up with the header) or when nothing in it identifies a person
(no name part and no service or document number). One bad field never costs a person
(issue 14): a value that cannot be read (an impossible date, an unknown status word) is
left empty, kept in the verbatim row, and reported as a warning naming its column; a
doubtful one (a phone number that is not one) is kept as written, with a warning. An
implausible row (death before birth, a date in the future or before 1850) is accepted
with a warning too.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, repeat
from json.encoder import encode_basestring
from operator import itemgetter, lt
from typing import Any, NamedTuple

from musterroll.sources.mapping import ColumnMap, map_columns
from musterroll.sources.names_split import split_full_name
from musterroll.sources.readers import RawRow
from musterroll.sources.values import (
    IMPLAUSIBLE_BEFORE,
    Doubtful,
    clean_value,
    parse_date,
    parse_document_number,
    parse_email,
    parse_phone,
    parse_postcode,
    parse_sex,
    parse_status,
)
from musterroll.sources.vocabulary import fold_label
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
_PARSERS: dict[str, Callable[[str], Any]] = {
    "sex": parse_sex,
    "status": parse_status,
    "phone": parse_phone,
    "email": parse_email,
    "postcode": parse_postcode,
    "document_number": parse_document_number,
    **{name: parse_date for name in _DATE_FIELDS},
}
# The fields hashed into a record's row key (diffs between list versions): unchanged, so
# that versions ingested before and after issue 14 still diff row by row.
_IDENTITY = ("surname", "given_name", "patronymic", "full_name", "birth_date", "service_number")
# A row with none of these filled identifies nobody, and is quarantined.
_NAMED = (
    "surname", "given_name", "patronymic", "full_name", "service_number", "document_number",
)  # fmt: skip
_UNNAMED = "no name and no identifier"
_INDEX = {name: i for i, name in enumerate(CANONICAL_FIELDS)}
_CACHE_LIMIT = 200_000  # distinct values kept per column; service numbers are all distinct
_SAMPLES = 20
_READER_WARNING = itemgetter(4)  # RawRow.warning, fetched in C


class _Bad(NamedTuple):
    message: str


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _encode_cells(cells: list[str | None]) -> str:
    """Return the JSON array of a row's cells (as ``json.dumps(..., ensure_ascii=False)``)."""
    if None in cells:
        return json.dumps(cells, ensure_ascii=False)
    return "[" + ", ".join(map(encode_basestring, cells)) + "]"  # type: ignore[arg-type]


def _with_words(words: dict[str, str]) -> Callable[[str], str | None]:
    """Return a status parser that tries a list's own words before the vocabulary."""
    folded = {fold_label(word): status for word, status in words.items()}

    def parse(text: str) -> str | None:
        return folded.get(fold_label(text)) or parse_status(text)

    return parse


class _Column:
    """A per-value cache of one field's parser; remembers inputs unreadable or doubtful."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        self.parse = parse
        self.cache: dict[Any, Any] = {None: None, "": None}
        # Inputs whose parsed value is `_Bad` or `Doubtful`: each needs a warning.
        self.flagged: set[Any] = set()

    def _one(self, text: str) -> Any:
        try:
            value = self.parse(text)
        except ValueError as exc:
            self.flagged.add(text)
            return _Bad(str(exc))
        if isinstance(value, Doubtful):
            self.flagged.add(text)
        return value

    def map(self, column: Sequence[Any]) -> list[Any]:
        """Return the parsed value of every cell of `column` (None for empty cells)."""
        cache = self.cache
        missing = set(column).difference(cache)
        if len(cache) + len(missing) > _CACHE_LIMIT:
            cache.clear()
            cache.update({None: None, "": None})
            self.flagged.clear()
            missing = set(column).difference(cache)
        for text in missing:
            cache[text] = self._one(text)
        return list(map(cache.__getitem__, column))


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
        status_words: this list's own status words -> canonical status, tried first.
        default_status: the status of a row with none (e.g. "released" on an exchange
            list, where every name was released and no column says so).
    """

    header: list[str]
    mapping: dict[str, str | None]
    file_id: int
    source_id: int
    strict_width: bool
    today: date
    status_words: dict[str, str] = field(default_factory=dict)
    default_status: str | None = None
    reasons: Counter[str] = field(default_factory=Counter)
    quarantine_samples: list[dict[str, Any]] = field(default_factory=list)
    warning_samples: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._parsers: dict[str, _Column] = {}
        self._extras: dict[str, _Column] = {}
        self._split = _Column(split_full_name)
        self._today = self.today.isoformat()
        self._width = -1
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
            if name not in self._parsers:
                parse = _PARSERS.get(name, clean_value)
                if name == "status" and self.status_words:
                    parse = _with_words(self.status_words)
                self._parsers[name] = _Column(parse)
        for key, _ in self._columns.extras:
            if key not in self._extras:
                self._extras[key] = _Column(clean_value)

    def _quarantine(
        self, out: BatchResult, raw: RawRow, reason: str, column: str | None, kind: str
    ) -> None:
        verbatim = raw.verbatim if raw.verbatim is not None else _encode_cells(raw.cells)
        out.quarantined.append((self.file_id, self.source_id, raw.number, column, reason, verbatim))
        self.reasons[kind] += 1
        if len(self.quarantine_samples) < _SAMPLES:
            self.quarantine_samples.append({"row": raw.number, "column": column, "reason": reason})

    def _fit(self, raw: RawRow, out: BatchResult, width: int) -> list[str | None] | None:
        """Return a row's cells fitted to the header width, or quarantine it (None)."""
        if raw.problem is not None:
            kind = "blank row" if raw.problem == "blank row" else raw.problem.split(":")[0]
            self._quarantine(out, raw, raw.problem, None, kind)
            return None
        cells = raw.cells
        if len(cells) > width and not any(c and c.strip() for c in cells[width:]):
            return cells[:width]  # a trailing delimiter: empty cells past the header
        if self.strict_width:
            reason = f"expected {width} cells as in the header, found {len(cells)}"
            self._quarantine(out, raw, reason, None, "cells do not line up with the header")
            return None
        return (cells + [None] * (width - len(cells)))[:width]

    def normalise(self, rows: list[RawRow]) -> BatchResult:
        """Normalise one batch of rows (in file order) into insertable tuples."""
        if len(self.header) != self._width:
            self._remap()
        out = BatchResult()
        width = self._width
        good: list[RawRow] = []
        matrix: list[list[str | None]] = []
        for raw in rows:
            if raw.problem is None and len(raw.cells) == width:
                good.append(raw)
                matrix.append(raw.cells)
            elif (cells := self._fit(raw, out, width)) is not None:
                good.append(raw)
                matrix.append(cells)
        if not good:
            return out
        columns = list(zip(*matrix, strict=True)) if width else []
        empty: list[Any] = [None] * len(good)
        values = [self._field_values(name, columns, empty) for name in CANONICAL_FIELDS]
        if self.default_status is not None:
            # Before unreadable values are emptied: an unreadable status word is not "no
            # status", and must not become the list's default.
            index = _INDEX["status"]
            values[index] = [self.default_status if v is None else v for v in values[index]]
        flagged = self._flagged(columns, values)
        dropped = self._unnamed(good, values, out)
        self._fill_names(values)
        warnings = self._plausibility(good, values, out, dropped, flagged)
        extras = self._extra_json(columns, len(good))
        verbatims = [
            raw.verbatim if raw.verbatim is not None else _encode_cells(cells)
            for raw, cells in zip(good, matrix, strict=True)
        ]
        identity = [[v if v.__class__ is str else "" for v in values[_INDEX[name]]]
                    for name in _IDENTITY]  # fmt: skip
        keys = map(_hash, map(str.casefold, map("\x1f".join, zip(*identity, strict=True))))
        records = zip(
            repeat(self.file_id), repeat(self.source_id), (raw.number for raw in good),
            *values, extras, warnings, verbatims, map(_hash, verbatims), keys,
        )  # fmt: skip
        if dropped:
            out.records = [rec for i, rec in enumerate(records) if i not in dropped]
        else:
            out.records = list(records)
        return out

    def _field_values(self, name: str, columns: list[Any], empty: list[Any]) -> list[Any]:
        """Return one field's parsed values; a field in several columns is joined."""
        fields = self._columns.fields
        if name not in fields:
            return empty
        parser = self._parsers[name]
        first = parser.map(columns[fields[name]])
        more = self._columns.joined.get(name)
        if not more:
            return first
        # Joined fields are plain text (clean_value never fails): empty parts are skipped.
        parts = [first, *(parser.map(columns[index]) for index in more)]
        return [", ".join([p for p in row if p]) or None for row in zip(*parts, strict=True)]

    def _flagged(self, columns: list[Any], values: list[Any]) -> dict[int, list[str]]:
        """Settle unreadable and doubtful values; return each affected row's warnings.

        An unreadable value (`_Bad`) becomes None: the field is left empty and the cell
        stays in the verbatim row. A doubtful one is stored as written. Either way the
        warning names the column as the file heads it, and the field.
        """
        found: dict[int, list[str]] = {}
        for name, index in self._columns.fields.items():
            parser = self._parsers[name]
            if not parser.flagged or parser.flagged.isdisjoint(columns[index]):
                continue
            header = self.header[index]
            parsed = values[_INDEX[name]]
            for i, text in enumerate(columns[index]):
                if text not in parser.flagged:
                    continue
                result = parser.cache[text]
                if isinstance(result, _Bad):
                    parsed[i] = None
                    message = f"{result.message}; left empty, kept in the row as received"
                else:
                    parsed[i] = result.value
                    message = result.message
                found.setdefault(i, []).append(f"column {header!r} ({name}): {message}")
        return found

    def _unnamed(self, good: list[RawRow], values: list[Any], out: BatchResult) -> set[int]:
        """Quarantine rows with no name part and no service or document number."""
        named = [values[_INDEX[name]] for name in _NAMED if name in self._columns.fields]
        if any(None not in column for column in named):
            return set()  # fast path: some identity column is filled on every row
        missing = {i for i, row in enumerate(zip(*named, strict=True)) if not any(row)}
        if not named:
            missing = set(range(len(good)))
        headers = [self.header[i] for f, i in self._columns.fields.items() if f in _NAMED]
        reason = _UNNAMED + (
            f" (columns {', '.join(map(repr, headers))} are empty or unreadable)"
            if headers
            else " (no column maps to a name part, service_number or document_number;"
            " give a mapping: --map 'COLUMN=field')"
        )
        for i in sorted(missing):
            self._quarantine(out, good[i], reason, None, _UNNAMED)
        return missing

    def _fill_names(self, values: list[Any]) -> None:
        """Split a full name into its parts, or compose the full name from the parts."""
        fields = self._columns.fields
        s, g, p, f = (_INDEX[name] for name in ("surname", "given_name", "patronymic", "full_name"))
        has_parts = any(name in fields for name in ("surname", "given_name", "patronymic"))
        if "full_name" in fields and not has_parts:
            parts = self._split.map(values[f])
            values[s], values[g], values[p] = (
                [None if t is None else t[k] for t in parts] for k in range(3)
            )
        elif has_parts and "full_name" not in fields:
            values[f] = [
                " ".join([x for x in t if x]) or None
                for t in zip(values[s], values[g], values[p], strict=True)
            ]
        elif has_parts:
            for i, full in enumerate(values[f]):
                row = (values[s][i], values[g][i], values[p][i])
                if full and not any(row):
                    values[s][i], values[g][i], values[p][i] = split_full_name(full)
                elif not full and any(row):
                    values[f][i] = " ".join(x for x in row if x)

    def _plausibility(
        self,
        good: list[RawRow],
        values: list[Any],
        out: BatchResult,
        dropped: set[int],
        found: dict[int, list[str]],
    ) -> list[str | None]:
        """Return each row's warnings as JSON (None for none), counting the warned rows.

        `found` holds the warnings about unreadable or doubtful values so far; the
        implausible dates (in the future, before 1850, out of order) are added to it.
        """
        today = self._today
        dates = {name: values[_INDEX[name]] for name in _DATE_FIELDS}
        for name, column in dates.items():
            if name not in self._columns.fields:
                continue
            distinct = {v for v in set(column) if v.__class__ is str}
            future = {v for v in distinct if v > today[: len(v)]}
            early = {v for v in distinct if v < IMPLAUSIBLE_BEFORE}
            if not future and not early:
                continue
            for i, v in enumerate(column):
                if v in future:
                    found.setdefault(i, []).append(f"{name} {v} is in the future")
                elif v in early:
                    found.setdefault(i, []).append(
                        f"{name} {v} is before {IMPLAUSIBLE_BEFORE}: implausible, kept as read"
                    )
        pairs = (("event_date", "birth_date"), ("reported_date", "event_date"),
                 ("reported_date", "birth_date"))  # fmt: skip
        for later, earlier in pairs:
            if later not in self._columns.fields or earlier not in self._columns.fields:
                continue
            # Candidates by plain string order in C (a missing later date never precedes,
            # nothing precedes a missing earlier one); then the exact partial-date test.
            a = [v if v.__class__ is str else "\uffff" for v in dates[later]]
            b = [v if v.__class__ is str else "" for v in dates[earlier]]
            for i in compress(range(len(a)), map(lt, a, b)):
                x, y = a[i], b[i]
                if x[: len(y)] < y[: len(x)]:
                    found.setdefault(i, []).append(f"{later} {x} is before {earlier} {y}")
        # The reader's own warnings: a row read in another encoding, a cell cut (issue 19).
        for i in compress(range(len(good)), map(_READER_WARNING, good)):
            found.setdefault(i, []).insert(0, good[i].warning)  # type: ignore[arg-type]
        result: list[str | None] = [None] * len(good)
        for i, messages in found.items():
            result[i] = json.dumps(messages, ensure_ascii=False)
            if i in dropped:
                continue
            out.warnings += 1
            if len(self.warning_samples) < _SAMPLES:
                self.warning_samples.append({"row": good[i].number, "warnings": messages})
        return result

    def _extra_json(self, columns: list[Any], n: int) -> list[str | None]:
        """Return each row's non-canonical columns, cleaned, as a JSON object (or None)."""
        extras = self._columns.extras
        if not extras:
            return [None] * n
        keys = [key for key, _ in extras]
        cleaned = [self._extras[key].map(columns[index]) for key, index in extras]
        result: list[str | None] = []
        for row in zip(*cleaned, strict=True):
            found = {key: value for key, value in zip(keys, row, strict=True) if value}
            result.append(json.dumps(found, ensure_ascii=False) if found else None)
        return result
