"""Estimation: estimates stored in the register for the dashboard (issue 7).

Revision ID: 0011_estimates
Revises: 0010_review_clusters
Create Date: 2026-11-28

One table, ``estimates`` (``musterroll.store.estimate_models``): every stratum and total
of every stored estimation run, with what it was computed from.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_estimates"
down_revision: str | Sequence[str] | None = "0010_review_clusters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the estimates table and its index by metric and day."""
    op.create_table(
        "estimates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("total_id", sa.Integer),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("by", sa.String(20)),
        sa.Column("stratum", sa.Text, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("observed", sa.Integer, nullable=False),
        sa.Column("estimate", sa.Float, nullable=False),
        sa.Column("lower", sa.Float),
        sa.Column("upper", sa.Float),
        sa.Column("level", sa.Float, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.Column("lists", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON),
        sa.Column("diagnostics", sa.JSON),
        sa.Column("seed", sa.BigInteger),
        sa.Column("link_run_id", sa.Integer),
        sa.Column("fate_run_id", sa.Integer),
        sa.Column("outside", sa.Integer, nullable=False),
        sa.Column("spread", sa.JSON),
        sa.Column("source", sa.Text),
        sa.Column("code_version", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_estimates"),
    )
    op.create_index("ix_estimates_metric_as_of", "estimates", ["metric", "as_of"])


def downgrade() -> None:
    """Drop the estimates table."""
    op.drop_index("ix_estimates_metric_as_of", table_name="estimates")
    op.drop_table("estimates")
