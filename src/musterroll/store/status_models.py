"""The register's status tables: evidence events, derived statuses and their history, claims.

- ``events``: evidence (append-only): one or two per record, plus workflow events
  (court declarations, corrections). A correction retracts an event; nothing is deleted.
- ``status_runs``: every derivation with its linkage run, counts and rules version.
- ``statuses``: each person's derived status as known from ``valid_from`` (the day
  the evidence reached the register) until ``valid_to`` (exclusive; NULL: still so).
  Counting "as of" a day is a range query over it (``counts.documented``). Derived: a new
  derivation replaces it.
- ``status_transitions``: every status change in each person's history, with its event.
- ``status_conflicts``: evidence that cannot all be true, for review (both events).
- ``claims``: public statements of figures (who, when, where, metric, scope, value).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from musterroll.store.models import Base, BigId

__all__ = [
    "as_day",
    "status_valid_on",
    "Claim",
    "StatusConflict",
    "EvidenceEvent",
    "StatusRun",
    "PersonStatus",
    "StatusTransition",
    "claims_table",
    "status_conflicts_table",
    "events_table",
    "status_runs_table",
    "statuses_table",
    "status_transitions_table",
]


class EvidenceEvent(Base):
    """One dated, sourced piece of evidence about a person's status."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_record_id", "record_id"),
        Index("ix_events_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    # Set for events about a person without a record (a court's declaration, a correction).
    person_id: Mapped[int | None] = mapped_column(BigId)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"))
    kind: Mapped[str] = mapped_column(String(30))
    event_date: Mapped[str | None] = mapped_column(String(10))
    reported_date: Mapped[str | None] = mapped_column(String(10))
    known_on: Mapped[str] = mapped_column(String(10))
    level: Mapped[int] = mapped_column(Integer)
    exchange_id: Mapped[str | None] = mapped_column(String(40))
    side: Mapped[str | None] = mapped_column(String(10))
    retracts_id: Mapped[int | None] = mapped_column(BigId)
    origin: Mapped[str] = mapped_column(String(20))  # record, exchange, repatriation, manual
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatusRun(Base):
    """One derivation of statuses: inputs, rules version and counts."""

    __tablename__ = "status_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    link_run_id: Mapped[int | None] = mapped_column(Integer)
    events: Mapped[int] = mapped_column(Integer)
    last_event_id: Mapped[int] = mapped_column(BigId)
    rules_version: Mapped[str] = mapped_column(String(40))
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PersonStatus(Base):
    """A person's derived status over a span of knowledge days [valid_from, valid_to)."""

    __tablename__ = "statuses"
    __table_args__ = (
        Index("ix_statuses_valid", "valid_from", "valid_to"),
        Index("ix_statuses_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    valid_from: Mapped[str] = mapped_column(String(10))
    valid_to: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    substatus: Mapped[str | None] = mapped_column(String(30))
    event_id: Mapped[int | None] = mapped_column(BigId)
    source: Mapped[str | None] = mapped_column(String(200))
    death_date: Mapped[str | None] = mapped_column(String(10))
    identified_date: Mapped[str | None] = mapped_column(String(10))
    missing_date: Mapped[str | None] = mapped_column(String(10))
    released_date: Mapped[str | None] = mapped_column(String(10))
    missing_ever: Mapped[bool] = mapped_column(Boolean)
    declared_dead: Mapped[bool] = mapped_column(Boolean)
    remains_recovered: Mapped[bool] = mapped_column(Boolean)
    conflicts: Mapped[int] = mapped_column(Integer)
    oblast: Mapped[str | None] = mapped_column(Text)


class StatusTransition(Base):
    """One status change in a person's history, with the event that made it."""

    __tablename__ = "status_transitions"
    __table_args__ = (Index("ix_status_transitions_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    seq: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[int] = mapped_column(BigId)
    on_date: Mapped[str | None] = mapped_column(String(10))
    known_on: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))
    substatus: Mapped[str | None] = mapped_column(String(30))


class StatusConflict(Base):
    """Two events about one person that cannot both be true, waiting for a reviewer."""

    __tablename__ = "status_conflicts"
    __table_args__ = (Index("ix_status_conflicts_person_id", "person_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(40))
    event_a: Mapped[int] = mapped_column(BigId)
    event_b: Mapped[int] = mapped_column(BigId)
    message: Mapped[str] = mapped_column(Text)
    run_id: Mapped[int] = mapped_column(Integer)


class Claim(Base):
    """A public statement of a figure: who said what number about what, when, where."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    who: Mapped[str] = mapped_column(Text)
    said_on: Mapped[str] = mapped_column(String(10))
    where: Mapped[str | None] = mapped_column(Text)
    metric: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    qualifier: Mapped[str | None] = mapped_column(String(20))  # exact, more_than, about
    source_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))


events_table = cast(Table, EvidenceEvent.__table__)
status_runs_table = cast(Table, StatusRun.__table__)
statuses_table = cast(Table, PersonStatus.__table__)
status_transitions_table = cast(Table, StatusTransition.__table__)
status_conflicts_table = cast(Table, StatusConflict.__table__)
claims_table = cast(Table, Claim.__table__)


def as_day(day: str | date | None) -> str | None:
    """An as-of day as the ISO text the status tables hold (None stays None: now)."""
    return day.isoformat() if isinstance(day, date) else day


def status_valid_on(day: str | date | None) -> ColumnElement[bool]:
    """The condition that a ``statuses`` row held on `day` (None: the current row).

    A person's status is kept over spans of knowledge days: the register "as known on" D
    is the rows with ``valid_from <= D < valid_to`` (an open ``valid_to``: still held).
    """
    s = statuses_table.c
    iso = as_day(day)
    if iso is None:
        return cast(ColumnElement[bool], s.valid_to.is_(None))
    return and_(s.valid_from <= iso, or_(s.valid_to.is_(None), s.valid_to > iso))
