"""Explanations add the run's name-frequency adjustment: a pair's total is the run's weight."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import delete

from musterroll.linkage.explain import explain_person
from musterroll.linkage.run import link_register
from musterroll.sources import ingest_manifest
from musterroll.store import init_register, open_register
from musterroll.store.linkage_models import term_frequencies_table


def _biggest_persons(war: Any, count: int) -> list[int]:
    frame = pd.DataFrame({"person": war.first.person_ids})
    return [int(p) for p in frame["person"].value_counts().index[:count]]


def _run_weights(war: Any) -> dict[tuple[int, int], float]:
    edges = war.first.edges
    return {(int(a), int(b)): float(w) for a, b, w in
            edges[["unique_id_l", "unique_id_r", "match_weight"]].itertuples(index=False)}


def test_explained_totals_equal_the_weights_the_run_scored(war: Any, tmp_path: Path) -> None:
    weights = _run_weights(war)
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        explained = [explain_person(engine, p) for p in _biggest_persons(war, 8)]
    finally:
        engine.dispose()
    compared = adjusted = 0
    for person in explained:
        for pair in person["pairs"]:
            key = (pair["record_id_l"], pair["record_id_r"])
            if key not in weights:
                continue  # not scored by the run (no blocking rule put them together)
            assert pair["match_weight"] == pytest.approx(weights[key], abs=0.01), key
            lines = pair["comparisons"]
            total = person["prior_weight"] + sum(line["match_weight"] for line in lines)
            assert total == pytest.approx(pair["match_weight"], abs=0.01 * len(lines))
            compared += 1
            adjusted += any(line["level"] == "term frequency adjustment" and
                            line["match_weight"] != 0 for line in lines)
    assert compared >= 50
    assert adjusted >= compared // 2  # most linked pairs agree on the surname exactly


def test_the_frequency_line_names_the_value_and_its_share_of_the_register(
    war: Any, tmp_path: Path
) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        person = explain_person(engine, _biggest_persons(war, 1)[0])
    finally:
        engine.dispose()
    features = war.first.features
    lines = [line for pair in person["pairs"] for line in pair["comparisons"]
             if line["level"] == "term frequency adjustment" and line["comparison"] == "surname"]
    assert lines
    line = lines[0]
    assert isinstance(line["value"], str) and 0 < line["frequency"] < 1
    # The share is the whole register's, not this person's few records'.
    assert line["frequency"] * len(features) >= 2


def test_a_run_that_kept_no_frequencies_is_explained_from_the_register(
    war: Any, tmp_path: Path
) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    person = _biggest_persons(war, 1)[0]
    try:
        kept = explain_person(engine, person)
        with engine.begin() as conn:
            conn.execute(delete(term_frequencies_table))
        counted = explain_person(engine, person)
    finally:
        engine.dispose()
    assert counted["pairs"] == kept["pairs"]


def test_explained_totals_equal_the_run_on_both_backends(war: Any, register_url: str) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    try:
        ingest_manifest(engine, war.folder / "manifest_early.json")
        result = link_register(engine, settings=war.trained)
        person = int(pd.Series(result.person_ids).value_counts().index[0])
        explained = explain_person(engine, person)
    finally:
        engine.dispose()
    weights = {(int(a), int(b)): float(w) for a, b, w in result.edges[
        ["unique_id_l", "unique_id_r", "match_weight"]].itertuples(index=False)}
    compared = [(weights[(p["record_id_l"], p["record_id_r"])], p["match_weight"])
                for p in explained["pairs"] if (p["record_id_l"], p["record_id_r"]) in weights]
    assert len(compared) >= 3
    for run, told in compared:
        assert told == pytest.approx(run, abs=0.01)


def test_an_exchange_import_after_the_run_does_not_hide_its_model(
    war: Any, tmp_path: Path
) -> None:
    # Imports match link-only and record a run of their own, with no model in it.
    from musterroll.linkage.link_only import _start_run

    engine = open_register(war.copy_register(tmp_path / "r.db"))
    person = _biggest_persons(war, 1)[0]
    try:
        before = explain_person(engine, person)
        with engine.begin() as conn:
            _start_run(conn, "exchange EX-test")
        after = explain_person(engine, person)
    finally:
        engine.dispose()
    assert after["pairs"] == before["pairs"] and after["pairs"]
