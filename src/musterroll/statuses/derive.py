"""Derive every person's status from the evidence: the register stage's main step.

Reads the events with the current linkage (``person_records``; an event about a person
without a record names the person itself), runs the rules (``rules.py``) once per person
and per day new evidence about them arrived, and replaces the derived tables
(``statuses``, ``status_transitions``, ``status_conflicts``) in one transaction. The
evidence itself (``events``) is only ever appended to.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from musterroll.statuses.events import OWN_SIDE, materialise_record_events
from musterroll.statuses.rules import DerivedStatus, Event, RuleContext, statuses_by_knowledge
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import person_records_table, runs_table
from musterroll.store.models import records_table, sources_table
from musterroll.store.status_models import (
    events_table,
    status_conflicts_table,
    status_runs_table,
    status_transitions_table,
    statuses_table,
)

__all__ = [
    "RULES_VERSION", "Change", "DeriveSummary", "derive_statuses", "derived_after",
    "ensure_derived", "is_stale", "iter_history", "read_events",
]

RULES_VERSION = "fates-1"  # bump when rules.py changes what a status means


@dataclass
class DeriveSummary:
    """What a derivation did."""

    run_id: int
    events_written: int
    events: int
    persons: int
    status_rows: int
    conflicts: int
    seconds: float


def is_stale(conn: Connection | Engine) -> bool:
    """Return whether records, events or linkage changed since the last derivation.

    Cheap (four lookups of a maximum), so a command can check before counting.
    """
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return is_stale(c)
    r = status_runs_table.c
    run = conn.execute(select(r.finished_at, r.last_event_id, r.link_run_id, r.counts)
                       .order_by(r.id.desc()).limit(1)).first()
    if run is None or run.finished_at is None:
        return True
    counts = run.counts if isinstance(run.counts, dict) else json.loads(run.counts or "{}")
    last_event = conn.execute(select(func.max(events_table.c.id))).scalar() or 0
    last_link = conn.execute(select(func.max(runs_table.c.id))).scalar()
    last_record = conn.execute(select(func.max(records_table.c.id))).scalar() or 0
    return bool(last_event != run.last_event_id or last_link != run.link_run_id
                or last_record != counts.get("last_record_id"))


def ensure_derived(engine: Engine, *, progress: Callable[[int, int], None] | None = None,
                   actor: str = "musterroll") -> DeriveSummary | None:
    """Derive every status again if the register changed since the last derivation.

    Returns:
        The derivation's summary, or None when the statuses were current.
    """
    if not is_stale(engine):
        return None
    return derive_statuses(engine, progress=progress, actor=actor)


@dataclass
class Change:
    """A change to the register: the persons it touched, then how they were derived."""

    persons: set[int]
    whole: bool = False  # every person was derived (the register was not current before)
    summary: DeriveSummary | None = None


@contextmanager
def derived_after(engine: Engine, *, progress: Callable[[int, int], None] | None = None,
                  actor: str = "musterroll") -> Iterator[Change]:
    """Keep the statuses current across a change to the register.

    Yields a ``Change`` whose ``persons`` the caller fills with the persons its change
    touched. Afterwards only they are derived again if the register was current before
    the change (nothing else can have moved); otherwise every person is (``whole``).
    Nothing is derived if the change raised.
    """
    change = Change(persons=set(), whole=is_stale(engine))
    yield change
    change.summary = derive_statuses(
        engine, persons=None if change.whole else change.persons, progress=progress,
        actor=actor)


def _events_sql() -> Any:
    e, m, s, r = (events_table.c, person_records_table.c, sources_table.c,
                  records_table.c)
    person = func.coalesce(e.person_id, m.person_id).label("person_id")
    return (
        select(person, e.id, e.kind, e.event_date, e.reported_date, e.known_on, e.level,
               s.name.label("source"), e.record_id, e.exchange_id, e.side, e.retracts_id,
               r.oblast, r.source_id, r.row_key)
        .select_from(
            events_table.outerjoin(person_records_table, m.record_id == e.record_id)
            .outerjoin(sources_table, s.id == e.source_id)
            .outerjoin(records_table, r.id == e.record_id))
        .order_by(e.id)
    )


def _older_versions(conn: Connection, rows: list[Any]) -> dict[tuple[int, str], int]:
    """(source id, row key) -> person, for records of an older version of a list.

    Linkage links the newest version of each list only; a row of an older version is the
    same row of the newer one when its identity fields (``row_key``) are the same, so its
    evidence stays with that person (a count as of a day when only the older version was
    known must not lose it).
    """
    sources = sorted({row.source_id for row in rows})
    r, m = records_table.c, person_records_table.c
    query = (select(r.source_id, r.row_key, m.person_id)
             .join(person_records_table, m.record_id == r.id)
             .where(r.source_id.in_(sources)))
    return {(sid, key): int(p) for sid, key, p in conn.execute(query)}


def _event_rows(conn: Connection, persons: list[int] | None) -> list[Any]:
    """All event rows, or those of `persons` plus the unlinked ones (older versions)."""
    if persons is None:
        return list(conn.execute(_events_sql()).all())  # fetchall: faster than row by row
    e, m = events_table.c, person_records_table.c
    person = func.coalesce(e.person_id, m.person_id)
    rows = list(conn.execute(_events_sql().where(person.is_(None))).all())
    for start in range(0, len(persons), 5_000):  # under every database's parameter limit
        rows += conn.execute(_events_sql().where(person.in_(persons[start:start + 5_000])))
    return rows


def read_events(conn: Connection, persons: list[int] | None = None
                ) -> dict[int, tuple[list[Event], str | None]]:
    """Return each linked person's events and most frequent oblast.

    Args:
        conn: the register.
        persons: only these persons (None: everyone).
    Returns:
        person id -> (events, oblast or None). An event of a record of an older version
        of a list goes to the person of the same row in a newer version; events of records
        no person holds are left out.
    """
    grouped: dict[int, list[Event]] = defaultdict(list)
    oblasts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = _event_rows(conn, persons)
    wanted = None if persons is None else set(persons)
    unlinked = [row for row in rows if row.person_id is None and row.record_id is not None]
    older = _older_versions(conn, unlinked) if unlinked else {}
    for row in rows:
        person = row.person_id
        if person is None:
            person = older.get((row.source_id, row.row_key))
            if person is None or (wanted is not None and person not in wanted):
                continue
        side = None if row.side is None else ("own" if row.side == OWN_SIDE else "other")
        grouped[person].append(Event(
            id=row.id, kind=row.kind, date=row.event_date, reported=row.reported_date,
            known_on=row.known_on, level=row.level, source=row.source or "workflow",
            record_id=row.record_id, exchange_id=row.exchange_id, side=side,
            retracts=row.retracts_id))
        if row.oblast:
            oblasts[person][row.oblast] += 1
    return {p: (events, oblasts[p].most_common(1)[0][0] if oblasts[p] else None)
            for p, events in grouped.items()}


def _context(conn: Connection) -> RuleContext:
    e = events_table.c
    query = (select(e.exchange_id, func.min(e.known_on))
             .where(e.side == OWN_SIDE, e.exchange_id.is_not(None), e.kind == "released")
             .group_by(e.exchange_id))
    return RuleContext(own_exchange_lists={x: day for x, day in conn.execute(query)})


def _status_rows(person: int, oblast: str | None, spans: list[tuple[str, DerivedStatus]]
                 ) -> Iterator[dict[str, Any]]:
    for k, (day, derived) in enumerate(spans):
        yield {
            "person_id": person, "valid_from": day,
            "valid_to": spans[k + 1][0] if k + 1 < len(spans) else None,
            "status": derived.status, "substatus": derived.substatus, "event_id": derived.event_id,
            "source": derived.source, "death_date": derived.death_date,
            "identified_date": derived.identified_date, "missing_date": derived.missing_date,
            "released_date": derived.released_date, "missing_ever": derived.missing_ever,
            "declared_dead": derived.declared_dead, "remains_recovered": derived.remains_recovered,
            "conflicts": len(derived.conflicts), "oblast": oblast,
        }


def _insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (no JSON columns) through the DB-API: a fifth of the time of
    SQLAlchemy's executemany, which builds parameters row by row."""
    if not rows:
        return
    columns = list(rows[0])
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, [tuple(row[c] for c in columns) for row in rows])
    finally:
        cursor.close()


def _write(conn: Connection, table: Any, rows: list[dict[str, Any]], flush: int = 50_000
           ) -> list[dict[str, Any]]:
    if len(rows) >= flush:
        _insert_many(conn, table, rows)
        return []
    return rows


def _derive_all(conn: Connection, persons: dict[int, tuple[list[Event], str | None]],
                context: RuleContext, run_id: int,
                progress: Callable[[int, int], None] | None) -> tuple[int, int]:
    statuses: list[dict[str, Any]] = []
    transitions: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    n_status = n_conflicts = 0
    for k, (person, (events, oblast)) in enumerate(persons.items()):
        spans = statuses_by_knowledge(events, context)
        final = spans[-1][1]
        rows = list(_status_rows(person, oblast, spans))
        statuses.extend(rows)
        n_status += len(rows)
        transitions.extend(
            {"person_id": person, "seq": i, "event_id": t.event_id, "on_date": t.date,
             "known_on": t.known_on, "status": t.status, "substatus": t.substatus}
            for i, t in enumerate(final.history))
        conflicts.extend(
            {"person_id": person, "kind": c.kind, "event_a": c.event_a, "event_b": c.event_b,
             "message": c.message, "run_id": run_id} for c in final.conflicts)
        n_conflicts += len(final.conflicts)
        statuses = _write(conn, statuses_table, statuses)
        transitions = _write(conn, status_transitions_table, transitions)
        conflicts = _write(conn, status_conflicts_table, conflicts)
        if progress is not None and k % 20_000 == 0:
            progress(k, len(persons))
    for table, rows in ((statuses_table, statuses), (status_transitions_table, transitions),
                        (status_conflicts_table, conflicts)):
        _insert_many(conn, table, rows)
    return n_status, n_conflicts


def _clear(conn: Connection, persons: list[int] | None) -> None:
    """Delete the derived rows of `persons` (everyone's when None)."""
    for table in (statuses_table, status_transitions_table, status_conflicts_table):
        if persons is None:
            conn.execute(table.delete())
            continue
        for start in range(0, len(persons), 5_000):
            conn.execute(table.delete().where(
                table.c.person_id.in_(persons[start:start + 5_000])))


def derive_statuses(engine: Engine, *, persons: Iterable[int] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    actor: str = "musterroll") -> DeriveSummary:
    """Write every record's events (if new), then derive every person's status anew.

    Args:
        engine: the register (linked: persons come from ``person_records``).
        persons: derive only these persons (a workflow that touched a few, on a register
            that was current before it: see ``derived_after``); None: everyone.
        progress: called with (persons done, persons in all) now and then.
        actor: who derives, for the audit log.
    Returns:
        The summary (events written, persons, status rows, conflicts).
    """
    started = datetime.now(UTC)
    with engine.begin() as conn:
        written = materialise_record_events(conn)
        last_link = conn.execute(select(func.max(runs_table.c.id))).scalar()
        last_event = conn.execute(select(func.max(events_table.c.id))).scalar() or 0
        last_record = conn.execute(select(func.max(records_table.c.id))).scalar() or 0
        run_id = int(conn.execute(insert(status_runs_table).values(
            started_at=started, link_run_id=last_link, events=0, last_event_id=last_event,
            rules_version=RULES_VERSION)).inserted_primary_key[0])  # type: ignore[index]
        chosen = None if persons is None else sorted({int(p) for p in persons})
        found = read_events(conn, chosen)
        context = _context(conn)
        _clear(conn, chosen)
        n_status, n_conflicts = _derive_all(conn, found, context, run_id, progress)
        n_events = sum(len(events) for events, _ in found.values())
        counts = {"events_written": written, "events": n_events, "persons": len(found),
                  "status_rows": n_status, "conflicts": n_conflicts,
                  "last_record_id": last_record, "partial": chosen is not None}
        conn.execute(update(status_runs_table).where(status_runs_table.c.id == run_id).values(
            finished_at=datetime.now(UTC), events=n_events, counts=counts))
        append_audit(conn, action="derive statuses", subject=f"status_run:{run_id}",
                     detail=counts, actor=actor)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return DeriveSummary(run_id, written, n_events, len(found), n_status, n_conflicts,
                         round(seconds, 3))


def iter_history(conn: Connection, person_id: int) -> Iterable[dict[str, Any]]:
    """Return a person's status changes, oldest first, with each change's event."""
    t, e = status_transitions_table.c, events_table.c
    query = (select(t.seq, t.on_date, t.known_on, t.status, t.substatus, e.id.label("event_id"),
                    e.kind, e.record_id, e.level, e.source_id)
             .select_from(status_transitions_table.join(events_table, e.id == t.event_id))
             .where(t.person_id == person_id).order_by(t.seq))
    return [dict(row._mapping) for row in conn.execute(query)]

