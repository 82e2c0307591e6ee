"""Read a list file row by row, whatever its format: CSV/TSV, XLSX, JSON, JSON Lines, Parquet.

Every reader yields batches of ``RawRow``: the 1-based data row number (the first row
after the header in CSV/XLSX, the first line or element in JSON), the cells aligned with
the header, and the verbatim row as JSON text, or a problem that sends the row to
quarantine. Rows are streamed: a million-row CSV, XLSX, JSON Lines or Parquet file is
never held in memory whole (a JSON array is: it is one document).

Blank rows at the very end of a file are not data (spreadsheet exports pad with them);
they are counted in ``trailing_blank_rows`` and not numbered. Blank rows between data
rows are numbered and quarantined, so that numbering matches the file.

Hostile or careless files (issue 19) are read without losing a row and without
exhausting the machine: a file that is not text is refused as "not a list"; a line of
CSV or JSON Lines in another encoding than the file's is re-read in its own (with a
warning on its row); an unbalanced quote that would swallow the rows after it is
quarantined alone and the rows after it are read line by line; a cell longer than
``FIELD_CAP`` characters is cut for the record (with a warning; the verbatim row keeps
it whole); a spreadsheet may expand to no more than ``XLSX_LIMITS``; JSON nested too
deeply is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from musterroll.sources.encoding import (
    ESCAPE_ERRORS,
    ESCAPES_SEEN,
    binary_reason,
    escape_undecodable,
    has_undecodable,
    redecode_line,
    resolve_encoding,
)

__all__ = [
    "FIELD_CAP",
    "FORMATS",
    "XLSX_LIMITS",
    "RawRow",
    "ReadError",
    "Reader",
    "check_delimiter",
    "detect_format",
    "open_reader",
]

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

# The longest cell a record field takes, in characters (issue 19: a 50 MB "surname"
# slowed linkage five-fold). No name, place or unit comes near it; a longer cell is cut
# for the record with a warning, and the verbatim row keeps it whole.
FIELD_CAP = 1_000

# What a spreadsheet may expand to (issue 19: 350 million empty rows in 3 MB; a 1.5 KB
# sheet claiming A1:XFD1048576; a cell expanding to 1 GiB). Rows and columns are Excel's
# own limits; a cell holds at most 32,767 characters in Excel, so no run of XML text
# between two tags needs more than a mebibyte; the shared strings are held in memory.
XLSX_LIMITS = {
    "rows": 1_048_576,
    "columns": 16_384,
    "cells": 50_000_000,
    "text_run_bytes": 1 << 20,
    "shared_strings_bytes": 256 << 20,
    "sheet_bytes": 2 << 30,
}


class ReadError(ValueError):
    """The file as a whole cannot be read in the format asked for."""


class RawRow(NamedTuple):
    """One data row as read: number, cells (aligned with the header), verbatim, problem,
    and a warning for a row that is accepted (read in another encoding, a cell cut)."""

    number: int
    cells: list[str | None]
    verbatim: str | None  # None: the JSON array of `cells` (built when stored)
    problem: str | None = None
    warning: str | None = None


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
    notes: list[str] = field(default_factory=list)

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
            yield _new_tuple(RawRow, (number, cells, None, None, None))
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


def check_delimiter(delimiter: str | None) -> None:
    """Refuse a delimiter the CSV reader cannot split on (one character, not a quote or a
    line break).

    Raises:
        ReadError: the delimiter is empty, longer than one character, a quote or a line
            break.
    """
    if delimiter is None:
        return
    if len(delimiter) != 1 or delimiter in "\r\n\"":
        raise ReadError(
            f"the delimiter must be one character other than a quote or a line break, "
            f"found {delimiter!r} (e.g. --delimiter ';' or --delimiter $'\\t')"
        )


def _cap_cells(cells: list[str | None], verbatim: str | None, header: list[str]) -> RawRow:
    """Cut cells longer than ``FIELD_CAP`` for the record, keeping the row whole verbatim."""
    if verbatim is None:
        verbatim = json.dumps(cells, ensure_ascii=False)
    cut: list[str | None] = []
    long: list[str] = []
    for index, cell in enumerate(cells):
        if cell is not None and len(cell) > FIELD_CAP:
            name = header[index] if index < len(header) else f"column {index + 1}"
            long.append(f"{name!r} ({len(cell):,} characters)")
            cell = cell[:FIELD_CAP]
        cut.append(cell)
    warning = (f"cell {', '.join(long)} longer than {FIELD_CAP:,} characters: cut for the "
               "record, kept whole in the verbatim row")  # fmt: skip
    return RawRow(0, cut, verbatim, None, warning)


def _is_long(cells: list[str | None]) -> bool:
    for cell in cells:  # noqa: SIM110 - once per row: a loop stops at the first long cell
        if cell is not None and len(cell) > FIELD_CAP:
            return True
    return False


class _Lines:
    """The lines of a text file for ``csv.reader``, each in its own encoding if need be.

    Remembers the physical lines of the record being read (``taken``), so that a record
    an unbalanced quote ran on through can be read again line by line, and the codecs of
    lines that had to be re-read (``recoded``), for the row's warning. ``lines`` is the
    iterator to hand to ``csv.reader`` (a generator: cheaper per line than ``__next__``).
    """

    def __init__(self, text: io.TextIOWrapper, codec: str) -> None:
        self.codec = codec
        self.taken: list[str] = []
        self.recoded: list[str] = []
        self.recoded_rows = 0
        self.lines = self._read(text)

    def _read(self, text: io.TextIOWrapper) -> Iterator[str]:
        take, codec, recoded = self.taken.append, self.codec, self.recoded
        # A UTF-8 line needs a second look only once some byte failed to decode.
        always = codec not in ("utf-8", "utf-8-sig")
        for line in text:
            if (
                (always or ESCAPES_SEEN[0])
                and not line.isascii()
                and (found := redecode_line(line, codec)) is not None
            ):
                line = found[0]
                recoded.append(found[1])
            take(line)
            yield line


def _split_swallowed(taken: list[str], delimiter: str, width: int, good_width: bool) -> bool:
    """Tell whether a record of several lines is rows that an unbalanced quote ran through.

    A quoted cell may legitimately hold line breaks (a note); but when a later line of the
    record reads on its own as a whole row of the header's width, the quote swallowed it.
    """
    if len(taken) < 2 or width < 2:
        return False
    whole = sum(line.count('"') % 2 == 0
                and len(next(csv.reader([line], delimiter=delimiter), [])) == width
                for line in taken[1:])  # fmt: skip
    return whole >= (1 if not good_width else 2)


def _line_rows(taken: list[str], delimiter: str) -> Iterator[RawRow | list[str | None]]:
    """Read the lines of a swallowing record one by one; the lines with an odd number of
    quotes are quarantined."""
    for line in taken:
        cells: list[str | None] = list(next(csv.reader([line], delimiter=delimiter), []))
        if line.count('"') % 2:
            problem = ('an unbalanced quote (") in this row: it would swallow the rows after '
                       "it, which were read line by line")  # fmt: skip
            yield RawRow(0, cells, json.dumps(line.rstrip("\r\n"), ensure_ascii=False), problem)
        else:
            yield cells


def _open_csv(path: Path, encoding: str | None, delimiter: str | None) -> Reader:
    check_delimiter(delimiter)
    raw: BinaryIO = path.open("rb")
    try:
        sample = raw.read(_SAMPLE_BYTES)
        raw.seek(0)
        codec = resolve_encoding(encoding, sample)
        reason = binary_reason(sample, codec)
    except BaseException:
        raw.close()
        raise
    if reason is not None:
        raw.close()
        raise ReadError(f"{path}: {reason}")
    text = io.TextIOWrapper(raw, encoding=codec, errors=ESCAPE_ERRORS, newline="")
    if delimiter is None:
        if path.suffix.lower() in (".tsv", ".tab"):
            delimiter = "\t"
        else:
            delimiter = _sniff_delimiter(sample.decode(codec, errors="replace"))
    lines = _Lines(text, codec)
    records = csv.reader(lines.lines, delimiter=delimiter)
    header = [_header_cell(cell) for cell in next(records, [])]
    reader = Reader(path, "csv", codec, delimiter, header, iter(()), raw.tell, 0, [text.close])
    reader.rows = _number_rows(_csv_rows(records, lines, reader), reader)
    return reader


def _csv_rows(
    records: Iterator[list[str]], lines: _Lines, reader: Reader
) -> Iterator[RawRow | list[str | None]]:
    """The CSV records as cell lists, or ``RawRow`` with a problem or a warning."""
    codec, delimiter, width = reader.encoding, reader.delimiter or ",", len(reader.header)
    while True:
        lines.taken.clear()
        lines.recoded.clear()
        try:
            cells = next(records)
        except StopIteration:
            if lines.recoded_rows:
                reader.notes.append(
                    f"{lines.recoded_rows:,} rows were in another encoding than the file's "
                    f"{codec} (mixed encodings) and were read in their own: see their warnings"
                )
            return
        except csv.Error as exc:
            if len(lines.taken) > 1:
                yield from _line_rows(list(lines.taken), delimiter)
            else:
                yield RawRow(0, [], json.dumps(f"unreadable CSV: {exc}"), f"unreadable CSV: {exc}")
            continue
        taken = lines.taken
        if len(taken) > 1 and _split_swallowed(taken, delimiter, width, len(cells) == width):
            yield from _line_rows(list(taken), delimiter)
            continue
        if ESCAPES_SEEN[0] and any(has_undecodable(cell) for cell in cells):
            escaped = [escape_undecodable(cell) for cell in cells]
            problem = f"bytes that are not valid {codec} (shown as \\xNN)"
            yield RawRow(0, list[str | None](escaped), None, problem)
            continue
        row: RawRow | None = None
        if (len(taken[0]) > FIELD_CAP or len(taken) > 1) and _is_long(list(cells)):
            row = _cap_cells(list(cells), None, reader.header)
        if lines.recoded:
            lines.recoded_rows += 1
            said = (f"read as {', '.join(sorted(set(lines.recoded)))}, not {codec} like the "
                    "rest of the file (mixed encodings)")  # fmt: skip
            row = row or RawRow(0, list(cells), None)
            row = row._replace(warning="; ".join(filter(None, (said, row.warning))))
        if row is not None:
            yield row
        else:
            yield list(cells)


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


def _check_xlsx_expansion(path: Path) -> None:
    """Refuse a workbook whose XML expands beyond ``XLSX_LIMITS``, before parsing it.

    The sheets and shared strings are decompressed once, in blocks, counting their bytes,
    their rows and the longest run of text between two tags (a cell's value): a zip bomb
    costs a few seconds of decompression, never the memory of parsing it.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"{path}: not a readable XLSX workbook: {exc}") from exc
    with archive:
        for info in archive.infolist():
            name = info.filename
            if name == "xl/sharedStrings.xml":
                _scan_xml(path, archive, info, XLSX_LIMITS["shared_strings_bytes"], rows=False)
            elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _scan_xml(path, archive, info, XLSX_LIMITS["sheet_bytes"], rows=True)


_ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _scan_xml(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
              *, rows: bool) -> None:
    """Count one member's bytes, rows and longest text run; refuse what exceeds the limits."""
    longest_run = XLSX_LIMITS["text_run_bytes"]
    size = run = count = 0
    tail = b""
    try:
        with archive.open(info) as member:
            while block := member.read(1 << 20):
                size += len(block)
                if size > limit:
                    _too_big(path, f"{info.filename} expands to more than {limit:,} bytes")
                run = _longest_text_run(block, run, longest_run)
                if run > longest_run:
                    _too_big(path, f"a cell in {info.filename} holds more than "
                                   f"{longest_run:,} bytes (Excel allows 32,767 characters)")
                if rows:
                    count += len(_ROW_TAG_RE.findall(tail + block))
                    tail = block[-16:]
                    if count > XLSX_LIMITS["rows"]:
                        _too_big(path, f"{info.filename} has more than "
                                       f"{XLSX_LIMITS['rows']:,} rows (Excel's limit)")
    except ReadError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
        raise ReadError(f"{path}: not a readable XLSX workbook: {exc}") from exc


def _longest_text_run(block: bytes, run: int, limit: int) -> int:
    """Return the length of the text run open at the end of `block`, or more than `limit`
    when a run (carried over as `run` from earlier blocks) exceeds it."""
    pieces = block.split(b"<")
    if len(pieces) == 1:
        return run + len(block)
    if run + len(pieces[0]) > limit or max(map(len, pieces[1:-1]), default=0) > limit:
        return limit + 1
    return len(pieces[-1])


def _too_big(path: Path, what: str) -> None:
    raise ReadError(f"{path}: this spreadsheet is too big to be a list: {what}; save it as CSV "
                    "if it really is one")


def _open_xlsx(path: Path) -> Reader:
    import openpyxl  # imported here: slow to import and only needed for spreadsheets

    _check_xlsx_expansion(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except Exception as exc:
        raise ReadError(f"{path}: not a readable XLSX workbook: {exc}") from exc
    # A sheet's stated dimension (A1:XFD1048576 in 1.5 KB) would pad every row to it.
    sheet.reset_dimensions()
    values = _limited_rows(path, sheet.iter_rows(values_only=True))
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

    def rows() -> Iterator[RawRow | list[str | None]]:
        for row in values:
            if len(row) > width and row[width:].count(None) == len(row) - width:
                row = row[:width]  # formatted but empty cells far right: not worth reading
            cells = [_text_of(value) for value in row]
            if len(cells) > width and _is_blank(cells[width:]):
                cells = cells[:width]
            cells += [None] * (width - len(cells))
            yield _cap_cells(cells, None, header) if _is_long(cells) else cells

    reader.rows = _number_rows(rows(), reader)
    return reader


def _limited_rows(
    path: Path, rows: Iterator[tuple[Any, ...]]
) -> Generator[tuple[Any, ...], None, None]:
    """Pass a sheet's rows on, refusing more rows, columns or cells than ``XLSX_LIMITS``."""
    cells = 0
    try:
        for count, row in enumerate(rows, 1):
            cells += len(row)
            if count > XLSX_LIMITS["rows"]:
                _too_big(path, f"more than {XLSX_LIMITS['rows']:,} rows (Excel's limit)")
            if len(row) > XLSX_LIMITS["columns"]:
                _too_big(path, f"row {count} has more than {XLSX_LIMITS['columns']:,} columns")
            if cells > XLSX_LIMITS["cells"]:
                _too_big(path, f"more than {XLSX_LIMITS['cells']:,} cells")
            yield row
    finally:
        # The sheet's generator holds its zip member open: close it however this ends.
        getattr(rows, "close", lambda: None)()


_SURROGATE_PROBLEM = "text with lone surrogate escapes (not valid Unicode)"
_TOO_DEEP = "JSON nested too deeply to read (the verbatim keeps its first characters)"


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
    reason = binary_reason(sample, codec)
    if reason is not None:
        raw.close()
        raise ReadError(f"{path}: {reason}")
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
            warning = None
            if not line.isascii() and (found := redecode_line(line, codec)) is not None:
                line = found[0]  # a line in another encoding than the file's
                warning = f"read as {found[1]}, not {codec} like the rest of the file"
            if has_undecodable(line):
                shown = escape_undecodable(line)
                yield RawRow(0, [], json.dumps(shown), f"bytes that are not valid {codec}")
                continue
            try:
                obj = json.loads(line)
                cells = _object_row(obj, header, index)
            except RecursionError:
                yield RawRow(0, [], json.dumps(line[:FIELD_CAP], ensure_ascii=False), _TOO_DEEP)
                continue
            except ValueError as exc:
                yield RawRow(0, [], json.dumps(line, ensure_ascii=False), f"not JSON: {exc}")
                continue
            if cells is None:
                problem = f"expected a JSON object, found {type(obj).__name__}"
                yield RawRow(0, [], line, problem)
            elif _has_surrogates(cells):
                yield RawRow(0, [], line, _SURROGATE_PROBLEM)
            elif _is_long(cells):
                capped = _cap_cells(cells, line, header)
                said = "; ".join(filter(None, (warning, capped.warning)))
                yield capped._replace(warning=said)
            else:
                yield RawRow(0, cells, line, None, warning)

    reader.rows = _number_rows(rows(), reader)
    return reader


def _open_json(path: Path, encoding: str | None) -> Reader:
    data = path.read_bytes()
    codec = resolve_encoding(encoding, data[:_SAMPLE_BYTES])
    reason = binary_reason(data[:_SAMPLE_BYTES], codec)
    if reason is not None:
        raise ReadError(f"{path}: {reason}")
    try:
        document = json.loads(data.decode(codec))
    except RecursionError as exc:
        raise ReadError(f"{path}: the JSON is nested too deeply to be a list") from exc
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
        for number, obj in enumerate(document, 1):
            try:
                cells = _object_row(obj, header, index)
                verbatim = json.dumps(obj, ensure_ascii=cells is None or _has_surrogates(cells))
            except RecursionError as exc:
                raise ReadError(f"{path}: element {number} is nested too deeply to read") from exc
            if cells is None:
                problem = f"expected a JSON object, found {type(obj).__name__}"
                yield RawRow(0, [], verbatim, problem)
            elif _has_surrogates(cells):
                yield RawRow(0, [], verbatim, _SURROGATE_PROBLEM)
            elif _is_blank(cells):
                yield RawRow(0, cells, verbatim, "blank row")
            elif _is_long(cells):
                yield _cap_cells(cells, verbatim, header)
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

    def rows() -> Iterator[RawRow | list[str | None]]:
        for batch in parquet.iter_batches(batch_size=50_000):
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*columns, strict=True):
                cells = [_text_of(value) for value in values]
                yield _cap_cells(cells, None, header) if _is_long(cells) else cells
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
