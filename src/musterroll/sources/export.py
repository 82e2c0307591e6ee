"""Export records as CSV, with every cell safe to open in a spreadsheet.

A cell that begins with ``= + - @`` (or a tab or carriage return) is a formula to Excel
and LibreOffice: a list can carry ``=HYPERLINK(...)`` in a name. Such cells are stored as
the text that came and neutralised here, on the way out, by a leading apostrophe (OWASP,
"CSV Injection").
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from sqlalchemy import Engine

from musterroll.store.read import RECORD_COLUMNS, iter_record_batches

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "write_records_csv"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> str:
    """Return a cell as text that no spreadsheet will run as a formula.

    Args:
        value: any value; None becomes an empty string.
    Returns:
        The text, with an apostrophe in front if it starts with ``= + - @``, TAB or CR.
    """
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_records_csv(engine: Engine, out: TextIO, *, source: str | None = None) -> int:
    """Write the current records (all, or one source's) as CSV with neutralised cells.

    Args:
        engine: an open register.
        out: a text stream opened with ``newline=""``.
        source: only this source's records.
    Returns:
        The number of records written.
    """
    writer = csv.writer(out)
    writer.writerow(RECORD_COLUMNS)
    count = 0
    sources = None if source is None else [source]
    for batch in iter_record_batches(engine, sources=sources):
        columns = [batch.column(name).to_pylist() for name in RECORD_COLUMNS]
        for row in zip(*columns, strict=True):
            writer.writerow([neutralise_cell(value) for value in row])
        count += batch.num_rows
    return count
