"""DNA: frequency databases, remains' profiles, families' references, proposals.

Revision ID: 0015_dna
Revises: 0014_identifying_columns
Create Date: 2026-12-06

Issue 16 item 5: genetic data in the register (``store.dna_models``), read by the forensic
role alone. Identifications confirmed from proposals become ``identified`` events in
``fate_events``; these tables keep the evidence behind them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_dna"
down_revision: str | Sequence[str] | None = "0014_identifying_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the DNA tables."""
    op.create_table(
        "dna_frequencies",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("loci", sa.JSON, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", When, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dna_frequencies"),
    )
    op.create_table(
        "dna_samples",
        sa.Column("id", BigId, nullable=False),
        sa.Column("sample", sa.String(100), nullable=False),
        sa.Column("sex", sa.Integer, nullable=False),
        sa.Column("dropout", sa.Float, nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", When, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dna_samples"),
        sa.UniqueConstraint("sample", name="uq_dna_samples_sample"),
    )
    op.create_table(
        "dna_references",
        sa.Column("id", BigId, nullable=False),
        sa.Column("family", sa.String(100), nullable=False),
        sa.Column("pedigree", sa.JSON, nullable=False),
        sa.Column("person_id", BigId, nullable=True),
        sa.Column("record_id", BigId, nullable=True),
        sa.Column("case_list", sa.Text, nullable=True),
        sa.Column("case_row", sa.Integer, nullable=True),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", When, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dna_references"),
        sa.UniqueConstraint("family", name="uq_dna_references_family"),
        sa.ForeignKeyConstraint(["record_id"], ["records.id"],
                                name="fk_dna_references_record_id_records"),
    )
    op.create_table(
        "dna_proposals",
        sa.Column("id", BigId, nullable=False),
        sa.Column("sample", sa.String(100), nullable=False),
        sa.Column("family", sa.String(100), nullable=False),
        sa.Column("person_id", BigId, nullable=True),
        sa.Column("log10_lr", sa.Float, nullable=False),
        sa.Column("posterior", sa.Float, nullable=False),
        sa.Column("competitors", sa.Integer, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("mutation", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", When, nullable=True),
        sa.Column("event_id", BigId, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dna_proposals"),
    )
    op.create_index("ix_dna_proposals_sample", "dna_proposals", ["sample"])
    op.create_index("ix_dna_proposals_person_id", "dna_proposals", ["person_id"])


def downgrade() -> None:
    """Drop what upgrade created."""
    op.drop_index("ix_dna_proposals_person_id", table_name="dna_proposals")
    op.drop_index("ix_dna_proposals_sample", table_name="dna_proposals")
    for table in ("dna_proposals", "dna_references", "dna_samples", "dna_frequencies"):
        op.drop_table(table)
