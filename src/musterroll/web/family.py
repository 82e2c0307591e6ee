"""Families: search for a relative (one strong match or nothing) and report a missing person.

The search compares names across scripts with ``musterroll.names`` against the current
records born on the given day, or in its month or year for a partial date. Their name keys
are precomputed in ``search_keys`` (``musterroll.web.search_keys``, brought in step with
the current list versions before each search, so never stale); the look-up reads the keys
of that day whose surname agrees at skeleton, family or normal form (a necessary condition
of "equivalent or closer", from the index alone), decides the levels in Python with
``names.compare_keys`` as before, groups the strong matches by person (``person_records``,
read at the time of the search) and answers only when exactly one person matches strongly.
Records of a superseded list version are not searched: linkage no longer places them in a
person, and they would otherwise count as one more, unknown person.
No match, several persons, or only weak matches all get the same answer, so a search can
neither list people nor tell that others of that name exist. The answer says only what a
family may know: that the register holds the person and their status in broad terms — a
captivity confirmation reads as "missing" (Geneva Convention III, art. 13: a prisoner's
details go to the family through the tracing office, not to whoever knows a name and a
birthday).

A report becomes a one-row list of its own source (kind ``family_report``) ingested by
``musterroll.sources.ingest_file``, so it has the provenance of every other list.
"""

from __future__ import annotations

import csv
import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, bindparam, insert, select, union

from musterroll.names import KEY_COLUMNS, LEVEL_RANK, compare_keys, name_keys
from musterroll.sources import IngestOptions, ingest_file
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table
from musterroll.store.search_models import SEARCH_KEY_COLUMNS, search_keys_table
from musterroll.store.status_models import statuses_table
from musterroll.store.web_models import family_reports_table
from musterroll.web.search_keys import refresh_search_keys, search_keys_in_step
from musterroll.web.security import hash_secret, verify_secret

__all__ = ["FamilyReportForm", "SearchAnswer", "case_extract", "lookup_report",
           "report_missing", "search_person"]

# Statuses a family may be told; captivity is a substatus of "missing" and is not shown.
FAMILY_STATUSES = ("unknown", "missing", "killed", "released", "found_alive", "search_ended")
_STRONG = LEVEL_RANK["equivalent"]
_CASE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B)


@dataclass(frozen=True)
class SearchAnswer:
    """The answer to a family search: found or not, and the status a family may know."""

    found: bool
    status: str | None = None
    reference: str | None = None


@dataclass(frozen=True)
class FamilyReportForm:
    """What a family reports about a missing relative."""

    surname: str
    given_name: str
    patronymic: str | None
    birth_date: date
    sex: str | None
    missing_since: date | None
    place: str | None
    note: str | None


_NO_KEYS: dict[str, str | None] = dict.fromkeys(KEY_COLUMNS)


def _record_keys(row: Any) -> dict[str, str | None]:
    """A stored row of ``search_keys`` as a full key row (looser levels' keys absent)."""
    return _NO_KEYS | {column: getattr(row, column) for column in SEARCH_KEY_COLUMNS}


def _is_strong(query: dict[str, str | None], record: dict[str, str | None],
               exact_day: bool) -> bool:
    """Surname and given name equivalent or closer; patronymic too when both have one.

    A record with only a year or month of birth must agree on the patronymic as well.
    """
    levels = {kind: LEVEL_RANK[compare_keys(query, record, kind)]
              for kind in ("surname", "given", "patronymic")}
    if levels["surname"] < _STRONG or levels["given"] < _STRONG:
        return False
    if levels["patronymic"] == LEVEL_RANK["null"]:
        return exact_day
    return levels["patronymic"] >= _STRONG


def _candidates_sql() -> Select[Any]:
    """Current records born on a day (or in its month or year) whose surname may be strong.

    A surname is `equivalent` or closer only if its skeleton, family or normal form agrees
    (names.compare), so only those rows are read: one index seek per alternative, their
    union, then the rows (a missing key binds NULL, which equals nothing). Written as a
    union rather than OR so that the plan needs no table statistics on either backend.
    Built once: only the values change between searches.
    """
    k, m, s = search_keys_table.c, person_records_table.c, statuses_table.c
    born = k.birth_date.in_([bindparam("day"), bindparam("month"), bindparam("year")])
    ids = union(*(select(k.record_id).where(born, k[f"surname_{key}"] == bindparam(key))
                  for key in ("translit", "family", "norm"))).subquery("agreeing")
    return (select(k.record_id, k.birth_date, *(k[c] for c in SEARCH_KEY_COLUMNS),
                   m.person_id, s.status)
            .select_from(ids.join(search_keys_table, k.record_id == ids.c.record_id)
                         .outerjoin(person_records_table, m.record_id == k.record_id)
                         .outerjoin(statuses_table, (s.person_id == m.person_id)
                                    & s.valid_to.is_(None))))


_CANDIDATES = _candidates_sql()


def search_person(engine: Engine, *, surname: str, given_name: str, patronymic: str | None,
                  birth_date: date, actor: str) -> SearchAnswer:
    """Search the register for one relative; answer only for one strong match.

    Args:
        engine: an open register.
        surname, given_name, patronymic: the relative's name in any script.
        birth_date: the full birth date (families know it; it keeps the search narrow).
        actor: who searches, for the audit log (``anonymous@<client>`` or a user name).
    Returns:
        ``SearchAnswer(found=True, status, reference)`` for exactly one strongly matching
        person with a derived status; ``SearchAnswer(found=False)`` otherwise, whatever
        the reason. A found answer is audit-logged (action ``family search``).
    """
    query = name_keys(surname, given_name, patronymic or None, None)
    iso = birth_date.isoformat()
    values = {"day": iso, "month": iso[:7], "year": iso[:4],
              "translit": query["surname_translit"], "family": query["surname_family"],
              "norm": query["surname_norm"]}
    with engine.connect() as conn:
        if not search_keys_in_step(conn):
            conn.rollback()  # read again after the refresh, not from this snapshot
            refresh_search_keys(engine)
        rows = conn.execute(_CANDIDATES, values).all()
    persons: set[int | None] = set()
    statuses: dict[int, str | None] = {}
    for row in rows:
        if _is_strong(query, _record_keys(row), len(row.birth_date or "") == 10):
            # An unlinked record may be anyone: it counts as one more person.
            persons.add(row.person_id if row.person_id is not None else -row.record_id)
            if row.person_id is not None:
                statuses.setdefault(row.person_id, row.status)
    if len(persons) != 1:
        return SearchAnswer(found=False)
    person_id = next(iter(persons))
    if person_id is None or person_id < 0:
        return SearchAnswer(found=False)
    status = statuses.get(person_id)
    if status is None:
        return SearchAnswer(found=False)
    shown = status if status in FAMILY_STATUSES else "missing"
    # A transaction that only writes: SQLite takes its write lock at the first statement
    # (waiting for another writer) instead of failing to upgrade a read snapshot.
    with engine.begin() as conn:
        append_audit(conn, action="family search", subject=f"person:{person_id}",
                     actor=actor, detail={"shown": shown})
    return SearchAnswer(found=True, status=shown, reference=f"P-{person_id}")


def _new_case_number() -> str:
    return "FR-" + "".join(secrets.choice(_CASE_ALPHABET) for _ in range(8))


def _new_secret() -> str:
    """16 symbols in groups of 4 (about 75 bits), none a look-alike: families copy it by hand."""
    return "-".join("".join(secrets.choice(_CASE_ALPHABET) for _ in range(4))
                    for _ in range(4))


def _write_row(folder: Path, form: FamilyReportForm, case: str, today: date) -> Path:
    path = folder / f"family-report-{case}.csv"
    row = {
        "surname": form.surname, "given_name": form.given_name,
        "patronymic": form.patronymic or "", "sex": form.sex or "",
        "birth_date": form.birth_date.isoformat(), "status": "missing",
        "event_date": form.missing_since.isoformat() if form.missing_since else "",
        "event_place": form.place or "", "reported_date": today.isoformat(),
        "note": form.note or "",
    }  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


def report_missing(engine: Engine, form: FamilyReportForm, *, language: str,
                   actor: str) -> tuple[str, str]:
    """Record a family's report as a one-row list; return (case number, secret).

    The secret is shown once and stored only as an argon2 hash. The list's source is
    ``family report <case number>`` of kind ``family_report``, so that each report stays
    a current list of its own (a new version of one shared source would replace the
    others).

    Raises:
        musterroll.sources.IngestError: the register refused the record.
    """
    case, secret = _new_case_number(), _new_secret()
    today = datetime.now(UTC).date()
    source = f"family report {case}"
    with tempfile.TemporaryDirectory(prefix="musterroll-report-") as folder:
        path = _write_row(Path(folder), form, case, today)
        # Each report is a source of its own; two families may well send the same words.
        options = IngestOptions(kind="family_report", language=language,
                                received_at=datetime.now(UTC),
                                meta={"case_number": case, "channel": "web"},
                                allow_duplicate_file=True)
        summary = ingest_file(engine, path, source=source, options=options, actor=actor)
    with engine.begin() as conn:
        record_id = conn.execute(select(records_table.c.id).where(
            records_table.c.file_id == summary.file_id)).scalar()
        conn.execute(insert(family_reports_table).values(
            case_number=case, secret_hash=hash_secret(secret), source_name=source,
            file_id=summary.file_id, record_id=record_id, language=language,
            created_at=datetime.now(UTC)))
        append_audit(conn, action="family report", subject=f"case:{case}", actor=actor,
                     detail={"file_id": summary.file_id, "record_id": record_id})
    return case, secret


def lookup_report(engine: Engine, case_number: str, secret: str, *,
                  actor: str) -> dict[str, Any] | None:
    """Return a report's state for the family holding its secret, or None.

    Returns:
        ``case_number``, ``received`` (ISO day), ``linked`` (whether linkage placed the
        record in a person) and ``status`` (what a family may know, or None).
    """
    f = family_reports_table.c
    with engine.connect() as conn:
        row = conn.execute(select(family_reports_table)
                           .where(f.case_number == case_number.strip().upper())).first()
    if not verify_secret(None if row is None else row.secret_hash, secret.strip().upper()):
        return None
    assert row is not None
    m, s = person_records_table.c, statuses_table.c
    with engine.begin() as conn:
        person = conn.execute(select(m.person_id).where(m.record_id == row.record_id)).scalar()
        status = None if person is None else conn.execute(select(s.status).where(
            s.person_id == person, s.valid_to.is_(None))).scalar()
        append_audit(conn, action="family case view", subject=f"case:{row.case_number}",
                     actor=actor, detail={"person_id": person})
    shown = None if status is None else (status if status in FAMILY_STATUSES else "missing")
    return {"case_number": row.case_number, "received": row.created_at.date().isoformat(),
            "linked": person is not None, "status": shown}


def case_extract(engine: Engine, case_number: str, secret: str, *,
                 actor: str) -> dict[str, Any] | None:
    """Return what a family's PDF extract holds, for the family holding the secret, or None.

    Only the family's own report and the status a family may know: not the other records
    linkage placed in the same person, nor anyone else's data.

    Returns:
        The keys of ``lookup_report`` and ``reported``: surname, given_name, patronymic,
        birth_date, sex, missing_since, place, note as the family gave them (None where
        not given). Audit-logged (action ``family case extract``).
    """
    case = lookup_report(engine, case_number, secret, actor=actor)
    if case is None:
        return None
    f, r = family_reports_table.c, records_table.c
    with engine.begin() as conn:
        row = conn.execute(
            select(r.surname, r.given_name, r.patronymic, r.birth_date, r.sex,
                   r.event_date, r.event_place, r.note)
            .select_from(records_table.join(family_reports_table, f.record_id == r.id))
            .where(f.case_number == case["case_number"])).one()
        append_audit(conn, action="family case extract", subject=f"case:{case['case_number']}",
                     actor=actor, detail={"format": "pdf"})
    reported = {"surname": row.surname, "given_name": row.given_name,
                "patronymic": row.patronymic, "birth_date": row.birth_date, "sex": row.sex,
                "missing_since": row.event_date, "place": row.event_place, "note": row.note}
    return {**case, "reported": reported}
