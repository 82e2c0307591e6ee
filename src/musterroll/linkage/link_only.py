"""Link-only matching of a new list's records against the register's persons.

An exchange list or a repatriation batch is matched against persons already in the
register (and against its own rows already placed: one person's remains in two bags of
one batch), never re-clustering the register: a record joins the person whose records share its
birth date and whose names agree (``musterroll.names`` keys and levels), or becomes a new
person. The membership is written as a link run of its own (engine ``link-only``), so the
next full ``musterroll link`` sees it as any other; decisions bind that run as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, func, insert, select, update

from musterroll.names import LEVEL_RANK, compare_keys, name_keys_frame
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import person_records_table, persons_table, runs_table
from musterroll.store.models import records_table

__all__ = ["MatchResult", "match_records"]

# Least agreement to accept: the surname at least sounds alike (Russian and Ukrainian
# spellings of one name are "transliteration" or "phonetic"), the given name is the same
# name in some form (Олександр / Александр / Сашко are "equivalent").
_MIN_SURNAME = LEVEL_RANK["phonetic"]
_MIN_GIVEN = LEVEL_RANK["equivalent"]
_NAME_FIELDS = ("surname", "given_name", "patronymic", "sex", "birth_date")


@dataclass
class MatchResult:
    """Where each new record went: record id -> person id, and which were new or unsure."""

    persons: dict[int, int] = field(default_factory=dict)
    matched: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)
    ambiguous: list[int] = field(default_factory=list)
    run_id: int | None = None


def _frame(conn: Connection, where: Any) -> pd.DataFrame:
    r, m = records_table.c, person_records_table.c
    query = (select(r.id.label("record_id"), *(r[c] for c in _NAME_FIELDS), m.person_id)
             .select_from(records_table.outerjoin(person_records_table,
                                                  m.record_id == r.id))
             .where(where))
    rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["record_id", *_NAME_FIELDS, "person_id"])


def _with_keys(frame: pd.DataFrame) -> list[dict[str, Any]]:
    keys = name_keys_frame(frame.reset_index(drop=True))
    records: list[dict[str, Any]] = keys.to_dict("records")  # type: ignore[assignment]
    return [k | {"record_id": int(r), "person_id": p, "birth_date": b}
            for k, r, p, b in zip(records, frame["record_id"],
                                  frame["person_id"], frame["birth_date"], strict=True)]


def _score(a: dict[str, Any], b: dict[str, Any]) -> int | None:
    """Agreement of two records' names, or None when below the least accepted."""
    surname = LEVEL_RANK[compare_keys(a, b, "surname")]
    given = LEVEL_RANK[compare_keys(a, b, "given")]
    if surname < _MIN_SURNAME or given < _MIN_GIVEN:
        return None
    return surname + given + max(LEVEL_RANK[compare_keys(a, b, "patronymic")], 0)


def _best(new: dict[str, Any], candidates: list[dict[str, Any]]) -> tuple[int | None, bool]:
    """Return the best person for `new` and whether another person scored the same."""
    scores: dict[int, int] = {}
    for cand in candidates:
        score = _score(new, cand)
        if score is not None and cand["person_id"] is not None:
            person = int(cand["person_id"])
            scores[person] = max(scores.get(person, 0), score)
    if not scores:
        return None, False
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    tie = len(ranked) > 1 and ranked[1][1] == ranked[0][1]
    return ranked[0][0], tie


def _start_run(conn: Connection, what: str) -> int:
    result = conn.execute(insert(runs_table).values(
        started_at=datetime.now(UTC), finished_at=datetime.now(UTC), engine="link-only",
        seed=0, code_version="register", input_hash="-", settings={"link_only": what}))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def match_records(conn: Connection, record_ids: Sequence[int], *, what: str,
                  actor: str = "musterroll") -> MatchResult:
    """Match records to the register's persons (link-only); new persons for the rest.

    Args:
        conn: a connection inside the caller's transaction.
        record_ids: the records to place (records already held by a person are skipped).
        what: a description for the link run and the audit log (file, exchange, batch).
        actor: who did it, for the audit log.
    Returns:
        Where each record went. A record with two equally good persons goes to the first
        and is listed in ``ambiguous`` for a reviewer.
    """
    r, m = records_table.c, person_records_table.c
    new = _frame(conn, r.id.in_(list(record_ids)))
    new = new[new["person_id"].isna()]
    result = MatchResult()
    if new.empty:
        return result
    days = sorted({d for d in new["birth_date"].dropna()})
    pool = _frame(conn, r.birth_date.in_(days) & m.person_id.is_not(None)) if days else None
    by_day: dict[str, list[dict[str, Any]]] = {}
    if pool is not None and not pool.empty:
        for cand in _with_keys(pool):
            by_day.setdefault(cand["birth_date"], []).append(cand)
    result.run_id = run_id = _start_run(conn, what)
    top = int(conn.execute(select(func.max(persons_table.c.id))).scalar() or 0)
    for rec in _with_keys(new):
        person, tie = _best(rec, by_day.get(rec["birth_date"], [])) if rec["birth_date"] \
            else (None, False)
        if person is None:
            top += 1
            person = top
            conn.execute(insert(persons_table).values(id=person, created_run_id=run_id,
                                                      records=0))
            result.created.append(rec["record_id"])
        else:
            result.matched.append(rec["record_id"])
            if tie:
                result.ambiguous.append(rec["record_id"])
        result.persons[rec["record_id"]] = person
        if rec["birth_date"]:
            # Later rows of this file may be the same person (remains in several bags).
            by_day.setdefault(rec["birth_date"], []).append(rec | {"person_id": person})
        conn.execute(insert(person_records_table).values(
            record_id=rec["record_id"], person_id=person, run_id=run_id))
        conn.execute(update(persons_table).where(persons_table.c.id == person)
                     .values(records=persons_table.c.records + 1))
    append_audit(conn, action="link-only match", subject=f"link_run:{run_id}", actor=actor,
                 detail={"what": what, "matched": len(result.matched),
                         "created": len(result.created), "ambiguous": result.ambiguous})
    return result
