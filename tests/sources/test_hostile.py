"""Hostile and careless input (issue 19): nothing lost, nothing garbled, no traceback.

Every file is generated here. Each case asserts, where it applies: the exit code, a
one-line message naming the file (and row and field), no traceback, rows accepted +
quarantined = rows in the file, and nothing stored under a hash of other bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.sources import IngestError, IngestOptions, ingest_file
from musterroll.sources.readers import FIELD_CAP
from musterroll.store import init_register, open_register, read_records
from musterroll.store.models import files_table, quarantine_table, records_table

from .conftest import csv_bytes, write_csv

runner = CliRunner()
HEADER = ["surname", "given_name", "birth_date", "status"]
NAMES = ["Коваленко", "Шевчук", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Лисенко"]
GIVEN = ["Марія", "Петро", "Олег", "Ігор", "Сергій", "Олена", "Їжак"]

# UTF-8 Cyrillic read as Windows-1251 ("Ð", "Ñ" from Latin-1; "Р°", "С–" pairs from
# cp1251): what a wrongly guessed encoding makes of a name.
MOJIBAKE = re.compile("[ÐÑ]|[РС][\u0080-\u00bf\u0402-\u040f\u0452-\u045f\u2010-\u203a\u2116]")


def rows_of(n: int, *, start: int = 0) -> list[list[str]]:
    """`n` distinct, valid rows of the canonical header."""
    return [[NAMES[i % 7], GIVEN[(i // 7) % 7], f"{1950 + i % 50}", "загинув"]
            for i in range(start, start + n)]  # fmt: skip


def invoke(url: str, *args: str) -> tuple[int, str, str]:
    """Run the command line; fail the test on any traceback."""
    result = runner.invoke(app, ["--db", url, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback: {result.exception!r}"
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(err: str, *names: str) -> str:
    """The error is one line (however long) naming each of `names`; return it."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def assert_nothing_lost(engine: Engine, folder: Path) -> None:
    """Every stored file: rows = accepted + quarantined, as stored; and its hash is the
    hash of the bytes of the file at its path (which the tests do not change later)."""
    with engine.connect() as conn:
        for f in conn.execute(select(files_table)).all():
            records = conn.execute(select(func.count()).where(
                records_table.c.file_id == f.id)).scalar_one()  # fmt: skip
            quarantined = conn.execute(select(func.count()).where(
                quarantine_table.c.file_id == f.id)).scalar_one()  # fmt: skip
            assert (records, quarantined) == (f.accepted, f.quarantined)
            assert f.rows == f.accepted + f.quarantined
            path = Path(f.path)
            if path.is_file() and path.is_relative_to(folder):
                assert hashlib.sha256(path.read_bytes()).hexdigest() == f.sha256, path


def stored_files(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(files_table)).scalar_one())


@pytest.fixture
def url(sqlite_url: str) -> str:
    init_register(sqlite_url)
    return sqlite_url


@pytest.fixture
def engine(register: Engine) -> Engine:
    """An empty register, on SQLite and (when configured) on PostgreSQL."""
    return register


# --- 1. a file that changes while it is read --------------------------------------------


@pytest.mark.parametrize("change", ["truncate", "append"])
def test_a_file_changed_while_read_is_refused_and_nothing_is_stored_under_its_hash(
    engine: Engine, tmp_path: Path, change: str
) -> None:
    path = write_csv(tmp_path / "list.csv", HEADER, rows_of(3000))
    data = path.read_bytes()

    def meddle(_done: int, _total: int, rows: int) -> None:
        if rows == 500:  # after the first batch: the file is half read
            with path.open("r+b" if change == "truncate" else "ab") as handle:
                if change == "truncate":
                    handle.truncate(len(data) * 3 // 10)
                else:
                    handle.write(b"\r\n".join(b"Appended,Row,1990,MIA" for _ in range(99)))

    with pytest.raises(IngestError, match="changed while it was being read") as caught:
        ingest_file(engine, path, source="s", progress=meddle,
                    options=IngestOptions(batch_rows=500))
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)
    assert stored_files(engine) == 0
    # The file as it is now is ingested whole, under its own hash.
    summary = ingest_file(engine, path, source="s")
    assert summary.rows == path.read_bytes().count(b"\n") - (not data.endswith(b"\n"))
    assert summary.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert_nothing_lost(engine, tmp_path)


# --- 2. encodings --------------------------------------------------------------------------


def names_stored(engine: Engine, source: str) -> list[str]:
    table = read_records(engine, sources=[source])
    return [f"{r['surname']} {r['given_name']}" for r in table.to_pylist()]


def test_one_cp1251_row_near_the_top_of_a_utf8_file_garbles_no_name(
    engine: Engine, tmp_path: Path
) -> None:
    rows = rows_of(19_999)
    text = csv_bytes(HEADER, rows[:2])
    odd = csv_bytes(["Бойко", "Ігор", "1980", "загинув"], [], encoding="cp1251")
    path = tmp_path / "mixed.csv"
    path.write_bytes(text + odd + csv_bytes(rows[2], rows[3:]))
    summary = ingest_file(engine, path, source="mixed")
    assert (summary.encoding, summary.rows, summary.quarantined) == ("utf-8", 20_000, 0)
    names = names_stored(engine, "mixed")
    assert not [n for n in names if MOJIBAKE.search(n)]
    assert "Бойко Ігор" in names
    assert any("mixed encodings" in note for note in summary.notes)
    assert summary.warning_samples[0]["row"] == 3
    assert "read as cp1251" in summary.warning_samples[0]["warnings"][0]
    assert_nothing_lost(engine, tmp_path)


def test_a_utf8_row_in_a_cp1251_file_is_read_as_utf8(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_bytes(HEADER, rows_of(50), encoding="cp1251")
                     + csv_bytes(["Бойко", "Ігор", "1980", "загинув"], []))  # fmt: skip
    summary = ingest_file(engine, path, source="m")
    assert (summary.encoding, summary.rows, summary.quarantined) == ("cp1251", 51, 0)
    names = names_stored(engine, "m")
    assert "Бойко Ігор" in names and not [n for n in names if MOJIBAKE.search(n)]


def test_a_cp1251_line_in_a_utf8_json_lines_file_is_read_as_cp1251(
    engine: Engine, tmp_path: Path
) -> None:
    lines = [json.dumps({"surname": s, "given_name": g}, ensure_ascii=False).encode()
             for s, g, *_ in rows_of(30)]  # fmt: skip
    lines.insert(1, '{"surname": "Бойко", "given_name": "Ігор"}'.encode("cp1251"))
    path = tmp_path / "list.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    summary = ingest_file(engine, path, source="jl")
    assert (summary.encoding, summary.rows, summary.accepted) == ("utf-8", 31, 31)
    names = names_stored(engine, "jl")
    assert "Бойко Ігор" in names and not [n for n in names if MOJIBAKE.search(n)]
    assert "read as cp1251" in summary.warning_samples[0]["warnings"][0]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_as_utf16(engine: Engine, tmp_path: Path, codec: str) -> None:
    path = write_csv(tmp_path / "list.csv", HEADER, rows_of(30), encoding=codec)
    summary = ingest_file(engine, path, source="u")
    assert (summary.encoding, summary.rows, summary.accepted) == (codec, 30, 30)
    assert names_stored(engine, "u")[0] == "Коваленко Марія"


# --- 3. quotes, copies, empty versions, digits ------------------------------------------


def test_an_unbalanced_quote_costs_one_row_not_the_rows_after_it(url: str, tmp_path: Path) -> None:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows_of(20)]
    lines[4] = 'Бойко,"Ігор,1980,загинув'  # data row 4
    path = tmp_path / "quote.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    code, out, err = invoke(url, "ingest", str(path), "--source", "q", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows"], summary["accepted"], summary["quarantined"]) == (20, 19, 1)
    assert summary["quarantine_samples"][0]["row"] == 4
    assert "quote.csv row 4" in " ".join(err.split()) and "unbalanced quote" in err


def test_the_same_bytes_under_another_source_are_refused_unless_asked(
    url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "list.csv", HEADER, rows_of(40))
    assert invoke(url, "ingest", str(path), "--source", "first")[0] == 0
    code, _, err = invoke(url, "ingest", str(path), "--source", "second")
    assert code == 2
    line = assert_one_line_error(err, str(path), "'first'", "--allow-duplicate-file")
    assert "duplicate" in line
    code, _, err = invoke(url, "ingest", str(path), "--source", "second",
                          "--allow-duplicate-file")  # fmt: skip
    assert code == 0, err


def test_a_header_only_file_as_a_new_version_is_refused_unless_asked(
    url: str, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "v1.csv", HEADER, rows_of(40))
    assert invoke(url, "ingest", str(path), "--source", "s")[0] == 0
    empty = write_csv(tmp_path / "v2.csv", HEADER, [])
    code, _, err = invoke(url, "ingest", str(empty), "--source", "s")
    assert code == 2
    assert_one_line_error(err, str(empty), "40 records", "--allow-empty")
    code, out, err = invoke(url, "records", "--source", "s", "--json", "--limit", "100")
    assert len(json.loads(out)) == 40
    code, out, err = invoke(url, "ingest", str(empty), "--source", "s", "--allow-empty", "--json")
    assert code == 0 and json.loads(out)["diff"]["removed"] == 40


def test_a_year_in_arabic_indic_digits_is_read_as_a_year(engine: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", HEADER, [["Бойко", "Ігор", "١٩٩٠", "загинув"]])
    summary = ingest_file(engine, path, source="a")
    assert (summary.accepted, summary.warnings) == (1, 0)
    assert read_records(engine, sources=["a"]).to_pylist()[0]["birth_date"] == "1990"


# --- 4. what used to end in a traceback ----------------------------------------------------


def test_json_nested_100000_deep_is_refused_in_one_line(url: str, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(deep)
    code, _, err = invoke(url, "ingest", str(path), "--source", "j")
    assert code == 2
    assert_one_line_error(err, str(path), "nested too deeply")
    lines = tmp_path / "deep.jsonl"
    lines.write_text('{"surname": "Бойко"}\n' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "\n")
    code, out, err = invoke(url, "ingest", str(lines), "--source", "jl", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["rows"], summary["accepted"], summary["quarantined"]) == (2, 1, 1)


def test_a_mapping_to_a_list_or_dict_is_refused_in_one_line(url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", ["Прізвище", "x"], [["Бойко", "1"]])
    for value in ("[surname, given_name]", "{a: b}"):
        mapping = tmp_path / "map.yaml"
        mapping.write_text(f"Прізвище: {value}\n", encoding="utf-8")
        code, _, err = invoke(url, "ingest", str(path), "--source", "m", "--mapping", str(mapping))
        assert code == 2
        assert_one_line_error(err, str(mapping), "Прізвище")


@pytest.mark.parametrize("delimiter", ["ab", "", "\n", '"'])
def test_a_delimiter_that_is_not_one_character_is_refused(
    url: str, tmp_path: Path, delimiter: str
) -> None:
    path = write_csv(tmp_path / "l.csv", HEADER, rows_of(2))
    code, _, err = invoke(url, "ingest", str(path), "--source", "d", "--delimiter", delimiter)
    assert code == 2
    assert_one_line_error(err, "delimiter")


def test_rich_markup_in_a_quarantined_cell_is_shown_as_text(url: str, tmp_path: Path) -> None:
    # The first row names nobody (quarantined, its cells shown as they were); the second
    # is a person whose impossible date is a warning (issue 14), shown among the records.
    rows = [["", "", "[/] 31.02.1990", "[bold]x"], ["[/b]", "[bold]y", "[/] 31.02.1990", "?"]]
    path = write_csv(tmp_path / "l.csv", HEADER, rows)
    assert invoke(url, "ingest", str(path), "--source", "[/b]")[0] == 0
    code, out, err = invoke(url, "quarantine")
    assert code == 0, err
    assert "[/]" in out and "[bold]x" in out
    code, out, err = invoke(url, "records")
    assert code == 0, err


def test_export_persons_to_a_folder_or_a_missing_folder_fails_in_one_line(
    url: str, tmp_path: Path
) -> None:
    code, _, err = invoke(url, "export", "persons", "--out", str(tmp_path))
    assert code == 2
    assert_one_line_error(err, str(tmp_path), "folder")
    missing = tmp_path / "no" / "such" / "persons.csv"
    code, _, err = invoke(url, "export", "persons", "--out", str(missing))
    assert code == 2
    assert_one_line_error(err, str(missing.parent), "does not exist")


@pytest.mark.parametrize(
    ("rows", "args", "said"),
    [
        ([("1,0", 10**12), ("0,1", 10**12), ("1,1", 10**12)], ["--method", "loglinear"],
         "is not a count"),
        ([("1,0,0", 0), ("0,1,0", 0), ("1,1,0", 0), ("0,0,1", 0)], ["--method", "dga"],
         "every count is zero"),
        ([("1,0", 10**19), ("0,1", 5), ("1,1", 5)], ["--method", "dga"], "is not a count"),
        ([("1,0,0", 9), ("0,1,0", 5), ("1,1,0", 5), ("0,0,1", 4)],
         ["--method", "dga", "--delta", "-1"], "--delta"),
    ],
)  # fmt: skip
def test_estimate_refuses_impossible_tables_in_one_line(
    url: str, tmp_path: Path, rows: list[tuple[str, int]], args: list[str], said: str
) -> None:
    width = rows[0][0].count(",") + 1
    path = tmp_path / "table.csv"
    path.write_text(",".join("ABC"[:width]) + ",count\n"
                    + "".join(f"{p},{n}\n" for p, n in rows))  # fmt: skip
    code, _, err = invoke(url, "estimate", "--table", str(path), *args)
    assert code == 2
    assert_one_line_error(err, said)


# --- 4, 5. spreadsheets that expand ---------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def write_xlsx(path: Path, rows_xml: str | bytes, *, dimension: str = "A1:B2") -> Path:
    """Write a minimal workbook by hand, its sheet's rows as given (no library to tame it)."""
    head = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>')  # fmt: skip
    body = rows_xml.encode() if isinstance(rows_xml, str) else rows_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml",
                         head.encode() + body + b"</sheetData></worksheet>")  # fmt: skip
    return path


XLSX_HEADER = f'<row r="1">{cell("A1", "surname")}{cell("B1", "given_name")}</row>'


def test_a_sheet_claiming_a1_to_xfd1048576_reads_only_its_cells(
    engine: Engine, tmp_path: Path
) -> None:
    rows = XLSX_HEADER + f'<row r="2">{cell("A2", "Бойко")}{cell("B2", "Ігор")}</row>'
    path = write_xlsx(tmp_path / "dim.xlsx", rows, dimension="A1:XFD1048576")
    assert path.stat().st_size < 2000
    summary = ingest_file(engine, path, source="x")
    assert (summary.rows, summary.accepted, summary.trailing_blank_rows) == (1, 1, 0)


@pytest.mark.parametrize(
    ("name", "rows", "said"),
    [
        ("far_row.xlsx", XLSX_HEADER + '<row r="350000000"><c r="A350000000"/></row>',
         "more than 1,048,576 rows"),
        ("many_rows.xlsx", XLSX_HEADER + "<row/>" * 1_100_000, "more than 1,048,576 rows"),
        ("big_cell.xlsx", XLSX_HEADER + f'<row r="2">{cell("A2", "x" * (3 << 20))}</row>',
         "a cell in xl/worksheets/sheet1.xml holds more than"),
    ],
)  # fmt: skip
def test_a_spreadsheet_that_expands_too_far_is_refused_in_one_line(
    url: str, tmp_path: Path, name: str, rows: str, said: str
) -> None:
    path = write_xlsx(tmp_path / name, rows)
    assert path.stat().st_size < 3 << 20
    code, _, err = invoke(url, "ingest", str(path), "--source", "x")
    assert code == 2
    assert assert_one_line_error(err, str(path), said, "too big").count(str(path)) == 1


# --- 6. a huge cell ---------------------------------------------------------------------------


def test_a_huge_cell_is_cut_for_the_record_with_a_warning_and_kept_verbatim(
    engine: Engine, tmp_path: Path
) -> None:
    huge = "Ш" * (2 << 20)
    path = write_csv(tmp_path / "l.csv", HEADER, [[huge, "Ігор", "1980", "загинув"],
                                                   *rows_of(3)])  # fmt: skip
    summary = ingest_file(engine, path, source="h")
    assert (summary.rows, summary.accepted, summary.warnings) == (4, 4, 1)
    assert "longer than 1,000 characters" in summary.warning_samples[0]["warnings"][0]
    record = read_records(engine, sources=["h"], include_verbatim=True).to_pylist()[0]
    assert len(record["surname"]) == FIELD_CAP
    assert json.loads(record["verbatim"])[0] == huge
    assert_nothing_lost(engine, tmp_path)


# --- 7. not a list ----------------------------------------------------------------------------


def test_a_binary_file_is_not_a_list(url: str, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(hashlib.sha512(b"seed").digest() * 2000 + bytes(range(256)) * 40)
    code, _, err = invoke(url, "ingest", str(path), "--source", "b")
    assert code == 2
    assert_one_line_error(err, str(path), "this is not a list")
    gz = tmp_path / "list.csv"
    gz.write_bytes(b"\x1f\x8b\x08\x00" + bytes(200))
    code, _, err = invoke(url, "ingest", str(gz), "--source", "b")
    assert code == 2
    assert_one_line_error(err, str(gz), "gzip")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_named_as_a_fifo_not_as_missing(url: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = invoke(url, "ingest", str(fifo), "--source", "f")
    assert code == 2
    assert_one_line_error(err, str(fifo), "named pipe (FIFO)")
    code, _, err = invoke(url, "ingest", str(tmp_path / "gone.csv"), "--source", "f")
    assert code == 2
    assert_one_line_error(err, "gone.csv", "no such file")


# --- 8. two ingests at once -------------------------------------------------------------------


def test_two_concurrent_ingests_into_one_sqlite_register_wait_their_turn_and_succeed(
    url: str, tmp_path: Path
) -> None:
    paths = [write_csv(tmp_path / f"l{i}.csv", HEADER, rows_of(5_000, start=i * 5_000))
             for i in range(2)]  # fmt: skip
    musterroll = Path(sys.executable).parent / "musterroll"
    # A third writer holds the register until both ingests have said that they wait.
    holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    children = [
        subprocess.Popen([str(musterroll), "--db", url, "ingest", str(path), "--source",
                          f"s{i}", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i, path in enumerate(paths)
    ]  # fmt: skip
    said: list[list[bytes]] = [[], []]
    readers = [threading.Thread(target=lambda i=i: said[i].extend(children[i].stderr or []))
               for i in range(2)]  # fmt: skip
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 300
    while not all(b"waiting" in b"".join(lines) for lines in said):
        assert time.monotonic() < deadline, said
        time.sleep(0.2)
    holder.execute("ROLLBACK")
    holder.close()
    outs = [child.communicate(timeout=600)[0] for child in children]
    for reader in readers:
        reader.join()
    for child, out, lines in zip(children, outs, said, strict=True):
        err = b"".join(lines).decode()
        assert child.returncode == 0, err
        assert "Traceback" not in err
        assert "another ingest is writing to the register: waiting for it to finish" in err
        assert json.loads(out)["accepted"] == 5_000
    engine = open_register(url)
    try:
        assert len(read_records(engine)) == 10_000
        assert_nothing_lost(engine, tmp_path)
    finally:
        engine.dispose()


# --- 9. formulas in exported cells ------------------------------------------------------------


@pytest.mark.slow
def test_a_source_named_as_a_formula_is_neutralised_in_export_persons(
    url: str, tmp_path: Path
) -> None:
    war = tmp_path / "war"
    assert invoke(url, "simulate", "--seed", "3", "--people", "400", "--out", str(war))[0] == 0
    formula = '=HYPERLINK("http://x","y")'
    lists = war / "lists"
    assert invoke(url, "ingest", str(lists / "memorial_book.csv"), "--source", formula)[0] == 0
    assert invoke(url, "ingest", str(lists / "missing_persons_register.csv"),
                  "--source", "other")[0] == 0  # fmt: skip
    code, _, err = invoke(url, "link")
    assert code == 0, err
    out = tmp_path / "persons.csv"
    assert invoke(url, "export", "persons", "--out", str(out))[0] == 0
    sources = {row["source"] for row in csv.DictReader(io.StringIO(out.read_text()))}
    assert "'" + formula in sources and formula not in sources


# --- property tests: random bytes, CSV shapes, XLSX shapes -------------------------------------
# The short run is part of `make test`; the slow one runs for MUSTERROLL_FUZZ_MINUTES
# (10 by default) in `make test-all`. An example that takes more than 30 s is a failure.

_FUZZ_DEADLINE = timedelta(seconds=30)
_cases = iter(range(10**9))


def check_ingest(engine: Engine, path: Path) -> None:
    """Ingest `path`: a summary that adds up, or one refusing line; never anything else."""
    source = path.stem
    try:
        summary = ingest_file(engine, path, source=source)
    except IngestError as exc:
        message = str(exc)
        assert message.startswith(str(path)) and "\n" not in message, message
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(files_table)
                                  .where(files_table.c.path == str(path))).scalar_one()  # fmt: skip
        assert stored == 0
        return
    assert summary.rows == summary.accepted + summary.quarantined
    assert summary.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with engine.connect() as conn:
        records = conn.execute(select(func.count()).where(
            records_table.c.file_id == summary.file_id)).scalar_one()  # fmt: skip
        quarantined = conn.execute(select(func.count()).where(
            quarantine_table.c.file_id == summary.file_id)).scalar_one()  # fmt: skip
    assert (records, quarantined) == (summary.accepted, summary.quarantined)


SUFFIXES = st.sampled_from([".csv", ".tsv", ".json", ".jsonl", ".xlsx", ".txt", ""])
TEXT = st.text(st.sampled_from(list('абвгґдеєжзиіїйклмнопрстуфхцчшщьюяІЇЄҐ ЁЫЭ"\',;|\t.-=[/]'
                                    "abcXYZ0123456789١٩") + ["\n", "\r", "\x00", "\ufeff"]),
               max_size=14)  # fmt: skip
CSV_CELL = st.one_of(TEXT, st.sampled_from(["01.02.1990", "1990", "загинув", "MIA", ""]))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "koi8-u", "utf-16", "utf-16-le"])


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A CSV list of random shape: width, delimiter, encoding, line ends, stray quotes."""
    width = draw(st.integers(1, 6))
    header = draw(st.lists(st.sampled_from(HEADER + ["Прізвище", "Ім'я", "x", ""]),
                           min_size=width, max_size=width))  # fmt: skip
    rows = draw(st.lists(st.lists(CSV_CELL, min_size=0, max_size=width + 1), max_size=25))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter,
                        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))  # fmt: skip
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # a stray quote somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + '"' + text[at:]
    encoding = draw(ENCODINGS)
    return text.encode(encoding, errors="replace"), draw(st.sampled_from([".csv", ".txt", ""]))


XLSX_VALUE = st.one_of(
    st.none(), st.integers(-10**12, 10**12), st.floats(allow_nan=False),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20),
    st.dates(), st.booleans(),
)  # fmt: skip


@st.composite
def xlsx_files(draw: st.DrawFn) -> bytes:
    """A workbook of random shape: header, ragged rows of typed cells; maybe truncated."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in draw(st.lists(st.lists(XLSX_VALUE, max_size=7), max_size=20)):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:  # truncated in transit (a share: saved files vary)
        data = data[: len(data) * draw(st.integers(0, 999)) // 1000]
    return data


def _fuzz(engine: Engine, folder: Path, examples: int) -> None:
    """Run the three properties for `examples` examples each."""
    options = settings(max_examples=examples, deadline=_FUZZ_DEADLINE, database=None,
                       suppress_health_check=list(HealthCheck))  # fmt: skip

    def write(data: bytes, suffix: str) -> Path:
        path = folder / f"case{next(_cases)}{suffix}"
        path.write_bytes(data)
        return path

    @options
    @given(data=st.binary(max_size=3000), suffix=SUFFIXES)
    def random_bytes(data: bytes, suffix: str) -> None:
        check_ingest(engine, write(data, suffix))

    @options
    @given(case=csv_files())
    def csv_shapes(case: tuple[bytes, str]) -> None:
        check_ingest(engine, write(*case))

    @options
    @given(data=xlsx_files())
    def xlsx_shapes(data: bytes) -> None:
        check_ingest(engine, write(data, ".xlsx"))

    random_bytes()
    csv_shapes()
    xlsx_shapes()


def test_random_bytes_csv_and_xlsx_shapes_are_ingested_or_refused_in_one_line(
    engine: Engine, tmp_path: Path
) -> None:
    _fuzz(engine, tmp_path, examples=25)


@pytest.mark.slow
def test_ten_minutes_of_random_input_find_no_traceback_and_no_hang(
    sqlite_register: Engine, tmp_path: Path
) -> None:
    engine = sqlite_register
    minutes = float(os.environ.get("MUSTERROLL_FUZZ_MINUTES", "10"))
    end = time.monotonic() + minutes * 60
    rounds = 0
    while time.monotonic() < end:
        _fuzz(engine, tmp_path, examples=100)
        for path in tmp_path.glob("case*"):
            path.unlink()
        rounds += 1
    assert rounds >= 1
