"""A person's case as caseworkers read it: current status, history with evidence, conflicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from musterroll.store.models import sources_table
from musterroll.store.status_models import (
    events_table,
    status_conflicts_table,
    status_transitions_table,
    statuses_table,
)

__all__ = ["list_conflicts", "person_case"]


def person_case(engine: Engine, person_id: int) -> dict[str, Any]:
    """Return a person's current status, status history (each with its event) and conflicts.

    Raises:
        ValueError: the person has no derived status (unknown id, or not derived yet).
    """
    s, t, e, src = (statuses_table.c, status_transitions_table.c, events_table.c,
                    sources_table.c)
    with engine.connect() as conn:
        current = conn.execute(select(statuses_table).where(
            s.person_id == person_id, s.valid_to.is_(None))).first()
        if current is None:
            raise ValueError(f"person {person_id} has no derived status: unknown id, or run "
                             "`musterroll statuses derive`")
        history = conn.execute(
            select(t.seq, t.on_date, t.known_on, t.status, t.substatus, t.event_id, e.kind,
                   e.level, e.record_id, e.event_date, e.reported_date,
                   src.name.label("source"))
            .select_from(status_transitions_table.join(events_table, e.id == t.event_id)
                         .outerjoin(sources_table, src.id == e.source_id))
            .where(t.person_id == person_id).order_by(t.seq)).all()
        spans = conn.execute(select(statuses_table).where(s.person_id == person_id)
                             .order_by(s.valid_from)).all()
        conflicts = conn.execute(select(status_conflicts_table).where(
            status_conflicts_table.c.person_id == person_id)).all()
    return {
        **{k: v for k, v in current._mapping.items() if k not in ("id",)},
        "history": [dict(r._mapping) for r in history],
        "as_known": [dict(r._mapping) for r in spans],
        "conflicts": [dict(r._mapping) for r in conflicts],
    }


def list_conflicts(engine: Engine, *, limit: int = 50, kind: str | None = None
                   ) -> list[dict[str, Any]]:
    """Return open conflicts (both events named in each), newest derivation first."""
    c = status_conflicts_table.c
    query = select(status_conflicts_table).order_by(c.person_id, c.id).limit(limit)
    if kind is not None:
        query = query.where(c.kind == kind)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
