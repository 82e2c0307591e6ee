"""Pseudonymised person data for analysts, released k-anonymous: no row singles anyone out.

A person appears under a keyed pseudonym, ``HMAC-SHA256(secret_key, release, person id)``
(first 16 hex digits): useless for finding the person without the key, and stable within
one release only. A release is the register after one link run and derivation, at one k
(``release_tag``); the next one coarsens differently, and rows that kept their pseudonym
across the two could be intersected to narrow a person down, so every pseudonym changes.
A row holds the current status, sex, a ten-year birth band, the region and the quarter
of the death or disappearance, coarsened further where fewer than k persons share them
(``web.kanon``, k the setting ``analyst_k``). Captives (status or history of captivity)
are never rows: they are counted on the dashboard only. Left out altogether: names,
service numbers, units, settlements, oblasts, lists, days and months, record and person
ids. Every view is audit-logged.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select

from musterroll.linkage.features import oblast_key
from musterroll.store.linkage_models import person_records_table, runs_table
from musterroll.store.models import records_table
from musterroll.store.status_models import events_table, status_runs_table, statuses_table
from musterroll.web.kanon import birth_band, k_anonymous, quarter, region

__all__ = ["Release", "analyst_persons", "month", "pseudonym", "release_rows", "release_tag",
           "release_version"]

# The released rows and the number of persons withheld.
Release = tuple[list[dict[str, Any]], int]

# Status, substatus and evidence kinds that mean captivity, now or once.
_CAPTIVITY = ("captivity_confirmed", "released")


def pseudonym(secret_key: str, person_id: int, release: str) -> str:
    """Return the keyed pseudonym of a person id in one release (16 hex digits)."""
    digest = hmac.new(secret_key.encode(), f"person:{release}:{person_id}".encode(),
                      hashlib.sha256)
    return digest.hexdigest()[:16]


def month(value: str | None) -> str | None:
    """Return a (partial) ISO date at month precision: ``2024-03-15`` -> ``2024-03``."""
    return value[:7] if value else None


def _most_common(values: list[Any]) -> Any:
    counted = Counter(v for v in values if v not in (None, ""))
    return min(counted.items(), key=lambda kv: (-kv[1], str(kv[0])))[0] if counted else None


def _captives(conn: Connection) -> set[int]:
    """Persons whose status or history is captivity (released ones included): their
    statuses over time, or evidence of captivity on any of their records."""
    st, e, m = statuses_table.c, events_table.c, person_records_table.c
    ever = select(st.person_id).where(or_(st.substatus.in_(_CAPTIVITY),
                                          st.status.in_(_CAPTIVITY)))
    on_records = (select(m.person_id).join(events_table, e.record_id == m.record_id)
                  .where(e.kind.in_(_CAPTIVITY)))
    direct = select(e.person_id).where(e.kind.in_(_CAPTIVITY), e.person_id.is_not(None))
    return {int(i) for query in (ever, on_records, direct)
            for i in conn.execute(query).scalars()}


def _records(conn: Connection) -> dict[int, list[Any]]:
    m, r = person_records_table.c, records_table.c
    rows = conn.execute(select(m.person_id, r.sex, r.birth_date, r.oblast).select_from(
        records_table.join(person_records_table, m.record_id == r.id)))
    records: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        records[int(row.person_id)].append(row)
    return records


def _generalised(person_id: int, own: list[Any], status: Any,
                 secret_key: str, release: str) -> dict[str, str | None]:
    """One person's row before k-anonymity: birth band, region and quarter only."""
    years = [b[:4] for b in (x.birth_date for x in own) if b and b[:4].isdigit()]
    oblast = (status.oblast if status and status.oblast
              else _most_common([x.oblast for x in own]))
    event = (status.death_date or status.missing_date) if status else None
    return {
        "pseudonym": pseudonym(secret_key, person_id, release),
        "status": status.status if status else None,
        "sex": _most_common([(x.sex or "").lower() or None for x in own]),
        "birth_years": birth_band(int(_most_common(years))) if years else None,
        "region": region(oblast_key(oblast)),
        "event_period": quarter(event),
    }


def release_rows(engine: Engine, secret_key: str, k: int) -> Release:
    """Return the k-anonymous rows of all persons but captives, by pseudonym, and how
    many persons were withheld (captives and persons too rare to release)."""
    release = release_tag(engine, k)
    with engine.connect() as conn:
        records = _records(conn)
        statuses = {int(x.person_id): x for x in conn.execute(
            select(statuses_table).where(statuses_table.c.valid_to.is_(None)))}
        captives = _captives(conn)
    rows = [_generalised(pid, own, statuses.get(pid), secret_key, release)
            for pid, own in records.items() if pid not in captives]
    released = sorted(k_anonymous(rows, k), key=lambda row: str(row["pseudonym"]))
    return released, len(records) - len(released)


def release_version(engine: Engine) -> tuple[Any, ...]:
    """What the release depends on: the newest link run and derivation (records reach
    persons only through a link run; statuses change only with a derivation)."""
    with engine.connect() as conn:
        return (str(engine.url),
                conn.execute(select(func.max(runs_table.c.id))).scalar(),
                conn.execute(select(func.max(status_runs_table.c.id))).scalar())


def release_tag(engine: Engine, k: int) -> str:
    """The release the pseudonyms are keyed on: the newest link run and derivation, and k."""
    _, link_run, status_run = release_version(engine)
    return f"link {link_run} status {status_run} k {k}"


def analyst_persons(engine: Engine, secret_key: str, *, k: int, limit: int = 1000,
                    offset: int = 0, release: Release | None = None) -> dict[str, Any]:
    """Return a page of the k-anonymous release of pseudonymised persons.

    Args:
        engine: the register.
        secret_key: the key of the pseudonyms (the app's secret key).
        k: each released combination of quasi-identifiers describes at least k persons
            (``web.kanon``).
        limit, offset: the page (rows in pseudonym order, which says nothing of ids).
        release: ``release_rows``' answer for this register, key and k, when the caller
            kept it (computing it reads every person); None: computed now.
    Returns:
        {"k", "total" (rows released), "withheld" (persons not released: captives and
        the rare), "offset", "limit", "persons": [{pseudonym, status, sex, birth_years,
        region, event_period}]}; unknown values are None, coarsened ones ``*``.
    """
    released, withheld = release or release_rows(engine, secret_key, k)
    return {"k": k, "total": len(released), "withheld": withheld, "offset": offset,
            "limit": limit, "persons": released[offset:offset + limit]}
