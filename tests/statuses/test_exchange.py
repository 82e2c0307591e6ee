"""The exchange workflow: link-only match, releases, new persons, the two sides compared."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from typer.testing import CliRunner

from musterroll.casework.exchange import import_exchange
from musterroll.cli import app
from musterroll.linkage.link_only import match_records
from musterroll.sources import IngestOptions, ingest_file
from musterroll.statuses import derive_statuses
from musterroll.store import init_register, open_register
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table, sources_table
from musterroll.store.status_models import statuses_table

from .conftest import War


def _import_both(war: War, url: str) -> list[dict[str, object]]:
    engine = open_register(url)
    reports = []
    try:
        for entry in war.held_back:
            report = import_exchange(
                engine, war.folder / entry["path"], exchange_date=entry["exchange_date"],
                side=entry["side"], exchange_id=entry["exchange_id"])
            reports.append(report.as_dict())
    finally:
        engine.dispose()
    return reports


def test_an_exchange_list_marks_the_prisoners_it_names_released(war: War,
                                                                  tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    reports = _import_both(war, url)
    own = next(r for r in reports if r["side"] == "ua")
    assert own["rows"] > 0
    assert own["matched"] + own["created"] == own["rows"]
    # Nearly everyone on our own list was known as a prisoner or missing already.
    assert own["matched"] >= 0.8 * own["rows"]
    assert own["released"] >= own["matched"] - len(own["conflicts"])


def test_matched_records_join_the_true_person(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    reports = _import_both(war, url)
    truth = pd.read_csv(war.truth / "rows.csv")
    engine = open_register(url)
    r, m, s = records_table.c, person_records_table.c, sources_table.c
    names = [e["name"] for e in war.held_back]
    with engine.connect() as conn:
        rows = pd.DataFrame(conn.execute(
            select(s.name, r.row, m.person_id)
            .select_from(records_table.join(sources_table, s.id == r.source_id)
                         .join(person_records_table, m.record_id == r.id))
            .where(s.name.in_(names))).all(), columns=["source", "row", "person_id"])
    engine.dispose()
    both = rows.merge(truth, on=["source", "row"], suffixes=("", "_true"))
    both["true_id"] = both["person_id_true"].str[1:].astype(int)
    matched = sum(int(r["matched"]) for r in reports)  # type: ignore[call-overload]
    # Matched records join the person the truth says (the oracle gave truth ids); new
    # persons get fresh ids above every true one.
    right = (both["person_id"] == both["true_id"]).sum()
    assert right >= 0.95 * matched


def test_both_sides_lists_are_compared_in_counts_and_names(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    reports = _import_both(war, url)
    sides = reports[-1]["sides"]
    assert isinstance(sides, dict)
    assert set(sides["counts"]) == {"ua", "ru"}
    expected = {e["side"]: e["rows"] for e in war.held_back}
    assert sides["counts"] == expected
    assert sides["both"] <= min(sides["persons"].values())
    assert isinstance(sides["only"]["ru"], list)


def test_a_second_import_of_the_same_list_changes_nothing(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    _import_both(war, url)
    again = _import_both(war, url)
    assert all(r["matched"] == 0 and r["created"] == 0 for r in again)
    engine = open_register(url)
    with engine.connect() as conn:
        assert conn.execute(select(statuses_table.c.id).limit(1)).first() is not None
    engine.dispose()


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_killed_per_a_notice_then_listed_in_an_exchange_is_a_conflict(
        tmp_path: Path, sqlite_url: str) -> None:
    init_register(sqlite_url)
    engine = open_register(sqlite_url)
    notice = _csv(tmp_path / "notices.csv", [
        ["surname", "given_name", "patronymic", "birth_date", "status", "event_date"],
        ["Коваленко", "Петро", "Іванович", "1990-01-02", "killed", "2023-03-01"]])
    summary = ingest_file(engine, notice, source="notices",
                          options=IngestOptions(kind="official", published="2023-04-01"))
    with engine.begin() as conn:  # the notice's person (a link run would make it too)
        match_records(conn, [1], what=f"file {summary.file_id}")
    derive_statuses(engine)
    engine.dispose()
    exchange = _csv(tmp_path / "exchange.csv", [
        ["Прізвище", "Ім'я", "По батькові", "Дата народження"],
        ["КОВАЛЕНКО", "Петро", "Іванович", "02.01.1990"],
        ["Мельник", "Іван", "Петрович", "05.06.1985"]])
    result = CliRunner().invoke(app, [
        "--db", sqlite_url, "exchange", "import", str(exchange), "--date", "2024-02-01",
        "--side", "ua", "--exchange-id", "EX9", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rows"] == 2 and report["created"] >= 1
    kinds = [c["kind"] for c in report["conflicts"]]
    assert "alive_after_death" in kinds
    conflict = report["conflicts"][kinds.index("alive_after_death")]
    assert conflict["event_a"] != conflict["event_b"]


def test_exchange_import_names_a_bad_date(tmp_path: Path, sqlite_url: str) -> None:
    init_register(sqlite_url)
    path = _csv(tmp_path / "x.csv", [["Прізвище", "Ім'я"], ["Мельник", "Іван"]])
    result = CliRunner().invoke(app, ["--db", sqlite_url, "exchange", "import", str(path),
                                      "--date", "01.02.2024", "--side", "ua"])
    assert result.exit_code == 2 and "--date" in result.output


def _statuses(url: str) -> set[tuple[object, ...]]:
    engine = open_register(url)
    s = statuses_table.c
    with engine.connect() as conn:
        rows = {tuple(r) for r in conn.execute(select(
            s.person_id, s.valid_from, s.valid_to, s.status, s.substatus, s.event_id,
            s.conflicts))}
    engine.dispose()
    return rows


def test_deriving_only_the_persons_an_exchange_touched_equals_deriving_all(
        war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    _import_both(war, url)  # the register was current: only touched persons derived
    partial = _statuses(url)
    engine = open_register(url)
    derive_statuses(engine)
    engine.dispose()
    assert _statuses(url) == partial
