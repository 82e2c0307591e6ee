"""One word for one thing: the status tables lose the word "fate".

Revision ID: 0016_status_names
Revises: 0015_dna
Create Date: 2026-12-06

The design says "status" (derived from evidence events); the first tables said "fate".
Issue 17 keeps one word per thing, so the tables are renamed, their indexes recreated
under the new names, and ``estimates.fate_run_id`` becomes ``status_run_id``. Nothing is
copied or dropped: every row stays where it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0016_status_names"
down_revision: str | Sequence[str] | None = "0015_dna"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# old table -> new table
TABLES = {
    "fate_events": "events",
    "fate_runs": "status_runs",
    "fate_statuses": "statuses",
    "fate_transitions": "status_transitions",
    "fate_conflicts": "status_conflicts",
}
# (table as named after the rename, index columns) under old and new index names
INDEXES = [
    ("ix_fate_events_record_id", "ix_events_record_id", "events", ["record_id"]),
    ("ix_fate_events_person_id", "ix_events_person_id", "events", ["person_id"]),
    ("ix_fate_statuses_valid", "ix_statuses_valid", "statuses", ["valid_from", "valid_to"]),
    ("ix_fate_statuses_person_id", "ix_statuses_person_id", "statuses", ["person_id"]),
    ("ix_fate_transitions_person_id", "ix_status_transitions_person_id",
     "status_transitions", ["person_id"]),
    ("ix_fate_conflicts_person_id", "ix_status_conflicts_person_id",
     "status_conflicts", ["person_id"]),
]


def upgrade() -> None:
    """Rename the tables, their indexes and primary keys, and the estimates' column."""
    _rename(TABLES, forward=True)
    with op.batch_alter_table("estimates") as batch:
        batch.alter_column("fate_run_id", new_column_name="status_run_id")


def downgrade() -> None:
    """Give the tables back their first names."""
    with op.batch_alter_table("estimates") as batch:
        batch.alter_column("status_run_id", new_column_name="fate_run_id")
    _rename({new: old for old, new in TABLES.items()}, forward=False)


def _rename(tables: dict[str, str], forward: bool) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for old, new in tables.items():
        op.rename_table(old, new)
        if postgres:  # SQLite keeps a primary key's name inside the table's definition
            op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "pk_{old}" TO "pk_{new}"')
    for old_ix, new_ix, table, columns in INDEXES:
        drop, create = (old_ix, new_ix) if forward else (new_ix, old_ix)
        on = table if forward else _old_name(table)
        op.drop_index(drop, table_name=on)
        op.create_index(create, on, columns)


def _old_name(table: str) -> str:
    return {new: old for old, new in TABLES.items()}[table]
