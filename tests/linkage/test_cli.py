"""The linkage commands: link --json, export persons, review --list, explain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.linkage.register_io import read_decisions
from musterroll.store import open_register, read_audit
from musterroll.store.linkage_models import person_records_table

runner = CliRunner()


def test_link_json_export_review_and_explain(war: Any, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    settings = tmp_path / "settings.json"
    war.trained.save(settings)
    linked = runner.invoke(app, ["--db", url, "link", "--json", "--settings", str(settings)])
    assert linked.exit_code == 0, linked.output
    summary = json.loads(linked.stdout)
    assert {"records", "persons", "pairs_scored", "seconds", "review_queue"} <= set(summary)
    assert summary["records"] == war.first.records
    assert summary["retired_person_ids"] == 0 and summary["new_person_ids"] == 0

    out = tmp_path / "persons.csv"
    exported = runner.invoke(app, ["--db", url, "export", "persons", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    persons = pd.read_csv(out)
    assert len(persons) == summary["records"]

    listed = runner.invoke(app, ["--db", url, "review", "--list", "--json", "--limit", "3"])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 3

    biggest = int(persons["person_id"].value_counts().index[0])
    explained = runner.invoke(app, ["--db", url, "explain", str(biggest), "--json"])
    assert explained.exit_code == 0, explained.output
    found = json.loads(explained.stdout)
    assert len(found["records"]) >= 2
    names = {c["comparison"] for c in found["pairs"][0]["comparisons"]}
    assert {"surname", "given", "birth_date", "event"} <= names
    levels = [c["level"] for pair in found["pairs"] for c in pair["comparisons"]]
    assert "term frequency adjustment" in levels
    text = runner.invoke(app, ["--db", url, "explain", str(biggest)])
    assert text.exit_code == 0, text.output
    assert "term frequency adjustment" in text.stdout and "% of records" in text.stdout


def _queue(url: str, limit: int = 1000) -> list[dict[str, Any]]:
    listed = runner.invoke(app, ["--db", url, "review", "--list", "--json", "--limit",
                                 str(limit)])
    assert listed.exit_code == 0, listed.output
    return list(json.loads(listed.stdout))


def test_review_records_a_pair_decision_from_the_prompt(war: Any, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    before = _queue(url)
    first_pair = next(n for n, item in enumerate(before) if item["kind"] == "pair")
    # Skip the cluster items ranked above it, decide the pair, then stop.
    answers = "k\n" * first_pair + "d\nnot the same father\nq\n"
    result = runner.invoke(app, ["--db", url, "review", "--limit", "1000", "--reviewer", "ann"],
                           input=answers)
    assert result.exit_code == 0, result.output
    after = _queue(url)
    assert len(after) == len(before) - 1 == war.first.review_queue - 1
    assert before[first_pair]["id"] not in {item["id"] for item in after}
    engine = open_register(url)
    try:
        decided = read_decisions(engine)
    finally:
        engine.dispose()
    pair = before[first_pair]
    row = decided[(decided["record_id_l"] == pair["record_id_l"])
                  & (decided["record_id_r"] == pair["record_id_r"])]
    assert row[["decision", "note", "reviewer"]].values.tolist() == [
        ["different", "not the same father", "ann"]]


def test_review_splits_a_person_typed_as_numbered_groups(war: Any, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    cluster = next(item for item in _queue(url) if item["kind"] == "cluster")
    position = [item["id"] for item in _queue(url)].index(cluster["id"])
    n = len(cluster["records"])
    groups = "1|" + ",".join(str(k) for k in range(2, n + 1))
    answers = "k\n" * position + f"d\n{groups}\nthe obituary is another man\nq\n"
    result = runner.invoke(app, ["--db", url, "review", "--limit", "1000", "--reviewer", "ann"],
                           input=answers)
    assert result.exit_code == 0, result.output
    assert cluster["id"] not in {item["id"] for item in _queue(url)}
    ids = [record["id"] for record in cluster["records"]]
    m = person_records_table.c
    engine = open_register(url)
    try:
        lines = read_audit(engine, action="link cluster decision")
        decided = read_decisions(engine)
        with engine.connect() as conn:
            holder = dict(conn.execute(select(m.record_id, m.person_id)
                                       .where(m.record_id.in_(ids))).all())
    finally:
        engine.dispose()
    assert [line["detail"]["groups"] for line in lines] == [[ids[:1], ids[1:]]]
    different = decided[decided["decision"] == "different"]
    assert len(different) == n - 1
    assert set(different["record_id_l"]) | set(different["record_id_r"]) == set(ids)
    # the decision took effect without a new link run: the first record is a person apart
    assert holder[ids[0]] not in {holder[i] for i in ids[1:]}
    assert len({holder[i] for i in ids[1:]}) == 1
    assert "persons changed:" in result.output


def test_review_asks_again_after_groups_that_are_not_numbers_shown(
    war: Any, tmp_path: Path
) -> None:
    url = war.copy_register(tmp_path / "r.db")
    queue = _queue(url)
    position = next(n for n, item in enumerate(queue) if item["kind"] == "cluster")
    answers = "k\n" * position + "d 1|99\ns\n\nq\n"
    result = runner.invoke(app, ["--db", url, "review", "--limit", "1000", "--reviewer", "ann"],
                           input=answers)
    assert result.exit_code == 0, result.output
    assert "record number 99 is not shown" in result.output
    assert queue[position]["id"] not in {item["id"] for item in _queue(url)}


def test_explain_an_unknown_person_fails_with_a_message(war: Any, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    result = runner.invoke(app, ["--db", url, "explain", "999999999"])
    assert result.exit_code == 2
    assert "no person with id 999999999" in result.output
