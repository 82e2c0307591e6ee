"""DNA in the register on a small simulated war: import, match, confirm (issue 16 item 5).

The war's identification reports are held back, so the remains' persons are still sought
in the register: a confirmed DNA proposal is what identifies them. The register is linked
by the truth (oracle), so that the figures do not depend on linkage quality.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.statuses.dna import (
    confirm_proposal,
    import_dna_manifest,
    list_proposals,
    match_register,
)
from musterroll.statuses.evaluate import assign_true_persons
from musterroll.store import init_register, open_register, read_audit
from musterroll.store.status_models import events_table, statuses_table

HELD_BACK = "identification_reports"


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A war of 1,500 people (seed 3) and its register without the identification reports."""
    folder = tmp_path_factory.mktemp("dna_war")
    simulate_war(folder / "war", seed=3, people=1500)
    manifest = json.loads((folder / "war" / "manifest.json").read_text("utf-8"))
    early = folder / "war" / "manifest_early.json"
    kept = [s for s in manifest["sources"] if s["name"] != HELD_BACK]
    early.write_text(json.dumps(dict(manifest, sources=kept)), "utf-8")
    url = f"sqlite:///{folder / 'register.db'}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, early)
        assign_true_persons(engine, folder / "war" / "truth")
        derive_statuses(engine)
    finally:
        engine.dispose()
    return folder / "war", folder / "register.db"


@pytest.fixture
def db(registered: tuple[Path, Path], tmp_path: Path) -> str:
    """A copy of the register for one test."""
    shutil.copy(registered[1], tmp_path / "register.db")
    return f"sqlite:///{tmp_path / 'register.db'}"


def _run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def _imported_and_matched(db: str, war: Path) -> list[dict[str, Any]]:
    _run("--db", db, "dna", "import", "--manifest", str(war / "manifest.json"))
    _run("--db", db, "dna", "match")
    rows: list[dict[str, Any]] = json.loads(
        _run("--db", db, "dna", "proposals", "--json").stdout)
    return rows


def _status(db: str, person_id: int) -> tuple[str, str | None, str | None]:
    engine = open_register(db)
    try:
        with engine.connect() as conn:
            st = statuses_table.c
            row = conn.execute(select(st.status, st.substatus, st.identified_date).where(
                st.person_id == person_id, st.valid_to.is_(None))).one()
    finally:
        engine.dispose()
    return row.status, row.substatus, row.identified_date


def test_a_confirmed_proposal_identifies_the_missing_person_by_the_rules(
        registered: tuple[Path, Path], db: str) -> None:
    proposals = _imported_and_matched(db, registered[0])
    assert proposals and all(p["status"] == "proposed" for p in proposals)
    sought = [p for p in proposals if _status(db, p["person_id"])[0] == "missing"]
    assert sought, "some remains belong to persons the register still seeks"
    chosen = sought[0]
    out = _run("--db", db, "dna", "confirm", str(chosen["id"]), "--note", "reviewed")
    assert f"proposal {chosen['id']} confirmed" in out.stdout
    status, substatus, identified = _status(db, chosen["person_id"])
    assert (status, substatus) == ("killed", "identified") and identified is not None
    engine = open_register(db)
    try:
        with engine.connect() as conn:
            event = conn.execute(select(events_table).where(
                events_table.c.person_id == chosen["person_id"],
                events_table.c.origin == "dna")).one()
        assert event.kind == "identified"
        assert event.detail["log10_lr"] == pytest.approx(chosen["log10_lr"])
        assert event.detail["sample"] == chosen["sample"]
        assert any(a["action"] == "dna confirm" for a in read_audit(engine))
    finally:
        engine.dispose()
    again = CliRunner().invoke(app, ["--db", db, "dna", "confirm", str(chosen["id"])])
    assert again.exit_code == 2 and "already confirmed" in again.output


def test_the_proposals_agree_with_the_truth_and_none_is_false(
        registered: tuple[Path, Path], db: str) -> None:
    _imported_and_matched(db, registered[0])
    scores = json.loads(_run("--db", db, "evaluate", "dna", "--truth", str(registered[0]),
                             "--json").stdout)
    assert scores["wrong"] == 0
    assert scores["right"] >= 0.99 * scores["with_relatives"] > 0


def test_matching_twice_proposes_nothing_new(registered: tuple[Path, Path], db: str) -> None:
    first = _imported_and_matched(db, registered[0])
    again = json.loads(_run("--db", db, "dna", "match", "--json").stdout)
    assert again["proposals"] == len(first) and again["new_proposals"] == 0


def test_a_rejection_needs_a_reason_and_adds_no_evidence(
        registered: tuple[Path, Path], db: str) -> None:
    chosen = _imported_and_matched(db, registered[0])[0]
    before = _status(db, chosen["person_id"])
    no_note = CliRunner().invoke(app, ["--db", db, "dna", "reject", str(chosen["id"]),
                                       "--note", " "])
    assert no_note.exit_code == 2 and "note" in no_note.output
    _run("--db", db, "dna", "reject", str(chosen["id"]), "--note", "contaminated sample")
    assert _status(db, chosen["person_id"]) == before
    rows = json.loads(_run("--db", db, "dna", "proposals", "--status", "rejected",
                           "--json").stdout)
    assert [r["id"] for r in rows] == [chosen["id"]]


def test_every_read_of_proposals_is_audit_logged(registered: tuple[Path, Path], db: str
                                                 ) -> None:
    _imported_and_matched(db, registered[0])
    engine = open_register(db)
    try:
        actions = [a["action"] for a in read_audit(engine)]
    finally:
        engine.dispose()
    assert {"dna import", "dna match", "dna proposals view"} <= set(actions)


def test_a_family_without_a_missing_person_is_refused_by_name(db: str, tmp_path: Path
                                                              ) -> None:
    families = tmp_path / "families.json"
    families.write_text(json.dumps({"F1": {
        "id": ["FA", "MO", "MP"], "fid": ["0", "0", "FA"], "mid": ["0", "0", "MO"],
        "sex": [1, 2, 1], "missing": "MP", "genotypes": {"S1": ["10/11", "-/-", "-/-"]}}}),
        "utf-8")
    result = CliRunner().invoke(app, ["--db", db, "dna", "import", "--families",
                                      str(families)])
    assert result.exit_code == 2
    assert "family F1" in result.output and "person or case" in result.output


def test_a_bad_sex_in_the_remains_names_its_row(db: str, tmp_path: Path) -> None:
    remains = tmp_path / "remains.csv"
    remains.write_text("sample,sex,marker,genotype\nB1,1,S1,10/11\nB2,M,S1,10/10\n", "utf-8")
    result = CliRunner().invoke(app, ["--db", db, "dna", "import", "--remains", str(remains)])
    assert result.exit_code == 2 and f"{remains}:3: field sex" in result.output


def test_matching_without_frequencies_says_what_to_import(registered: tuple[Path, Path],
                                                          db: str) -> None:
    war = registered[0]
    _run("--db", db, "dna", "import", "--remains", str(war / "dna/remains.csv"),
         "--families", str(war / "dna/families.json"))
    result = CliRunner().invoke(app, ["--db", db, "dna", "match"])
    assert result.exit_code == 2 and "dna import --freqs" in result.output


def test_import_match_and_confirm_work_on_each_backend(register_url: str,
                                                       tmp_path: Path) -> None:
    simulate_war(tmp_path / "war", seed=4, people=600)
    manifest = json.loads((tmp_path / "war" / "manifest.json").read_text("utf-8"))
    early = tmp_path / "war" / "manifest_early.json"
    early.write_text(json.dumps(dict(manifest, sources=[
        s for s in manifest["sources"] if s["name"] != HELD_BACK])), "utf-8")
    init_register(register_url)
    engine = open_register(register_url)
    try:
        ingest_manifest(engine, early)
        assign_true_persons(engine, tmp_path / "war" / "truth")
        derive_statuses(engine)
        imported = import_dna_manifest(engine, tmp_path / "war" / "manifest.json")
        assert imported.samples and imported.families and not imported.unresolved
        report = match_register(engine)
        assert report.proposals > 0 and report.unidentified_persons > 0
        with engine.connect() as conn:
            st = statuses_table.c
            sought = set(conn.execute(select(st.person_id).where(
                st.valid_to.is_(None), st.status == "missing")).scalars())
        chosen = next(p for p in list_proposals(engine) if p["person_id"] in sought)
        confirm_proposal(engine, chosen["id"], actor="forensic")
        with engine.connect() as conn:
            status = conn.execute(select(st.status, st.substatus).where(
                st.person_id == chosen["person_id"], st.valid_to.is_(None))).one()
        assert tuple(status) == ("killed", "identified")
    finally:
        engine.dispose()
