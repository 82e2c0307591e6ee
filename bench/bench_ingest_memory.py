"""Benchmark: peak memory of ingest for hostile inputs under 100 MB (target: < 2 GB each).

Issue 19: an XLSX whose cell expands to 1 GiB took 5.7 GB before a MemoryError; a
spreadsheet of 350 million empty rows grew for minutes. Each case below is a file under
100 MB, written to a temporary folder; each is ingested in its own child process into a
fresh SQLite register, which reports its own peak resident memory (ru_maxrss), its wall
time and what the ingest said (a summary, or its one-line refusal). Run::

    .venv/bin/python bench/bench_ingest_memory.py [--mb 95] [--cases csv,json,...] [--check]

`--mb` sets the size of the large text cases (default 95 MB); `--check` exits non-zero
when a case peaks at 2 GB or more.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

TARGET_PEAK_MB = 2048.0
HEADER = "surname,given_name,patronymic,birth_date,oblast,unit,status,event_date,note\n"
SURNAMES = ["Коваленко", "Бондаренко", "Ткаченко", "Шевченко", "Кравченко", "Олійник"]
GIVEN = ["Олександр", "Сергій", "Андрій", "Володимир", "Дмитро", "Іван", "Олег"]


def _row(rng: random.Random, number: int) -> str:
    return (f"{rng.choice(SURNAMES)},{rng.choice(GIVEN)},Іванович,"
            f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1960, 2004)},"
            f"Київська,А{number % 9000:04d},загинув,2023-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},"
            "примітка\n")  # fmt: skip


def _write_rows(path: Path, size: int, *, first: str = "") -> None:
    """A CSV list of about `size` bytes; `first` is written as the first data line."""
    rng = random.Random(19)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + first)
        written, number = 0, 0
        while written < size:
            block = "".join(_row(rng, number + i) for i in range(10_000))
            out.write(block)
            written += len(block.encode("utf-8"))
            number += 10_000


def make_csv(folder: Path, size: int) -> Path:
    path = folder / "list.csv"
    _write_rows(path, size)
    return path


def make_quote(folder: Path, size: int) -> Path:
    """An unbalanced quote in the first row: the rest of the file is one quoted cell."""
    path = folder / "quote.csv"
    _write_rows(path, size, first='Бойко,"Ігор,Іванович,01.02.1990,,,загинув,,\n')
    return path


def make_huge_cell(folder: Path, size: int) -> Path:
    path = folder / "cell.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "Ш" * (size // 2) + ",Ігор,,,,,загинув,,\n")
    return path


def make_jsonl(folder: Path, size: int) -> Path:
    path = folder / "list.jsonl"
    rng = random.Random(19)
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < size:
            line = json.dumps({"surname": rng.choice(SURNAMES), "given_name": rng.choice(GIVEN),
                               "birth_date": f"{rng.randint(1960, 2004)}", "status": "загинув",
                               "note": "примітка"}, ensure_ascii=False) + "\n"  # fmt: skip
            out.write(line * 1000)
            written += len(line.encode("utf-8")) * 1000
    return path


def make_json(folder: Path, size: int) -> Path:
    path = folder / "list.json"
    rng = random.Random(19)
    item = '{{"surname": "{}", "given_name": "{}", "birth_date": "{}", "status": "загинув"}}'
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        written, first = 0, True
        while written < size:
            text = ", ".join(item.format(rng.choice(SURNAMES), rng.choice(GIVEN),
                                         rng.randint(1960, 2004)) for _ in range(1000))  # fmt: skip
            out.write(("" if first else ", ") + text)
            first = False
            written += len(text.encode("utf-8"))
        out.write("]")
    return path


def make_binary(folder: Path, size: int) -> Path:
    path = folder / "photo.csv"
    path.write_bytes(os.urandom(size))
    return path


def _xlsx(path: Path, sheet: Callable[[zipfile.ZipFile], None]) -> Path:
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
        'workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats'
        '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
        ' Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        sheet(archive)
    return path


_SHEET_HEAD = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
               b"<t>surname</t></is></c></row>")  # fmt: skip
_SHEET_TAIL = b"</sheetData></worksheet>"


def make_xlsx_cell_bomb(folder: Path, _size: int) -> Path:
    """A 1 GiB cell in about a megabyte."""

    def sheet(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_SHEET_HEAD + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
            block = b"x" * (1 << 20)
            for _ in range(1024):
                out.write(block)
            out.write(b"</t></is></c></row>" + _SHEET_TAIL)

    return _xlsx(folder / "cell_bomb.xlsx", sheet)


def make_xlsx_row_bomb(folder: Path, _size: int) -> Path:
    """350 million empty rows, compressed."""

    def sheet(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_SHEET_HEAD)
            block = b"<row/>" * 1_000_000
            for _ in range(350):
                out.write(block)
            out.write(_SHEET_TAIL)

    return _xlsx(folder / "row_bomb.xlsx", sheet)


def make_xlsx(folder: Path, size: int) -> Path:
    """A plain list as a workbook: one row per ~100 bytes of `size`, at most Excel's rows."""
    rows = min(size // 100, 1_048_575)
    rng = random.Random(19)

    def text(ref: str, value: str) -> bytes:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'.encode()

    def sheet(archive: zipfile.ZipFile) -> None:
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(_SHEET_HEAD.replace(b"</row>", text("B1", "given_name")
                                          + text("C1", "birth_date") + b"</row>"))
            for n in range(2, rows + 2):
                out.write(f'<row r="{n}">'.encode() + text(f"A{n}", rng.choice(SURNAMES))
                          + text(f"B{n}", rng.choice(GIVEN))
                          + text(f"C{n}", str(rng.randint(1960, 2004))) + b"</row>")
            out.write(_SHEET_TAIL)

    return _xlsx(folder / "list.xlsx", sheet)


CASES: dict[str, Callable[[Path, int], Path]] = {
    "xlsx": make_xlsx,
    "csv": make_csv, "quote": make_quote, "huge_cell": make_huge_cell, "jsonl": make_jsonl,
    "json": make_json, "binary": make_binary, "xlsx_cell_bomb": make_xlsx_cell_bomb,
    "xlsx_row_bomb": make_xlsx_row_bomb,
}  # fmt: skip


def ingest_one(path: Path, url: str) -> None:
    """In the child: ingest `path` and print what happened with this process's peak memory."""
    from musterroll.sources import IngestError, ingest_file
    from musterroll.store import init_register, open_register

    init_register(url)
    engine = open_register(url)
    started = time.monotonic()
    try:
        summary = ingest_file(engine, path, source=path.stem)
        said = f"{summary.rows:,} rows = {summary.accepted:,} + {summary.quarantined:,}"
    except IngestError as exc:
        said = f"refused: {str(exc).removeprefix(str(path) + ': ')[:90]}"
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak_mb, "seconds": seconds, "said": said}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=95.0, help="Size of the text cases (MB).")
    parser.add_argument("--cases", default=",".join(CASES), help="Comma-separated cases.")
    parser.add_argument("--check", action="store_true", help="Fail at 2 GB or more.")
    parser.add_argument("--one", nargs=2, metavar=("FILE", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        ingest_one(Path(args.one[0]), args.one[1])
        return 0
    size = int(args.mb * 1e6)
    worst = 0.0
    print(f"{'case':<16} {'file MB':>8} {'peak MB':>8} {'seconds':>8}  outcome")
    for name in args.cases.split(","):
        with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
            folder = Path(tmp)
            path = CASES[name](folder, size)
            url = f"sqlite:///{folder / 'register.db'}"
            child = subprocess.run([sys.executable, __file__, "--one", str(path), url],
                                   capture_output=True, text=True, check=False)  # fmt: skip
            if child.returncode:
                print(f"{name:<16} failed: {child.stderr.strip()[-300:]}")
                return 1
            result = json.loads(child.stdout.strip().splitlines()[-1])
            worst = max(worst, result["peak_mb"])
            print(f"{name:<16} {path.stat().st_size / 1e6:>8.1f} {result['peak_mb']:>8.0f} "
                  f"{result['seconds']:>8.1f}  {result['said']}", flush=True)
    print(f"worst peak: {worst:.0f} MB (target < {TARGET_PEAK_MB:.0f} MB)")
    return 1 if args.check and worst >= TARGET_PEAK_MB else 0


if __name__ == "__main__":
    sys.exit(main())
