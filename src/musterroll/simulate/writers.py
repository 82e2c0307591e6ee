"""Write lists as the files they arrive as: CSV (any encoding and delimiter), XLSX, JSON
Lines; with no wall-clock time in any byte, so the same seed gives identical files."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import xlsxwriter

from musterroll.simulate.world import SourceList

# A fixed creation date for XLSX properties: wall-clock time would break byte-identity.
XLSX_CREATED = dt.datetime(2026, 1, 1)
EXCEL_EPOCH_OFFSET = 25569  # days from Excel's 1899-12-30 to 1970-01-01
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "jsonl": "jsonl"}


def write_list(source: SourceList, lists_dir: Path) -> Path:
    """Write one list into lists_dir as <name>.<ext> in its format.

    Args:
        source: the list (format, encoding and delimiter say how).
        lists_dir: the directory; it must exist.
    Returns:
        the path written.
    Raises:
        UnicodeEncodeError: a value cannot be written in the list's encoding (a bug in
            the list's builder: cp1251 lists must not contain ʼ).
    """
    path = lists_dir / f"{source.name}.{EXTENSIONS[source.format]}"
    {"csv": _write_csv, "xlsx": _write_xlsx, "jsonl": _write_jsonl}[source.format](source, path)
    return path


def _write_csv(source: SourceList, path: Path) -> None:
    """CSV: Windows exports (cp1251, utf-8-sig) end lines with CRLF, others with LF."""
    newline = "\r\n" if source.encoding in ("cp1251", "utf-8-sig") else "\n"
    with path.open("w", encoding=source.encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=source.delimiter or ",", lineterminator=newline)
        writer.writerow(list(source.columns))
        writer.writerows(zip(*(c.tolist() for c in source.columns.values()), strict=True))


def _write_xlsx(source: SourceList, path: Path) -> None:
    """XLSX in constant-memory mode, text cells as text, date columns as Excel dates."""
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
        "strings_to_urls": False})
    book.set_properties({"created": XLSX_CREATED, "author": ""})
    sheet = book.add_worksheet("Аркуш1" if source.language == "uk" else "Лист1")
    bold, date = book.add_format({"bold": True}), book.add_format({"num_format": "dd.mm.yyyy"})
    headers = list(source.columns)
    sheet.write_row(0, 0, headers, bold)
    columns = []
    for k, name in enumerate(headers):
        values = source.columns[name]
        if name in source.excel_dates:
            sheet.set_column(k, k, 12, date)
            # Day numbers (None: no date) -> Excel serial days, shown as dd.mm.yyyy.
            columns.append(["" if v is None else int(v) + EXCEL_EPOCH_OFFSET
                            for v in values.tolist()])
        else:
            columns.append(values.tolist())
    for r, row in enumerate(zip(*columns, strict=True), start=1):
        sheet.write_row(r, 0, row)
    book.close()


def _write_jsonl(source: SourceList, path: Path) -> None:
    """JSON Lines, one object per row; empty values become null."""
    keys = list(source.columns)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in zip(*(c.tolist() for c in source.columns.values()), strict=True):
            obj = {k: (v if v != "" else None) for k, v in zip(keys, row, strict=True)}
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
