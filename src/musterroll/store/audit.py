"""The append-only audit log: who did what to the register, when.

The table refuses UPDATE and DELETE by trigger (migration 0001); this module only appends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from musterroll.store.models import audit_table

__all__ = ["append_audit", "read_audit"]


def append_audit(
    conn: Connection,
    *,
    action: str,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
    actor: str = "musterroll",
    at: datetime | None = None,
) -> None:
    """Append one line to the audit log, inside the caller's transaction.

    Args:
        conn: a connection in the transaction whose work is being logged (so that the
            line commits or rolls back with it).
        action: a short verb phrase, e.g. ``ingest``.
        subject: what was acted on, e.g. ``file:12`` or ``source:official``.
        detail: a JSON-serialisable summary.
        actor: who acted (a user name; ``musterroll`` for the command line).
        at: the time (UTC); now by default.
    """
    conn.execute(
        insert(audit_table),
        {
            "at": at or datetime.now(UTC),
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": detail,
        },
    )


def read_audit(engine: Engine, *, action: str | None = None) -> list[dict[str, Any]]:
    """Return the audit log's lines, oldest first, optionally only one `action`."""
    table = audit_table
    query = select(table).order_by(table.c.id)
    if action is not None:
        query = query.where(table.c.action == action)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
