"""Estimates kept in the register, to be shown beside documented counts.

``save_estimate`` writes one estimation run (its total and each stratum) to the
``estimates`` table; ``latest_estimate`` reads the newest total for a metric as of a day;
``stored_estimate`` does the same for a page, answering None where the register has no
estimates table. The dashboard and the claims ledger call it to show the stored estimate
of a metric beside (never added to) its documented count.

The dict keeps the two apart by name: ``observed`` is the documented count the
estimate was computed from (persons on at least one list), ``point``, ``lower`` and
``upper`` the estimated total (documented + undocumented) and its interval.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, inspect, select

from musterroll import __version__
from musterroll.counts.capture import RegisterInputError
from musterroll.estimate.caveats import caveats_from_result
from musterroll.estimate.result import Estimate
from musterroll.estimate.sensitivity import LinkageSpread
from musterroll.store.estimate_models import estimates_table
from musterroll.store.status_models import status_runs_table

__all__ = [
    "compact_spread",
    "latest_estimate",
    "save_estimate",
    "stored_estimate",
]



def _bound(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) or math.isinf(x) else float(x)


def _row(e: Estimate, *, metric: str, by: str | None, as_of: str, total_id: int | None,
         meta: dict[str, Any]) -> dict[str, Any]:
    d = e.to_dict()
    return {
        "total_id": total_id, "metric": metric, "by": by,
        "stratum": e.stratum or "all", "method": e.method, "as_of": as_of,
        "observed": int(e.observed), "estimate": float(e.estimate),
        "lower": _bound(e.lower), "upper": _bound(e.upper), "level": float(e.level),
        "warnings": list(e.warnings), "lists": list(e.lists), "settings": d["settings"],
        # kept with the diagnostics (no schema change): the dashboard reads it back
        "diagnostics": d["diagnostics"] | {"converged": e.converged},
        "seed": e.seed, "source": e.source, **meta,
    }


def save_estimate(
    engine: Engine,
    result: Estimate,
    *,
    metric: str,
    by: str | None = None,
    as_of: str | date | None = None,
    link_run_id: int | None = None,
    outside: int = 0,
    spread: LinkageSpread | None = None,
    persons: dict[float, int] | None = None,
    actor: str = "cli",
) -> int:
    """Store an estimate (its total and its strata) in the register; return the total's id.

    Args:
        engine: the register (schema 0011_estimates or newer).
        result: the estimate; a combination of strata stores one row per stratum too.
        metric: the counts metric it estimates ("killed", "missing_now", ...).
        by: its stratification, or None.
        as_of: the day the register was as known (default: today).
        link_run_id: the linkage run its capture histories came from.
        outside: persons in scope that no list record states (documented, not in tables).
        spread: the estimates over linkage thresholds, stored on the total's row.
        persons: threshold shift -> persons the register had at that shift.
        actor: who stored it.
    Returns:
        The id of the total's row.
    """
    day = as_of.isoformat() if isinstance(as_of, date) else (as_of or date.today().isoformat())
    if "estimates" not in inspect(engine).get_table_names():
        raise RegisterInputError(
            "the register has no estimates table: its schema predates migration "
            "0011_estimates; upgrade it with `musterroll init` (a register created while "
            "0011 was an empty placeholder needs `alembic downgrade 0010_review_clusters` "
            "first, or a fresh register)")
    with engine.begin() as conn:
        status_run = conn.execute(select(func.max(status_runs_table.c.id))).scalar()
        meta = {"link_run_id": link_run_id, "status_run_id": status_run, "outside": outside,
                "code_version": __version__, "actor": actor,
                "created_at": datetime.now(UTC)}
        total = _row(result, metric=metric, by=by, as_of=day, total_id=None,
                     meta=meta | {"spread": compact_spread(spread, persons)})
        if result.stratum is None or result.strata:
            total["stratum"] = "all"
        key = conn.execute(insert(estimates_table).values(**total)).inserted_primary_key
        assert key is not None
        total_id = int(key[0])
        rows = [_row(s, metric=metric, by=by, as_of=day, total_id=total_id,
                     meta=meta | {"outside": 0, "spread": None}) for s in result.strata]
        if rows:
            conn.execute(insert(estimates_table), rows)
    return total_id


def compact_spread(spread: LinkageSpread | None,
                   persons: dict[float, int] | None = None) -> dict[str, Any] | None:
    """The linkage spread as stored: per threshold shift the documented count, estimate
    and interval (and persons linked, when given); the range and its warnings."""
    if spread is None:
        return None
    thresholds = {
        str(t): {"observed": e.observed, "estimate": _bound(e.estimate),
                 "lower": _bound(e.lower), "upper": _bound(e.upper)}
        | ({"persons": persons[t]} if persons and t in persons else {})
        for t, e in spread.estimates.items()
    }
    return {"thresholds": thresholds, "lowest": spread.lowest, "highest": spread.highest,
            "lower": _bound(spread.lower), "upper": _bound(spread.upper),
            "warnings": list(spread.warnings)}


def latest_estimate(conn: Connection | Engine, metric: str,
                    as_of: str | None = None) -> dict[str, Any] | None:
    """Return the newest stored total estimate of `metric` made as of `as_of` or before.

    Args:
        conn: the register.
        metric: a counts metric, e.g. "killed".
        as_of: ISO day; None: the newest of all.
    Returns:
        None when there is none; else ``metric, point, lower, upper, level, method,
        observed`` (the documented count it rests on, never added to ``point``),
        ``outside, as_of, by, strata, warnings, spread, converged`` (False: the Monte
        Carlo behind the figures did not converge, never to be shown as a plain number),
        ``caveats`` (computed from its figures: ``caveats.caveats_from_result``),
        ``link_run_id, id, created_at``.
    """
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return latest_estimate(c, metric, as_of)
    t = estimates_table.c
    query = select(estimates_table).where(t.metric == metric, t.total_id.is_(None))
    if as_of is not None:
        query = query.where(t.as_of <= as_of)
    row = conn.execute(query.order_by(t.as_of.desc(), t.id.desc()).limit(1)).first()
    if row is None:
        return None
    r = row._mapping
    strata = conn.execute(select(t.stratum, t.observed, t.estimate, t.lower, t.upper)
                          .where(t.total_id == r["id"]).order_by(t.id)).all()
    converged = (r["diagnostics"] or {}).get("converged")
    caveats = caveats_from_result(
        r["method"], observed=r["observed"], point=r["estimate"], lower=r["lower"],
        upper=r["upper"], diagnostics=r["diagnostics"] or {}, converged=converged,
    )
    return {
        "metric": r["metric"], "point": round(r["estimate"]),
        "lower": None if r["lower"] is None else round(r["lower"]),
        "upper": None if r["upper"] is None else round(r["upper"]),
        "level": r["level"], "method": r["method"], "observed": r["observed"],
        "outside": r["outside"], "as_of": r["as_of"], "by": r["by"],
        "strata": [{"stratum": s.stratum, "observed": s.observed, "point": round(s.estimate),
                    "lower": None if s.lower is None else round(s.lower),
                    "upper": None if s.upper is None else round(s.upper)} for s in strata],
        "warnings": list(r["warnings"] or []), "spread": r["spread"],
        "converged": converged, "caveats": caveats,
        "link_run_id": r["link_run_id"], "id": r["id"],
        "created_at": str(r["created_at"]),
    }


def stored_estimate(engine: Engine, metric: str, as_of: str) -> dict[str, Any] | None:
    """Return ``latest_estimate`` of `metric` as of `as_of`, or None.

    For pages and listings that set an estimate beside a count: a register without the
    estimates table (an older schema) answers None rather than breaking the page.
    """
    from sqlalchemy.exc import DBAPIError

    try:
        return latest_estimate(engine, metric, as_of)
    except DBAPIError:
        return None

