"""Evidence events from records: every record's status and dates are evidence from its source.

A record becomes one event (its status at its dates), sometimes two: an identification
report also says when the remains came home (``batch_date``), and the register of the
missing says when a search ended and on what ground (``Стан розшуку`` / ``Дата
припинення розшуку`` / ``Підстава припинення розшуку``), and a hotline the outcome of a
family's report (``Результат`` / ``Дата закриття``): a person found is found alive.
``events_for_record`` is the pure mapping; ``materialise_record_events`` writes the events
of records that have none yet (idempotent, append-only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from musterroll.statuses.rules import LEVELS
from musterroll.store.models import files_table, records_table, sources_table
from musterroll.store.status_models import events_table

__all__ = [
    "EVENT_OF_STATUS",
    "LEVEL_OF_KIND",
    "OWN_SIDE",
    "EventDraft",
    "events_for_record",
    "known_on",
    "level_for",
    "materialise_record_events",
]

# A record's canonical status -> the event it is evidence of (a burial register's
# "killed" rows are burials: the body was there to bury).
EVENT_OF_STATUS: dict[str, str] = {
    "missing": "reported_missing", "captured": "captivity_confirmed",
    "released": "released", "killed": "reported_killed",
    "remains_recovered": "remains_recovered", "identified": "identified",
    "declared_dead": "declared_dead", "found_alive": "found_alive",
}  # fmt: skip

# Verification level by source kind (see rules.LEVELS); an exchange list is official
# when it is our own side's, a report of the other side's otherwise.
LEVEL_OF_KIND: dict[str, str] = {
    "official": "official", "family_report": "reported", "adversary": "reported",
    "exchange": "official", "repatriation": "official", "burial": "official",
    "open_source": "unverified",
}  # fmt: skip
OWN_SIDE = "ua"  # the side whose register this is: its exchange lists are "own"

# Words of the register of the missing that say its search ended (folded to lower case).
_SEARCH_STATE_KEYS = ("стан розшуку", "search_state")
_SEARCH_ENDED_WORDS = ("розшук припинено", "припинено", "ended", "розыск прекращен")
# Why a case was closed, by whoever keeps the list: the register of the missing (the
# ground a search ended on) or a hotline (the outcome of a family's report), and when.
_CLOSED_GROUND_KEYS = ("підстава припинення розшуку", "search_ended_ground", "результат",
                       "outcome")
_CLOSED_DATE_KEYS = ("дата припинення розшуку", "search_ended_date", "дата закриття",
                     "closed_date")
# Grounds that say the person was found alive: the one status only the keepers of the lists
# of the missing tell. A return or a death has lists of its own (exchanges,
# identification reports) whose records state it, so those grounds stay in the detail.
_FOUND_ALIVE_GROUNDS = ("місцезнаходження особи встановлено", "особу знайдено",
                        "знайшовся", "знайшлася", "found alive",
                        "местонахождение лица установлено", "нашелся", "нашлась")
_EXTRA_HINTS = ("batch_date", "розшуку", "search_state", "Розшуку", "search_ended",
                "Результат", "outcome")


@dataclass(frozen=True)
class EventDraft:
    """An event before it has an id: what ``events_for_record`` returns."""

    kind: str
    event_date: str | None
    reported_date: str | None
    level: int
    detail: dict[str, Any] | None = None


def known_on(published: str | None, received_at: datetime | None) -> str:
    """Return the day a list reached the register, as ISO text.

    A list's ``published`` day (its snapshot) is used when the file has one, else the day
    it was received. Why: ``musterroll ingest --manifest`` keeps the manifest's
    ``published`` but stores the file's modification time as ``received_at`` (the day the
    simulator wrote it), so without this a simulated war would be known on no past day.
    """
    if published:
        return published[:10]
    if received_at is None:
        return date.today().isoformat()
    if received_at.tzinfo is not None:
        received_at = received_at.astimezone(UTC)
    return received_at.date().isoformat()


def level_for(kind: str | None, status: str | None, side: str | None) -> int:
    """Return the verification level of a record's evidence.

    Args:
        kind: the source kind (``SOURCE_KINDS``); None counts as a report.
        status: the record's canonical status (an identification is forensic).
        side: an exchange list's side (``ua`` our own, else the other side's).
    """
    if status == "identified":
        return LEVELS["forensic"]
    if kind == "exchange" and side and side != OWN_SIDE:
        return LEVELS["reported"]
    return LEVELS[LEVEL_OF_KIND.get(kind or "", "reported")]


def _extra_value(extra: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key, value in extra.items():
        if key.strip().lower() in keys:
            return value
    return None


_DMY_RE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date_or_none(value: Any) -> str | None:
    """Parse a date cell kept in `extra` (raw text); None when empty or unreadable."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if _ISO_RE.match(text):
        return text
    if (dmy := _DMY_RE.match(text)) and 1 <= int(dmy[2]) <= 12 and 1 <= int(dmy[1]) <= 31:
        return f"{dmy[3]}-{dmy[2]}-{dmy[1]}"
    # Other forms go to the ingest's own reader, imported here: `musterroll.sources`
    # loads the name tables (seconds), which `musterroll status` must not pay for.
    from musterroll.sources import parse_date

    try:
        return parse_date(text)
    except ValueError:
        return None


def events_for_record(record: Mapping[str, Any], meta: Mapping[str, Any] | None = None,
                      kind: str | None = None) -> list[EventDraft]:
    """Return the evidence events of one record.

    Args:
        record: the record's fields (``status``, ``event_date``, ``reported_date``,
            ``extra`` as JSON text or dict).
        meta: its file's meta (exchange lists: ``exchange_date``, ``side``).
        kind: its source's kind.
    Returns:
        The events; none when the record has no status (it says nothing of a status).
    """
    meta = meta or {}
    status = record.get("status")
    extra_raw = record.get("extra")
    extra: dict[str, Any] = {}
    if isinstance(extra_raw, str) and any(k in extra_raw for k in _EXTRA_HINTS):
        extra = json.loads(extra_raw)  # only rows that may say more: most say nothing
    elif isinstance(extra_raw, dict):
        extra = extra_raw
    out: list[EventDraft] = []
    if status in EVENT_OF_STATUS:
        event_kind = EVENT_OF_STATUS[status]
        if event_kind == "reported_killed" and kind == "burial":
            event_kind = "buried"
        when = record.get("event_date")
        if status == "released" and not when:
            when = meta.get("exchange_date")
        if status == "identified":
            # The identification's date is the report's; the death date stays unknown
            # unless another event gives it (kept apart, rules.py).
            when = record.get("reported_date") or when
        level = level_for(kind, status, meta.get("side"))
        out.append(EventDraft(event_kind, when, record.get("reported_date"), level))
        if status == "identified" and _date_or_none(extra.get("batch_date")):
            out.append(EventDraft("remains_recovered", _date_or_none(extra.get("batch_date")),
                                  record.get("reported_date"), LEVELS["official"],
                                  {"remains_id": extra.get("remains_id"),
                                   "batch_id": extra.get("batch_id")}))
    out.extend(_closed_case(extra, level_for(kind, None, meta.get("side"))))
    return out


def _closed_case(extra: Mapping[str, Any], level: int) -> list[EventDraft]:
    """The events of a case its keeper closed: the finding, when the ground says the person
    was found alive; and the end of the search, with its ground in the detail, when the
    register of the missing says it ended."""
    ground = _extra_value(extra, _CLOSED_GROUND_KEYS)
    ground = ground.strip() if isinstance(ground, str) and ground.strip() else None
    closed = _date_or_none(_extra_value(extra, _CLOSED_DATE_KEYS))
    out = []
    if ground and ground.lower() in _FOUND_ALIVE_GROUNDS:
        out.append(EventDraft("found_alive", closed, closed, level))
    state = _extra_value(extra, _SEARCH_STATE_KEYS)
    if isinstance(state, str) and state.strip().lower() in _SEARCH_ENDED_WORDS:
        out.append(EventDraft("search_ended", closed, closed, level,
                              {"ground": ground} if ground else None))
    return out


def _pending_sql() -> Any:
    """Records with no event yet, with their file's dates and meta and source kind."""
    r, f, s, e = records_table.c, files_table.c, sources_table.c, events_table.c
    done = select(e.record_id).where(e.record_id == r.id, e.origin == "record").exists()
    return (
        select(r.id, r.source_id, r.file_id, r.status, r.event_date, r.reported_date,
               r.extra, f.published, f.received_at, f.meta, s.kind)
        .select_from(records_table.join(files_table, f.id == r.file_id)
                     .join(sources_table, s.id == r.source_id))
        .where(~done)
        .order_by(r.id)
    )


def _rows_for(batch: Sequence[Any], now: datetime) -> Iterator[dict[str, Any]]:
    for row in batch:
        meta = row.meta if isinstance(row.meta, dict) else json.loads(row.meta or "{}")
        day = known_on(row.published, row.received_at)
        record = {"status": row.status, "event_date": row.event_date,
                  "reported_date": row.reported_date, "extra": row.extra}
        for draft in events_for_record(record, meta, row.kind):
            yield {
                "record_id": row.id, "person_id": None, "source_id": row.source_id,
                "file_id": row.file_id, "kind": draft.kind, "event_date": draft.event_date,
                "reported_date": draft.reported_date, "known_on": day, "level": draft.level,
                "exchange_id": meta.get("exchange_id"), "side": meta.get("side"),
                "retracts_id": None, "origin": "record", "detail": draft.detail,
                "actor": "musterroll", "created_at": now,
            }


def materialise_record_events(
    engine: Engine | Connection, *, batch_rows: int = 50_000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the events of every record that has none yet (append-only, idempotent).

    Args:
        engine: the register (an engine: one transaction; a connection: the caller's).
        batch_rows: records read per batch.
        progress: called with the number of records done after each batch.
    Returns:
        The number of events written.
    """
    if isinstance(engine, Engine):
        with engine.begin() as conn:
            return materialise_record_events(conn, batch_rows=batch_rows, progress=progress)
    conn = engine
    now = datetime.now(UTC)
    rows = conn.execute(_pending_sql()).all()  # read first: inserts must not race a cursor
    written = 0
    for start in range(0, len(rows), batch_rows):
        values = list(_rows_for(rows[start:start + batch_rows], now))
        if values:
            conn.execute(insert(events_table), values)
        written += len(values)
        if progress is not None:
            progress(min(start + batch_rows, len(rows)))
    return written
