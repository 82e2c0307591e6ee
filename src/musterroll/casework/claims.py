"""The ledger of claims: public statements of figures, each beside the register's count.

A claim says who stated what figure of which metric, when, where, for what scope, with its
source. Listing a claim sets beside it the register's documented count of the same metric
as known at the end of the day (or month, or year) the claim was made, and the estimate
stored by the estimation stage (``estimate.store.stored_estimate``). The claims that
frame the mission are preloaded from ``data/claims.yaml``.
"""

from __future__ import annotations

import calendar
import csv
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, func, insert, select

from musterroll.counts.documented import METRICS, count_statuses
from musterroll.estimate.store import stored_estimate
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.store.status_models import claims_table, events_table

__all__ = [
    "CLAIM_METRICS",
    "PRESET",
    "ClaimError",
    "add_claim",
    "ensure_preset_claims",
    "import_claims",
    "list_claims",
]

PRESET = Path(__file__).parent / "data" / "claims.yaml"
# Metrics a claim may state: the register's own, plus exchange figures.
CLAIM_METRICS: tuple[str, ...] = METRICS + ("released_in_exchange", "exchanged_total")
QUALIFIERS = ("exact", "more_than", "less_than", "about")
_DAY_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_FIELDS = ("who", "said_on", "where", "metric", "scope", "value", "qualifier", "source_url",
           "note")


class ClaimError(ValueError):
    """A claim that cannot be recorded; the message names the field (and row)."""


def _end_of(said_on: str) -> str:
    """The last day a partial date covers ("2024-12" -> "2024-12-31")."""
    if len(said_on) == 4:
        return f"{said_on}-12-31"
    if len(said_on) == 7:
        year, month = int(said_on[:4]), int(said_on[5:7])
        if not 1 <= month <= 12:
            return f"{said_on}-99"  # no such day: the caller reports the date as wrong
        return f"{said_on}-{calendar.monthrange(year, month)[1]:02d}"
    return said_on


def _is_real_day(said: str) -> bool:
    try:
        date.fromisoformat(_end_of(said) if len(said) < 10 else said)
    except ValueError:
        return False
    return True


def _check(claim: dict[str, Any], where: str) -> dict[str, Any]:
    missing = [k for k in ("who", "said_on", "metric", "scope", "value")
               if claim.get(k) in (None, "")]
    if missing:
        raise ClaimError(f"{where}: field {missing[0]!r} is required")
    said = str(claim["said_on"])
    if not _DAY_RE.match(said) or not _is_real_day(said):
        raise ClaimError(f"{where}: field 'said_on' must be YYYY, YYYY-MM or YYYY-MM-DD, "
                         f"not {said!r}")
    if claim["metric"] not in CLAIM_METRICS:
        raise ClaimError(f"{where}: field 'metric' must be one of {', '.join(CLAIM_METRICS)}"
                         f", not {claim['metric']!r}")
    qualifier = claim.get("qualifier") or "exact"
    if qualifier not in QUALIFIERS:
        raise ClaimError(f"{where}: field 'qualifier' must be one of {', '.join(QUALIFIERS)}")
    try:
        value = float(str(claim["value"]).replace(",", "").replace(" ", ""))
    except ValueError as exc:
        raise ClaimError(f"{where}: field 'value' must be a number, not "
                         f"{claim['value']!r}") from exc
    return {**{k: claim.get(k) or None for k in _FIELDS}, "said_on": said, "value": value,
            "qualifier": qualifier}


def add_claim(conn: Connection, claim: dict[str, Any], *, actor: str = "musterroll",
              where: str = "claim") -> int:
    """Record one claim (fields of ``_FIELDS``); return its id. Raises ClaimError."""
    values = _check(claim, where)
    result = conn.execute(insert(claims_table).values(
        **values, added_at=datetime.now(UTC), actor=actor))
    claim_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    append_audit(conn, action="claim add", subject=f"claim:{claim_id}", actor=actor,
                 detail={k: values[k] for k in ("who", "said_on", "metric", "value")})
    return claim_id


def ensure_preset_claims(conn: Connection) -> int:
    """Load the preset claims (``data/claims.yaml``) once; return how many were added."""
    done = conn.execute(select(func.count()).select_from(claims_table)
                        .where(claims_table.c.actor == "preset")).scalar_one()
    if done:
        return 0
    data = yaml.safe_load(PRESET.read_text(encoding="utf-8"))
    for k, claim in enumerate(data["claims"], start=1):
        add_claim(conn, claim, actor="preset", where=f"{PRESET.name} claim {k}")
    return len(data["claims"])


def import_claims(conn: Connection, path: Path, *, actor: str = "musterroll") -> int:
    """Record every claim of a CSV (header: the claim fields) or YAML (``claims:``) file.

    Raises:
        ClaimError: naming the file, row and field of the first bad claim; nothing is
            recorded then (the caller's transaction rolls back).
    """
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("claims", [])
        else:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ClaimError(f"{path}: cannot read the claims: {exc}") from exc
    for k, row in enumerate(rows, start=1):
        add_claim(conn, row, actor=actor, where=f"{path} row {k}")
    return len(rows)


def _released_in(conn: Connection, said_on: str) -> int:
    """Persons our own exchange lists show released on the claimed day (or month, year)."""
    e, m = events_table.c, person_records_table.c
    query = (select(func.count(func.distinct(m.person_id)))
             .select_from(events_table.join(person_records_table,
                                                 m.record_id == e.record_id))
             .where(e.kind == "released", e.side == "ua", e.event_date.like(f"{said_on}%"),
                    e.known_on <= _end_of(said_on)))
    return int(conn.execute(query).scalar_one())


def list_claims(engine: Engine) -> list[dict[str, Any]]:
    """Return every claim with the register's count of its metric as of the claim's date.

    Each row has the claim's fields, ``as_of`` (the last day its date covers),
    ``register`` (the documented count then; None for a metric the register cannot
    count, such as both sides' total of an exchange), ``difference`` (claim - register)
    and ``estimate`` (None until the estimation stage provides one).
    """
    with engine.begin() as conn:
        ensure_preset_claims(conn)
        claims = [dict(r._mapping) for r in conn.execute(
            select(claims_table).order_by(claims_table.c.said_on, claims_table.c.id))]
        cache: dict[str, dict[str, Any]] = {}
        for claim in claims:
            as_of = _end_of(claim["said_on"])
            if claim["metric"] in METRICS:
                if as_of not in cache:
                    cache[as_of] = count_statuses(conn, as_of=as_of)
                count: int | None = cache[as_of][claim["metric"]]
            elif claim["metric"] == "released_in_exchange":
                count = _released_in(conn, claim["said_on"])
            else:
                count = None
            claim.update(as_of=as_of, register=count,
                         difference=None if count is None else claim["value"] - count,
                         estimate=stored_estimate(engine, claim["metric"], as_of))
    return claims
