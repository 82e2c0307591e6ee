"""Family search: name keys precomputed per current record (issue 8).

Revision ID: 0012_search_keys
Revises: 0011_estimates
Create Date: 2026-11-28

``search_keys`` holds, for each record of the current version of a list with a birth
date, the name keys that decide a strong match; ``search_key_files`` the files indexed.
Both are derived: the web app fills them from ``records`` before it answers a search
(``musterroll.web.search_keys``), so this migration only creates them, empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_search_keys"
down_revision: str | Sequence[str] | None = "0011_estimates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_KEYS = ("surname_norm", "surname_translit", "surname_family", "given_norm",
         "given_translit", "given_group", "given_group_alt", "patronymic_norm",
         "patronymic_translit", "patronymic_group")


def upgrade() -> None:
    """Create the search key tables and their indexes."""
    op.create_table(
        "search_key_files",
        sa.Column("file_id", sa.Integer, nullable=False),
        sa.Column("records", sa.Integer, nullable=False),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("file_id", name="pk_search_key_files"),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"],
                                name="fk_search_key_files_file_id_files"),
    )
    op.create_table(
        "search_keys",
        sa.Column("record_id", BigId, nullable=False),
        sa.Column("file_id", sa.Integer, nullable=False),
        sa.Column("birth_date", sa.String(10), nullable=False),
        *(sa.Column(name, sa.Text) for name in _KEYS[:3]),
        sa.Column("surname_sex", sa.String(1)),
        *(sa.Column(name, sa.Text) for name in _KEYS[3:]),
        sa.PrimaryKeyConstraint("record_id", name="pk_search_keys"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_search_keys_record_id_records"),
    )
    # One index per way a surname may agree (search_models.py says why).
    for key in ("translit", "family", "norm"):
        op.create_index(f"ix_search_keys_{key}", "search_keys", ["birth_date", f"surname_{key}"])
    op.create_index("ix_search_keys_file_id", "search_keys", ["file_id"])


def downgrade() -> None:
    """Drop what upgrade created."""
    op.drop_index("ix_search_keys_file_id", table_name="search_keys")
    for key in ("translit", "family", "norm"):
        op.drop_index(f"ix_search_keys_{key}", table_name="search_keys")
    op.drop_table("search_keys")
    op.drop_table("search_key_files")
