"""Read a simulated list back as its manifest entry says (the way ingest will)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl


def read_rows(root: Path, entry: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Return (headers, data rows) of one list, read with its stated format and encoding."""
    path = root / entry["path"]
    if entry["format"] == "csv":
        with path.open(encoding=entry["encoding"], newline="") as fh:
            rows = list(csv.reader(fh, delimiter=entry["delimiter"]))
        return rows[0], rows[1:]
    if entry["format"] == "jsonl":
        objects = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
        headers = list(objects[0]) if objects else []
        return headers, [[o[h] for h in headers] for o in objects]
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return [str(h) for h in rows[0]], rows[1:]
