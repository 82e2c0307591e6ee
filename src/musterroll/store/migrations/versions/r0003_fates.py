"""Fates: evidence events, derivation runs, derived statuses and history, conflicts, claims.

Revision ID: 0003_fates
Revises: 0002_linkage
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_fates"
down_revision: str | Sequence[str] | None = "0002_linkage"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)
Day = sa.String(10)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}"
    )


def _events() -> None:
    op.create_table(
        "fate_events",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("record_id", BigId),
        sa.Column("person_id", BigId),
        sa.Column("source_id", sa.Integer),
        sa.Column("file_id", sa.Integer),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("event_date", Day),
        sa.Column("reported_date", Day),
        sa.Column("known_on", Day, nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("exchange_id", sa.String(40)),
        sa.Column("side", sa.String(10)),
        sa.Column("retracts_id", BigId),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("detail", sa.JSON),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fate_events"),
        _fk("fate_events", "record_id", "records"),
        _fk("fate_events", "source_id", "sources"),
        _fk("fate_events", "file_id", "files"),
    )
    op.create_index("ix_fate_events_record_id", "fate_events", ["record_id"])
    op.create_index("ix_fate_events_person_id", "fate_events", ["person_id"])
    op.create_table(
        "fate_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
        sa.Column("link_run_id", sa.Integer),
        sa.Column("events", sa.Integer, nullable=False),
        sa.Column("last_event_id", BigId, nullable=False),
        sa.Column("rules_version", sa.String(40), nullable=False),
        sa.Column("counts", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_fate_runs"),
    )


def _statuses() -> None:
    op.create_table(
        "fate_statuses",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("valid_from", Day, nullable=False),
        sa.Column("valid_to", Day),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("substatus", sa.String(30)),
        sa.Column("event_id", BigId),
        sa.Column("source", sa.String(200)),
        sa.Column("death_date", Day),
        sa.Column("identified_date", Day),
        sa.Column("missing_date", Day),
        sa.Column("released_date", Day),
        sa.Column("missing_ever", sa.Boolean, nullable=False),
        sa.Column("declared_dead", sa.Boolean, nullable=False),
        sa.Column("remains_recovered", sa.Boolean, nullable=False),
        sa.Column("conflicts", sa.Integer, nullable=False),
        sa.Column("oblast", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_fate_statuses"),
    )
    op.create_index("ix_fate_statuses_valid", "fate_statuses", ["valid_from", "valid_to"])
    op.create_index("ix_fate_statuses_person_id", "fate_statuses", ["person_id"])
    op.create_table(
        "fate_transitions",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event_id", BigId, nullable=False),
        sa.Column("on_date", Day),
        sa.Column("known_on", Day, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("substatus", sa.String(30)),
        sa.PrimaryKeyConstraint("id", name="pk_fate_transitions"),
    )
    op.create_index("ix_fate_transitions_person_id", "fate_transitions", ["person_id"])
    op.create_table(
        "fate_conflicts",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("event_a", BigId, nullable=False),
        sa.Column("event_b", BigId, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fate_conflicts"),
    )
    op.create_index("ix_fate_conflicts_person_id", "fate_conflicts", ["person_id"])


def _claims() -> None:
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("who", sa.Text, nullable=False),
        sa.Column("said_on", Day, nullable=False),
        sa.Column("where", sa.Text),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("qualifier", sa.String(20)),
        sa.Column("source_url", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("added_at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claims"),
    )


def upgrade() -> None:
    """Create the fate tables."""
    _events()
    _statuses()
    _claims()


def downgrade() -> None:
    """Drop the fate tables (evidence events, derived statuses, conflicts and claims)."""
    for table in ("claims", "fate_conflicts", "fate_transitions", "fate_statuses",
                  "fate_runs", "fate_events"):
        op.drop_table(table)
