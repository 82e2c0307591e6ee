"""The linkage commands: link --json, export persons, review --list, explain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from typer.testing import CliRunner

from musterroll.cli import app

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


def test_review_records_a_decision_from_the_prompt(war: Any, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    result = runner.invoke(app, ["--db", url, "review", "--limit", "1", "--reviewer", "ann"],
                           input="d\nnot the same father\n")
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["--db", url, "review", "--list", "--json", "--limit", "100"])
    items = json.loads(listed.stdout)
    assert len(items) == war.first.review_queue - 1 or len(items) == 100


def test_explain_an_unknown_person_fails_with_a_message(war: Any, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    result = runner.invoke(app, ["--db", url, "explain", "999999999"])
    assert result.exit_code == 2
    assert "no person with id 999999999" in result.output
