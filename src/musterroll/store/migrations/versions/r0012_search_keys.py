"""Family search: name keys precomputed per record (issue 8).

Revision ID: 0012_search_keys
Revises: 0011_estimates
Create Date: 2026-11-28

Reserved in the chain so that the three stages can add their tables independently;
the stage fills in upgrade and downgrade (no schema change yet).
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0012_search_keys"
down_revision: str | Sequence[str] | None = "0011_estimates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """No schema change yet."""


def downgrade() -> None:
    """No schema change yet."""
