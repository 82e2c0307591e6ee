"""Families' reports wait in an inbox; stable settings; case codes; account lockout.

Revision ID: 0017_family_inbox
Revises: 0016_status_names
Create Date: 2026-12-06

Issue 15: an anonymous report no longer goes straight into the register. It waits in
``family_reports`` (state ``pending``) with what the family wrote, how to reach them and
their relationship, until a caseworker accepts it (then it becomes a record) or rejects
it. Reports made before this migration were ingested already: they stay ``accepted``.

- ``register_settings``: the register's own settings, such as the web app's signing key,
  so that a restart does not break every open form.
- ``person_case_codes``: the random code a family is given for a person, instead of the
  internal person id.
- ``web_users.failed_logins`` / ``locked_until``: an account locks for a while after
  repeated failed logins.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_family_inbox"
down_revision: str | Sequence[str] | None = "0016_status_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add the inbox columns, the settings and case-code tables, the lockout columns."""
    with op.batch_alter_table("family_reports") as batch:
        batch.add_column(sa.Column("state", sa.String(10), nullable=False,
                                   server_default="accepted"))
        batch.add_column(sa.Column("reported", sa.JSON))
        batch.add_column(sa.Column("contact", sa.Text))
        batch.add_column(sa.Column("relationship", sa.String(100)))
        batch.add_column(sa.Column("decided_by", sa.String(200)))
        batch.add_column(sa.Column("decided_at", TZ))
        batch.add_column(sa.Column("decision_note", sa.Text))
        batch.create_index("ix_family_reports_state", ["state"])
    op.create_table(
        "register_settings",
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_register_settings"),
    )
    op.create_table(
        "person_case_codes",
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_person_case_codes"),
        sa.UniqueConstraint("person_id", name="uq_person_case_codes_person_id"),
    )
    with op.batch_alter_table("web_users") as batch:
        batch.add_column(sa.Column("failed_logins", sa.Integer, nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("locked_until", TZ))


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("web_users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_logins")
    op.drop_table("person_case_codes")
    op.drop_table("register_settings")
    with op.batch_alter_table("family_reports") as batch:
        batch.drop_index("ix_family_reports_state")
        for name in ("decision_note", "decided_at", "decided_by", "relationship", "contact",
                     "reported", "state"):
            batch.drop_column(name)
