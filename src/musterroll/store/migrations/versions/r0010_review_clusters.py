"""Linkage review: whole uncertain clusters in the review queue (issue 5).

Revision ID: 0010_review_clusters
Revises: 0009_web
Create Date: 2026-11-28

Reserved in the chain so that the three stages can add their tables independently;
the stage fills in upgrade and downgrade (no schema change yet).
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0010_review_clusters"
down_revision: str | Sequence[str] | None = "0009_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
