from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, func, select

from musterroll.sources import IngestError, IngestOptions, ingest_file
from musterroll.store import list_files, list_quarantine, read_audit, read_records
from musterroll.store.models import quarantine_table, records_table

from .conftest import UA_HEADER, UA_ROWS, write_csv

TODAY = date(2025, 12, 31)


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        records = conn.execute(select(func.count()).select_from(records_table)).scalar_one()
        quarantined = conn.execute(select(func.count()).select_from(quarantine_table)).scalar_one()
    return records, quarantined


def test_a_ukrainian_csv_is_ingested_with_provenance(register: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "official.csv", UA_HEADER, UA_ROWS, delimiter=";")
    summary = ingest_file(register, path, source="official",
                          options=IngestOptions(kind="official", today=TODAY))
    assert (summary.rows, summary.accepted, summary.quarantined) == (3, 3, 0)
    assert (summary.format, summary.encoding, summary.delimiter) == ("csv", "utf-8", ";")
    table = read_records(register, include_verbatim=True).to_pylist()
    assert [r["row"] for r in table] == [1, 2, 3]
    assert {r["file_sha256"] for r in table} == {hashlib.sha256(path.read_bytes()).hexdigest()}
    second = table[1]
    assert second["surname"] == "ІВАНЕНКО"  # the Latin I repaired in the normalised field
    assert json.loads(second["verbatim"])[0] == "IВАНЕНКО"  # and kept in the verbatim row
    assert (second["birth_date"], second["status"], second["event_date"]) == (
        "1990-02-01", "killed", "2023-03-12",
    )  # fmt: skip
    assert second["full_name"] == "ІВАНЕНКО Петро Іванович"
    assert table[0]["event_date"] == "2022-05"
    assert [line["action"] for line in read_audit(register)] == ["ingest"]


def test_the_same_file_twice_changes_nothing(register: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "l.csv", UA_HEADER, UA_ROWS)
    first = ingest_file(register, path, source="s", options=IngestOptions(today=TODAY))
    again = ingest_file(register, path, source="s", options=IngestOptions(today=TODAY))
    assert again.already_ingested and not first.already_ingested
    assert (again.rows, again.accepted, again.version) == (3, 3, 1)
    assert counts(register) == (3, 0)
    assert len(list_files(register)) == 1
    assert len(read_audit(register)) == 1


def test_a_new_version_is_diffed_against_the_last(register: Engine, tmp_path: Path) -> None:
    ingest_file(register, write_csv(tmp_path / "v1.csv", UA_HEADER, UA_ROWS), source="s")
    changed = [*UA_ROWS[0][:4], "загинула", "06.2023"]
    new = ["Бойко", "Ігор", "Васильович", "1992", "зник безвісти", "2024"]
    rows = [changed, UA_ROWS[2], new]
    summary = ingest_file(register, write_csv(tmp_path / "v2.csv", UA_HEADER, rows), source="s")
    assert summary.version == 2
    assert summary.diff is not None
    assert {k: summary.diff[k] for k in ("added", "removed", "changed", "unchanged")} == {
        "added": 1, "removed": 1, "changed": 1, "unchanged": 1,
    }  # fmt: skip
    assert summary.diff["added_rows"] == [3]
    assert summary.diff["removed_rows"] == [2]
    assert summary.diff["changed_rows"] == [[1, 1]]
    current = read_records(register).to_pylist()
    assert [r["file_version"] for r in current] == [2, 2, 2]
    assert read_records(register, current_only=False).num_rows == 6


def test_unreadable_rows_are_quarantined_with_file_row_and_reason(
    register: Engine, tmp_path: Path
) -> None:
    rows = [
        UA_ROWS[0],
        ["Шевченко", "Тарас", "", "31.02.1990", "загинув", ""],
        ["Бойко", "Ігор", "", "1992", "на лікуванні", ""],
        ["Бойко", "Ігор"],
        ["", "", "", "", "", ""],
        ["", "", "", "1990", "загинув", "2023"],
        UA_ROWS[1],
    ]
    path = write_csv(tmp_path / "l.csv", UA_HEADER, rows)
    summary = ingest_file(register, path, source="s", options=IngestOptions(today=TODAY))
    # Issue 14: rows 2 and 3 (one bad field each) are accepted; see the next test.
    assert (summary.rows, summary.accepted, summary.quarantined) == (7, 4, 3)
    quarantined = {q["row"]: q for q in list_quarantine(register)}
    assert set(quarantined) == {4, 5, 6}
    assert quarantined[4]["reason"] == "expected 6 cells as in the header, found 2"
    assert quarantined[5]["reason"] == "blank row"
    assert quarantined[6]["reason"].startswith("no name and no identifier (columns 'Прізвище'")
    assert json.loads(quarantined[4]["verbatim"]) == ["Бойко", "Ігор"]
    assert counts(register) == (4, 3)


def test_a_bad_value_costs_the_field_not_the_person(register: Engine, tmp_path: Path) -> None:
    rows = [
        ["Шевченко", "Тарас", "", "31.02.1990", "загинув", ""],
        ["Бойко", "Ігор", "", "1992", "на лікуванні", "1945-04-93"],
    ]
    path = write_csv(tmp_path / "l.csv", UA_HEADER, rows)
    summary = ingest_file(register, path, source="s", options=IngestOptions(today=TODAY))
    assert (summary.accepted, summary.quarantined, summary.warnings) == (2, 0, 2)
    first, second = read_records(register, include_verbatim=True).to_pylist()
    assert (first["surname"], first["birth_date"], first["status"]) == ("Шевченко", None, "killed")
    assert json.loads(first["verbatim"])[3] == "31.02.1990"
    [warning] = json.loads(first["warnings"])
    assert warning.startswith("column 'Дата народження' (birth_date): expected a real calendar")
    assert "'31.02.1990'" in warning and "left empty" in warning
    assert (second["birth_date"], second["status"], second["event_date"]) == ("1992", None, None)
    warnings = json.loads(second["warnings"])
    assert [w.split(":")[0] for w in warnings] == [
        "column 'Статус' (status)", "column 'Дата події' (event_date)",
    ]  # fmt: skip
    assert "'на лікуванні'" in warnings[0] and "'1945-04-93'" in warnings[1]
    assert [sample["row"] for sample in summary.warning_samples] == [1, 2]


def test_an_unreadable_status_does_not_take_the_lists_default(
    register: Engine, tmp_path: Path
) -> None:
    rows = [["Бойко", "Ігор", "", "1992", "на лікуванні", ""], UA_ROWS[2][:4] + ["", ""]]
    path = write_csv(tmp_path / "l.csv", UA_HEADER, rows)
    summary = ingest_file(register, path, source="s",
                          options=IngestOptions(default_status="released"))
    assert (summary.accepted, summary.warnings) == (2, 1)
    assert [r["status"] for r in read_records(register).to_pylist()] == [None, "released"]


def test_implausible_rows_are_accepted_with_warnings(register: Engine, tmp_path: Path) -> None:
    rows = [
        ["Бойко", "Ігор", "", "01.01.2001", "загинув", "2000"],
        ["Бойко", "Олег", "", "1990", "загинув", "01.01.2030"],
    ]
    summary = ingest_file(register, write_csv(tmp_path / "l.csv", UA_HEADER, rows), source="s",
                          options=IngestOptions(today=TODAY))
    assert (summary.accepted, summary.warnings) == (2, 2)
    warnings = [json.loads(r["warnings"]) for r in read_records(register).to_pylist()]
    assert warnings[0] == ["event_date 2000 is before birth_date 2001-01-01"]
    assert warnings[1] == ["event_date 2030-01-01 is in the future"]


def test_a_full_name_column_is_split_in_either_order(register: Engine, tmp_path: Path) -> None:
    rows = [["Шевченко Тарас Григорович", "загинув"], ["Тарас Григорович Шевченко", "KIA"]]
    path = write_csv(tmp_path / "l.csv", ["ПІБ", "Статус"], rows)
    ingest_file(register, path, source="s")
    records = read_records(register).to_pylist()
    names = [(r["surname"], r["given_name"], r["patronymic"]) for r in records]
    assert names == [("Шевченко", "Тарас", "Григорович")] * 2


def test_a_mapping_file_maps_odd_headers_and_makes_a_new_version(
    register: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "l.csv", ["Хто", "Коли"], [["Шевчук Олег", "2023"]])
    first = ingest_file(register, path, source="s")
    assert (first.accepted, first.quarantined) == (0, 1)
    assert any("give a mapping" in note for note in first.notes)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("Хто: full_name\nКоли: event_date\n", encoding="utf-8")
    second = ingest_file(register, path, source="s", options=IngestOptions(mapping=mapping))
    assert (second.accepted, second.version, second.already_ingested) == (1, 2, False)
    assert ingest_file(register, path, source="s",
                       options=IngestOptions(mapping=mapping)).already_ingested
    record = read_records(register).to_pylist()[0]
    assert (record["surname"], record["event_date"]) == ("Шевчук", "2023")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1251", "koi8-u"])
def test_every_encoding_gives_the_same_records(
    sqlite_register: Engine, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "l.csv", UA_HEADER, UA_ROWS, encoding=encoding)
    summary = ingest_file(sqlite_register, path, source="s")
    assert summary.accepted == 3
    records = read_records(sqlite_register).to_pylist()
    assert [r["surname"] for r in records] == ["Коваленко", "ІВАНЕНКО", "Шевчук"]
    assert records[0]["given_name"] == "Марія"


def test_xlsx_json_jsonl_and_parquet_give_the_same_records(
    register: Engine, tmp_path: Path
) -> None:
    objects = [dict(zip(UA_HEADER, row, strict=True)) for row in UA_ROWS]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [UA_HEADER, *UA_ROWS]:
        sheet.append(row)
    book.save(tmp_path / "l.xlsx")
    (tmp_path / "l.json").write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "l.jsonl").write_text(
        "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects), encoding="utf-8"
    )
    pq.write_table(pa.Table.from_pylist(objects), tmp_path / "l.parquet")
    fields = ("surname", "given_name", "patronymic", "birth_date", "status", "event_date")
    seen = []
    for name in ("l.xlsx", "l.json", "l.jsonl", "l.parquet"):
        summary = ingest_file(register, tmp_path / name, source=name.replace(".", "_"))
        assert (summary.rows, summary.accepted) == (3, 3), name
        records = read_records(register, sources=[name.replace(".", "_")]).to_pylist()
        seen.append([tuple(r[f] for f in fields) for r in records])
    assert all(s == seen[0] for s in seen)


def test_an_ingest_that_fails_midway_leaves_the_register_as_it_was(
    register: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_file(register, write_csv(tmp_path / "a.csv", UA_HEADER, UA_ROWS), source="a")
    before = (counts(register), len(list_files(register)), len(read_audit(register)))
    import musterroll.sources.writer as writer_module

    calls = []
    real = writer_module.insert_rows

    def failing(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("disk full")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(writer_module, "insert_rows", failing)
    many = [[f"Прізвище{i}", "Іван", "", "1990", "загинув", "2023"] for i in range(50)]
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(register, write_csv(tmp_path / "b.csv", UA_HEADER, many), source="b",
                    options=IngestOptions(batch_rows=10))  # fmt: skip
    assert (counts(register), len(list_files(register)), len(read_audit(register))) == before


def test_formula_cells_are_stored_as_text(register: Engine, tmp_path: Path) -> None:
    rows = [['=HYPERLINK("http://x")', "Іван", "", "", "", ""]]
    ingest_file(register, write_csv(tmp_path / "l.csv", UA_HEADER, rows), source="s")
    assert read_records(register).to_pylist()[0]["surname"] == '=HYPERLINK("http://x")'


def test_missing_file_and_unknown_kind_are_clear_errors(register: Engine, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        ingest_file(register, tmp_path / "nope.csv", source="s")
    path = write_csv(tmp_path / "l.csv", UA_HEADER, UA_ROWS)
    with pytest.raises(IngestError, match="unknown source kind 'army'"):
        ingest_file(register, path, source="s", options=IngestOptions(kind="army"))


def test_extra_columns_are_kept_as_normalised_json(register: Engine, tmp_path: Path) -> None:
    header = ["surname", "given_name", "status", "remains_id", "lab"]
    path = write_csv(tmp_path / "l.csv", header, [["Бойко", "Ігор", "identified", " R-17 ", ""]])
    summary = ingest_file(register, path, source="s")
    assert summary.extras == ["remains_id", "lab"]
    assert json.loads(read_records(register).to_pylist()[0]["extra"]) == {"remains_id": "R-17"}


def test_a_row_with_two_faults_is_quarantined_once(register: Engine, tmp_path: Path) -> None:
    rows = [["", "", "", "31.02.1990", "на лікуванні", ""], UA_ROWS[0]]
    summary = ingest_file(register, write_csv(tmp_path / "l.csv", UA_HEADER, rows), source="s")
    assert (summary.rows, summary.accepted, summary.quarantined) == (2, 1, 1)
    assert [q["row"] for q in list_quarantine(register)] == [1]


def test_a_database_failure_is_an_ingest_error_and_writes_nothing(
    register: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    import musterroll.sources.writer as writer_module

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT", {}, RuntimeError("database or disk is full"))

    monkeypatch.setattr(writer_module, "insert_rows", refuse)
    path = write_csv(tmp_path / "l.csv", UA_HEADER, UA_ROWS)
    with pytest.raises(IngestError, match=r"l\.csv.*nothing was written.*disk is full"):
        ingest_file(register, path, source="s")
    assert counts(register) == (0, 0) and list_files(register) == []


def test_control_characters_in_headers_and_cells_are_stored_safely(
    register: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "l.csv"
    path.write_bytes("surname,da\x00ta\nБой\x00ко,x\n,y\n".encode())
    summary = ingest_file(register, path, source="s")
    assert (summary.accepted, summary.quarantined) == (1, 1)
    assert summary.extras == ["da\\x00ta"]
    record = read_records(register, include_verbatim=True).to_pylist()[0]
    assert record["surname"] == "Бойко"
    assert json.loads(record["verbatim"]) == ["Бой\x00ко", "x"]
