"""Person data for caseworkers: records with provenance, the case, the linkage, search.

Each function reads the register and returns plain dicts; ``routes_persons`` renders them
as a page and as JSON (the same query for both) and writes the audit line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, and_, func, intersect, or_, select

from musterroll.linkage.explain import ExplainError, explain_person
from musterroll.names import romanise
from musterroll.names.record import normalise_sex
from musterroll.statuses.cases import person_case
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import (
    CANONICAL_FIELDS,
    audit_table,
    files_table,
    records_table,
    sources_table,
)
from musterroll.store.search_models import name_words_table
from musterroll.store.status_models import statuses_table
from musterroll.web.i18n import catalogue, format_day, translate
from musterroll.web.search_keys import name_words, refresh_search_keys, search_keys_in_step

__all__ = ["PersonNotFound", "field_text", "find_persons", "person_lineage", "person_linkage",
           "person_page", "person_records", "records_side_by_side", "status_text"]

SEARCH_LIMIT = 50
# Above every character: word >= w AND word < w + _AFTER is "word begins with w" as one
# range of the index (code point order: SQLite's BINARY, PostgreSQL's collation "C").
_AFTER = chr(0x10FFFF)
# A query of several words reads the records of its rarest word when it has at most this
# many, and checks the other words on their names (see _rows_with_words).
_DRIVE_AT_MOST = 3000
_LINEAGE = ("person merge", "person split")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NAMES = ("surname", "given_name", "patronymic")
# Fields of a record shown as its column's heading or below the table, not as rows.
_NOT_ROWS = ("id", "warnings", "provenance", "original")
_DAYS = ("birth_date", "event_date", "reported_date")


class PersonNotFound(LookupError):
    """No person with this id: no records and no derived status."""


def _original(header: list[str] | None, verbatim: str) -> list[list[str]]:
    """Return the row as received: [column, value] pairs in the file's order."""
    try:
        row = json.loads(verbatim)
    except ValueError:
        return [["", verbatim]]
    if isinstance(row, dict):
        return [[str(k), "" if v is None else str(v)] for k, v in row.items()]
    if isinstance(row, list):
        names = list(header or [])
        names += [f"#{k + 1}" for k in range(len(names), len(row))]
        return [[names[k], "" if v is None else str(v)] for k, v in enumerate(row)]
    return [["", str(row)]]


def person_records(engine: Engine, person_id: int) -> list[dict[str, Any]]:
    """Return every record of a person with its provenance and the row as received.

    Each record: id, the canonical fields, ``warnings`` (list), and ``provenance``
    (source, kind, file name, sha256, version, published, received and ingested times,
    row) and ``original`` ([column, value] pairs). Empty for an unknown person.
    """
    r, f, s, m = records_table.c, files_table.c, sources_table.c, person_records_table.c
    query = (select(r.id, r.row, r.verbatim, r.warnings, *(r[c] for c in CANONICAL_FIELDS),
                    s.name.label("source"), s.kind, f.path, f.sha256, f.version,
                    f.published, f.received_at, f.ingested_at, f.header)
             .select_from(records_table.join(person_records_table, m.record_id == r.id)
                          .join(files_table, f.id == r.file_id)
                          .join(sources_table, s.id == r.source_id))
             .where(m.person_id == person_id).order_by(f.received_at, r.id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    out = []
    for row in rows:
        values = row._mapping
        out.append({
            "id": int(row.id),
            **{c: values[c] for c in CANONICAL_FIELDS},
            "warnings": json.loads(row.warnings) if row.warnings else [],
            "provenance": {
                "source": row.source, "kind": row.kind,
                "file": PurePath(row.path).name, "sha256": row.sha256,
                "version": row.version, "published": row.published,
                "received_at": row.received_at.isoformat(),
                "ingested_at": row.ingested_at.isoformat(), "row": row.row,
            },
            "original": _original(row.header, row.verbatim),
        })
    return out


def person_lineage(engine: Engine, person_id: int, *, retired: bool = False
                   ) -> list[dict[str, Any]]:
    """Return the link runs' merges and splits that concern a person, oldest first.

    Args:
        engine: the register.
        person_id: the person.
        retired: look also for merges and splits that took this id away (the id is then
            in another person's ``from``, or a split's ``into``); this reads every merge
            and split line, so it is asked only for an id that has no records now.
    Returns:
        {"at", "action" ("person merge" / "person split"), "person_id" (the line's
        person), "from" / "into" (person ids)} per audit line of ``linkage``.
    """
    a = audit_table.c
    query = select(a.at, a.action, a.subject, a.detail).where(a.action.in_(_LINEAGE))
    if not retired:
        query = query.where(a.subject == f"person:{person_id}")
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(a.id)).all()
    out = []
    for row in rows:
        detail = row.detail or {}
        related = {int(x) for x in (detail.get("from") or []) + (detail.get("into") or [])}
        if row.subject != f"person:{person_id}" and person_id not in related:
            continue
        out.append({"at": row.at.isoformat(), "action": row.action,
                    "person_id": detail.get("person_id"),
                    "from": detail.get("from") or [], "into": detail.get("into") or []})
    return out


def person_page(engine: Engine, person_id: int) -> dict[str, Any]:
    """Return a person's case (``statuses.cases.person_case``), records and lineage.

    Returns:
        ``person_id``, the current status fields (None when statuses were not derived
        for this person), ``history``, ``as_known``, ``conflicts``, ``records`` and
        ``lineage`` (``person_lineage``: where a retired id went, too).
    Raises:
        PersonNotFound: no records, no status and no merge or split for this id.
    """
    records = person_records(engine, person_id)
    lineage = person_lineage(engine, person_id, retired=not records)
    try:
        case = person_case(engine, person_id)
    except ValueError as exc:
        if not records and not lineage:
            raise PersonNotFound(f"no person with id {person_id}") from exc
        case = {"status": None, "substatus": None, "history": [], "as_known": [],
                "conflicts": []}
    return {**case, "person_id": person_id, "records": records, "lineage": lineage}


def person_linkage(engine: Engine, person_id: int) -> dict[str, Any]:
    """Return why a person's records were linked (``linkage.explain.explain_person``).

    Returns:
        The explanation, or ``{"person_id", "error"}`` when there is none (no link run, or
        the person is not in the current linkage).
    """
    try:
        return explain_person(engine, person_id)
    except ExplainError as exc:
        return {"person_id": person_id, "error": str(exc), "records": [], "pairs": []}


def _variants(word: str) -> set[str]:
    """Forms of one search word as ``name_words`` keeps words: lower-cased, as typed and
    romanised (a Cyrillic word also finds its romanised spelling)."""
    return {form for text in (word, romanise(word)) for form in name_words(text)}


def _records_with_word(word: str) -> Select[Any]:
    """Ids of records with a name word that begins with one of the word's forms."""
    w = name_words_table.c
    return select(w.record_id).where(or_(
        *(and_(w.word >= form, w.word < form + _AFTER) for form in sorted(_variants(word)))))


def _count_at_most(conn: Connection, word: str, most: int) -> int:
    counted = _records_with_word(word).limit(most).subquery()
    return int(conn.execute(select(func.count()).select_from(counted)).scalar_one())


def _rows_with_words(engine: Engine, select_: Select[Any], words: list[str],
                     order: tuple[Any, ...], most: int) -> list[Row[Any]]:
    """The first `most` records (in `order`) of which each word begins a word of the names.

    One word: its records (one range of ``name_words`` per form). Several: when one word
    has at most ``_DRIVE_AT_MOST`` records, those are read and the other words checked on
    their names here (``name_words``, the same words as the table's: a rare surname and a
    common given name do not read the given name's 100,000 records); otherwise the records
    of each word, intersected.
    """
    r = records_table.c
    with engine.connect() as conn:
        if not search_keys_in_step(conn):
            conn.rollback()  # read again after the refresh, not from this snapshot
            refresh_search_keys(engine)  # words of lists ingested since: none missed
        counts = ([_count_at_most(conn, word, _DRIVE_AT_MOST + 1) for word in words]
                  if len(words) > 1 else [_DRIVE_AT_MOST + 1])
        driver = counts.index(min(counts))
        if counts[driver] > _DRIVE_AT_MOST:
            matching = [_records_with_word(word) for word in words]
            ids = matching[0] if len(matching) == 1 else intersect(*matching)
            return list(conn.execute(select_.where(r.id.in_(ids)).order_by(*order)
                                     .limit(most)).all())
        rows = conn.execute(select_.add_columns(r.full_name)
                            .where(r.id.in_(_records_with_word(words[driver])))
                            .order_by(*order)).all()
    others = [sorted(_variants(word)) for k, word in enumerate(words) if k != driver]
    kept = []
    for row in rows:
        if others:
            have = name_words(row.surname, row.given_name, row.patronymic, row.full_name)
            if not all(any(w.startswith(form) for w in have for form in forms)
                       for forms in others):
                continue
        kept.append(row)
        if len(kept) == most:
            break
    return kept


def find_persons(engine: Engine, query: str, *, limit: int = SEARCH_LIMIT
                 ) -> list[dict[str, Any]]:
    """Find persons by reference, record id or the beginnings of their names' words.

    Args:
        engine: the register.
        query: a person's reference as families hold it (``P-12``), a record id
            (digits), or up to four words that must each begin a word of the names
            (surname, given name, patronymic, full name) of one record; case is ignored
            and a Cyrillic word also finds its romanised spelling. Words are looked up in
            ``name_words`` (brought in step first, like the family search's keys).
        limit: at most this many persons.
    Returns:
        One dict per person: person_id, records (how many matched), and the first
        matching record's names and birth date. Records not linked to a person are left
        out (there is no person page to open).
    """
    query = query.strip()
    r, m = records_table.c, person_records_table.c
    select_ = (select(m.person_id, r.id, r.surname, r.given_name, r.patronymic,
                      r.birth_date)
               .select_from(records_table.join(person_records_table, m.record_id == r.id)))
    reference = re.fullmatch(r"[PpРр]-?(\d{1,18})", query)  # a family's reference, P-12
    order = (r.surname, r.given_name, m.person_id)
    rows: Sequence[Any]
    if reference or (query.isdigit() and len(query) <= 18):
        select_ = select_.where(m.person_id == int(reference.group(1)) if reference
                                else r.id == int(query))
        with engine.connect() as conn:
            rows = conn.execute(select_.order_by(*order).limit(limit * 10)).all()
    else:
        words = [w for w in re.split(r"[\s,]+", query) if w][:4]
        if not words:
            return []
        rows = _rows_with_words(engine, select_, words, order, limit * 10)
    found = _persons_of_rows(rows, limit)
    _add_names_and_status(engine, found)
    return list(found.values())


def _persons_of_rows(rows: Sequence[Any], limit: int) -> dict[int, dict[str, Any]]:
    """The first `limit` persons of the matching records, with how many records matched."""
    found: dict[int, dict[str, Any]] = {}
    for row in rows:
        person = found.get(int(row.person_id))
        if person is None:
            if len(found) == limit:
                continue
            found[int(row.person_id)] = {
                "person_id": int(row.person_id), "records": 1, "surname": row.surname,
                "given_name": row.given_name, "patronymic": row.patronymic,
                "birth_date": row.birth_date}
        else:
            person["records"] += 1
    return found


def _is_cyrillic(names: tuple[str | None, ...]) -> bool:
    return any(name and _CYRILLIC.search(name) for name in names)


def _add_names_and_status(engine: Engine, found: dict[int, dict[str, Any]]) -> None:
    """Give each found person its name in Cyrillic (from any of its records, when the
    matching record spells it in Latin letters), its other spellings, and its status."""
    if not found:
        return
    r, m, s = records_table.c, person_records_table.c, statuses_table.c
    ids = sorted(found)
    with engine.connect() as conn:
        names = conn.execute(
            select(m.person_id, r.surname, r.given_name, r.patronymic)
            .select_from(records_table.join(person_records_table, m.record_id == r.id))
            .where(m.person_id.in_(ids)).order_by(m.person_id, r.id)).all()
        statuses = conn.execute(select(s.person_id, s.status, s.substatus).where(
            s.person_id.in_(ids), s.valid_to.is_(None))).all()
    spellings: dict[int, list[tuple[str | None, ...]]] = {}
    for row in names:
        forms = spellings.setdefault(int(row.person_id), [])
        form = (row.surname, row.given_name, row.patronymic)
        if form not in forms:
            forms.append(form)
    for person_id, person in found.items():
        forms = spellings.get(person_id, [])
        first: tuple[str | None, ...] = (person["surname"], person["given_name"],
                                         person["patronymic"])
        if not _is_cyrillic(first):
            first = next((f for f in forms if _is_cyrillic(f)), first)
        person.update(zip(_NAMES, first, strict=True))
        person["spellings"] = [" ".join(n for n in f if n) for f in forms if f != first]
        person["status"] = person["substatus"] = None
    for person_id, status, substatus in statuses:
        found[int(person_id)].update(status=status, substatus=substatus)


def status_text(language: str, status: str | None, substatus: str | None = None) -> str:
    """A derived status as caseworkers read it: captivity said plainly, no codes."""
    if not status:
        return translate(language, "state_unknown")
    key = f"state_{status}_{substatus}" if substatus else f"state_{status}"
    return translate(language, key if key in catalogue("en") else f"state_{status}")


def field_text(language: str, field: str, value: Any) -> str:
    """A record's value as caseworkers read it: sex, a list's status and dates in words."""
    if value is None or value == "":
        return ""
    if field == "sex":
        sex = normalise_sex(value)
        return translate(language, f"sex_{sex}") if sex else str(value)
    if field == "status" and f"list_status_{value}" in catalogue("en"):
        return translate(language, f"list_status_{value}")
    if field in _DAYS:
        return format_day(language, str(value))
    return str(value)


def _same(value: Any) -> str:
    return " ".join(str(value).casefold().split())


def records_side_by_side(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records' fields as rows, one cell per record, differences marked.

    Returns:
        One row per field any record fills, in the order of ``CANONICAL_FIELDS``:
        {"field", "values": [value per record], "marked": [bool per record],
        "differs"}. A filled value is marked when it differs (case and spacing aside)
        from the value most records give.
    """
    rows = []
    for name in (c for c in CANONICAL_FIELDS if c not in _NOT_ROWS):
        values = [r.get(name) for r in records]
        filled = [_same(v) for v in values if v not in (None, "")]
        if not filled:
            continue
        common = max(filled, key=filled.count)
        marked = [v not in (None, "") and _same(v) != common for v in values]
        rows.append({"field": name, "values": values, "marked": marked,
                     "differs": len(set(filled)) > 1})
    return rows
