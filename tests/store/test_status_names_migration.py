"""Migration 0016 renames the "fate" tables to "status" names and keeps every row."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect

from musterroll.store import init_register, open_register, register_revision
from musterroll.store.engine import alembic_config

OLD = {"fate_events", "fate_runs", "fate_statuses", "fate_transitions", "fate_conflicts"}
NEW = {"events", "status_runs", "statuses", "status_transitions", "status_conflicts"}


def test_the_status_tables_are_renamed_with_their_rows(register_url: str) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    config = alembic_config(register_url)
    try:
        command.downgrade(config, "0015_dna")
        assert set(inspect(engine).get_table_names()) >= OLD
        with engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO fate_runs (id, started_at, events, last_event_id, rules_version)"
                " VALUES (7, :at, 0, 0, 'fates-1')"), {"at": datetime(2026, 1, 2, tzinfo=UTC)})
        command.upgrade(config, "0016_status_names")
        names = set(inspect(engine).get_table_names())
        assert names >= NEW and not OLD & names
        assert "status_run_id" in {c["name"] for c in inspect(engine).get_columns("estimates")}
        indexes = {i["name"] for i in inspect(engine).get_indexes("statuses")}
        assert indexes == {"ix_statuses_valid", "ix_statuses_person_id"}
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id FROM status_runs")).scalars().all() == [7]
        assert register_revision(engine) == "0016_status_names"
    finally:
        engine.dispose()
