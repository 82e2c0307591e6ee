"""Repatriations of remains: import identification reports, batch by batch and bag by bag.

A report names the remains (``remains_id``: one bag), the repatriation batch
(``batch_id``, ``batch_date``) and the person identified. One person's remains may arrive
in several bags and batches, and one bag may hold several people: the import links each
report to a person link-only (``matching.py``), keeps every report as evidence (an
identification, and the remains' return on the batch date), and reports both cases so a
forensic reviewer can confirm the associations. A second identification of one person is
raised as a conflict by the rules, not settled here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from musterroll.linkage.link_only import match_records
from musterroll.sources import IngestOptions, ingest_file
from musterroll.statuses.derive import derived_after
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table
from musterroll.store.status_models import status_conflicts_table

__all__ = ["RepatriationReport", "import_repatriation"]


@dataclass
class RepatriationReport:
    """What a repatriation import did and found."""

    file_id: int
    rows: int
    quarantined: int
    matched: int
    created: int
    bags: int
    persons: int
    batches: dict[str, dict[str, int]] = field(default_factory=dict)
    bags_with_several_persons: dict[str, list[int]] = field(default_factory=dict)
    persons_in_several_bags: dict[int, list[str]] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-serialisable dict."""
        return asdict(self)


def import_repatriation(
    engine: Engine, path: Path, *, source: str = "identification_reports",
    mapping: Path | dict[str, Any] | None = None, default_status: str = "identified",
    progress: Callable[[int, int, int], None] | None = None, actor: str = "musterroll",
) -> RepatriationReport:
    """Import a file of identification reports on repatriated remains.

    Args:
        engine: an open register.
        path: the reports (any format ``musterroll.sources`` reads) with name columns,
            ``remains_id``, ``batch_id``, ``batch_date`` and the report date
            (``reported_date``: the identification date, kept apart from the death date).
        source: the source name (a new version of its list when it exists).
        mapping: header -> canonical field, when the headers are not recognised.
        default_status: status of rows without one (``identified``; ``remains_recovered``
            for a list of remains received but not yet identified).
        progress: the ingest's progress callback.
        actor: who imports, for the audit log.
    Returns:
        The report: matches, new persons, bags and batches, bags holding several people,
        people in several bags, and the conflicts of the persons touched.
    Raises:
        ``musterroll.sources.IngestError`` (a ValueError) for a file that cannot be read.
    """
    r, m = records_table.c, person_records_table.c
    with derived_after(engine, actor=actor) as change:
        options = IngestOptions(kind="repatriation", mapping=mapping,
                                default_status=default_status)
        summary = ingest_file(engine, path, source=source, options=options,
                              progress=progress, actor=actor)
        with engine.begin() as conn:
            ids = [int(i) for i in conn.execute(
                select(r.id).where(r.file_id == summary.file_id)).scalars()]
            match = match_records(conn, ids, what=f"repatriation {path}", actor=actor)
            rows = conn.execute(select(r.id, r.extra, m.person_id)
                                .join(person_records_table, m.record_id == r.id)
                                .where(r.file_id == summary.file_id)).all()
        change.persons.update(int(p) for _, _, p in rows)
    report = RepatriationReport(
        file_id=summary.file_id, rows=summary.rows, quarantined=summary.quarantined,
        matched=len(match.matched), created=len(match.created), bags=0, persons=0,
        notes=list(summary.notes))
    _bags(report, rows)
    persons = sorted({int(p) for _, _, p in rows})
    with engine.connect() as conn:
        report.conflicts = [dict(x._mapping) for x in conn.execute(
            select(status_conflicts_table).where(status_conflicts_table.c.person_id.in_(persons)))]
    return report


def _bags(report: RepatriationReport, rows: Sequence[Any]) -> None:
    """Group the reports by bag and by batch; list bags of several people and vice versa."""
    by_bag: dict[str, set[int]] = defaultdict(set)
    by_person: dict[int, set[str]] = defaultdict(set)
    batches: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for record_id, extra_text, person in rows:
        extra = json.loads(extra_text) if extra_text else {}
        bag = str(extra.get("remains_id") or f"record {record_id}")
        batch = str(extra.get("batch_id") or "-")
        by_bag[bag].add(int(person))
        by_person[int(person)].add(bag)
        batches[batch]["bags"].add(bag)
        batches[batch]["persons"].add(int(person))
    report.bags, report.persons = len(by_bag), len(by_person)
    report.batches = {b: {k: len(v) for k, v in parts.items()} for b, parts in
                      sorted(batches.items())}
    report.bags_with_several_persons = {b: sorted(p) for b, p in by_bag.items() if len(p) > 1}
    report.persons_in_several_bags = {p: sorted(b) for p, b in by_person.items() if len(b) > 1}
