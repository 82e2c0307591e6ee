"""The public dashboard's figures: documented counts, estimates and claims, suppressed.

Counting is the counts stage's (``counts.documented``: ``count_statuses``,
``count_by_month``, ``count_by_oblast``) and the claims ledger its ``list_claims``; this
module only picks the public metrics, takes the counts at month ends for the chart, and
suppresses small cells (``suppress``; ``suppress_column`` where a column adds up to a shown
total). Nothing here names a person.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, inspect, select

from musterroll.casework.claims import list_claims
from musterroll.counts.documented import (
    BASES,
    count_by_month,
    count_by_oblast,
    count_statuses,
)
from musterroll.estimate.store import stored_estimate
from musterroll.linkage.features import oblast_key
from musterroll.statuses import is_stale
from musterroll.store.estimate_models import estimates_table
from musterroll.store.status_models import claims_table, status_runs_table, statuses_table

__all__ = ["OBLAST_METRICS", "PUBLIC_METRICS", "build_dashboard", "suppress",
           "suppress_column"]

# The public metrics, in the order of the issue: killed, missing now and ever entered,
# captivity confirmed, released, identified; then all casualties, whose estimate the
# estimation stage stores too.
PUBLIC_METRICS: tuple[str, ...] = (
    "killed", "missing_now", "missing_ever", "captured", "released", "identified",
    "casualties",
)  # fmt: skip

# The counts per oblast: who was lost, and how.
OBLAST_METRICS: tuple[str, ...] = ("killed", "missing_now", "captured", "released",
                                   "casualties")

_cache: dict[tuple[Any, ...], dict[str, Any]] = {}
_lock = threading.Lock()


def suppress(value: int | float | None, threshold: int) -> int | float | None:
    """Return `value`, or None when it is a small cell (1 to threshold - 1 persons)."""
    if value is None:
        return None
    return None if 0 < value < threshold else value


def suppress_column(values: list[int], threshold: int) -> list[int | float | None]:
    """Return a table column (rows that add up to a shown total) with small cells
    suppressed; when exactly one is, the smallest other non-zero cell too, or the total
    would give the hidden cell away."""
    out = [suppress(v, threshold) for v in values]
    hidden = [i for i, v in enumerate(out) if v is None]
    others = [i for i, v in enumerate(out) if v]
    if len(hidden) == 1 and others:
        out[min(others, key=lambda i: values[i])] = None
    return out


def _month_ends(first: str, last: date, points: int) -> list[str]:
    """The last day of each month from `first`'s month to `last`'s, at most `points`."""
    year, month = int(first[:4]), int(first[5:7])
    ends: list[str] = []
    while (year, month) <= (last.year, last.month):
        nxt = date(year + month // 12, month % 12 + 1, 1)
        ends.append(min(nxt - timedelta(days=1), last).isoformat())
        year, month = nxt.year, nxt.month
    return ends[-points:]


def _version(engine: Engine) -> tuple[Any, ...]:
    """What the dashboard depends on: the newest derivation and claim."""
    with engine.connect() as conn:
        run = conn.execute(select(func.max(status_runs_table.c.id))).scalar()
        claim = conn.execute(select(func.max(claims_table.c.id))).scalar()
        estimate = conn.execute(select(func.max(estimates_table.c.id))).scalar() if inspect(
            conn).has_table("estimates") else None  # a newly stored estimate shows at once
    return (str(engine.url), run, claim, estimate, date.today().isoformat())


def _series(engine: Engine, points: int, threshold: int) -> dict[str, Any]:
    with engine.connect() as conn:
        first = conn.execute(select(func.min(statuses_table.c.valid_from))).scalar()
        days = _month_ends(first, date.today(), points) if first else []
        counts = [count_statuses(conn, as_of=day) for day in days]
    return {"days": days, "metrics": {m: [suppress(c[m], threshold) for c in counts]
                                      for m in PUBLIC_METRICS}}


def _months_between(months: list[str]) -> list[str]:
    """Every month from the first of `months` to the last (``YYYY-MM``), none skipped: a
    month without deaths is a zero on the axis, not a gap."""
    if not months:
        return []
    year, month = int(months[0][:4]), int(months[0][5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= months[-1]:
        out.append(f"{year:04d}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return out


def _by_month(engine: Engine, threshold: int) -> dict[str, Any]:
    """Killed and ever missing per month, by the event's date and by the day the register
    learnt of it, on one month axis."""
    with engine.connect() as conn:
        counted = {basis: count_by_month(conn, basis=basis) for basis in BASES}
    months = _months_between(sorted({m for c in counted.values() for m in c["months"]}))
    out: dict[str, Any] = {"months": months}
    for basis, c in counted.items():
        out[basis] = {name: suppress_column([series.get(m, 0) for m in months]
                                            + [c["undated"][name]], threshold)
                      for name, series in c["metrics"].items()}
        out[f"{basis}_undated"] = {name: values.pop() for name, values in out[basis].items()}
    return out


def _by_oblast(engine: Engine, threshold: int) -> list[dict[str, Any]]:
    """Rows per oblast (its code, ``unknown`` last), each metric suppressed."""
    with engine.connect() as conn:
        counted = count_by_oblast(conn, oblast_key)
    codes = sorted(counted, key=lambda code: (code == "unknown", code))
    columns = {m: suppress_column([counted[c][m] for c in codes], threshold)
               for m in OBLAST_METRICS}
    return [{"oblast": code, **{m: columns[m][i] for m in OBLAST_METRICS}}
            for i, code in enumerate(codes)]


def _claims(engine: Engine, threshold: int) -> list[dict[str, Any]]:
    keep = ("who", "said_on", "where", "metric", "scope", "value", "qualifier", "source_url",
            "as_of", "register", "estimate")
    rows = []
    for claim in list_claims(engine):
        row = {k: claim.get(k) for k in keep}
        row["register"] = suppress(row["register"], threshold)
        rows.append(row)
    return rows


def build_dashboard(engine: Engine, *, threshold: int, points: int) -> dict[str, Any]:
    """Return the public dashboard: current counts, counts over time, estimates, claims.

    Args:
        engine: an open register.
        threshold: small-cell threshold; counts from 1 to threshold - 1 become None.
        points: month ends in the series.
    Returns:
        ``derived`` (whether statuses were ever derived), ``as_of``, ``counts`` (public
        metrics), ``series`` (``days`` and per-metric lists: as known at month ends),
        ``by_month`` (``months``; ``event`` and ``learnt``: killed and ever missing per
        month of the event and of the register learning of it, with ``*_undated``),
        ``by_oblast`` (rows of ``OBLAST_METRICS`` per oblast code), ``estimates`` (per metric,
        None until the estimation stage provides one) and ``claims``. Cached until a new
        derivation or claim; ``stale`` (records or links newer than the derivation: the
        counts will change at the next ``musterroll statuses derive``) is read every time.
    """
    key = (*_version(engine), threshold, points)
    stale = is_stale(engine)
    with _lock:
        if key in _cache:
            return {**_cache[key], "stale": stale}
    derived = key[1] is not None
    with engine.connect() as conn:
        current = count_statuses(conn)
    today = current["as_of"]
    out = {
        "derived": derived,
        "as_of": today,
        "threshold": threshold,
        "counts": {m: suppress(current[m], threshold) for m in PUBLIC_METRICS},
        "series": _series(engine, points, threshold) if derived else {"days": [],
                                                                       "metrics": {}},
        "by_month": _by_month(engine, threshold) if derived else {"months": []},
        "by_oblast": _by_oblast(engine, threshold) if derived else [],
        "estimates": {m: stored_estimate(engine, m, today) for m in PUBLIC_METRICS},
        "claims": _claims(engine, threshold),
    }
    with _lock:
        _cache.clear()
        _cache[key] = out
    return {**out, "stale": stale}
