"""Linkage review: whole uncertain clusters in the review queue; the run's name frequencies.

Revision ID: 0010_review_clusters
Revises: 0009_web
Create Date: 2026-11-28

- ``review_items.kind``: "pair" (as before) or "cluster"; a cluster item keeps its
  deciding pair (the weakest link, or the join a constraint refused) in record_id_l/r.
- ``review_item_records``: the records of a cluster item.
- ``review_item_pairs``: the scored pairs between them, with the run's match weight.
- ``link_term_frequencies``: the share of the register's records holding each name value
  the run adjusted for (values held by two or more records), so that an explanation adds
  the same frequency adjustment the run did.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_review_clusters"
down_revision: str | Sequence[str] | None = "0009_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}"
    )


def upgrade() -> None:
    """Add cluster items to the review queue and the run's term frequencies."""
    op.add_column("review_items", sa.Column(
        "kind", sa.String(10), nullable=False, server_default="pair"))
    op.create_table(
        "review_item_records",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("record_id", BigId, nullable=False),
        sa.PrimaryKeyConstraint("item_id", "record_id", name="pk_review_item_records"),
        _fk("review_item_records", "item_id", "review_items"),
        _fk("review_item_records", "record_id", "records"),
    )
    op.create_table(
        "review_item_pairs",
        sa.Column("item_id", sa.Integer, nullable=False),
        sa.Column("record_id_l", BigId, nullable=False),
        sa.Column("record_id_r", BigId, nullable=False),
        sa.Column("match_weight", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("item_id", "record_id_l", "record_id_r",
                                name="pk_review_item_pairs"),
        _fk("review_item_pairs", "item_id", "review_items"),
    )
    op.create_table(
        "link_term_frequencies",
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("column_name", sa.String(60), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("frequency", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("column_name", "value", name="pk_link_term_frequencies"),
        _fk("link_term_frequencies", "run_id", "link_runs"),
    )


def downgrade() -> None:
    """Drop what upgrade added (cluster items go with their rows)."""
    op.drop_table("link_term_frequencies")
    op.drop_table("review_item_pairs")
    op.drop_table("review_item_records")
    op.execute("DELETE FROM review_items WHERE kind <> 'pair'")
    with op.batch_alter_table("review_items") as batch:
        batch.drop_column("kind")
