"""The review queue: pairs and whole persons the model is least sure of; reviewers' decisions.

What goes to review, and in which order, is ``musterroll.linkage.queue.build_queue``: pair
items (a pair in the uncertain band, or a strong pair a constraint kept apart) and cluster
items (a person of three or more records resting on a weak link, or persons a constraint
kept apart, reviewed as one), most informative first.

A decision is stored once and never changed; the newest decision on a pair binds every
later run: same = must-link, different = cannot-link, unsure = no constraint (the pair
leaves the queue). A cluster decision becomes pair decisions that bind the same way:

- "same": the records are one person (a must-link from the first record to each other);
- "split" with groups: must-links within each group, cannot-links between every two
  records of different groups (so that no refused join between them comes back);
- "unsure": every scored pair of the item not yet decided is marked unsure.

The web review page and ``musterroll review`` both read ``open_items`` and write through
``decide_item`` (``decide_pair`` stays for a pair named by its records).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update

from musterroll.linkage.queue import build_queue
from musterroll.store import append_audit
from musterroll.store.linkage_models import (
    DECISIONS,
    decisions_table,
    person_records_table,
    review_item_pairs_table,
    review_item_records_table,
    review_items_table,
)
from musterroll.store.models import records_table, sources_table

__all__ = [
    "CLUSTER_DECISIONS",
    "ReviewError",
    "build_queue",
    "decide_item",
    "decide_pair",
    "open_items",
    "parse_groups",
]

# What a reviewer may decide on a cluster item.
CLUSTER_DECISIONS: tuple[str, ...] = ("same", "split", "unsure")


class ReviewError(ValueError):
    """A decision that cannot be recorded (unknown record or item, bad decision or groups)."""


def _record_decisions(conn: Connection, pairs: Iterable[tuple[int, int, str]], *,
                      reviewer: str, note: str | None) -> int:
    now = datetime.now(UTC)
    rows = [{"record_id_l": min(a, b), "record_id_r": max(a, b), "decision": word,
             "note": note, "reviewer": reviewer, "decided_at": now} for a, b, word in pairs]
    if rows:
        conn.execute(insert(decisions_table), rows)
    return len(rows)


def decide_pair(
    engine: Engine, record_a: int, record_b: int, decision: str, *,
    reviewer: str, note: str | None = None,
) -> None:
    """Record a reviewer's decision on two records; it binds every later run.

    An open pair item of these two records is marked decided (a cluster item holding
    them stays open: it asks about more than this pair).

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
        _record_decisions(conn, [(low, high, decision)], reviewer=reviewer, note=note)
        r = review_items_table.c
        conn.execute(update(review_items_table).where(and_(
            r.record_id_l == low, r.record_id_r == high, r.status == "open", r.kind == "pair",
        )).values(status="decided"))
        append_audit(conn, action="link decision", subject=f"records:{low},{high}",
                     detail={"decision": decision, "note": note}, actor=reviewer)


def parse_groups(text: str, records: Sequence[int]) -> list[list[int]]:
    """Read groups typed as numbers of the shown records, e.g. ``1,2|3`` (1-based).

    Args:
        text: groups separated by ``|``, numbers in a group by ``,`` or spaces.
        records: the record ids in the order shown (number 1 is ``records[0]``).
    Returns:
        The groups as record ids.
    Raises:
        ReviewError: a number that is not a shown record, or text that is not numbers.
    """
    groups = []
    for part in text.split("|"):
        numbers = part.replace(",", " ").split()
        try:
            chosen = [int(n) for n in numbers]
        except ValueError as exc:
            raise ReviewError(f"groups are record numbers like 1,2|3, not {text!r}") from exc
        bad = [n for n in chosen if not 1 <= n <= len(records)]
        if bad:
            raise ReviewError(f"record number {bad[0]} is not shown: use 1 to {len(records)}")
        groups.append([int(records[n - 1]) for n in chosen])
    return groups


def _check_partition(groups: Sequence[Sequence[int]], records: Sequence[int],
                     item_id: int) -> list[list[int]]:
    wanted = sorted(int(r) for r in records)
    try:
        groups = [[int(r) for r in group] for group in groups]
    except (TypeError, ValueError) as exc:
        raise ReviewError(f"item {item_id}: groups are lists of record ids, not {groups!r}"
                          ) from exc
    given = [r for group in groups for r in group]
    if any(len(group) == 0 for group in groups):
        raise ReviewError(f"item {item_id}: a group is empty")
    duplicated = sorted({r for r in given if given.count(r) > 1})
    if duplicated:
        raise ReviewError(f"item {item_id}: record {duplicated[0]} is in more than one group")
    unknown = sorted(set(given) - set(wanted))
    if unknown:
        raise ReviewError(f"item {item_id}: record {unknown[0]} is not one of its records "
                          f"({', '.join(map(str, wanted))})")
    missing = sorted(set(wanted) - set(given))
    if missing:
        raise ReviewError(f"item {item_id}: groups leave out record "
                          f"{', '.join(map(str, missing))}; every record must be in one group")
    if len(groups) < 2:
        raise ReviewError(f"item {item_id}: a split needs two groups or more "
                          "(all in one group is the decision 'same')")
    return [sorted(group) for group in groups]


def _binding_pairs(conn: Connection, groups: list[list[int]]) -> list[tuple[int, int, str]]:
    """Pair decisions that make the next run keep exactly these groups."""
    members = [r for group in groups for r in group]
    d = decisions_table.c
    rows = conn.execute(
        select(d.record_id_l, d.record_id_r, d.decision)
        .where(d.record_id_l.in_(members), d.record_id_r.in_(members)).order_by(d.id)
    ).all()
    current = {(a, b): word for a, b, word in rows}  # the newest decision wins
    pairs: list[tuple[int, int, str]] = []
    for group in groups:
        star = {(group[0], r) for r in group[1:]}
        # A must-link from the first record to each other, and "same" over any older
        # "different" inside the group, so the decisions never contradict each other.
        star |= {pair for pair in combinations(group, 2) if current.get(pair) == "different"}
        pairs += [(a, b, "same") for a, b in sorted(star)]
    for one, other in combinations(groups, 2):
        pairs += [(min(a, b), max(a, b), "different") for a in one for b in other]
    return pairs


def _item_row(conn: Connection, item_id: int) -> Any:
    r = review_items_table.c
    row = conn.execute(select(r.id, r.kind, r.status, r.record_id_l, r.record_id_r)
                       .where(r.id == item_id)).first()
    if row is None:
        raise ReviewError(f"no review item with id {item_id}")
    if row.status != "open":
        why = ("a later link run replaced it; reload the queue" if row.status == "stale"
               else "it was decided already")
        raise ReviewError(f"review item {item_id} is {row.status}, not open: {why}")
    return row


def _item_records(conn: Connection, item_id: int) -> list[int]:
    c = review_item_records_table.c
    return [int(i) for i in conn.execute(select(c.record_id).where(c.item_id == item_id)
                                          .order_by(c.record_id)).scalars()]


def _item_pairs(conn: Connection, item_id: int) -> list[dict[str, Any]]:
    c = review_item_pairs_table.c
    rows = conn.execute(select(c.record_id_l, c.record_id_r, c.match_weight)
                        .where(c.item_id == item_id)
                        .order_by(c.record_id_l, c.record_id_r)).all()
    return [dict(row._mapping) for row in rows]


def decide_item(
    engine: Engine, item_id: int, decision: str, *, groups: Sequence[Sequence[int]] | None = None,
    reviewer: str, note: str | None = None,
) -> None:
    """Record a reviewer's decision on an open review item; it binds every later run.

    Args:
        engine: the register.
        item_id: an open item (``open_items``).
        decision: for a pair item "same", "different" or "unsure" (as ``decide_pair``);
            for a cluster item "same" (all one person), "split" (with `groups`) or
            "unsure".
        groups: for "split": a partition of the item's record ids into persons, e.g.
            ``[[11, 12], [13]]``; every record in exactly one group, two groups or more.
        reviewer: who decided.
        note: why (free text).
    Raises:
        ReviewError: no such item, an item not open (decided, or replaced by a later run),
            a decision word that does not fit the item, or groups that are not a
            partition of the item's records.
    """
    with engine.connect() as conn:
        item = _item_row(conn, item_id)
    if item.kind == "pair":
        if groups is not None:
            raise ReviewError(f"item {item_id} is a pair: decide same, different or unsure "
                              "(groups are for cluster items)")
        if decision not in DECISIONS:
            raise ReviewError(f"item {item_id} is a pair: the decision is one of "
                              f"{', '.join(DECISIONS)}, not {decision!r}")
        decide_pair(engine, item.record_id_l, item.record_id_r, decision,
                    reviewer=reviewer, note=note)
        with engine.begin() as conn:
            conn.execute(update(review_items_table).where(
                review_items_table.c.id == item_id).values(status="decided"))
        return
    if decision not in CLUSTER_DECISIONS:
        raise ReviewError(f"item {item_id} is a cluster: the decision is one of "
                          f"{', '.join(CLUSTER_DECISIONS)}, not {decision!r}")
    if decision != "split" and groups is not None:
        raise ReviewError(f"item {item_id}: groups go with the decision 'split' only")
    if decision == "split" and groups is None:
        raise ReviewError(f"item {item_id}: a split needs groups, e.g. [[a, b], [c]]")
    with engine.begin() as conn:
        item = _item_row(conn, item_id)  # again, inside the transaction that writes
        records = _item_records(conn, item_id)
        if decision == "unsure":
            d = decisions_table.c
            decided = {(int(a), int(b)) for a, b in conn.execute(
                select(d.record_id_l, d.record_id_r).where(
                    d.record_id_l.in_(records), d.record_id_r.in_(records)))}
            pairs = [(p["record_id_l"], p["record_id_r"], "unsure")
                     for p in _item_pairs(conn, item_id)
                     if (p["record_id_l"], p["record_id_r"]) not in decided]
            chosen = [records]
        else:
            chosen = ([records] if decision == "same"
                      else _check_partition(groups or [], records, item_id))
            pairs = _binding_pairs(conn, chosen)
        written = _record_decisions(conn, pairs, reviewer=reviewer, note=note)
        conn.execute(update(review_items_table).where(
            review_items_table.c.id == item_id).values(status="decided"))
        append_audit(conn, action="link cluster decision", subject=f"review_item:{item_id}",
                     detail={"decision": decision, "groups": chosen, "note": note,
                             "pair_decisions": written}, actor=reviewer)


_SHOWN = ("surname", "given_name", "patronymic", "sex", "birth_date", "oblast", "settlement",
          "unit", "service_number", "status", "event_date", "event_place")


def _records(conn: Connection, record_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Shown fields of records (id, source, row, fields, person_id), in the order asked."""
    rec, src = records_table.c, sources_table.c
    rows = conn.execute(
        select(rec.id, src.name.label("source"), rec.row, *(rec[c] for c in _SHOWN),
               person_records_table.c.person_id)
        .select_from(records_table.join(sources_table, rec.source_id == src.id)
                     .outerjoin(person_records_table,
                                person_records_table.c.record_id == rec.id))
        .where(rec.id.in_([int(i) for i in record_ids]))
    ).all()
    by_id = {row.id: dict(row._mapping) for row in rows}
    return [by_id[int(i)] for i in record_ids if int(i) in by_id]


def _record(conn: Connection, record_id: int) -> dict[str, Any]:
    return _records(conn, [record_id])[0]


def open_items(engine: Engine, *, limit: int = 20) -> list[dict[str, Any]]:
    """Return the open review items, most informative first, with their records' fields.

    Args:
        engine: the register.
        limit: at most this many items.
    Returns:
        A list of dicts: id, kind ("pair" or "cluster"), reason, priority, match_weight
        (the weakest deciding weight), record_id_l / record_id_r (the pair, or a
        cluster's deciding pair), records (record dicts: id, source, row, the shown
        fields, person_id), pairs ({record_id_l, record_id_r, match_weight} of the scored
        pairs inside the item); a pair item also has left and right (its two records).
    """
    r = review_items_table.c
    out = []
    with engine.connect() as conn:
        rows = conn.execute(
            select(r.id, r.kind, r.record_id_l, r.record_id_r, r.match_weight, r.priority,
                   r.reason)
            .where(r.status == "open").order_by(r.priority.desc(), r.id).limit(limit)
        ).all()
        for row in rows:
            item = dict(row._mapping)
            if row.kind == "pair":
                left, right = _records(conn, [row.record_id_l, row.record_id_r])
                item |= {"left": left, "right": right, "records": [left, right],
                         "pairs": [{"record_id_l": row.record_id_l,
                                    "record_id_r": row.record_id_r,
                                    "match_weight": row.match_weight}]}
            else:
                item |= {"records": _records(conn, _item_records(conn, row.id)),
                         "pairs": _item_pairs(conn, row.id)}
            out.append(item)
    return out
