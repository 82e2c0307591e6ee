"""A simulated war's every list ingests whole: each data row a record or quarantined."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine

from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.store import list_quarantine, read_records


@pytest.fixture(scope="module")
def war(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("war")
    simulate_war(out, seed=11, people=1500, civilians=True)
    return out


def test_every_simulated_list_is_ingested_row_for_row(register: Engine, war: Path) -> None:
    manifest = json.loads((war / "manifest.json").read_text(encoding="utf-8"))
    summaries = ingest_manifest(register, war / "manifest.json")
    expected = {entry["name"]: entry["rows"] for entry in manifest["sources"]}
    assert {s.source: s.rows for s in summaries} == expected
    for summary in summaries:
        assert summary.accepted + summary.quarantined == summary.rows, summary.source
        assert not summary.notes, (summary.source, summary.notes)
    # Most rows are readable: the simulator's deliberate faults are few.
    total = sum(s.rows for s in summaries)
    assert sum(s.accepted for s in summaries) >= 0.97 * total
    assert all(s.encoding for s in summaries if s.format != "xlsx")
    # Every (source, row) of the truth is a record or a quarantined row, and nothing else.
    with (war / "truth" / "rows.csv").open(encoding="utf-8", newline="") as handle:
        truth = {(row["source"], int(row["row"])) for row in csv.DictReader(handle)}
    records = read_records(register).to_pylist()
    stored = [(r["source"], r["row"]) for r in records]
    stored += [(q["source"], q["row"]) for q in list_quarantine(register, limit=10**6)]
    assert len(stored) == len(set(stored)) == len(truth)
    assert set(stored) == truth
    # Lists without a status column carry the status the manifest gives them.
    statuses = {(r["source"].split("_ex")[0], r["status"]) for r in records}
    assert ("exchange", "released") in statuses
    assert all(status is not None for _, status in statuses)
    assert all(s.already_ingested for s in ingest_manifest(register, war / "manifest.json"))
