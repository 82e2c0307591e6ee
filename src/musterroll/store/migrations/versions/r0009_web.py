"""Web app: user accounts, login sessions, families' reports; records by birth date.

Revision ID: 0009_web
Revises: 0003_fates
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_web"
down_revision: str | Sequence[str] | None = "0003_fates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the web tables and the birth-date index the family search reads."""
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_users"),
        sa.UniqueConstraint("name", name="uq_web_users_name"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["web_users.id"],
                                name="fk_web_sessions_user_id_web_users"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "family_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_number", sa.String(20), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("source_name", sa.String(200), nullable=False),
        sa.Column("file_id", sa.Integer),
        sa.Column("record_id", BigId),
        sa.Column("language", sa.String(5)),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_family_reports"),
        sa.UniqueConstraint("case_number", name="uq_family_reports_case_number"),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"],
                                name="fk_family_reports_file_id_files"),
    )
    op.create_index("ix_records_birth_date", "records", ["birth_date"])


def downgrade() -> None:
    """Drop what upgrade created."""
    op.drop_index("ix_records_birth_date", table_name="records")
    op.drop_table("family_reports")
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("web_users")
