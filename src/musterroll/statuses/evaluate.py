"""Measure derived statuses against a simulated war's truth, and an oracle linkage.

``assign_true_persons`` links the register by the simulator's ``truth/rows.csv`` (an
"oracle" linkage), so that status rules can be tested apart from linkage quality.
``score_statuses`` compares each true person's derived status with the status their
latest true event implies, over the persons for whom some list carries evidence of that
status (the issue's "latest true event appears on some list").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select

from musterroll.store.linkage_models import person_records_table, persons_table, runs_table
from musterroll.store.models import files_table, records_table, sources_table
from musterroll.store.status_models import events_table, statuses_table

__all__ = ["EXPECTED", "StatusScores", "assign_true_persons", "score_statuses"]

# The latest true event -> the (status, sub-status) the register should derive; None for
# the sub-status when any will do.
EXPECTED: dict[str, tuple[str, str | None]] = {
    "missing": ("missing", "sought"),
    "captured": ("missing", "captivity_confirmed"),
    "released": ("released", None),
    "killed": ("killed", None),
    "buried": ("killed", None),
    "identified": ("killed", "identified"),
    "remains_recovered": ("missing", "sought"),
    "found_alive": ("found_alive", None),
}
# Event kinds on a list that carry evidence of each expected status.
_EVIDENCE: dict[tuple[str, str | None], tuple[str, ...]] = {
    ("missing", "sought"): ("reported_missing",),
    ("missing", "captivity_confirmed"): ("captivity_confirmed",),
    ("released", None): ("released",),
    ("killed", None): ("reported_killed", "buried", "identified"),
    ("killed", "identified"): ("identified",),
    ("found_alive", None): ("found_alive",),
}


def _truth_rows(engine: Engine, truth_dir: Path) -> pd.DataFrame:
    """Record id -> true person id (current versions of each list)."""
    rows = pd.read_csv(truth_dir / "rows.csv", dtype={"source": str, "row": int,
                                                       "person_id": str})
    r, f, s = records_table.c, files_table.c, sources_table.c
    query = (select(r.id.label("record_id"), s.name.label("source"), r.row, f.version,
                    f.source_id)
             .select_from(records_table.join(files_table, f.id == r.file_id)
                          .join(sources_table, s.id == r.source_id)))
    with engine.connect() as conn:
        records = pd.DataFrame(conn.execute(query).all(),
                               columns=["record_id", "source", "row", "version", "source_id"])
    return records.merge(rows, on=["source", "row"], how="inner")


def assign_true_persons(engine: Engine, truth_dir: Path) -> int:
    """Link the register by the truth: one person per true person (ids from theirs).

    Replaces ``person_records`` with a link run of engine ``oracle``; a true person
    ``P0000042`` becomes person 42. For tests and measures only.

    Args:
        engine: a register whose lists came from the simulated war in `truth_dir`.
        truth_dir: the war's ``truth`` folder.
    Returns:
        The number of records assigned.
    """
    frame = _truth_rows(engine, truth_dir)
    frame["pid"] = frame["person_id"].str[1:].astype(int)
    sizes = frame["pid"].value_counts()
    with engine.begin() as conn:
        run_id = conn.execute(insert(runs_table).values(
            started_at=datetime.now(UTC), finished_at=datetime.now(UTC), engine="oracle",
            seed=0, code_version="truth", input_hash="-", settings={"oracle": str(truth_dir)},
            counts={"records": len(frame)})).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(person_records_table.delete())
        known = {row[0] for row in conn.execute(select(persons_table.c.id))}
        new = [{"id": int(p), "created_run_id": run_id, "records": int(n)}
               for p, n in zip(sizes.index.tolist(), sizes.tolist(), strict=True)
               if int(p) not in known]
        if new:
            conn.execute(insert(persons_table), new)
        conn.execute(insert(person_records_table), [
            {"record_id": int(r), "person_id": int(p), "run_id": run_id}
            for r, p in zip(frame["record_id"], frame["pid"], strict=True)])
    return len(frame)


@dataclass
class StatusScores:
    """Agreement of derived statuses with the truth."""

    measured: int
    agree: int
    excluded: dict[str, int] = field(default_factory=dict)
    disagreements: dict[str, int] = field(default_factory=dict)

    @property
    def agreement(self) -> float:
        """Share of measured persons whose derived status agrees with the truth."""
        return self.agree / self.measured if self.measured else float("nan")

    def as_dict(self) -> dict[str, Any]:
        """Return the scores as a JSON-serialisable dict."""
        return {"measured": self.measured, "agree": self.agree,
                "agreement": round(self.agreement, 5), "excluded": self.excluded,
                "disagreements": self.disagreements}


def _latest_events(truth_dir: Path) -> pd.DataFrame:
    events = pd.read_csv(truth_dir / "events.csv", dtype=str, keep_default_na=False)
    latest = events.groupby("person_id", sort=False).tail(1)  # the file is in date order
    return latest[["person_id", "event"]]


def _derived(engine: Engine) -> tuple[pd.DataFrame, pd.DataFrame]:
    st, e, m = statuses_table.c, events_table.c, person_records_table.c
    with engine.connect() as conn:
        statuses = pd.DataFrame(conn.execute(
            select(st.person_id, st.status, st.substatus).where(st.valid_to.is_(None))).all(),
            columns=["reg_person", "status", "substatus"])
        kinds = pd.DataFrame(conn.execute(
            select(e.record_id, e.kind).where(e.record_id.is_not(None))).all(),
            columns=["record_id", "kind"])
        members = pd.DataFrame(conn.execute(select(m.record_id, m.person_id)).all(),
                               columns=["record_id", "reg_person"])
    return statuses, kinds.merge(members, on="record_id", how="left")


def score_statuses(engine: Engine, truth_dir: Path) -> StatusScores:
    """Compare each true person's derived status with the truth.

    A true person's register person is the one holding most of their records. Persons
    are measured when some record of theirs carries evidence of the status their latest
    true event implies; the rest are counted in ``excluded`` by latest event (cases that
    cannot agree: a person missing and dead whose remains no one has identified, found
    alive with no list saying so, on no list at all).

    Args:
        engine: a derived register (``derive_statuses``).
        truth_dir: the war's ``truth`` folder.
    Returns:
        The scores, with disagreements counted as "expected -> derived".
    """
    records = _truth_rows(engine, truth_dir)
    statuses, kinds = _derived(engine)
    frame = records.merge(kinds, on="record_id", how="left")
    latest = _latest_events(truth_dir)
    owner = (frame.dropna(subset=["reg_person"]).groupby(["person_id", "reg_person"]).size()
             .reset_index(name="n").sort_values("n").groupby("person_id").tail(1))
    evidence: dict[str, set[str]] = {}
    for person, kind in frame[["person_id", "kind"]].dropna().itertuples(index=False):
        evidence.setdefault(person, set()).add(kind)
    table = latest.merge(owner[["person_id", "reg_person"]], on="person_id", how="left")
    table = table.merge(statuses, on="reg_person", how="left")
    scores = StatusScores(measured=0, agree=0)
    for person, event, status, substatus in table[
            ["person_id", "event", "status", "substatus"]].itertuples(index=False):
        expected = EXPECTED[event]
        wanted = _EVIDENCE.get(expected, ())
        found: set[str] = evidence.get(person, set())
        if not found & set(wanted):
            scores.excluded[event] = scores.excluded.get(event, 0) + 1
            continue
        scores.measured += 1
        ok = status == expected[0] and (expected[1] is None or substatus == expected[1])
        if ok:
            scores.agree += 1
        else:
            key = f"{event} -> {status}/{substatus}"
            scores.disagreements[key] = scores.disagreements.get(key, 0) + 1
    return scores
