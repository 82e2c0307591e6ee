"""Linkage: link runs, persons, record membership, reviewers' decisions, review queue.

Revision ID: 0002_linkage
Revises: 0001_register
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_linkage"
down_revision: str | Sequence[str] | None = "0001_register"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}"
    )


def upgrade() -> None:
    """Create the linkage tables."""
    op.create_table(
        "link_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ),
        sa.Column("engine", sa.String(20), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("code_version", sa.String(40), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("counts", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_link_runs"),
    )
    op.create_table(
        "persons",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("created_run_id", sa.Integer, nullable=False),
        sa.Column("retired_run_id", sa.Integer),
        sa.Column("records", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_persons"),
        _fk("persons", "created_run_id", "link_runs"),
        _fk("persons", "retired_run_id", "link_runs"),
    )
    op.create_table(
        "person_records",
        sa.Column("record_id", BigId, primary_key=True),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("record_id", name="pk_person_records"),
        _fk("person_records", "record_id", "records"),
        _fk("person_records", "person_id", "persons"),
        _fk("person_records", "run_id", "link_runs"),
    )
    op.create_index("ix_person_records_person_id", "person_records", ["person_id"])
    op.create_table(
        "link_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("record_id_l", BigId, nullable=False),
        sa.Column("record_id_r", BigId, nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_decisions"),
        _fk("link_decisions", "record_id_l", "records"),
        _fk("link_decisions", "record_id_r", "records"),
    )
    op.create_index("ix_link_decisions_pair", "link_decisions", ["record_id_l", "record_id_r"])
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("record_id_l", BigId, nullable=False),
        sa.Column("record_id_r", BigId, nullable=False),
        sa.Column("match_weight", sa.Float, nullable=False),
        sa.Column("priority", sa.Float, nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_items"),
        _fk("review_items", "run_id", "link_runs"),
        _fk("review_items", "record_id_l", "records"),
        _fk("review_items", "record_id_r", "records"),
    )
    op.create_index(
        "ix_review_items_status_priority", "review_items", ["status", "priority"]
    )


def downgrade() -> None:
    """Drop the linkage tables (and every person id and decision in them)."""
    for table in ("review_items", "link_decisions", "person_records", "persons", "link_runs"):
        op.drop_table(table)
