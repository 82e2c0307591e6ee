"""Whole uncertain persons in the review queue, and cluster decisions that bind later runs."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from musterroll.linkage.queue import build_queue
from musterroll.linkage.register_io import read_decisions, read_membership
from musterroll.linkage.review import ReviewError, decide_item, decide_pair, open_items
from musterroll.linkage.run import link_register
from musterroll.linkage.settings import Thresholds
from musterroll.sources import IngestOptions, ingest_file, ingest_manifest
from musterroll.store import init_register, open_register, read_audit

NO_DECISIONS = pd.DataFrame(columns=["record_id_l", "record_id_r", "decision"])


def _edges(*pairs: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["unique_id_l", "unique_id_r", "match_weight"])


def _refused(*pairs: tuple[int, int, float, str]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["unique_id_l", "unique_id_r", "match_weight", "reason"])


# Records 1-2-3 and 4-5 are strong parts joined by one weak bridge 3~4 (weight 4);
# 2~4 (weight 5) is in the band too. Records 6 and 7 are apart (one band pair 6~7).
CHAIN = _edges((1, 2, 20.0), (2, 3, 18.0), (3, 4, 4.0), (2, 4, 5.0), (4, 5, 25.0),
               (6, 7, 3.0))
IDS = np.array([1, 2, 3, 4, 5, 6, 7])
LABELS = np.array([0, 0, 0, 0, 0, 5, 6])


def test_a_chain_with_a_weak_bridge_is_one_cluster_item_with_all_its_records() -> None:
    queue = build_queue(CHAIN, _refused(), NO_DECISIONS, Thresholds(), record_ids=IDS,
                        labels=LABELS)
    clusters = queue[queue["kind"] == "cluster"]
    assert len(clusters) == 1
    item = clusters.iloc[0]
    assert item["records"] == (1, 2, 3, 4, 5)
    assert item["reason"] == "weak_link"
    # The weakest link that must hold is 2~4 (5.0): the spanning tree prefers it to 3~4.
    assert (item["record_id_l"], item["record_id_r"], item["match_weight"]) == (2, 4, 5.0)
    assert sorted(item["pairs"]) == sorted(
        (int(a), int(b), float(w)) for a, b, w in CHAIN.itertuples(index=False) if b <= 5)
    # The band pairs inside the person are covered by the cluster item; 6~7 stays a pair.
    pairs = queue[queue["kind"] == "pair"]
    assert pairs[["record_id_l", "record_id_r"]].values.tolist() == [[6, 7]]
    # Ranked with the pairs: as its most uncertain pair (2~4 at 5.0) would have been.
    assert item["priority"] == pytest.approx(1 - abs(2 / (1 + 2 ** 1) - 1))
    assert queue["priority"].is_monotonic_decreasing


def test_a_person_held_by_strong_links_or_by_a_reviewer_is_not_sent_to_review() -> None:
    strong = _edges((1, 2, 20.0), (2, 3, 12.0), (1, 3, 4.0))
    queue = build_queue(strong, _refused(), NO_DECISIONS, Thresholds(),
                        record_ids=np.array([1, 2, 3]), labels=np.array([0, 0, 0]))
    # 1~3 is in the band (a pair item, as before) but the person 1~2~3 holds at 12.
    assert queue["kind"].tolist() == ["pair"]
    must = pd.DataFrame({"record_id_l": [3], "record_id_r": [4], "decision": ["same"]})
    queue = build_queue(CHAIN, _refused(), must, Thresholds(), record_ids=IDS, labels=LABELS)
    assert "cluster" not in queue["kind"].tolist()


def test_persons_a_constraint_kept_apart_are_reviewed_together_above_weak_ones() -> None:
    edges = pd.concat([CHAIN, _edges((5, 6, 30.0))])
    refused = _refused((5, 6, 30.0, "same_list"))
    queue = build_queue(edges, refused, NO_DECISIONS, Thresholds(), record_ids=IDS,
                        labels=LABELS)
    first = queue.iloc[0]
    assert (first["kind"], first["reason"]) == ("cluster", "constraint:same_list")
    assert first["records"] == (1, 2, 3, 4, 5, 6)
    assert first["priority"] == pytest.approx(2.0)
    assert first["match_weight"] == 5.0  # the weakest link inside, weaker than the refusal
    assert (queue["kind"] == "cluster").sum() == 1  # the weak person is inside this item


def test_a_decided_bridge_or_a_person_too_big_stays_out_of_cluster_items() -> None:
    unsure = pd.DataFrame({"record_id_l": [2], "record_id_r": [4], "decision": ["unsure"]})
    queue = build_queue(CHAIN, _refused(), unsure, Thresholds(), record_ids=IDS,
                        labels=LABELS)
    assert "cluster" not in queue["kind"].tolist()
    queue = build_queue(CHAIN, _refused(), NO_DECISIONS, Thresholds(), record_ids=IDS,
                        labels=LABELS, max_records=4)
    assert queue["kind"].tolist() == ["pair"] * 3  # 3~4, 2~4 and 6~7 as pairs


def test_refusals_a_reviewer_made_and_empty_inputs_make_no_cluster_items() -> None:
    refused = _refused((5, 6, 30.0, "cannot_link"))
    different = pd.DataFrame({"record_id_l": [5], "record_id_r": [6],
                              "decision": ["different"]})
    edges = pd.concat([_edges((1, 2, 20.0), (2, 3, 20.0)), _edges((5, 6, 30.0))])
    labels = np.array([0, 0, 0, 3, 4, 5, 6])
    for decided in (NO_DECISIONS, different):
        queue = build_queue(edges, refused, decided, Thresholds(), record_ids=IDS,
                            labels=labels)
        assert "cluster" not in queue["kind"].tolist()
    empty = build_queue(_edges(), _refused(), NO_DECISIONS, Thresholds(), record_ids=IDS,
                        labels=LABELS)
    assert empty.empty and list(empty.columns)[:3] == ["kind", "record_id_l", "record_id_r"]


def _cluster_item(engine: Any, reason: str) -> dict[str, Any]:
    return next(item for item in open_items(engine, limit=1000)
                if item["kind"] == "cluster" and item["reason"].startswith(reason))


def _persons(engine: Any, records: list[int]) -> list[int]:
    membership = read_membership(engine).set_index("record_id")["person_id"]
    return [int(membership.loc[r]) for r in records]


def test_a_split_binds_the_next_runs_and_the_person_does_not_come_back(
    war: Any, tmp_path: Path
) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        item = _cluster_item(engine, "weak_link")
        ids = [record["id"] for record in item["records"]]
        alone = item["record_id_r"]  # one side of the weakest link
        rest = [r for r in ids if r != alone]
        decide_item(engine, item["id"], "split", groups=[rest, [alone]], reviewer="tester",
                    note="the obituary is of his namesake")
        for _run in range(2):
            link_register(engine, settings=war.trained)
            persons = _persons(engine, ids)
            assert len({p for r, p in zip(ids, persons, strict=True) if r != alone}) == 1
            assert persons[ids.index(alone)] not in {
                p for r, p in zip(ids, persons, strict=True) if r != alone}
            again = [i for i in open_items(engine, limit=1000)
                     if set(ids) <= {r["id"] for r in i["records"]}]
            assert again == []
        audit = read_audit(engine, action="link cluster decision")
    finally:
        engine.dispose()
    assert audit[0]["actor"] == "tester"
    assert audit[0]["detail"]["groups"] == [sorted(rest), [alone]]


def _list_one_man_twice(engine: Any, war: Any, path: Path) -> None:
    """Ingest an official list (deduplicated, so its two rows are held to be two people)
    that holds the first death notice's soldier twice, in the notice's own words."""
    with (war.folder / "lists" / "official_death_notices.csv").open(encoding="utf-8") as fh:
        header, first = list(csv.reader(fh))[:2]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, first, first])
    ingest_file(engine, path, source="unit_roll",
                options=IngestOptions(kind="official", language="uk"))


def test_a_same_decision_on_persons_a_constraint_kept_apart_makes_them_one(
    war: Any, tmp_path: Path
) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        _list_one_man_twice(engine, war, tmp_path / "unit_roll.csv")
        link_register(engine, settings=war.trained)
        item = _cluster_item(engine, "constraint:")
        ids = [record["id"] for record in item["records"]]
        assert len(set(_persons(engine, ids))) >= 2  # the constraint kept them apart
        decide_item(engine, item["id"], "same", reviewer="tester",
                    note="one man listed twice")
        decided = read_decisions(engine)
        for _run in range(2):
            link_register(engine, settings=war.trained)
            assert len(set(_persons(engine, ids))) == 1
    finally:
        engine.dispose()
    assert set(decided["decision"]) == {"same"}
    assert len(decided) == len(ids) - 1  # one must-link from the first record to each


def test_unsure_on_a_cluster_takes_its_pairs_out_of_the_queue(war: Any, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        item = _cluster_item(engine, "weak_link")
        ids = {record["id"] for record in item["records"]}
        decide_item(engine, item["id"], "unsure", reviewer="tester")
        decided = read_decisions(engine)
        link_register(engine, settings=war.trained)
        again = [i for i in open_items(engine, limit=1000)
                 if ids & {r["id"] for r in i["records"]} == ids]
    finally:
        engine.dispose()
    assert set(decided["decision"]) == {"unsure"}
    assert len(decided) == len(item["pairs"])
    assert again == []


def test_bad_cluster_decisions_are_refused_with_what_is_wrong(war: Any, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        item = _cluster_item(engine, "weak_link")
        pair = next(i for i in open_items(engine, limit=1000) if i["kind"] == "pair")
        ids = [record["id"] for record in item["records"]]
        cases = [
            (999_999, "split", [[1], [2]], "no review item with id 999999"),
            (item["id"], "different", None, "is a cluster: the decision is one of"),
            (item["id"], "split", None, "a split needs groups"),
            (item["id"], "same", [ids], "groups go with the decision 'split' only"),
            (item["id"], "split", [ids], "a split needs two groups or more"),
            (item["id"], "split", [ids[:1], ids[2:]], f"leave out record {ids[1]}"),
            (item["id"], "split", [ids[:2], ids[1:]], f"record {ids[1]} is in more than one"),
            (item["id"], "split", [ids[:1], [*ids[1:], 999_999]], "999999 is not one of"),
            (item["id"], "split", [ids[:1], [], ids[1:]], "a group is empty"),
            (item["id"], "split", [ids[:1], ["x"]], "groups are lists of record ids"),
            (pair["id"], "split", [[pair["record_id_l"]], [pair["record_id_r"]]],
             "is a pair"),
        ]
        for item_id, decision, groups, message in cases:
            with pytest.raises(ReviewError, match=message):
                decide_item(engine, item_id, decision, groups=groups, reviewer="tester")
        assert read_decisions(engine).empty
        decide_item(engine, item["id"], "same", reviewer="tester")
        with pytest.raises(ReviewError, match=f"review item {item['id']} is decided, not open"):
            decide_item(engine, item["id"], "same", reviewer="tester")
        link_register(engine, settings=war.trained)
        with pytest.raises(ReviewError, match="is stale, not open: a later link run"):
            decide_item(engine, pair["id"], "same", reviewer="tester")
    finally:
        engine.dispose()


def test_decide_item_on_a_pair_decides_the_pair(war: Any, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        pair = next(i for i in open_items(engine, limit=1000) if i["kind"] == "pair")
        assert [r["id"] for r in pair["records"]] == [pair["left"]["id"], pair["right"]["id"]]
        decide_item(engine, pair["id"], "different", reviewer="tester", note="brothers")
        decided = read_decisions(engine)
        still_open = {i["id"] for i in open_items(engine, limit=1000)}
        # decide_pair keeps working beside it.
        other = next(i for i in open_items(engine, limit=1000) if i["kind"] == "pair")
        decide_pair(engine, other["record_id_l"], other["record_id_r"], "same",
                    reviewer="tester")
    finally:
        engine.dispose()
    assert decided[["record_id_l", "record_id_r", "decision", "note"]].values.tolist() == [
        [pair["record_id_l"], pair["record_id_r"], "different", "brothers"]]
    assert pair["id"] not in still_open


def test_cluster_items_are_stored_and_decided_on_both_backends(
    war: Any, register_url: str
) -> None:
    init_register(register_url)
    engine = open_register(register_url)
    try:
        ingest_manifest(engine, war.folder / "manifest_early.json")
        link_register(engine, settings=war.trained)
        item = _cluster_item(engine, "weak_link")
        ids = [record["id"] for record in item["records"]]
        assert len(ids) >= 3 and item["pairs"]
        assert {p["record_id_l"] for p in item["pairs"]} | {
            p["record_id_r"] for p in item["pairs"]} == set(ids)
        decide_item(engine, item["id"], "split", groups=[ids[:1], ids[1:]], reviewer="tester")
        link_register(engine, settings=war.trained)
        persons = _persons(engine, ids)
    finally:
        engine.dispose()
    assert persons[0] not in persons[1:] and len(set(persons[1:])) == 1
