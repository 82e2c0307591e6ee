"""Read a list file row by row, whatever its format: CSV/TSV, XLSX, JSON, JSON Lines, Parquet.

Every reader yields batches of ``RawRow``: the 1-based data row number (the first row
after the header in CSV/XLSX, the first line or element in JSON), the cells aligned with
the header, and the verbatim row as JSON text, or a problem that sends the row to
quarantine. Rows are streamed: a million-row CSV, XLSX, JSON Lines or Parquet file is
never held in memory whole (a JSON array is: it is one document).

Blank rows at the very end of a file are not data (spreadsheet exports pad with them);
they are counted in ``trailing_blank_rows`` and not numbered. Blank rows between data
rows are numbered and quarantined, so that numbering matches the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from musterroll.sources.encoding import (
    ESCAPE_ERRORS,
    ESCAPES_SEEN,
    escape_undecodable,
    has_undecodable,
    resolve_encoding,
)

__all__ = ["FORMATS", "RawRow", "Reader", "ReadError", "detect_format", "open_reader"]

FORMATS = ("csv", "xlsx", "json", "jsonl", "parquet")
_SAMPLE_BYTES = 256 * 1024
_DELIMITERS = ",;\t|"
_EXTENSIONS = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".xlsx": "xlsx",
    ".xlsm": "xlsx", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}  # fmt: skip

# A malformed file may have one quoted cell that runs to the end; it must still be read.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class ReadError(ValueError):
    """The file as a whole cannot be read in the format asked for."""


class RawRow(NamedTuple):
    """One data row as read: number, cells (aligned with the header), verbatim, problem."""

    number: int
    cells: list[str | None]
    verbatim: str | None  # None: the JSON array of `cells` (built when stored)
    problem: str | None = None


@dataclass
class Reader:
    """An open list file: its format, encoding, delimiter, header and row batches."""

    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    header: list[str]
    rows: Iterator[RawRow]
    position: Any  # () -> bytes read so far, for progress
    trailing_blank_rows: int = 0
    _closers: list[Any] = field(default_factory=list)

    def batches(self, size: int) -> Iterator[list[RawRow]]:
        """Yield the rows in lists of at most `size`."""
        batch: list[RawRow] = []
        for row in self.rows:
            batch.append(row)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def close(self) -> None:
        """Close the file (and any half-read row generator holding it open)."""
        close_rows = getattr(self.rows, "close", None)
        if close_rows is not None:
            close_rows()
        for closer in self._closers:
            closer()


def detect_format(path: Path, head: bytes) -> str:
    """Return the format of a file from its extension, else from its first bytes."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension:
        return by_extension
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


_new_tuple = tuple.__new__
_CONTROL_RE = re.compile("[\x00-\x1f\x7f]")


def _header_cell(text: str) -> str:
    """A header cell fit to store and show: bad bytes and control characters as \\xNN.

    Headers name columns in messages and in the quarantine table, and a database text
    column cannot hold NUL; the file's bytes themselves are not changed.
    """
    text = escape_undecodable(text).strip()
    return _CONTROL_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _is_blank(cells: list[str | None]) -> bool:
    # A loop, not all(genexpr): called once per row, and most rows stop at the first cell.
    for cell in cells:  # noqa: SIM110
        if cell and not cell.isspace():
            return False
    return True


def _number_rows(rows: Iterator[RawRow | list[str | None]], reader: Reader) -> Iterator[RawRow]:
    """Number data rows from 1, holding back blank rows until a non-blank row follows.

    `rows` yields plain cell lists for rows read without trouble (the fast path) and
    ``RawRow`` for rows with a verbatim form or a problem.
    """
    number = 0
    pending: list[list[str | None]] = []
    for item in rows:
        if item.__class__ is list:
            cells: list[str | None] = item
            if _is_blank(cells):
                pending.append(cells)
                continue
            if pending:
                for blank in pending:
                    number += 1
                    yield RawRow(number, blank, None, "blank row")
                pending = []
            number += 1
            # tuple.__new__ skips NamedTuple's Python-level constructor: once per row.
            yield _new_tuple(RawRow, (number, cells, None, None))
            continue
        raw: RawRow = item  # type: ignore[assignment]
        if raw.problem is None and _is_blank(raw.cells):
            pending.append(raw.cells)
            continue
        for blank in pending:
            number += 1
            yield RawRow(number, blank, None, "blank row")
        pending = []
        number += 1
        yield raw._replace(number=number)
    reader.trailing_blank_rows = len(pending)


def _sniff_delimiter(sample: str) -> str:
    """Pick the delimiter that splits the header into most columns, rows agreeing.

    Each candidate parses the sample as CSV (quotes and line breaks inside quoted cells
    respected); a candidate must split the header into two or more columns, and scores
    the header's width times the share of the first rows with that width.
    """
    best, best_score = ",", 0.0
    for delimiter in _DELIMITERS:
        parsed = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        rows = list(islice(parsed, 50))
        if len(sample) >= _SAMPLE_BYTES // 2:
            rows = rows[:-1]  # the sample may cut its last row short
        rows = [row for row in rows if not _is_blank(list(row))]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = width * sum(len(row) == width for row in rows) / len(rows)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> Reader:
    raw: BinaryIO = path.open("rb")
    sample = raw.read(_SAMPLE_BYTES)
    raw.seek(0)
    codec = resolve_encoding(encoding, sample)
    text = io.TextIOWrapper(raw, encoding=codec, errors=ESCAPE_ERRORS, newline="")
    if delimiter is None:
        if path.suffix.lower() in (".tsv", ".tab"):
            delimiter = "\t"
        else:
            delimiter = _sniff_delimiter(sample.decode(codec, errors="replace"))
    records = csv.reader(text, delimiter=delimiter)
    header = [_header_cell(cell) for cell in next(records, [])]
    reader = Reader(path, "csv", codec, delimiter, header, iter(()), raw.tell, 0, [text.close])

    def rows() -> Iterator[RawRow | list[str | None]]:
        while True:
            try:
                cells = next(records)
            except StopIteration:
                return
            except csv.Error as exc:
                yield RawRow(0, [], json.dumps(f"unreadable CSV: {exc}"), f"unreadable CSV: {exc}")
                continue
            if ESCAPES_SEEN[0] and any(has_undecodable(cell) for cell in cells):
                escaped = [escape_undecodable(cell) for cell in cells]
                problem = f"bytes that are not valid {codec} (shown as \\xNN)"
                yield RawRow(0, list[str | None](escaped), None, problem)
            else:
                yield list(cells)

    reader.rows = _number_rows(rows(), reader)
    return reader


def _text_of(value: Any) -> str | None:
    """Render a typed cell (XLSX, JSON, Parquet) as the text a person would read."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _open_xlsx(path: Path) -> Reader:
    import openpyxl  # imported here: slow to import and only needed for spreadsheets

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:
        raise ReadError(f"{path}: not a readable XLSX workbook: {exc}") from exc
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header: list[str] = []
    for first in values:
        cells = [_text_of(value) for value in first]
        if not _is_blank(cells):
            header = [_header_cell(cell or "") for cell in cells]
            break
    while header and not header[-1]:
        header.pop()  # formatted but empty columns at the right are not columns
    # The sheet's row generator holds the zip member open; close it before the workbook.
    closers = [values.close, book.close]
    reader = Reader(path, "xlsx", None, None, header, iter(()), lambda: 0, 0, closers)
    width = len(header)

    def rows() -> Iterator[list[str | None]]:
        for row in values:
            cells = [_text_of(value) for value in row]
            if len(cells) > width and _is_blank(cells[width:]):
                cells = cells[:width]
            yield cells + [None] * (width - len(cells))

    reader.rows = _number_rows(rows(), reader)
    return reader


_SURROGATE_PROBLEM = "text with lone surrogate escapes (not valid Unicode)"


def _has_surrogates(cells: list[str | None]) -> bool:
    return any(cell is not None and has_undecodable(cell) for cell in cells)


def _object_row(obj: Any, header: list[str], index: dict[str, int]) -> list[str | None] | None:
    """Align a JSON object's values with the header, growing it by new keys."""
    if not isinstance(obj, dict):
        return None
    cells: list[str | None] = [None] * len(header)
    for key, value in obj.items():
        name = _header_cell(str(key))
        if name not in index:
            index[name] = len(header)
            header.append(name)
            cells.append(None)
        cells[index[name]] = _text_of(value)
    return cells


def _open_jsonl(path: Path, encoding: str | None) -> Reader:
    raw: BinaryIO = path.open("rb")
    sample = raw.read(_SAMPLE_BYTES)
    raw.seek(0)
    codec = resolve_encoding(encoding, sample)
    text = io.TextIOWrapper(raw, encoding=codec, errors=ESCAPE_ERRORS, newline=None)
    header: list[str] = []
    index: dict[str, int] = {}
    reader = Reader(path, "jsonl", codec, None, header, iter(()), raw.tell, 0, [text.close])

    def rows() -> Iterator[RawRow | list[str | None]]:
        for line in text:
            line = line.rstrip("\n")
            if not line.strip():
                yield [None]
                continue
            if has_undecodable(line):
                shown = escape_undecodable(line)
                yield RawRow(0, [], json.dumps(shown), f"bytes that are not valid {codec}")
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                yield RawRow(0, [], json.dumps(line, ensure_ascii=False), f"not JSON: {exc}")
                continue
            cells = _object_row(obj, header, index)
            if cells is None:
                problem = f"expected a JSON object, found {type(obj).__name__}"
                yield RawRow(0, [], line, problem)
            elif _has_surrogates(cells):
                yield RawRow(0, [], line, _SURROGATE_PROBLEM)
            else:
                yield RawRow(0, cells, line)

    reader.rows = _number_rows(rows(), reader)
    return reader


def _open_json(path: Path, encoding: str | None) -> Reader:
    data = path.read_bytes()
    codec = resolve_encoding(encoding, data[:_SAMPLE_BYTES])
    try:
        document = json.loads(data.decode(codec))
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # one object per line, named .json
            return _open_jsonl(path, encoding)
        raise ReadError(f"{path}: not a JSON document in {codec}: {exc}") from exc
    except ValueError as exc:
        raise ReadError(f"{path}: not a JSON document in {codec}: {exc}") from exc
    if isinstance(document, dict):
        lists = [value for value in document.values() if isinstance(value, list)]
        if len(lists) != 1:
            raise ReadError(
                f"{path}: expected a JSON array of objects (or an object holding one array), "
                f"found an object with keys {list(document)[:10]}"
            )
        document = lists[0]
    if not isinstance(document, list):
        found = type(document).__name__
        raise ReadError(f"{path}: expected a JSON array of objects, found {found}")
    header: list[str] = []
    index: dict[str, int] = {}
    reader = Reader(path, "json", codec, None, header, iter(()), lambda: len(data), 0)

    def rows() -> Iterator[RawRow]:
        for obj in document:
            cells = _object_row(obj, header, index)
            verbatim = json.dumps(obj, ensure_ascii=cells is None or _has_surrogates(cells))
            if cells is None:
                problem = f"expected a JSON object, found {type(obj).__name__}"
                yield RawRow(0, [], verbatim, problem)
            elif _has_surrogates(cells):
                yield RawRow(0, [], verbatim, _SURROGATE_PROBLEM)
            elif _is_blank(cells):
                yield RawRow(0, cells, verbatim, "blank row")
            else:
                yield RawRow(0, cells, verbatim)

    reader.rows = _number_rows(rows(), reader)
    return reader


def _open_parquet(path: Path) -> Reader:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:
        raise ReadError(f"{path}: not a readable Parquet file: {exc}") from exc
    header = [_header_cell(name) for name in parquet.schema_arrow.names]
    done = [0]
    reader = Reader(path, "parquet", None, None, header, iter(()), lambda: done[0], 0)
    reader._closers.append(parquet.close)

    def rows() -> Iterator[list[str | None]]:
        for batch in parquet.iter_batches(batch_size=50_000):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                yield [_text_of(value) for value in values]
            done[0] += batch.nbytes

    reader.rows = _number_rows(rows(), reader)
    return reader


def open_reader(
    path: Path,
    *,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Reader:
    """Open a list file for reading, detecting what is not given.

    Args:
        path: the file.
        format: one of ``FORMATS``; detected from the extension or content if None.
        encoding: a Python codec name for text formats; detected if None.
        delimiter: the CSV delimiter; detected among ``, ; TAB |`` if None.
    Returns:
        An open ``Reader`` (close it when done).
    Raises:
        ReadError: an unknown format, or a file that cannot be opened as that format.
        LookupError: an unknown encoding name.
    """
    with path.open("rb") as handle:
        head = handle.read(4096)
    fmt = format or detect_format(path, head)
    if fmt == "tsv":
        fmt, delimiter = "csv", delimiter or "\t"
    if fmt == "csv":
        return _open_csv(path, encoding, delimiter)
    if fmt == "xlsx":
        return _open_xlsx(path)
    if fmt == "jsonl":
        return _open_jsonl(path, encoding)
    if fmt == "json":
        return _open_json(path, encoding)
    if fmt == "parquet":
        return _open_parquet(path)
    raise ReadError(f"{path}: unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
