"""Issue 14: every identifying column a list gives is read, stored and handed to linkage."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from musterroll.linkage.register_io import read_link_records
from musterroll.sources import ManifestError, ingest_file, ingest_manifest
from musterroll.store import read_records

from .conftest import write_csv
from .test_cli import invoke

IDENTIFYING = ("address", "postcode", "phone", "email", "occupation", "document_number",
               "birth_place", "rank", "unit")  # fmt: skip
HEADER = ["Прізвище", "Ім'я", "Вулиця", "Будинок", "Поштовий індекс", "Телефон", "E-mail",
          "Посада", "Серія та номер паспорта", "Місце народження", "Звання", "В/ч"]  # fmt: skip
ROW = ["Шевчук", "Олег", "вул. Садова", "12", "03150", "050 123 45 67", "Oleh.S@Example.UA",
       "водій", "КВ 123456", "с. Мала Рудка", "солдат", "А0000"]  # fmt: skip


def test_identifying_columns_are_stored_and_read_by_linkage(
    register: Engine, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "l.csv", HEADER, [ROW, ["Бойко", "Ігор"] + [""] * 10])
    summary = ingest_file(register, path, source="s")
    assert (summary.accepted, summary.quarantined, summary.extras) == (2, 0, [])
    stored = read_records(register).to_pylist()
    assert stored[0]["address"] == "вул. Садова, 12"
    assert stored[0]["postcode"] == "03150"
    assert (stored[0]["phone"], stored[0]["email"]) == ("+380501234567", "oleh.s@example.ua")
    assert stored[0]["document_number"] == "КВ123456"
    assert (stored[0]["occupation"], stored[0]["birth_place"]) == ("водій", "с. Мала Рудка")
    assert (stored[0]["rank"], stored[0]["unit"]) == ("солдат", "А0000")
    linked = read_link_records(register).to_pylist()
    for name in IDENTIFYING:
        assert linked[0][name] == stored[0][name]
        assert linked[1][name] is None


def test_an_unreadable_phone_or_email_is_a_warning_naming_the_column(
    register: Engine, tmp_path: Path
) -> None:
    header = ["ПІБ", "Телефон", "Email"]
    rows = [["Бойко Ігор Петрович", "тел. родини", "boyko at ukr.net"]]
    summary = ingest_file(register, write_csv(tmp_path / "l.csv", header, rows), source="s")
    assert (summary.accepted, summary.quarantined, summary.warnings) == (1, 0, 1)
    record = read_records(register).to_pylist()[0]
    assert (record["phone"], record["email"]) == ("тел. родини", None)
    warnings = json.loads(record["warnings"])
    assert warnings[0].startswith("column 'Телефон' (phone): expected a phone number")
    assert warnings[1].startswith("column 'Email' (email): expected an e-mail address")


def test_ingest_map_maps_unknown_headers_and_refuses_unknown_fields(
    sqlite_url: str, tmp_path: Path
) -> None:
    invoke(sqlite_url, "init")
    path = write_csv(tmp_path / "l.csv", ["surname", "given_name", "ID", "Хто"],
                     [["Бойко", "Ігор", "AB-1", "x"]])  # fmt: skip
    code, _, err = invoke(sqlite_url, "ingest", str(path), "--source", "s",
                          "--map", "ID=passport_no")  # fmt: skip
    assert code == 2 and "'passport_no', which is not a canonical field" in err
    assert json.loads(invoke(sqlite_url, "records", "--json")[1]) == []
    code, out, err = invoke(sqlite_url, "ingest", str(path), "--source", "s", "--json",
                            "--map", "ID=document_number", "--map", "Хто=note")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["column_map"] == {
        "surname": "surname", "given_name": "given_name", "ID": "document_number",
        "Хто": "note",
    }  # fmt: skip
    record = json.loads(invoke(sqlite_url, "records", "--json")[1])[0]
    assert record["note"] == "x" and record["extra"] is None


def _manifest(folder: Path, entry: dict[str, object]) -> Path:
    path = write_csv(folder / "l.csv", ["surname", "given_name", "Паспорт №"],
                     [["Бойко", "Ігор", "КВ 1"]])  # fmt: skip
    sources = [{"name": "s", "kind": "official", "path": "l.csv",
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), **entry}]
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"format": "musterroll-simulation/1", "sources": sources}),
                        encoding="utf-8")  # fmt: skip
    return manifest


def test_a_manifest_map_applies_over_its_mapping(register: Engine, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, {"mapping": {"Паспорт №": "service_number"},
                                    "map": ["паспорт=document_number"]})  # fmt: skip
    ingest_manifest(register, manifest)
    record = read_records(register).to_pylist()[0]
    assert (record["document_number"], record["service_number"]) == ("КВ1", None)


def test_a_manifest_map_naming_an_unknown_field_stops_it(register: Engine, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, {"map": ["Паспорт №=passport"]})
    with pytest.raises(ManifestError, match=r"source 's'.*'passport', which is not a canonical"):
        ingest_manifest(register, manifest)
    assert read_records(register).num_rows == 0
