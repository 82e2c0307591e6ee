"""The register: sources, files (list versions), records, quarantine, append-only audit log.

Revision ID: 0001_register
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_register"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)

# The audit log is append-only: the database itself refuses to change or delete a line.
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_log_no_{what.lower()} BEFORE {what} ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    for what in ("UPDATE", "DELETE")
]
_PG_TRIGGER = [
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
]


def upgrade() -> None:
    """Create the register's tables."""
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40)),
        sa.Column("language", sa.String(20)),
        sa.Column("reliability", sa.Float),
        sa.Column("mapping", sa.JSON),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("name", name="uq_sources_name"),
    )
    op.create_table(
        "files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("encoding", sa.String(40)),
        sa.Column("delimiter", sa.String(4)),
        sa.Column("header", sa.JSON),
        sa.Column("column_map", sa.JSON),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("quarantined", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("ingested_at", TZ, nullable=False),
        sa.Column("published", sa.String(10)),
        sa.Column("meta", sa.JSON),
        sa.Column("diff", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_files"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_files_source_id_sources"),
        sa.UniqueConstraint("source_id", "version", name="uq_files_source_id_version"),
    )
    op.create_index("ix_files_sha256", "files", ["sha256"])
    name_columns = [
        sa.Column(name, sa.Text) for name in ("surname", "given_name", "patronymic", "full_name")
    ]
    op.create_table(
        "records",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("file_id", sa.Integer, nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        *name_columns,
        sa.Column("sex", sa.String(1)),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("birth_place", sa.Text),
        sa.Column("oblast", sa.Text),
        sa.Column("settlement", sa.Text),
        sa.Column("unit", sa.Text),
        sa.Column("rank", sa.Text),
        sa.Column("service_number", sa.Text),
        sa.Column("status", sa.String(20)),
        sa.Column("event_date", sa.String(10)),
        sa.Column("event_place", sa.Text),
        sa.Column("reported_date", sa.String(10)),
        sa.Column("note", sa.Text),
        sa.Column("extra", sa.Text),
        sa.Column("warnings", sa.Text),
        sa.Column("verbatim", sa.Text, nullable=False),
        sa.Column("row_hash", sa.String(32), nullable=False),
        sa.Column("row_key", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name="fk_records_file_id_files"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_records_source_id_sources"),
        sa.UniqueConstraint("file_id", "row", name="uq_records_file_id_row"),
    )
    op.create_index("ix_records_source_id", "records", ["source_id"])
    op.create_table(
        "quarantined_rows",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("file_id", sa.Integer, nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("column", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("verbatim", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quarantined_rows"),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name="fk_quarantined_rows_file_id_files"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_quarantined_rows_source_id_sources"
        ),
        sa.UniqueConstraint("file_id", "row", name="uq_quarantined_rows_file_id_row"),
    )
    op.create_index("ix_quarantined_rows_source_id", "quarantined_rows", ["source_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("detail", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    triggers = {"sqlite": _SQLITE_TRIGGERS, "postgresql": _PG_TRIGGER}
    for statement in triggers.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    """Drop the register's tables (and everything in them)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    for table in ("audit_log", "quarantined_rows", "records", "files", "sources"):
        op.drop_table(table)
