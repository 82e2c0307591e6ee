from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from musterroll.sources.readers import ReadError, open_reader

from .conftest import UA_HEADER, UA_ROWS, write_csv

Row = tuple[int, list[str | None], str | None]


def read_all(path: Path, **options: str) -> tuple[list[str], list[Row], int]:
    reader = open_reader(path, **options)
    try:
        rows = [(r.number, r.cells, r.problem) for batch in reader.batches(2) for r in batch]
        return reader.header, rows, reader.trailing_blank_rows
    finally:
        reader.close()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    path = write_csv(tmp_path / "l.csv", UA_HEADER, UA_ROWS, delimiter=delimiter)
    header, rows, _ = read_all(path)
    assert header == UA_HEADER
    assert [cells for _, cells, _ in rows] == UA_ROWS


def test_rows_are_numbered_from_the_first_row_after_the_header(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,4\n\n\n', encoding="utf-8")
    _, rows, trailing = read_all(path)
    assert rows == [
        (1, ["1", "two\nlines"], None),
        (2, [], "blank row"),
        (3, ["3", "4"], None),
    ]
    assert trailing == 2


def test_an_empty_file_has_no_header_and_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert read_all(path) == ([], [], 0)


def test_undecodable_bytes_flag_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes("a,b\nІван,1\n".encode() + b"\xff\xfe,2\n" + "Петро,3\n".encode())
    _, rows, _ = read_all(path, encoding="utf-8")
    assert [problem is None for _, _, problem in rows] == [True, False, True]
    assert rows[1][1] == ["\\xff\\xfe", "2"]


def test_xlsx_reads_typed_cells_as_text(tmp_path: Path) -> None:
    from datetime import datetime

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Прізвище", "Дата народження", "Номер"])
    sheet.append(["Коваленко", datetime(1985, 3, 12), 12345.0])
    sheet.append([None, None, None])
    sheet.append(["Шевчук", "1979", "=1+1"])
    sheet.append([None, None, None])
    book.save(tmp_path / "l.xlsx")
    header, rows, trailing = read_all(tmp_path / "l.xlsx")
    assert header == ["Прізвище", "Дата народження", "Номер"]
    assert rows == [
        (1, ["Коваленко", "1985-03-12", "12345"], None),
        (2, [None, None, None], "blank row"),
        (3, ["Шевчук", "1979", "=1+1"], None),
    ]
    assert trailing == 1


def test_json_lines_align_new_keys_and_quarantine_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "l.jsonl"
    first = json.dumps({"surname": "Коваленко"}, ensure_ascii=False)
    third = json.dumps({"surname": "Шевчук", "rank": "солдат"}, ensure_ascii=False)
    lines = [first, "{not json", third, "[1]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    header, rows, _ = read_all(path)
    assert header == ["surname", "rank"]
    assert rows[0] == (1, ["Коваленко"], None)
    assert rows[1][0] == 2 and rows[1][2] is not None and rows[1][2].startswith("not JSON")
    assert rows[2] == (3, ["Шевчук", "солдат"], None)
    assert rows[3][2] == "expected a JSON object, found list"


def test_a_json_array_and_parquet_read_like_csv(tmp_path: Path) -> None:
    objects = [dict(zip(UA_HEADER, row, strict=True)) for row in UA_ROWS]
    (tmp_path / "l.json").write_text(json.dumps({"records": objects}), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(objects), tmp_path / "l.parquet")
    for name in ("l.json", "l.parquet"):
        header, rows, _ = read_all(tmp_path / name)
        assert header == UA_HEADER
        assert [cells for _, cells, _ in rows] == UA_ROWS


def test_a_json_document_of_the_wrong_shape_is_refused_whole(tmp_path: Path) -> None:
    path = tmp_path / "l.json"
    path.write_text('{"a": 1, "b": 2}', encoding="utf-8")
    with pytest.raises(ReadError, match="expected a JSON array"):
        open_reader(path)
