"""Pseudonymised person data for analysts: what statistics need, nothing that names anyone.

A person appears under a keyed pseudonym, ``HMAC-SHA256(secret_key, person id)`` (first
16 hex digits): stable while the app's secret key is (set ``MUSTERROLL_SECRET_KEY``),
useless for finding the person without it. Kept: current status and its flags, sex, birth
year, oblast, the lists a person is on, dates at month precision. Left out: names,
service numbers, units, settlements, places, full dates, record and person ids. Nothing
is suppressed: small groups are the analyst's to handle, and the analyst's role is trusted
with row-level data (docs/DESIGN.md, privacy model); every view is audit-logged.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Engine, func, select

from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table, sources_table
from musterroll.store.status_models import statuses_table

__all__ = ["analyst_persons", "month", "pseudonym"]

_DATES = ("valid_from", "death_date", "missing_date", "released_date", "identified_date")
_FLAGS = ("missing_ever", "declared_dead", "remains_recovered")


def pseudonym(secret_key: str, person_id: int) -> str:
    """Return the keyed pseudonym of a person id (16 hex digits)."""
    digest = hmac.new(secret_key.encode(), f"person:{person_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def month(value: str | None) -> str | None:
    """Return a (partial) ISO date at month precision: ``2024-03-15`` -> ``2024-03``."""
    return value[:7] if value else None


def _most_common(values: list[Any]) -> Any:
    counted = Counter(v for v in values if v not in (None, ""))
    return min(counted.items(), key=lambda kv: (-kv[1], str(kv[0])))[0] if counted else None


def analyst_persons(engine: Engine, secret_key: str, *, limit: int = 1000,
                    offset: int = 0) -> dict[str, Any]:
    """Return a page of pseudonymised persons and the total.

    Args:
        engine: the register.
        secret_key: the key of the pseudonyms (the app's secret key).
        limit, offset: the page (persons in a fixed order).
    Returns:
        {"total", "offset", "limit", "persons": [{pseudonym, status, substatus, flags,
        sex, birth_year, oblast, lists, first_reported, status_since, death_month,
        missing_month, released_month, identified_month, conflicts}]}. A person without a
        derived status has status None; unknown values are None.
    """
    m, r, s, st = (person_records_table.c, records_table.c, sources_table.c,
                   statuses_table.c)
    with engine.connect() as conn:
        total = int(conn.execute(select(func.count(func.distinct(m.person_id)))).scalar_one())
        ids = [int(i) for i in conn.execute(
            select(m.person_id).distinct().order_by(m.person_id).limit(limit)
            .offset(offset)).scalars()]
        rows = conn.execute(
            select(m.person_id, r.sex, r.birth_date, r.oblast, r.reported_date,
                   s.name.label("source"))
            .select_from(records_table.join(person_records_table, m.record_id == r.id)
                         .join(sources_table, s.id == r.source_id))
            .where(m.person_id.in_(ids))).all()
        statuses = {int(x.person_id): x for x in conn.execute(
            select(statuses_table).where(st.person_id.in_(ids), st.valid_to.is_(None)))}
    records: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        records[int(row.person_id)].append(row)
    persons = []
    for person_id in ids:
        own = records[person_id]
        status = statuses.get(person_id)
        years = [b[:4] for b in (x.birth_date for x in own) if b and b[:4].isdigit()]
        reported = sorted(x.reported_date for x in own if x.reported_date)
        persons.append({
            "pseudonym": pseudonym(secret_key, person_id),
            "status": status.status if status else None,
            "substatus": status.substatus if status else None,
            **{flag: bool(getattr(status, flag)) if status else None for flag in _FLAGS},
            "sex": _most_common([(x.sex or "").lower() or None for x in own]),
            "birth_year": int(_most_common(years)) if years else None,
            "oblast": (status.oblast if status and status.oblast
                       else _most_common([x.oblast for x in own])),
            "lists": sorted({x.source for x in own}),
            "first_reported": month(reported[0]) if reported else None,
            "status_since": month(status.valid_from) if status else None,
            "death_month": month(status.death_date) if status else None,
            "missing_month": month(status.missing_date) if status else None,
            "released_month": month(status.released_date) if status else None,
            "identified_month": month(status.identified_date) if status else None,
            "conflicts": int(status.conflicts) if status else 0,
        })
    return {"total": total, "offset": offset, "limit": limit, "persons": persons}
