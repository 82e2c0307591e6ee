"""Events a caseworker adds about a person: a court's declaration, a correction, a return.

Each is appended to ``events`` with the person, the date, who added it and why;
nothing is ever updated or deleted. A correction names the event it retracts (a wrong
death report, say): the rules then skip that event, and both stay in the register.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from musterroll.statuses.rules import EVENT_KINDS, LEVELS
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import persons_table
from musterroll.store.status_models import events_table, statuses_table

__all__ = ["WORKFLOW_KINDS", "add_event"]

# What a caseworker may add by hand (identifications and releases come with their lists).
WORKFLOW_KINDS: tuple[str, ...] = (
    "declared_dead", "correction", "found_alive", "reported_missing", "reported_killed",
    "search_ended",
)  # fmt: skip


def _day(value: str, what: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ValueError(f"{what} must be a day as YYYY-MM-DD, not {value!r}") from exc


def add_event(
    engine: Engine, *, person_id: int, kind: str, event_date: str | None,
    note: str, retracts: int | None = None, level: str = "official",
    known_on: str | None = None, actor: str = "musterroll",
) -> int:
    """Append an event about a person; return its id.

    Args:
        engine: the register.
        person_id: the person (a current or retired person id).
        kind: one of ``WORKFLOW_KINDS``.
        event_date: the day of the fact (a court's decision, a return), ISO; None for a
            correction.
        note: why (the court's case number, the reviewer's reason): required.
        retracts: for a correction, the event it retracts.
        level: the verification level's name (``rules.LEVELS``).
        known_on: the day the register learnt it (today by default).
        actor: who adds it, for the audit log.
    Raises:
        ValueError: an unknown kind, level or person; a correction without ``retracts``
            or retracting an unknown event; a bad date; an empty note.
    """
    if kind not in WORKFLOW_KINDS or kind not in EVENT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(WORKFLOW_KINDS)}, not {kind!r}")
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    if not note.strip():
        raise ValueError("a note saying why is required")
    if (kind == "correction") != (retracts is not None):
        raise ValueError("a correction names the event it retracts (--retracts), and only "
                         "a correction does")
    day = _day(event_date, "--date") if event_date else None
    known = _day(known_on, "--known-on") if known_on else datetime.now(UTC).date().isoformat()
    with engine.begin() as conn:
        if conn.execute(select(persons_table.c.id).where(persons_table.c.id == person_id)
                        ).first() is None and conn.execute(
                select(statuses_table.c.id).where(
                    statuses_table.c.person_id == person_id).limit(1)).first() is None:
            raise ValueError(f"no person {person_id} in the register")
        if retracts is not None and conn.execute(select(events_table.c.id).where(
                events_table.c.id == retracts)).first() is None:
            raise ValueError(f"no event {retracts} to retract")
        values: dict[str, Any] = {
            "person_id": person_id, "kind": kind, "event_date": day, "reported_date": known,
            "known_on": known, "level": LEVELS[level], "retracts_id": retracts,
            "origin": "manual", "detail": {"note": note}, "actor": actor,
            "created_at": datetime.now(UTC)}
        event_id = int(conn.execute(insert(events_table).values(**values))
                       .inserted_primary_key[0])  # type: ignore[index]
        append_audit(conn, action=f"event {kind}", subject=f"person:{person_id}", actor=actor,
                     detail={"event_id": event_id, "retracts": retracts, "note": note})
    return event_id
