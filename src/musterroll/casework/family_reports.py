"""A family's report from the inbox into the register, or out of it: accept or reject.

A report sent through the web app waits in ``family_reports`` (state ``pending``) until a
caseworker decides (issue 15: an anonymous form must not change anyone's status). On
accept, the report becomes the one-row list of its own source (``family report <case>``,
kind ``family_report``, so that reports never supersede each other as versions of one
list), built by the sources stage's own normalisation (``sources.normalise.Normaliser``)
straight from what the family wrote: no file is written and read back (issue 17). Its
verbatim row is the report as the family sent it. The record is then matched link-only
against the register's persons (``register.matching.match_records``) and the person's
status derived anew (``statuses.derive.derived_after``). A rejected report stays in the
table with the caseworker's note and never reaches the register.

This crosses stages (sources, linkage, register), hence its place in ``casework``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from musterroll.linkage.link_only import match_records
from musterroll.sources.bulk import insert_rows
from musterroll.sources.normalise import QUARANTINE_COLUMNS, RECORD_COLUMNS_IN, Normaliser
from musterroll.sources.readers import RawRow
from musterroll.statuses.derive import derived_after
from musterroll.store.audit import append_audit
from musterroll.store.models import files_table, records_table, sources_table
from musterroll.store.web_models import family_reports_table

__all__ = ["AcceptedReport", "ReportNotFound", "ReportNotPending", "accept_report",
           "pending_reports", "reject_report"]

# The report's fields as the columns of its one-row list (canonical names: no mapping).
HEADER = ("surname", "given_name", "patronymic", "sex", "birth_date", "status", "event_date",
          "event_place", "reported_date", "note")
INBOX_FIELDS = ("surname", "given_name", "patronymic", "birth_date", "sex", "missing_since",
                "place", "note")


class ReportNotPending(ValueError):
    """A caseworker has decided the report already (or it names nobody)."""


class ReportNotFound(LookupError):
    """No report has this id."""


@dataclass(frozen=True)
class AcceptedReport:
    """Where an accepted report went: its list (file), record and person."""

    case_number: str
    file_id: int
    record_id: int
    person_id: int
    new_person: bool


def pending_reports(engine: Engine, *, limit: int = 200) -> list[dict[str, Any]]:
    """The reports waiting for a decision, oldest first, with what each family wrote."""
    f = family_reports_table.c
    query = (select(f.id, f.case_number, f.created_at, f.reported, f.contact,
                    f.relationship, f.language)
             .where(f.state == "pending").order_by(f.id).limit(limit))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [{"id": row.id, "case_number": row.case_number,
             "received": row.created_at.date().isoformat(), "contact": row.contact,
             "relationship": row.relationship, "language": row.language,
             **{name: (row.reported or {}).get(name) for name in INBOX_FIELDS}}
            for row in rows]


def _writer(engine: Engine) -> Engine:
    # SQLite: take the write lock at BEGIN, not at the first write after reads.
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def _pending(conn: Connection, report_id: int) -> Any:
    row = conn.execute(select(family_reports_table)
                       .where(family_reports_table.c.id == report_id)).first()
    if row is None:
        raise ReportNotFound(f"no report {report_id}")
    if row.state != "pending":
        raise ReportNotPending(f"report {report_id} is not waiting for a decision")
    return row


def _cells(reported: dict[str, Any], received: date) -> list[str | None]:
    """The report as one row of cells in ``HEADER`` order, as a list would hold it."""
    values = {**reported, "status": "missing", "event_date": reported.get("missing_since"),
              "event_place": reported.get("place"), "reported_date": received.isoformat()}
    return [None if values.get(name) in (None, "") else str(values[name]) for name in HEADER]


def _record_report(conn: Connection, row: Any, today: date) -> tuple[int, int]:
    """Write the report as the one-row list of its own source; return (file, record)."""
    received = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    cells = _cells(row.reported or {}, received.date())
    content = json.dumps(dict(zip(HEADER, cells, strict=True)), ensure_ascii=False,
                         sort_keys=True).encode()
    source_id = int(conn.execute(insert(sources_table).values(
        name=row.source_name, kind="family_report", language=row.language,
        created_at=datetime.now(UTC))).inserted_primary_key[0])  # type: ignore[index]
    file_id = int(conn.execute(insert(files_table).values(
        source_id=source_id, version=1, sha256=hashlib.sha256(content).hexdigest(),
        path=f"web report {row.case_number}", size_bytes=len(content), format="web",
        encoding="utf-8", delimiter=None, rows=1, accepted=0, quarantined=0, warnings=0,
        received_at=received, ingested_at=datetime.now(UTC), published=None,
        meta={"case_number": row.case_number, "channel": "web"},
    )).inserted_primary_key[0])  # type: ignore[index]
    normaliser = Normaliser(header=list(HEADER), mapping={}, file_id=file_id,
                            source_id=source_id, strict_width=True, today=today)
    batch = normaliser.normalise([RawRow(1, cells, None)])
    insert_rows(conn, "records", RECORD_COLUMNS_IN, batch.records)
    insert_rows(conn, "quarantined_rows", QUARANTINE_COLUMNS, batch.quarantined)
    conn.execute(update(files_table).where(files_table.c.id == file_id).values(
        accepted=len(batch.records), quarantined=len(batch.quarantined),
        warnings=batch.warnings, header=list(HEADER),
        column_map=normaliser.columns.as_json(list(HEADER))))
    record_id = conn.execute(select(records_table.c.id)
                             .where(records_table.c.file_id == file_id)).scalar()
    if record_id is None:
        raise ReportNotPending(f"report {row.case_number} names nobody: reject it")
    return file_id, int(record_id)


def accept_report(engine: Engine, report_id: int, *, actor: str) -> AcceptedReport:
    """Accept a pending report: record it, match it link-only, derive the person's status.

    Args:
        engine: an open register.
        report_id: the report's id in ``family_reports``.
        actor: the caseworker, for the audit log.
    Returns:
        Where the report went.
    Raises:
        ReportNotFound: no such report; ReportNotPending: decided already (nothing is
            written then).
    """
    now = datetime.now(UTC)
    # The derivation runs after the transaction commits (the inner context exits first).
    with derived_after(engine, actor=actor) as change, _writer(engine).begin() as conn:
        row = _pending(conn, report_id)
        file_id, record_id = _record_report(conn, row, now.date())
        match = match_records(conn, [record_id], what=f"family report {row.case_number}",
                              actor=actor)
        conn.execute(update(family_reports_table)
                     .where(family_reports_table.c.id == report_id)
                     .values(state="accepted", file_id=file_id, record_id=record_id,
                             decided_by=actor, decided_at=now))
        append_audit(conn, action="family report accept", subject=f"case:{row.case_number}",
                     actor=actor, detail={"file_id": file_id, "record_id": record_id,
                                          "person_id": match.persons[record_id]})
        change.persons.add(match.persons[record_id])
    person = match.persons[record_id]
    return AcceptedReport(case_number=row.case_number, file_id=file_id, record_id=record_id,
                          person_id=person, new_person=record_id in match.created)


def reject_report(engine: Engine, report_id: int, *, note: str, actor: str) -> str:
    """Reject a pending report with a note (why); it never reaches the register.

    Returns:
        The report's case number.
    Raises:
        ReportNotFound, ReportNotPending: as for ``accept_report``; ValueError: no note.
    """
    if not note.strip():
        raise ValueError("say why the report is rejected")
    with _writer(engine).begin() as conn:
        row = _pending(conn, report_id)
        conn.execute(update(family_reports_table)
                     .where(family_reports_table.c.id == report_id)
                     .values(state="rejected", decided_by=actor, decided_at=datetime.now(UTC),
                             decision_note=note.strip()))
        append_audit(conn, action="family report reject", subject=f"case:{row.case_number}",
                     actor=actor, detail={"note": note.strip()})
    return str(row.case_number)
