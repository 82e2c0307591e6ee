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

Every search is audit-logged, found or not (``family search``, with the searched name's
key but never the birth date), so that someone trying the days of a year shows in the
log; the limits that stop that attack (per name, address and session) are the routes'
(``routes_family``), keyed by ``search_name_key``. A found answer gives a random case code
(``person_case_codes``), never the internal person id, and the person's sex so that the
status is worded as Ukrainian says it (загинув / загинула).

A report waits in the caseworkers' inbox (state ``pending``) with what the family wrote,
how to reach them and their relationship; it reaches the register only when a caseworker
accepts it (``musterroll.casework.family_reports``).
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, bindparam, insert, select, union
from sqlalchemy.exc import IntegrityError

from musterroll.names import KEY_COLUMNS, LEVEL_RANK, compare_keys, name_keys
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table
from musterroll.store.search_models import SEARCH_KEY_COLUMNS, search_keys_table
from musterroll.store.status_models import statuses_table
from musterroll.store.web_models import family_reports_table, person_case_codes_table
from musterroll.web.search_keys import refresh_search_keys, search_keys_in_step
from musterroll.web.security import hash_secret, verify_secret

__all__ = ["FamilyReportForm", "SearchAnswer", "audit_refused_search", "case_extract",
           "family_status", "lookup_report", "person_of_case_code", "report_missing",
           "search_name_key", "search_person"]

# Statuses a family may be told; captivity is a substatus of "missing" and is not shown.
FAMILY_STATUSES = ("unknown", "missing", "killed", "released", "found_alive", "search_ended")
_STRONG = LEVEL_RANK["equivalent"]
_CASE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B)


@dataclass(frozen=True)
class SearchAnswer:
    """The answer to a family search.

    ``found`` with the status a family may know, the person's case code (``reference``)
    and sex (``m``, ``f`` or None) for the wording; or not found; or ``report_only``: the
    search was not run (too many misses on this name) and the family is sent to the
    report form and the office.
    """

    found: bool
    status: str | None = None
    reference: str | None = None
    sex: str | None = None
    report_only: bool = False


@dataclass(frozen=True)
class FamilyReportForm:
    """What a family reports about a missing relative, and how to reach the reporter."""

    surname: str
    given_name: str
    patronymic: str | None
    birth_date: date
    sex: str | None
    missing_since: date | None
    place: str | None
    note: str | None
    contact: str = ""
    relationship: str = ""


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
        ``SearchAnswer(found=True, status, reference, sex)`` for exactly one strongly
        matching person with a derived status; ``SearchAnswer(found=False)`` otherwise,
        whatever the reason. Every search is audit-logged (action ``family search``,
        outcome ``found`` or ``none``, the name's key; never the birth date).
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
    strong: dict[int, list[int]] = {}
    for row in rows:
        if _is_strong(query, _record_keys(row), len(row.birth_date or "") == 10):
            # An unlinked record may be anyone: it counts as one more person.
            persons.add(row.person_id if row.person_id is not None else -row.record_id)
            if row.person_id is not None:
                statuses.setdefault(row.person_id, row.status)
                strong.setdefault(row.person_id, []).append(row.record_id)
    key = search_name_key(surname, given_name)
    answer = _one_person(persons, statuses)
    with engine.begin() as conn:
        # A transaction that only writes: SQLite takes its write lock at the first statement
        # (waiting for another writer) instead of failing to upgrade a read snapshot.
        if answer is None:
            append_audit(conn, action="family search", subject=None, actor=actor,
                         detail={"outcome": "none", "name": key})
            return SearchAnswer(found=False)
        person_id, shown = answer
        append_audit(conn, action="family search", subject=f"person:{person_id}",
                     actor=actor, detail={"outcome": "found", "shown": shown, "name": key})
        code = _case_code(conn, person_id)
        sex = _person_sex(conn, strong.get(person_id, []), query)
    return SearchAnswer(found=True, status=shown, reference=code, sex=sex)


def _one_person(persons: set[int | None], statuses: dict[int, str | None]
                ) -> tuple[int, str] | None:
    """The one strongly matching person and the status a family may know, or None."""
    if len(persons) != 1:
        return None
    person_id = next(iter(persons))
    if person_id is None or person_id < 0:
        return None
    status = statuses.get(person_id)
    if status is None:
        return None
    return person_id, family_status(status)


def family_status(status: str) -> str:
    """The status as a family may know it: captivity and the like read as "missing"."""
    return status if status in FAMILY_STATUSES else "missing"


def _person_sex(conn: Connection, record_ids: list[int], query: dict[str, str | None]
                ) -> str | None:
    """The sex the person's matching records give most often, else the name's own."""
    r = records_table.c  # the sources stage stores "M" / "F"
    sexes = Counter(str(sex).lower() for sex in conn.execute(
        select(r.sex).where(r.id.in_(record_ids), r.sex.in_(("M", "F")))).scalars())
    if sexes:
        return sexes.most_common(1)[0][0]
    return query.get("patronymic_sex") or query.get("surname_sex")


def search_name_key(surname: str, given_name: str) -> str:
    """The searched name as one key, however it is spelt or in whichever script.

    The surname's family form (Шевченко, Shevchenko, Шевченка agree) and the given name's
    group (Олександр, Александр, Oleksandr agree): the key the per-name limit counts by.
    """
    keys = name_keys(surname, given_name, None, None)
    surname_key = keys["surname_family"] or keys["surname_translit"] or ""
    given_key = keys["given_group"] or keys["given_translit"] or ""
    return f"{surname_key} {given_key}".strip().casefold()


def audit_refused_search(engine: Engine, key: str, *, actor: str, reason: str) -> None:
    """Audit a family search that was not run (``family search refused``) and why."""
    with engine.begin() as conn:
        append_audit(conn, action="family search refused", subject=None, actor=actor,
                     detail={"name": key, "reason": reason})


def _random_code(prefix: str, groups: int, size: int) -> str:
    return prefix + "-".join("".join(secrets.choice(_CASE_ALPHABET) for _ in range(size))
                             for _ in range(groups))


def person_of_case_code(engine: Engine, code: str) -> int | None:
    """The person a family's case code stands for (for caseworkers), or None."""
    c = person_case_codes_table.c
    with engine.connect() as conn:
        person = conn.execute(select(c.person_id)
                              .where(c.code == code.strip().upper())).scalar()
    return None if person is None else int(person)


def _case_code(conn: Connection, person_id: int) -> str:
    """The person's case code for families, made at the first found search (random, 50 bits).

    Never the person id, which is sequential: one code would tell the next ones.
    """
    c = person_case_codes_table.c
    code = conn.execute(select(c.code).where(c.person_id == person_id)).scalar()
    if code is not None:
        return str(code)
    code = _random_code("MR-", 2, 5)
    try:
        with conn.begin_nested():
            conn.execute(insert(person_case_codes_table).values(
                code=code, person_id=person_id, created_at=datetime.now(UTC)))
    except IntegrityError:  # another search made this person's code first
        code = conn.execute(select(c.code).where(c.person_id == person_id)).scalar_one()
    return str(code)


def _new_case_number() -> str:
    return _random_code("FR-", 1, 8)


def _new_secret() -> str:
    """16 symbols in groups of 4 (about 75 bits), none a look-alike: families copy it by hand."""
    return _random_code("", 4, 4)


def _reported(form: FamilyReportForm) -> dict[str, Any]:
    """What the family wrote, as JSON (dates as ISO days); contact kept apart."""
    fields = asdict(form)
    for name in ("contact", "relationship"):
        fields.pop(name)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in fields.items()}


def report_missing(engine: Engine, form: FamilyReportForm, *, language: str,
                   actor: str) -> tuple[str, str]:
    """Put a family's report in the caseworkers' inbox; return (case number, secret).

    The report waits (state ``pending``) until a caseworker accepts it into the register
    or rejects it (``musterroll.casework.family_reports``): an anonymous form must not
    change anyone's status by itself. The secret is shown once and stored only as an
    argon2 hash.
    """
    case, secret = _new_case_number(), _new_secret()
    with engine.begin() as conn:
        conn.execute(insert(family_reports_table).values(
            case_number=case, secret_hash=hash_secret(secret),
            source_name=f"family report {case}", language=language,
            created_at=datetime.now(UTC), state="pending", reported=_reported(form),
            contact=form.contact, relationship=form.relationship))
        append_audit(conn, action="family report", subject=f"case:{case}", actor=actor,
                     detail={"state": "pending"})
    return case, secret


def lookup_report(engine: Engine, case_number: str, secret: str, *,
                  actor: str) -> dict[str, Any] | None:
    """Return a report's state for the family holding its secret, or None.

    A wrong number or secret is audit-logged too (``family case refused``): guessing
    shows in the log.

    Returns:
        ``case_number``, ``received`` (ISO day), ``state`` (pending, accepted, rejected),
        ``linked`` (whether linkage placed the record in a person), ``status`` (what a
        family may know, or None) and ``sex`` (as reported, for the wording).
    """
    f = family_reports_table.c
    with engine.connect() as conn:
        row = conn.execute(select(family_reports_table)
                           .where(f.case_number == case_number.strip().upper())).first()
    if not verify_secret(None if row is None else row.secret_hash, secret.strip().upper()):
        with engine.begin() as conn:
            append_audit(conn, action="family case refused", subject=None, actor=actor,
                         detail={"case_number": case_number.strip().upper()[:20]})
        return None
    assert row is not None
    m, s = person_records_table.c, statuses_table.c
    with engine.begin() as conn:
        person = None if row.record_id is None else conn.execute(
            select(m.person_id).where(m.record_id == row.record_id)).scalar()
        status = None if person is None else conn.execute(select(s.status).where(
            s.person_id == person, s.valid_to.is_(None))).scalar()
        append_audit(conn, action="family case view", subject=f"case:{row.case_number}",
                     actor=actor, detail={"person_id": person, "state": row.state})
    return {"case_number": row.case_number, "received": row.created_at.date().isoformat(),
            "state": row.state, "linked": person is not None,
            "status": None if status is None else family_status(status),
            "sex": (row.reported or {}).get("sex")}


def _from_record(conn: Connection, case: dict[str, Any]) -> dict[str, Any]:
    """What a report made before the inbox said: its record (it was ingested at once)."""
    f, r = family_reports_table.c, records_table.c
    row = conn.execute(
        select(r.surname, r.given_name, r.patronymic, r.birth_date, r.sex,
               r.event_date.label("missing_since"), r.event_place.label("place"), r.note)
        .select_from(records_table.join(family_reports_table, f.record_id == r.id))
        .where(f.case_number == case["case_number"])).first()
    return {} if row is None else dict(row._mapping)


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
    f = family_reports_table.c
    with engine.begin() as conn:
        stored = conn.execute(select(f.reported).where(
            f.case_number == case["case_number"])).scalar() or _from_record(conn, case)
        append_audit(conn, action="family case extract", subject=f"case:{case['case_number']}",
                     actor=actor, detail={"format": "pdf"})
    reported = {name: stored.get(name) for name in (
        "surname", "given_name", "patronymic", "birth_date", "sex", "missing_since", "place",
        "note")}
    return {**case, "reported": reported}
