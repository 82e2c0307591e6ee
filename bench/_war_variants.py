"""A simulated war with fields taken away: blank birth dates and patronymics in its files.

Issue 14 found most of the pairs musterroll misses on outside lists have a record without a
birth date or without a patronymic. This copies a simulated war (lists, truth, manifest)
and blanks those cells, deterministically, so that a chosen share of all records lacks
each field; the truth is unchanged (same sources and row numbers). A patronymic inside a
full-name column ("Мороз Олександр Олександрович") is dropped from the name.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

__all__ = ["blank_fields"]

# A word that ends like an East Slavic patronymic, in Cyrillic or Latin transliteration.
_PATRONYMIC = re.compile(
    r"(ович|евич|євич|ьович|івна|ївна|овна|евна|ична|ич|ovych|evych|ovich|evich|ivna|"
    r"yivna|ovna|evna|ichna)$", re.IGNORECASE)


def _draw(seed: int, field: str, source: str, row: int) -> float:
    """A uniform number in [0, 1) fixed by seed, field and record (order-independent)."""
    digest = hashlib.sha256(f"{seed}|{field}|{source}|{row}".encode()).hexdigest()
    return int(digest[:13], 16) / float(1 << 52)


def _drop_patronymic(full_name: str) -> str:
    """Drop the last patronymic-like word of a full name of three words or more."""
    words = full_name.split()
    if len(words) < 3:
        return full_name
    for k in range(len(words) - 1, 0, -1):
        if _PATRONYMIC.search(words[k]):
            return " ".join(words[:k] + words[k + 1:])
    return full_name


def _read_list(war: Path, entry: dict[str, Any]) -> tuple[list[str], list[list[str | None]]]:
    """Read one list with musterroll's reader: header and cells of rows 1..n, in order."""
    from musterroll.sources.readers import open_reader

    reader = open_reader(war / entry["path"], format=entry.get("format"),
                         encoding=entry.get("encoding"), delimiter=entry.get("delimiter"))
    try:
        rows = list(reader.rows)
    finally:
        reader.close()
    header = list(reader.header)
    numbers = [row.number for row in rows]
    if numbers != list(range(1, len(rows) + 1)) or any(row.problem for row in rows):
        raise ValueError(f"{entry['path']}: rows are not numbered 1..n without problems; "
                         "blanking would shift the truth")
    return header, [[*row.cells, *[None] * (len(header) - len(row.cells))] for row in rows]


def _field_columns(header: list[str], entry: dict[str, Any]) -> dict[str, int]:
    """Canonical field -> column index, as ingest will map this list."""
    from musterroll.sources.mapping import load_mapping, map_columns

    return map_columns(header, load_mapping(entry.get("mapping"))).fields


def _write_list(path: Path, entry: dict[str, Any], header: list[str],
                rows: list[list[str | None]]) -> None:
    """Write a list back in its own format, encoding and delimiter (values as text)."""
    fmt = entry.get("format") or path.suffix.lstrip(".")
    if fmt in ("csv", "tsv"):
        delimiter = entry.get("delimiter") or ("\t" if fmt == "tsv" else ",")
        with path.open("w", encoding=entry.get("encoding") or "utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows([["" if c is None else c for c in row] for row in rows])
    elif fmt == "jsonl":
        with path.open("w", encoding=entry.get("encoding") or "utf-8") as handle:
            for row in rows:
                obj = {k: v for k, v in zip(header, row, strict=True) if v is not None}
                handle.write(json.dumps(obj, ensure_ascii=False) + "\n")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        raise ValueError(f"{path}: cannot rewrite format {fmt!r}")


def _plan(lists: list[tuple[dict[str, Any], list[str], list[list[str | None]], dict[str, int]]],
          field: str, share: float, seed: int) -> tuple[float, float, set[tuple[str, int]]]:
    """Decide which records lose `field` so that `share` of all records lack it.

    Returns the share lacking it before, the chance of blanking a record that has it, and
    the (source, row) of the records to blank.
    """
    having: list[tuple[str, int]] = []
    total = 0
    for entry, _header, rows, columns in lists:
        total += len(rows)
        for number, cells in enumerate(rows, start=1):
            has_field = field in columns and (cells[columns[field]] or "").strip()
            has_in_full = (field == "patronymic" and "full_name" in columns
                           and _drop_patronymic(cells[columns["full_name"]] or "")
                           != (cells[columns["full_name"]] or ""))
            if has_field or has_in_full:
                having.append((entry["name"], number))
    before = 1 - len(having) / total if total else 0.0
    chance = max(0.0, (share - before) / (1 - before)) if before < 1 else 0.0
    chosen = {key for key in having if _draw(seed, field, *key) < chance}
    return before, chance, chosen


def blank_fields(war: Path, out: Path, *, seed: int,
                 shares: dict[str, float]) -> dict[str, Any]:
    """Copy the war in `war` to `out` with fields blanked in a share of all records.

    Args:
        war: a simulated war (manifest.json, lists/, truth/).
        out: where to write the copy (kept if its manifest exists).
        seed: fixes which records lose which field.
        shares: field -> share of all records that should lack it afterwards, e.g.
            {"birth_date": 0.4, "patronymic": 0.5}; records already lacking it count.
    Returns:
        Per field: share lacking before and after, and records blanked.
    """
    report_path = out / "blanking.json"
    if (out / "manifest.json").exists() and report_path.exists():
        return dict(json.loads(report_path.read_text()))
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(war / "truth", out / "truth")
    (out / "lists").mkdir(parents=True)
    manifest = json.loads((war / "manifest.json").read_text(encoding="utf-8"))
    lists = []
    for entry in manifest["sources"]:
        header, rows = _read_list(war, entry)
        lists.append((entry, header, rows, _field_columns(header, entry)))
    total = sum(len(rows) for _e, _h, rows, _c in lists)
    report: dict[str, Any] = {"seed": seed, "records": total}
    for field, share in shares.items():
        before, chance, chosen = _plan(lists, field, share, seed)
        for entry, _header, rows, columns in lists:
            for number, cells in enumerate(rows, start=1):
                if (entry["name"], number) not in chosen:
                    continue
                if field in columns:
                    cells[columns[field]] = None
                if field == "patronymic" and "full_name" in columns:
                    cells[columns["full_name"]] = _drop_patronymic(
                        cells[columns["full_name"]] or "")
        after = before + len(chosen) / total if total else 0.0
        report[field] = {"lacking_before": round(before, 4), "lacking_after": round(after, 4),
                         "blanked": len(chosen), "chance": round(chance, 4)}
    from musterroll.sources.ingest import file_sha256

    for entry, header, rows, _columns in lists:
        target = out / entry["path"]
        _write_list(target, entry, header, rows)
        entry["sha256"] = file_sha256(target)
    manifest["variant"] = {"blanked": shares, "seed": seed}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    report_path.write_text(json.dumps(report, indent=1))
    return report
