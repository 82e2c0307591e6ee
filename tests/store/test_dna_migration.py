"""Migration 0015 (DNA tables): upgrade, downgrade and upgrade again, SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from musterroll.store import head_revision, init_register, open_register, register_revision
from musterroll.store.engine import alembic_config

DNA_TABLES = {"dna_frequencies", "dna_samples", "dna_references", "dna_proposals"}


def test_the_dna_tables_come_and_go_with_their_migration(register_url: str) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    try:
        assert set(inspect(engine).get_table_names()) >= DNA_TABLES
        command.downgrade(alembic_config(register_url), "0014_identifying_columns")
        assert not DNA_TABLES & set(inspect(engine).get_table_names())
        assert register_revision(engine) == "0014_identifying_columns"
        command.upgrade(alembic_config(register_url), "head")
        assert set(inspect(engine).get_table_names()) >= DNA_TABLES
        assert register_revision(engine) == head_revision()
    finally:
        engine.dispose()
