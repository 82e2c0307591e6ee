"""Documented counts as of any date, counted in SQL over the derived status table.

``statuses`` holds each person's status over spans of knowledge days, so the register
"as known on" a day D is the rows with ``valid_from <= D < valid_to``: one range scan,
whatever the size of the evidence behind it. Counts are documented counts only: persons
the register has evidence of, never an estimate (estimates are the ``estimate`` stage's,
set beside these by the pages and commands that show both).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select

from musterroll.store.status_models import (
    as_day,
    status_conflicts_table,
    status_valid_on,
    statuses_table,
)

__all__ = ["BASES", "BY", "METRICS", "MONTHLY", "casualty", "count_by_month",
           "count_by_oblast", "count_statuses"]

# --by choices -> the SQL expression grouped on.
BY: tuple[str, ...] = ("oblast", "month", "source", "status")
# The metrics a claim can be set beside (keys of count_statuses' result).
METRICS: tuple[str, ...] = (
    "killed", "killed_identified", "killed_reported", "missing_now", "missing_ever",
    "captured", "released", "identified", "found_alive", "declared_dead", "search_ended",
    "casualties",
)  # fmt: skip

# Month series: the day a person's event happened, or the day the register learnt of it.
BASES: tuple[str, ...] = ("event", "learnt")
# The metrics counted by month, each with its event date and the condition that counts.
MONTHLY: tuple[str, ...] = ("killed", "missing_ever")

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


def _monthly_metric(name: str) -> tuple[Any, Any]:
    """(condition on a status row, event date column) of a ``MONTHLY`` metric."""
    s = statuses_table.c
    return {"killed": (s.status == "killed", s.death_date),
            "missing_ever": (s.missing_ever, s.missing_date)}[name]


def _learnt_day(name: str) -> Any:
    """Per person now counted in `name`: the first day the register knew it (a subquery
    of person_id, day). Why: the day a list arrived, not the day of the death."""
    s = statuses_table.c
    condition, _ = _monthly_metric(name)
    now = select(s.person_id).where(status_valid_on(None), condition)
    return (select(s.person_id, func.min(s.valid_from).label("day"))
            .where(condition, s.person_id.in_(now)).group_by(s.person_id).subquery())


def _event_day(name: str) -> Any:
    """Per person now counted in `name`: the day of the event (NULL when undated)."""
    s = statuses_table.c
    condition, column = _monthly_metric(name)
    return (select(s.person_id, column.label("day"))
            .where(status_valid_on(None), condition).subquery())


def count_by_month(conn: Connection, *, basis: str) -> dict[str, Any]:
    """Return the persons killed and ever missing by month, on all the evidence.

    Args:
        conn: a connection to a derived register.
        basis: ``event`` (month of the death or disappearance) or ``learnt`` (month the
            register first held the evidence: a list's arrival shows as a jump there).
    Returns:
        ``basis``, ``months`` (sorted ``YYYY-MM``), ``metrics`` (``MONTHLY`` name ->
        month -> persons) and ``undated`` (name -> persons without an event date; always
        0 for ``learnt``). Per metric, the months and the undated add up to the current
        count of ``count_statuses``, whichever the basis.
    Raises:
        ValueError: `basis` is not one of ``BASES``.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}, not {basis!r}")
    metrics: dict[str, dict[str, int]] = {}
    undated: dict[str, int] = {}
    for name in MONTHLY:
        days = _event_day(name) if basis == "event" else _learnt_day(name)
        month = func.substr(days.c.day, 1, 7)
        rows = conn.execute(select(month, func.count()).group_by(month)).all()
        metrics[name] = {str(m): int(n) for m, n in rows if m}
        undated[name] = sum(int(n) for m, n in rows if not m)
    months = sorted({m for series in metrics.values() for m in series})
    return {"basis": basis, "months": months, "metrics": metrics, "undated": undated}


def count_by_oblast(conn: Connection, fold: Callable[[str | None], str | None]
                    ) -> dict[str, dict[str, int]]:
    """Return the current counts per oblast, the oblast as lists write it folded to one key.

    Args:
        conn: a connection to a derived register.
        fold: written oblast -> its key (``linkage.features.oblast_key``, passed in so that
            counting need not load linkage), None when unknown.
    Returns:
        oblast key (``unknown`` for None) -> the counts of ``count_statuses`` per group.
    """
    out: dict[str, dict[str, int]] = {}
    for written, counts in count_statuses(conn, by="oblast")["groups"].items():
        key = fold(None if written == "None" else written) or "unknown"
        into = out.setdefault(key, dict.fromkeys(counts, 0))
        for metric, value in counts.items():
            into[metric] += value
    return out
