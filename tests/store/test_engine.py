from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from musterroll.store import (
    RegisterError,
    append_audit,
    head_revision,
    init_register,
    open_register,
    read_audit,
    read_records,
)
from musterroll.store.engine import HEAD_REVISION, MIGRATIONS_DIR


def test_init_creates_every_table_at_the_head_revision(register_url: str) -> None:
    assert init_register(register_url) == head_revision()
    engine = open_register(register_url)
    tables = set(inspect(engine).get_table_names())
    assert {"sources", "files", "records", "quarantined_rows", "audit_log"} <= tables
    engine.dispose()


def test_the_head_revision_that_opening_expects_is_alembics_head() -> None:
    # Opening a register reads its revision without Alembic (slow to import), against
    # this constant; a new migration must move it.
    assert head_revision() == HEAD_REVISION


def test_init_twice_changes_nothing(register_url: str) -> None:
    first = init_register(register_url)
    assert init_register(register_url) == first


def test_open_refuses_a_register_that_was_never_initialised(sqlite_url: str) -> None:
    with pytest.raises(RegisterError, match="musterroll init"):
        open_register(sqlite_url)


def test_open_refuses_an_unknown_driver() -> None:
    with pytest.raises(RegisterError, match="cannot open register URL"):
        open_register("nosuchdb://x")


def test_audit_log_refuses_update_and_delete(register_url: str) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    with engine.begin() as conn:
        append_audit(conn, action="test", subject="x", detail={"n": 1})
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert [line["detail"] for line in read_audit(engine)] == [{"n": 1}]
    engine.dispose()


def test_an_empty_register_reads_as_an_empty_table(register_url: str) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    table = read_records(engine)
    assert table.num_rows == 0
    assert "file_sha256" in table.column_names and "surname" in table.column_names
    engine.dispose()


def test_migrations_ship_inside_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert any(MIGRATIONS_DIR.glob("versions/*.py"))


def test_sqlite_register_runs_in_wal_mode(sqlite_url: str) -> None:
    init_register(sqlite_url)
    engine = open_register(sqlite_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_rolled_back_transaction_leaves_no_trace(register_url: str) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        append_audit(conn, action="half")
        raise RuntimeError("interrupted")
    assert read_audit(engine) == []
    engine.dispose()


def test_bulk_reads_carry_provenance_and_skip_old_versions(
    register_url: str, tmp_path: Path
) -> None:
    from musterroll.sources import IngestOptions, ingest_file

    init_register(register_url)
    engine = open_register(register_url)
    first = tmp_path / "v1.csv"
    first.write_text("surname,status\nБойко,KIA\nШевчук,MIA\n", encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text("surname,status\nБойко,KIA\n", encoding="utf-8")
    other = tmp_path / "o.csv"
    other.write_text("surname\nКоваль\n", encoding="utf-8")
    ingest_file(engine, first, source="a", options=IngestOptions(kind="official"))
    ingest_file(engine, other, source="b")
    ingest_file(engine, second, source="a")
    current = read_records(engine).to_pylist()
    assert [(r["source"], r["file_version"], r["row"], r["surname"]) for r in current] == [
        ("b", 1, 1, "Коваль"), ("a", 2, 1, "Бойко"),
    ]  # fmt: skip
    assert current[1]["kind"] == "official" and len(current[1]["file_sha256"]) == 64
    assert read_records(engine, current_only=False).num_rows == 4
    assert read_records(engine, sources=["b"]).num_rows == 1
    engine.dispose()
