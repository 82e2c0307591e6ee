"""A reviewer's decision takes effect at once: the item's records are placed anew.

A decision on a review item (``linkage.review.decide_item``) binds every later
``musterroll link`` run; without one, the persons stay as the last run left them until
somebody runs it. ``relink_item`` applies the decision now, to the item's records only
(link-only, like an exchange list's matching: no other record moves, nothing is
re-clustered):

- each group of the decision ("same": all the item's records; "different": each record
  alone; "split": the reviewer's groups) goes to one person: the person that holds the
  group's first record, unless an earlier group took that person, then a new person;
- records that move are written as a link run of their own (engine ``link-only``), with
  "person merge" / "person split" lines in the audit log as a full run writes them, so
  the person pages show where the records went;
- the statuses of the persons that gained or lost records are derived again.

"unsure" changes nothing. It crosses stages (linkage, then register), hence casework.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, insert, select, update

from musterroll.statuses.derive import derived_after
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import (
    person_records_table,
    persons_table,
    review_item_records_table,
    review_items_table,
    runs_table,
)

__all__ = ["decided_groups", "relink_item"]


def decided_groups(conn: Connection, item_id: int, decision: str,
                   groups: Sequence[Sequence[int]] | None) -> list[list[int]]:
    """The persons a decision on an item asks for, as groups of its record ids.

    Returns:
        "same": one group of all the item's records; "different": each record alone;
        "split": `groups`; "unsure" (or an unknown item): none.
    """
    r, c = review_items_table.c, review_item_records_table.c
    item = conn.execute(select(r.kind, r.record_id_l, r.record_id_r)
                        .where(r.id == item_id)).first()
    if item is None or decision == "unsure":
        return []
    records = ([int(item.record_id_l), int(item.record_id_r)] if item.kind == "pair" else
               [int(i) for i in conn.execute(select(c.record_id).where(c.item_id == item_id)
                                             .order_by(c.record_id)).scalars()])
    if decision == "same":
        return [records]
    if decision == "different":
        return [[record] for record in records]
    return [[int(i) for i in group] for group in groups or []]


def _homes(groups: list[list[int]], holder: dict[int, int]) -> list[int | None]:
    """Each group's person: its first record's person not taken by an earlier group, else
    None (a new person)."""
    taken: set[int] = set()
    homes: list[int | None] = []
    for group in groups:
        home = next((holder[r] for r in group if r in holder and holder[r] not in taken),
                    None)
        if home is not None:
            taken.add(home)
        homes.append(home)
    return homes


def _start_run(conn: Connection, item_id: int) -> int:
    now = datetime.now(UTC)
    result = conn.execute(insert(runs_table).values(
        started_at=now, finished_at=now, engine="link-only", seed=0, code_version="review",
        input_hash="-", settings={"link_only": f"review item {item_id}"}))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _move(conn: Connection, record: int, old: int | None, new: int, run_id: int) -> None:
    m, p = person_records_table.c, persons_table.c
    if old is None:
        conn.execute(insert(person_records_table).values(record_id=record, person_id=new,
                                                         run_id=run_id))
    else:
        conn.execute(update(person_records_table).where(m.record_id == record)
                     .values(person_id=new, run_id=run_id))
        conn.execute(update(persons_table).where(p.id == old).values(records=p.records - 1))
    conn.execute(update(persons_table).where(p.id == new).values(records=p.records + 1))


def _place(conn: Connection, item_id: int, groups: list[list[int]], actor: str
           ) -> set[int]:
    """Move the groups' records to their persons; return the persons that changed."""
    m, p = person_records_table.c, persons_table.c
    records = [r for group in groups for r in group]
    holder = {int(r): int(pid) for r, pid in conn.execute(
        select(m.record_id, m.person_id).where(m.record_id.in_(records)))}
    homes = _homes(groups, holder)
    moves = [(r, holder.get(r), k) for k, group in enumerate(groups) for r in group
             if homes[k] is None or holder.get(r) != homes[k]]
    if not moves:
        return set()
    run_id = _start_run(conn, item_id)
    top = int(conn.execute(select(func.max(p.id))).scalar() or 0)
    for k, home in enumerate(homes):
        if home is None:
            top += 1
            homes[k] = top
            conn.execute(insert(persons_table).values(id=top, created_run_id=run_id,
                                                      records=0))
    gained: dict[int, set[int]] = {}
    lost: dict[int, set[int]] = {}
    for record, old, k in moves:
        new = homes[k]
        assert new is not None
        _move(conn, record, old, new, run_id)
        if old is not None:
            gained.setdefault(new, set()).add(old)
            lost.setdefault(old, set()).add(new)
    conn.execute(update(persons_table).where(p.records <= 0, p.retired_run_id.is_(None))
                 .where(p.id.in_(list(lost))).values(retired_run_id=run_id, records=0))
    _audit_lineage(conn, gained, lost, run_id, item_id, actor)
    return set(gained) | set(lost) | {h for h in homes if h is not None}


def _audit_lineage(conn: Connection, gained: dict[int, set[int]], lost: dict[int, set[int]],
                   run_id: int, item_id: int, actor: str) -> None:
    """The audit lines a link run writes for merges and splits (person pages read them)."""
    why = {"run_id": run_id, "review_item": item_id}
    for person, sources in sorted(gained.items()):
        append_audit(conn, action="person merge", subject=f"person:{person}", actor=actor,
                     detail={**why, "person_id": person, "from": sorted(sources)})
    for person, targets in sorted(lost.items()):
        append_audit(conn, action="person split", subject=f"person:{person}", actor=actor,
                     detail={**why, "person_id": person, "into": sorted(targets)})


def relink_item(engine: Engine, item_id: int, decision: str, *,
                groups: Sequence[Sequence[int]] | None = None, actor: str) -> list[int]:
    """Apply a recorded decision on a review item to the persons now (see the module).

    Args:
        engine: the register.
        item_id: the decided item.
        decision: "same", "different", "split" or "unsure", as decided.
        groups: for "split", the reviewer's groups of record ids.
        actor: the reviewer, for the audit log and the status derivation.
    Returns:
        The persons that gained or lost records (new ones included), sorted; their
        statuses are derived again. Empty when the persons already fitted the decision.
    """
    with derived_after(engine, actor=actor) as change, engine.begin() as conn:
        change.persons |= _place(conn, item_id, decided_groups(conn, item_id, decision,
                                                               groups), actor)
    return sorted(change.persons)
