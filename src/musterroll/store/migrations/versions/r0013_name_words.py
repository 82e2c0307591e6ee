"""Caseworkers' person search: the words of every record's names, indexed.

Revision ID: 0013_name_words
Revises: 0012_search_keys
Create Date: 2026-11-28

``name_words`` holds (word, record_id) for each lower-cased word of a record's surname,
given name, patronymic and full name; ``name_word_files`` the files whose records are in
it. Both are derived: the web app fills them from ``records`` with the family search's
keys (``musterroll.web.search_keys``), so this migration only creates them, empty.
The word is compared by code point (collation "C" on PostgreSQL, SQLite's BINARY), so that
a prefix is one range of the primary key's B-tree.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_name_words"
down_revision: str | Sequence[str] | None = "0012_search_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Word = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    """Create the name word tables."""
    op.create_table(
        "name_word_files",
        sa.Column("file_id", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("file_id", name="pk_name_word_files"),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"],
                                name="fk_name_word_files_file_id_files"),
    )
    op.create_table(
        "name_words",
        sa.Column("word", Word, nullable=False),
        sa.Column("record_id", BigId, nullable=False),
        sa.PrimaryKeyConstraint("word", "record_id", name="pk_name_words"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_name_words_record_id_records"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    """Drop what upgrade created."""
    op.drop_table("name_words")
    op.drop_table("name_word_files")
