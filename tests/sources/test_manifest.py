from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from musterroll.sources import ManifestError, ingest_manifest
from musterroll.store import list_files, read_records

from .conftest import UA_HEADER, UA_ROWS, write_csv


def make_manifest(folder: Path) -> Path:
    lists = folder / "lists"
    lists.mkdir()
    official = write_csv(lists / "official.csv", UA_HEADER, UA_ROWS, encoding="cp1251",
                         delimiter=";")  # fmt: skip
    odd = write_csv(lists / "family.csv", ["Хто", "Коли зник", "exchange_id"],
                    [["Бойко Ігор Васильович", "2023", "X-1"]])  # fmt: skip
    sources = []
    for name, path, mapping, encoding, delimiter in (
        ("official_death_notices", official, None, "cp1251", ";"),
        ("family_reports", odd, {"Хто": "full_name", "Коли зник": "event_date"}, "utf-8", ","),
    ):
        sources.append({
            "name": name, "kind": "official" if name.startswith("official") else "family_report",
            "path": f"lists/{path.name}", "format": "csv", "encoding": encoding,
            "delimiter": delimiter, "language": "uk", "published": "2025-12-31",
            "rows": 3 if mapping is None else 1,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "mapping": mapping,
            "side": "ua",
        })  # fmt: skip
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"format": "musterroll-simulation/1", "seed": 7,
                                    "sources": sources}), encoding="utf-8")  # fmt: skip
    return manifest


def test_a_manifest_ingests_every_list_once(register: Engine, tmp_path: Path) -> None:
    manifest = make_manifest(tmp_path)
    summaries = ingest_manifest(register, manifest)
    assert [(s.source, s.rows, s.accepted, s.encoding) for s in summaries] == [
        ("official_death_notices", 3, 3, "cp1251"),
        ("family_reports", 1, 1, "utf-8"),
    ]
    family = read_records(register, sources=["family_reports"]).to_pylist()[0]
    assert (family["surname"], family["event_date"]) == ("Бойко", "2023")
    assert json.loads(family["extra"]) == {"exchange_id": "X-1"}
    files = list_files(register)
    assert files[1]["meta"]["side"] == "ua" and files[1]["published"] == "2025-12-31"
    assert all(s.already_ingested for s in ingest_manifest(register, manifest))


def test_an_altered_list_stops_the_manifest_before_anything_is_ingested(
    register: Engine, tmp_path: Path
) -> None:
    manifest = make_manifest(tmp_path)
    with (tmp_path / "lists" / "family.csv").open("a", encoding="utf-8") as handle:
        handle.write("Хтось,2024,X-2\r\n")
    with pytest.raises(ManifestError, match=r"family_reports.*sha256.*altered"):
        ingest_manifest(register, manifest)
    assert list_files(register) == []
