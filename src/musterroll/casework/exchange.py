"""Exchange lists: import one side's list of a prisoner exchange and compare the two sides.

``import_exchange`` reads the file with ``musterroll.sources`` (every row kept, with
provenance; its rows are releases dated the exchange day), matches its records link-only
against the register's persons (``matching.py``), creates persons for names not yet
known, derives statuses again and reports the conflicts of the persons it touched (a
person reported killed and now listed as released, say). When the other side's list of
the same exchange is in the register too, it reports where the two disagree, in counts and
in names: the sides' numbers for one exchange can differ (docs/DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from musterroll.linkage.link_only import match_records
from musterroll.sources import IngestOptions, ingest_file
from musterroll.statuses.derive import derived_after
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import files_table, newest_version, records_table, sources_table
from musterroll.store.status_models import (
    events_table,
    status_conflicts_table,
    statuses_table,
)

__all__ = ["ExchangeReport", "compare_sides", "import_exchange"]


@dataclass
class ExchangeReport:
    """What an exchange import did and found."""

    exchange_id: str
    side: str
    exchange_date: str
    file_id: int
    rows: int
    quarantined: int
    matched: int
    created: int
    ambiguous: list[int]
    released: int
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    sides: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-serialisable dict."""
        return asdict(self)


def _check_day(value: str, what: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise ValueError(f"{what} must be a day as YYYY-MM-DD, not {value!r}") from exc


def import_exchange(
    engine: Engine, path: Path, *, exchange_date: str, side: str,
    exchange_id: str | None = None, source: str | None = None,
    mapping: Path | dict[str, Any] | None = None,
    progress: Callable[[int, int, int], None] | None = None, actor: str = "musterroll",
) -> ExchangeReport:
    """Import one side's list of an exchange: match, mark released, report conflicts.

    Args:
        engine: an open register.
        path: the list (any format ``musterroll.sources`` reads).
        exchange_date: the exchange day (ISO); the release date of every row without one.
        side: whose list it is: ``ua`` (our own; official) or the other side's (``ru``).
        exchange_id: the exchange's id (default ``EX-<date>``); both sides' lists of one
            exchange share it.
        source: the source name (default ``exchange_<id>_<side>``).
        mapping: header -> canonical field, when the headers are not recognised.
        progress: the ingest's progress callback.
        actor: who imports, for the audit log.
    Returns:
        The report: rows, matched, new persons, persons released, conflicts, and the
        comparison with the other side's list of the exchange when it is known.
    Raises:
        ValueError: a bad date or side; ``musterroll.sources.IngestError`` (a ValueError)
            for a file that cannot be read, naming the file.
    """
    day = _check_day(exchange_date, "--date")
    if not side or not side.isalpha():
        raise ValueError(f"--side must be a side's code such as ua or ru, not {side!r}")
    side = side.lower()
    exid = exchange_id or f"EX-{day}"
    name = source or f"exchange_{exid.lower().replace('-', '_')}_{side}"
    with derived_after(engine, actor=actor) as change:
        options = IngestOptions(
            kind="exchange", mapping=mapping, published=day,
            meta={"exchange_id": exid, "exchange_date": day, "side": side},
            default_status="released")
        summary = ingest_file(engine, path, source=name, options=options, progress=progress,
                              actor=actor)
        with engine.begin() as conn:
            ids = [int(i) for i in conn.execute(
                select(records_table.c.id).where(records_table.c.file_id == summary.file_id))
                .scalars()]
            match = match_records(conn, ids, what=f"exchange {exid} side {side}: {path}",
                                  actor=actor)
            persons = _persons_of(conn, ids) | _persons_in_exchange(conn, exid)
        change.persons.update(persons)
    report = ExchangeReport(
        exchange_id=exid, side=side, exchange_date=day, file_id=summary.file_id,
        rows=summary.rows, quarantined=summary.quarantined, matched=len(match.matched),
        created=len(match.created), ambiguous=match.ambiguous, released=0,
        notes=list(summary.notes))
    _touch_up(engine, report, persons)
    report.sides = compare_sides(engine, exid)
    return report


def _persons_of(conn: Any, record_ids: list[int]) -> set[int]:
    m = person_records_table.c
    return {int(p) for p in conn.execute(
        select(m.person_id).where(m.record_id.in_(record_ids))).scalars()}


def _persons_in_exchange(conn: Any, exchange_id: str) -> set[int]:
    """Persons with evidence of this exchange already (the other side's list, say)."""
    e, m = events_table.c, person_records_table.c
    query = (select(m.person_id).join(events_table, e.record_id == m.record_id)
             .where(e.exchange_id == exchange_id))
    return {int(p) for p in conn.execute(query).scalars()}


def _touch_up(engine: Engine, report: ExchangeReport, persons: set[int]) -> None:
    """Fill in how many of the list's persons are now released, and their conflicts."""
    s, c = statuses_table.c, status_conflicts_table.c
    with engine.connect() as conn:
        statuses = conn.execute(select(s.person_id, s.status).where(
            s.valid_to.is_(None), s.person_id.in_(sorted(persons)))).all()
        report.released = sum(1 for _, status in statuses if status == "released")
        report.conflicts = [dict(r._mapping) for r in conn.execute(
            select(status_conflicts_table).where(c.person_id.in_(sorted(persons))))]


def _side_lists(engine: Engine, exchange_id: str) -> dict[str, list[int]]:
    """Side -> file ids of the newest list version of each source of this exchange."""
    f, s = files_table.c, sources_table.c
    out: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for row in conn.execute(select(f.id, f.meta).join(sources_table, s.id == f.source_id)
                                .where(s.kind == "exchange", newest_version())):
            meta = row.meta or {}
            if meta.get("exchange_id") == exchange_id:
                out.setdefault(str(meta.get("side")), []).append(int(row.id))
    return out


def compare_sides(engine: Engine, exchange_id: str) -> dict[str, Any] | None:
    """Compare the two sides' lists of one exchange: counts, and names on one side only.

    Args:
        engine: a linked register.
        exchange_id: the exchange.
    Returns:
        None when fewer than two sides' lists are known; else ``counts`` (rows per side),
        ``persons`` (distinct persons per side), ``both`` (persons on every side) and
        ``only`` (side -> the persons only that side lists, with their names as listed).
    """
    sides = _side_lists(engine, exchange_id)
    if len(sides) < 2:
        return None
    r, m = records_table.c, person_records_table.c
    listed: dict[str, dict[int, str]] = {}
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for side, file_ids in sides.items():
            rows = conn.execute(
                select(m.person_id, r.surname, r.given_name, r.patronymic, r.birth_date)
                .select_from(records_table.outerjoin(person_records_table,
                                                     m.record_id == r.id))
                .where(r.file_id.in_(file_ids))).all()
            counts[side] = len(rows)
            listed[side] = {int(p) if p is not None else -k: " ".join(
                str(x) for x in (sn, g, pa, bd) if x) for k, (p, sn, g, pa, bd)
                in enumerate(rows, start=1)}
    everyone = set.intersection(*(set(v) for v in listed.values()))
    return {
        "exchange_id": exchange_id, "counts": counts,
        "persons": {side: len(v) for side, v in listed.items()}, "both": len(everyone),
        "only": {side: sorted(name for p, name in v.items() if p not in everyone)
                 for side, v in listed.items()},
    }
