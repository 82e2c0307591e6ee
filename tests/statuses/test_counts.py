"""Documented counts: as of past days they reproduce what the register said then."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.counts.documented import count_statuses
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.statuses.evaluate import assign_true_persons
from musterroll.store import init_register, open_register

from .conftest import War, write_manifest

STAGE_DAY = "2025-07-31"  # lists published by then form stage 1; the rest arrive later


def _ingest(engine: Engine, war: War, name: str, sources: list[dict[str, object]]) -> None:
    ingest_manifest(engine, write_manifest(war.folder, name, war.manifest, sources))
    assign_true_persons(engine, war.truth)
    derive_statuses(engine)


def _counts(engine: Engine, as_of: str | None) -> dict[str, object]:
    with engine.connect() as conn:
        out = count_statuses(conn, as_of=as_of)
    out.pop("as_of")
    out.pop("open_conflicts", None)
    return out


def test_counts_as_of_a_past_day_reproduce_what_the_register_said_then(
        war: War, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'staged.db'}"
    init_register(url)
    engine = open_register(url)
    sources = war.manifest["sources"]
    early = [s for s in sources if s["published"] <= STAGE_DAY]
    later = [s for s in sources if s["published"] > STAGE_DAY]
    assert early and later
    _ingest(engine, war, "manifest_stage1.json", early)
    then = _counts(engine, None)
    _ingest(engine, war, "manifest_stage2.json", later)
    now = _counts(engine, None)
    again = _counts(engine, STAGE_DAY)
    engine.dispose()
    assert again == then
    assert now != then
    assert int(then["persons"]) > 0  # type: ignore[call-overload]


def test_counts_hold_together(war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    with engine.connect() as conn:
        c = count_statuses(conn)
        by_status = count_statuses(conn, by="status")
    engine.dispose()
    assert c["killed"] == c["killed_identified"] + c["killed_reported"]
    assert c["captured"] <= c["missing_now"] <= c["missing_ever"] + c["missing_now"]
    assert c["identified"] >= c["killed_identified"]
    assert sum(g["persons"] for g in by_status["groups"].values()) == c["persons"]
    assert sum(c["monthly"]["killed"].values()) <= c["killed"]


def test_status_json_has_the_keys_the_issue_names(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    result = CliRunner().invoke(app, ["--db", url, "status", "--json", "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("as_of", "killed", "missing_now", "missing_ever", "captured", "released",
                "identified", "found_alive", "monthly"):
        assert key in data
    assert data["as_of"] == "2025-12-31"


def test_status_by_month_and_a_bad_option_named(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    ok = CliRunner().invoke(app, ["--db", url, "status", "--json", "--by", "month"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["groups"]
    bad = CliRunner().invoke(app, ["--db", url, "status", "--by", "colour"])
    assert bad.exit_code == 2 and "--by" in bad.output
    day = CliRunner().invoke(app, ["--db", url, "status", "--as-of", "31.12.2025"])
    assert day.exit_code == 2 and "YYYY-MM-DD" in day.output


def _list(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_new_version_of_a_list_keeps_past_counts(tmp_path: Path, sqlite_url: str) -> None:
    """Linkage links the newest version of a list only; the older one's evidence stays."""
    from sqlalchemy import delete

    from musterroll.linkage.link_only import match_records
    from musterroll.sources import IngestOptions, ingest_file
    from musterroll.store.linkage_models import person_records_table

    header = ["surname", "given_name", "birth_date", "status", "event_date"]
    init_register(sqlite_url)
    engine = open_register(sqlite_url)
    first = ingest_file(engine, _list(tmp_path / "v1.csv", [
        header, ["Мельник", "Іван", "1985-05-06", "missing", "2023-01-05"],
        ["Бойко", "Олег", "1991-03-04", "missing", "2023-02-07"]]),
        source="register_of_missing",
        options=IngestOptions(kind="official", published="2023-03-01"))
    with engine.begin() as conn:
        match_records(conn, [1, 2], what="v1")
    derive_statuses(engine)
    then = _counts(engine, None)
    second = ingest_file(engine, _list(tmp_path / "v2.csv", [
        header, ["Мельник", "Іван", "1985-05-06", "missing", "2023-01-05"],
        ["Бойко", "Олег", "1991-03-04", "killed", "2023-02-07"]]),
        source="register_of_missing",
        options=IngestOptions(kind="official", published="2023-09-01"))
    assert second.version == 2 and first.version == 1
    with engine.begin() as conn:
        match_records(conn, [3, 4], what="v2")
        # As a full link run would: only the newest version's records keep persons.
        conn.execute(delete(person_records_table).where(
            person_records_table.c.record_id.in_([1, 2])))
    derive_statuses(engine)
    past = _counts(engine, "2023-06-30")
    now = _counts(engine, None)
    engine.dispose()
    assert past == then
    assert (now["killed"], now["missing_now"]) == (1, 1)
