"""Clustering: strong links join, weak chains do not, constraints and decisions hold."""

from __future__ import annotations

import numpy as np
import pandas as pd

from musterroll.linkage.cluster import ClusterInput, cluster_records
from musterroll.linkage.settings import Thresholds

# The best-link step is off here (best_link out of reach) except where a test turns it on.
T = Thresholds(keep=0.0, strong=6.0, average=2.0, absent=-10.0, best_link=99.0)


def _input(n: int, edges: list[tuple[int, int, float]], **kw: object) -> ClusterInput:
    frame = pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_weight"])
    dedup_source = kw.get("dedup_source", [None] * n)
    return ClusterInput(
        record_ids=np.arange(1, n + 1, dtype=np.int64),
        dedup_source=np.array(dedup_source, dtype=object), edges=frame,
        must_link=list(kw.get("must_link", [])),  # type: ignore[call-overload]
        cannot_link=list(kw.get("cannot_link", [])),  # type: ignore[call-overload]
    )


def _together(labels: np.ndarray, a: int, b: int) -> bool:
    return bool(labels[a - 1] == labels[b - 1])


def test_strong_links_join_and_weak_links_alone_do_not() -> None:
    result = cluster_records(_input(4, [(1, 2, 20.0), (3, 4, 1.0)]), T)
    assert _together(result.labels, 1, 2)
    assert not _together(result.labels, 3, 4)


def test_a_weak_link_does_not_chain_two_strong_pairs() -> None:
    # 1-2 and 3-4 are sure pairs; one weak link 2-3 must not make them one person.
    edges = [(1, 2, 20.0), (3, 4, 20.0), (2, 3, 4.0)]
    result = cluster_records(_input(4, edges), T)
    assert not _together(result.labels, 2, 3)


def test_medium_links_join_when_the_average_link_is_high() -> None:
    edges = [(1, 2, 4.0), (1, 3, 5.0), (2, 3, 4.5)]
    result = cluster_records(_input(3, edges), T)
    assert len(set(result.labels.tolist())) == 1


def test_only_a_deduplicated_list_is_a_hard_constraint() -> None:
    # Two records of one official list never join; another sex or service number is
    # evidence in the weight (scored by the model), not a veto here.
    edges = [(1, 2, 30.0), (3, 4, 30.0)]
    data = _input(4, edges, dedup_source=[None, None, "official", "official"])
    result = cluster_records(data, T)
    assert _together(result.labels, 1, 2)
    assert not _together(result.labels, 3, 4)
    assert result.refused["reason"].tolist() == ["same_list"]


def test_a_constraint_also_holds_across_a_chain() -> None:
    # 1 ~ 2 ~ 3 where 1 and 3 are two rows of one official list: 2 may join one of them,
    # never both.
    data = _input(3, [(1, 2, 30.0), (2, 3, 25.0)], dedup_source=["official", None, "official"])
    result = cluster_records(data, T)
    assert _together(result.labels, 1, 2)
    assert not _together(result.labels, 1, 3)


def test_decisions_outrank_the_model() -> None:
    data = _input(4, [(1, 2, 30.0)], must_link=[(3, 4)], cannot_link=[(1, 2)])
    result = cluster_records(data, T)
    assert not _together(result.labels, 1, 2)
    assert _together(result.labels, 3, 4)


def test_a_lone_record_joins_its_one_clear_candidate_but_not_one_of_two() -> None:
    best = Thresholds(keep=-8.0, strong=6.0, average=2.0, absent=-10.0, best_link=-4.0,
                      best_margin=5.0)
    # 1-2 are one person; 3 is a sparse record weakly like them only; 4 is weakly like
    # both 5 and 6 (two different persons) and must stay alone.
    edges = [(1, 2, 20.0), (3, 1, -1.0), (5, 6, -9.0), (4, 5, 0.0), (4, 6, -1.0)]
    result = cluster_records(_input(6, edges), best)
    assert _together(result.labels, 1, 3)
    assert not _together(result.labels, 4, 5) and not _together(result.labels, 4, 6)


def test_two_lone_records_join_by_best_link_only_on_odds_for_one_person() -> None:
    best = Thresholds(keep=-8.0, strong=6.0, average=2.0, absent=-10.0, best_link=-4.0,
                      best_margin=5.0, best_link_pair=0.0)
    # 1 and 2 are each other's only candidate at odds against (two namesakes born in one
    # year); 3 and 4 at odds for. A lone record may still join a person of several.
    edges = [(1, 2, -0.8), (3, 4, 1.5), (5, 6, 20.0), (7, 5, -1.0)]
    result = cluster_records(_input(7, edges), best)
    assert not _together(result.labels, 1, 2)
    assert _together(result.labels, 3, 4)
    assert _together(result.labels, 5, 7)
