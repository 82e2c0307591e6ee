"""The register's tables: sources, files (list versions), records, quarantine, audit log.

A record is one data row of one file as received: the verbatim row (JSON text, never
changed) beside its normalised fields in plain columns, so that linkage can read a million
of them in bulk without parsing JSON. Provenance lives on the file a record came from
(source, sha256, received and ingested times) and on the record itself (row number).

Dates are stored as ISO text that may be partial ("1990", "1990-05", "1990-05-12"):
lists often give only a year, and a partial date must not be invented into a full one.
Everything here is append-only in practice; the audit log is append-only by trigger.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

__all__ = [
    "AuditEntry",
    "Base",
    "CANONICAL_FIELDS",
    "CANONICAL_STATUSES",
    "File",
    "QuarantinedRow",
    "Record",
    "Source",
    "SOURCE_KINDS",
    "audit_table",
    "files_table",
    "newest_version",
    "quarantine_table",
    "records_table",
    "sources_table",
]

# docs/DESIGN.md, "Canonical record fields" and "Canonical statuses". The identifying columns
# at the end (issue 14) came with migration 0014; they stay last so that the order of
# every earlier column is unchanged.
CANONICAL_FIELDS: tuple[str, ...] = (
    "surname", "given_name", "patronymic", "full_name", "sex", "birth_date", "birth_place",
    "oblast", "settlement", "unit", "rank", "service_number", "status", "event_date",
    "event_place", "reported_date", "note",
    "address", "postcode", "phone", "email", "occupation", "document_number",
)  # fmt: skip
CANONICAL_STATUSES: tuple[str, ...] = (
    "killed", "missing", "captured", "released", "remains_recovered", "identified",
    "declared_dead", "found_alive",
)  # fmt: skip
SOURCE_KINDS: tuple[str, ...] = (
    "official", "family_report", "adversary", "exchange", "repatriation", "burial",
    "open_source",
)  # fmt: skip

# Named constraints let later Alembic migrations alter them on SQLite (batch mode) too.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid (fast appends); BIGINT would not.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base of every register table; later stages add their own."""

    metadata = MetaData(naming_convention=NAMING)


class Source(Base):
    """One provider of lists, with its kind, language and column mapping."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(20))
    reliability: Mapped[float | None] = mapped_column(Float)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class File(Base):
    """One version of one list: a file as received, identified by its sha256."""

    __tablename__ = "files"
    __table_args__ = (
        UniqueConstraint("source_id", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(40))
    delimiter: Mapped[str | None] = mapped_column(String(4))
    header: Mapped[list[str] | None] = mapped_column(JSON)
    column_map: Mapped[dict[str, str] | None] = mapped_column(JSON)
    rows: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published: Mapped[str | None] = mapped_column(String(10))
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    diff: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Record(Base):
    """One accepted data row: verbatim JSON, normalised fields, row number, hashes."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("file_id", "row"),
        Index("ix_records_source_id", "source_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    row: Mapped[int] = mapped_column(Integer)
    surname: Mapped[str | None] = mapped_column(Text)
    given_name: Mapped[str | None] = mapped_column(Text)
    patronymic: Mapped[str | None] = mapped_column(Text)
    full_name: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[str | None] = mapped_column(String(10))
    birth_place: Mapped[str | None] = mapped_column(Text)
    oblast: Mapped[str | None] = mapped_column(Text)
    settlement: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(Text)
    rank: Mapped[str | None] = mapped_column(Text)
    service_number: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(20))
    event_date: Mapped[str | None] = mapped_column(String(10))
    event_place: Mapped[str | None] = mapped_column(Text)
    reported_date: Mapped[str | None] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    # Identifying columns (issue 14, migration 0014). `phone` is E.164 when it could be
    # read ("+380501234567"), else the cleaned text as written (with a warning); `email`
    # is lower-cased; `document_number` holds passport, ID card and military ticket
    # numbers (`service_number` keeps service and token numbers).
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    occupation: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(Text)
    # Normalised values of non-canonical columns (remains_id, exchange fields, ...).
    extra: Mapped[str | None] = mapped_column(Text)
    # Plausibility warnings (JSON list of strings); the row was accepted regardless.
    warnings: Mapped[str | None] = mapped_column(Text)
    # The row as it came: a JSON array of cells (CSV, XLSX) or the JSON object (JSON).
    verbatim: Mapped[str] = mapped_column(Text)
    # Hash of the verbatim row and of its identity fields, for diffing list versions.
    row_hash: Mapped[str] = mapped_column(String(32))
    row_key: Mapped[str] = mapped_column(String(32))


class QuarantinedRow(Base):
    """A data row that could not be read, kept whole with the reason why."""

    __tablename__ = "quarantined_rows"
    __table_args__ = (UniqueConstraint("file_id", "row"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    verbatim: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One line of the append-only audit log (UPDATE and DELETE refused by trigger)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    subject: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


# Core tables, for bulk reads and writes (no ORM object per row: a list can have millions).
sources_table = cast(Table, Source.__table__)
files_table = cast(Table, File.__table__)
records_table = cast(Table, Record.__table__)
quarantine_table = cast(Table, QuarantinedRow.__table__)
audit_table = cast(Table, AuditEntry.__table__)


def newest_version(files: Any = files_table) -> ColumnElement[bool]:
    """The condition that a row of `files` is the newest version of its source's list.

    A corrected list is ingested as a new version; only the newest counts as what the
    source says now (older versions stay for provenance). Every reader that wants the
    current lists filters with this one condition.
    """
    other = files_table.alias("other_versions")
    newest = (select(func.max(other.c.version)).where(other.c.source_id == files.c.source_id)
              .scalar_subquery())
    return cast(ColumnElement[bool], files.c.version == newest)
