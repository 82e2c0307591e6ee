"""Events a caseworker adds: a court's declaration is a flag; a correction retracts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.statuses import derive_statuses
from musterroll.statuses.cases import person_case
from musterroll.statuses.workflow import add_event
from musterroll.store import open_register
from musterroll.store.status_models import events_table, statuses_table

from .conftest import War


def _a_person(engine: object, status: str, substatus: str | None) -> int:
    s = statuses_table.c
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(select(s.person_id).where(
            s.valid_to.is_(None), s.status == status, s.substatus == substatus,
            s.conflicts == 0).limit(1)).scalar_one())


def test_a_declaration_of_death_flags_a_missing_person_who_stays_sought(
        war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    person = _a_person(engine, "missing", "sought")
    add_event(engine, person_id=person, kind="declared_dead", event_date="2025-05-01",
              note="court case 123/2025")
    derive_statuses(engine)
    case = person_case(engine, person)
    engine.dispose()
    assert (case["status"], case["substatus"], case["declared_dead"]) == (
        "missing", "sought", True)


def test_a_correction_retracts_a_death_report_and_keeps_it(war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    person = _a_person(engine, "killed", "reported")
    case = person_case(engine, person)
    deciding = case["event_id"]
    add_event(engine, person_id=person, kind="correction", event_date=None,
              note="reviewer: notice was about a namesake", retracts=deciding)
    derive_statuses(engine)
    after = person_case(engine, person)
    with engine.connect() as conn:
        kept = conn.execute(select(func.count()).where(
            events_table.c.id == deciding)).scalar_one()
    engine.dispose()
    assert kept == 1
    assert after["event_id"] != deciding


def test_add_event_refuses_what_it_cannot_record(war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    with pytest.raises(ValueError, match="kind must be one of"):
        add_event(engine, person_id=1, kind="teleported", event_date=None, note="x")
    with pytest.raises(ValueError, match="correction names the event"):
        add_event(engine, person_id=1, kind="correction", event_date=None, note="x")
    with pytest.raises(ValueError, match="no person"):
        add_event(engine, person_id=10**9, kind="declared_dead", event_date="2025-01-01",
                  note="x")
    engine.dispose()


def test_fates_commands_show_a_person_and_refuse_a_bad_date(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    engine = open_register(url)
    person = _a_person(engine, "missing", "captivity_confirmed")
    engine.dispose()
    runner = CliRunner()
    shown = runner.invoke(app, ["--db", url, "statuses", "show", str(person), "--json"])
    assert shown.exit_code == 0 and '"captivity_confirmed"' in shown.stdout
    bad = runner.invoke(app, ["--db", url, "statuses", "add-event", str(person), "--kind",
                              "declared_dead", "--note", "x", "--date", "1.1.2025"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
