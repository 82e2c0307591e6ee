"""The review queue: pairs the model is least sure of, most informative first; decisions.

A pair is worth a reviewer's time when its answer could change the persons: a pair near
the weight at which clusters join (``Thresholds.strong``), whichever side it fell, and a
strong pair a constraint kept apart (two sexes, two service numbers, one official list).
Priority is the uncertainty ``1 - |2p - 1|`` of the pair's probability p of being one
person measured from the join threshold (1 for a coin toss, 0 for a sure answer); pairs a
constraint refused rank above all (priority 1 + their weight's share).

A decision (same / different / unsure, note, reviewer, time) is stored once and never
changed; the newest decision on a pair binds every later run: same = must-link,
different = cannot-link, unsure = no constraint (the pair leaves the queue).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, insert, select, update

from musterroll.linkage.settings import Thresholds
from musterroll.store import append_audit
from musterroll.store.linkage_models import (
    DECISIONS,
    decisions_table,
    person_records_table,
    review_items_table,
)
from musterroll.store.models import records_table, sources_table

__all__ = ["ReviewError", "build_queue", "decide_pair", "open_items"]


class ReviewError(ValueError):
    """A decision that cannot be recorded (unknown record, bad decision word)."""


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    low = np.minimum(frame["unique_id_l"], frame["unique_id_r"])
    high = np.maximum(frame["unique_id_l"], frame["unique_id_r"])
    return frame.assign(record_id_l=low, record_id_r=high)


def build_queue(
    edges: pd.DataFrame, refused: pd.DataFrame, decided: pd.DataFrame,
    thresholds: Thresholds, *, limit: int = 5000,
) -> pd.DataFrame:
    """Return the review items of a run, most informative first.

    Args:
        edges: kept pairs (unique_id_l, unique_id_r, match_weight).
        refused: joins a constraint refused (same columns and ``reason``).
        decided: pairs already decided (record_id_l, record_id_r); they are left out.
        thresholds: ``review_low`` / ``review_high`` bound the uncertain band and
            ``strong`` is its centre.
        limit: at most this many items.
    Returns:
        Columns record_id_l, record_id_r, match_weight, priority, reason.
    """
    band = edges[(edges["match_weight"] >= thresholds.review_low)
                 & (edges["match_weight"] < thresholds.review_high)]
    band = _ordered(band)
    p = 1.0 / (1.0 + np.exp2(-(band["match_weight"] - thresholds.strong)))
    items = [band.assign(priority=1.0 - np.abs(2.0 * p - 1.0), reason="uncertain_link")]
    if len(refused):
        strong = _ordered(refused)
        share = strong["match_weight"] / max(float(strong["match_weight"].max()), 1.0)
        items.append(strong.assign(priority=1.0 + share,
                                   reason="constraint:" + strong["reason"]))
    queue = pd.concat(items, ignore_index=True)
    queue = queue.sort_values("priority", ascending=False)
    queue = queue.drop_duplicates(["record_id_l", "record_id_r"])
    if len(decided):
        known = decided[["record_id_l", "record_id_r"]].assign(known=True)
        queue = queue.merge(known, on=["record_id_l", "record_id_r"], how="left")
        queue = queue[queue["known"].isna()]
    columns = ["record_id_l", "record_id_r", "match_weight", "priority", "reason"]
    return queue[columns].head(limit).reset_index(drop=True)


def decide_pair(
    engine: Engine, record_a: int, record_b: int, decision: str, *,
    reviewer: str, note: str | None = None,
) -> None:
    """Record a reviewer's decision on two records; it binds every later run.

    Args:
        engine: the register.
        record_a, record_b: record ids (either order).
        decision: "same", "different" or "unsure".
        reviewer: who decided.
        note: why (free text).
    Raises:
        ReviewError: an unknown decision word, the same record twice, or an unknown record.
    """
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if record_a == record_b:
        raise ReviewError(f"record {record_a} cannot be decided against itself")
    low, high = sorted((int(record_a), int(record_b)))
    with engine.begin() as conn:
        found = conn.execute(select(records_table.c.id).where(
            records_table.c.id.in_([low, high]))).scalars().all()
        if len(found) != 2:
            missing = sorted({low, high} - set(found))
            raise ReviewError(f"no record with id {', '.join(map(str, missing))}")
        conn.execute(insert(decisions_table).values(
            record_id_l=low, record_id_r=high, decision=decision, note=note,
            reviewer=reviewer, decided_at=datetime.now(UTC)))
        r = review_items_table.c
        conn.execute(update(review_items_table).where(and_(
            r.record_id_l == low, r.record_id_r == high, r.status == "open",
        )).values(status="decided"))
        append_audit(conn, action="link decision", subject=f"records:{low},{high}",
                     detail={"decision": decision, "note": note}, actor=reviewer)


_SHOWN = ("surname", "given_name", "patronymic", "sex", "birth_date", "oblast", "settlement",
          "unit", "service_number", "status", "event_date", "event_place")


def _record(conn: Any, record_id: int) -> dict[str, Any]:
    rec, src = records_table.c, sources_table.c
    row = conn.execute(
        select(rec.id, src.name.label("source"), rec.row, *(rec[c] for c in _SHOWN),
               person_records_table.c.person_id)
        .select_from(records_table.join(sources_table, rec.source_id == src.id)
                     .outerjoin(person_records_table,
                                person_records_table.c.record_id == rec.id))
        .where(rec.id == record_id)
    ).one()
    return dict(row._mapping)


def open_items(engine: Engine, *, limit: int = 20) -> list[dict[str, Any]]:
    """Return the open review items, most informative first, with both records' fields."""
    r = review_items_table.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(r.id, r.record_id_l, r.record_id_r, r.match_weight, r.priority, r.reason)
            .where(r.status == "open").order_by(r.priority.desc(), r.id).limit(limit)
        ).all()
        return [
            {**row._mapping, "left": _record(conn, row.record_id_l),
             "right": _record(conn, row.record_id_r)}
            for row in rows
        ]
