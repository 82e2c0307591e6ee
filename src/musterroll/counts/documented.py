"""Documented counts as of any date, counted in SQL over the derived status table.

``statuses`` holds each person's status over spans of knowledge days, so the register
"as known on" a day D is the rows with ``valid_from <= D < valid_to``: one range scan,
whatever the size of the evidence behind it. Counts are documented counts only: persons
the register has evidence of, never an estimate (estimates are the ``estimate`` stage's,
set beside these by the pages and commands that show both).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from musterroll.store.status_models import (
    as_day,
    status_conflicts_table,
    status_valid_on,
    statuses_table,
)

__all__ = ["BY", "METRICS", "casualty", "count_statuses"]

# --by choices -> the SQL expression grouped on.
BY: tuple[str, ...] = ("oblast", "month", "source", "status")
# The metrics a claim can be set beside (keys of count_statuses' result).
METRICS: tuple[str, ...] = (
    "killed", "killed_identified", "killed_reported", "missing_now", "missing_ever",
    "captured", "released", "identified", "found_alive", "declared_dead", "search_ended",
    "casualties",
)  # fmt: skip

def casualty(s: Any) -> Any:
    """Whether a person is a casualty: killed, missing, captive or released, or ever
    missing, but not found alive (days missing, then found: no loss). The scope of the
    count `casualties` and of the estimate of it (``counts.capture``)."""
    lost = s.status.in_(("killed", "missing", "released", "search_ended"))
    return or_(lost, and_(s.missing_ever, s.status != "found_alive"))


def _flag(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _columns() -> list[Any]:
    s = statuses_table.c
    killed = s.status == "killed"
    return [
        func.count().label("persons"),
        _flag(killed).label("killed"),
        _flag(and_(killed, s.substatus == "identified")).label("killed_identified"),
        _flag(and_(killed, s.substatus == "reported")).label("killed_reported"),
        _flag(s.status == "missing").label("missing_now"),
        _flag(s.missing_ever).label("missing_ever"),
        _flag(and_(s.status == "missing", s.substatus == "captivity_confirmed"))
        .label("captured"),
        _flag(s.status == "released").label("released"),
        _flag(s.identified_date.is_not(None)).label("identified"),
        _flag(s.status == "found_alive").label("found_alive"),
        _flag(s.declared_dead).label("declared_dead"),
        _flag(s.status == "search_ended").label("search_ended"),
        _flag(casualty(s)).label("casualties"),
        _flag(and_(s.remains_recovered, s.identified_date.is_(None)))
        .label("remains_unidentified"),
        _flag(s.conflicts > 0).label("persons_with_conflicts"),
    ]


def _group(by: str) -> Any:
    s = statuses_table.c
    if by == "month":
        event_day = func.coalesce(s.death_date, s.released_date, s.missing_date)
        return func.substr(event_day, 1, 7)
    if by == "status":
        return s.status + "/" + func.coalesce(s.substatus, "-")
    return {"oblast": s.oblast, "source": s.source}[by]


def _monthly(conn: Connection, as_of: str | None) -> dict[str, dict[str, int]]:
    s = statuses_table.c
    series: dict[str, dict[str, int]] = {}
    for name, column, condition in (
        ("killed", s.death_date, s.status == "killed"),
        ("missing_ever", s.missing_date, s.missing_ever),
    ):
        month = func.substr(column, 1, 7)
        query = (select(month, func.count())
                 .where(status_valid_on(as_of), condition, column.is_not(None))
                 .group_by(month).order_by(month))
        series[name] = {str(m): int(n) for m, n in conn.execute(query)}
    return series


def count_statuses(conn: Connection, *, as_of: str | date | None = None,
                   by: str | None = None) -> dict[str, Any]:
    """Return the register's documented counts, as known on `as_of`.

    Args:
        conn: a connection to a derived register (``derive_statuses``).
        as_of: an ISO day; the register as it was known that day (evidence received by
            then). None: on all the evidence.
        by: None, or one of ``BY``: counts per oblast, month of the event (death, release
            or disappearance), source of the deciding evidence, or status.
    Returns:
        ``as_of``, the counts of ``METRICS`` (and persons, remains not yet identified,
        persons with conflicts), ``monthly`` series (killed by month of death, missing
        ever by month of disappearance), ``open_conflicts`` and, with `by`, ``groups``.
    Raises:
        ValueError: `by` is not one of ``BY``.
    """
    day = as_day(as_of)
    if by is not None and by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    columns = _columns()
    row = conn.execute(select(*columns).where(status_valid_on(day))).one()
    out: dict[str, Any] = {"as_of": day or date.today().isoformat(),
                           **{k: int(v) for k, v in row._mapping.items()}}
    out["monthly"] = _monthly(conn, day)
    if day is None:
        out["open_conflicts"] = conn.execute(
            select(func.count()).select_from(status_conflicts_table)).scalar_one()
    if by is not None:
        key = _group(by).label("group")
        query = select(key, *columns).where(status_valid_on(day)).group_by(key).order_by(key)
        out["by"] = by
        out["groups"] = {str(r.group): {k: int(v) for k, v in r._mapping.items()
                                        if k != "group"} for r in conn.execute(query)}
    return out
