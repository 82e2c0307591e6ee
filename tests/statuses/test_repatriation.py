"""The repatriation workflow: identification reports matched to the missing, bag by bag."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from musterroll.casework.repatriation import import_repatriation
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.statuses.evaluate import assign_true_persons
from musterroll.store import init_register, open_register
from musterroll.store.status_models import statuses_table

from .conftest import War, write_manifest


@pytest.fixture
def missing_only(war: War, tmp_path: Path) -> str:
    """A register of the war's missing (register and families' reports), oracle-linked."""
    keep = [s for s in war.manifest["sources"]
            if s["name"] in ("missing_persons_register", "family_reports")]
    path = write_manifest(war.folder, "manifest_missing.json", war.manifest, keep)
    url = f"sqlite:///{tmp_path / 'm.db'}"
    init_register(url)
    engine = open_register(url)
    ingest_manifest(engine, path)
    assign_true_persons(engine, war.truth)
    derive_statuses(engine)
    engine.dispose()
    return url


def test_identification_reports_resolve_the_missing_as_killed(war: War,
                                                              missing_only: str) -> None:
    engine = open_register(missing_only)
    report = import_repatriation(engine, war.folder / "lists" / "identification_reports.jsonl")
    s = statuses_table.c
    with engine.connect() as conn:
        identified = conn.execute(select(s.person_id).where(
            s.valid_to.is_(None), s.status == "killed", s.substatus == "identified")).all()
    engine.dispose()
    assert report.rows > 0 and report.matched > 0.7 * report.rows
    assert len(identified) >= report.matched * 0.8
    # One person's remains arrive in several bags; the rules raise each for review.
    assert report.persons_in_several_bags
    assert any(c["kind"] == "identified_twice" for c in report.conflicts)


def test_a_bag_holding_two_people_is_reported(tmp_path: Path, sqlite_url: str) -> None:
    init_register(sqlite_url)
    engine = open_register(sqlite_url)
    path = tmp_path / "reports.csv"
    rows = [
        ["surname", "given_name", "birth_date", "remains_id", "batch_id", "batch_date",
         "reported_date"],
        ["Коваленко", "Петро", "1990-01-02", "ТР-1", "REP-1", "2024-03-01", "2024-06-01"],
        ["Мельник", "Іван", "1985-05-06", "ТР-1", "REP-1", "2024-03-01", "2024-06-02"],
        ["Коваленко", "Петро", "1990-01-02", "ТР-7", "REP-2", "2024-05-01", "2024-08-01"],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    report = import_repatriation(engine, path, source="lab_reports")
    engine.dispose()
    assert report.created == 2 and report.matched == 1
    assert list(report.bags_with_several_persons) == ["ТР-1"]
    assert list(report.persons_in_several_bags.values()) == [["ТР-1", "ТР-7"]]
    assert report.batches == {"REP-1": {"bags": 1, "persons": 2},
                              "REP-2": {"bags": 1, "persons": 1}}
