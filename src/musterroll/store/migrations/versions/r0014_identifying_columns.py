"""Records: the identifying columns lists carry (address, postcode, phone, e-mail, ...).

Revision ID: 0014_identifying_columns
Revises: 0013_name_words
Create Date: 2026-12-06

Issue 14: every identifying column a list gives is read and stored in a plain column, so
that linkage can compare it. Birth place, rank and unit had columns already. The new
columns are nullable and empty on records ingested before: their values are still in each
record's verbatim row (and in ``extra`` when the header was unknown), and ingesting the
file again under a new mapping fills them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_identifying_columns"
down_revision: str | Sequence[str] | None = "0013_name_words"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("address", "postcode", "phone", "email", "occupation", "document_number")


def upgrade() -> None:
    """Add the identifying columns to ``records`` (nullable text, no index)."""
    # One batch: SQLite then rebuilds nothing (ADD COLUMN in place), PostgreSQL adds
    # nullable columns without rewriting the table.
    with op.batch_alter_table("records") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Text, nullable=True))


def downgrade() -> None:
    """Drop the identifying columns."""
    with op.batch_alter_table("records") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
