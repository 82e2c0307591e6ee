"""From scored pairs to persons, without chaining different people through weak links.

Connected components at one threshold join A and C when A~B and B~C, even when A and C
disagree on everything; in a war register that merges two soldiers of one common name.
Instead (a constrained, greedy agglomerative clustering):

1. reviewers' must-links join records first (a decision binds every run);
2. pairs at or above the *strong* weight join their clusters, strongest first;
3. the remaining kept pairs join two clusters only when the clusters' *average* link is
   high: the mean weight over every record pair across the two clusters, a pair that was
   not scored (or scored below the keep weight) counting as ``absent``. Rounds repeat until
   no more joins;
4. a record still alone joins its best candidate cluster when that candidate reaches
   ``best_link`` (``best_link_pair`` when the candidate is a lone record too) and beats
   every other candidate by ``best_margin`` (a best-link step
   for sparse records such as obituaries).

No join ever makes a cluster that breaks a hard constraint, and there are only two kinds:
two records of one deduplicated list (the publisher declares each row a different person:
``same_list``) and a reviewer's cannot-link (``cannot_link``). Everything else that speaks
against a pair (another sex, another service number, a typo in either) is evidence in the
pair's weight, not a veto: a clerk's slip in a service number must not split a soldier in
two. Pairs a constraint blocked that were otherwise strong are reported, for the review
queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from musterroll.linkage.settings import Thresholds

__all__ = ["ClusterInput", "Clustering", "cluster_records"]


@dataclass
class ClusterInput:
    """What clustering needs of each record and pair (arrays aligned by record)."""

    record_ids: np.ndarray  # int64, unique
    dedup_source: np.ndarray  # object: source name when the list is deduplicated, else None
    edges: pd.DataFrame  # unique_id_l, unique_id_r, match_weight
    must_link: list[tuple[int, int]] = field(default_factory=list)
    cannot_link: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Clustering:
    """The result: a cluster label per record and the joins a constraint refused."""

    labels: np.ndarray  # int64 cluster label per record (aligned with record_ids)
    refused: pd.DataFrame  # unique_id_l, unique_id_r, match_weight, reason


class _Clusters:
    """Union-find over records, each root holding its cluster's constraint attributes."""

    def __init__(self, data: ClusterInput) -> None:
        n = len(data.record_ids)
        self.parent = np.arange(n)
        self.size = np.ones(n, dtype=np.int64)
        self.sources: list[frozenset[str]] = [
            frozenset([s]) if isinstance(s, str) else frozenset() for s in data.dedup_source
        ]
        self.members: list[list[int]] = [[i] for i in range(n)]
        self.cannot: dict[int, set[int]] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression
            parent[i], i = root, parent[i]
        return int(root)

    def roots(self) -> np.ndarray:
        """The root of every record, vectorised (pointer jumping until it settles)."""
        parent = self.parent
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent.copy()
            parent[:] = grand

    def conflict(self, a: int, b: int) -> str | None:
        """Why roots `a` and `b` may not join, or None when they may."""
        if self.sources[a] & self.sources[b]:
            return "same_list"
        if self.cannot:
            small, big = (a, b) if self.size[a] <= self.size[b] else (b, a)
            big_members = set(self.members[big])
            for i in self.members[small]:
                if self.cannot.get(i, set()) & big_members:
                    return "cannot_link"
        return None

    def union(self, a: int, b: int) -> int:
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.sources[a] = self.sources[a] | self.sources[b]
        self.members[a].extend(self.members[b])
        self.members[b] = []
        return a


def _index_pairs(ids: np.ndarray, pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    position = {int(r): i for i, r in enumerate(ids.tolist())}
    return [
        (position[a], position[b]) for a, b in pairs if a in position and b in position
    ]


def _edge_positions(data: ClusterInput) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.argsort(data.record_ids, kind="stable")
    sorted_ids = data.record_ids[order]
    left = order[np.searchsorted(sorted_ids, data.edges["unique_id_l"].to_numpy())]
    right = order[np.searchsorted(sorted_ids, data.edges["unique_id_r"].to_numpy())]
    return left, right, data.edges["match_weight"].to_numpy(dtype=np.float64)


def _clean_components(
    clusters: _Clusters, left: np.ndarray, right: np.ndarray, decided: np.ndarray
) -> np.ndarray:
    """Mark records whose strong-link component breaks no constraint and holds no decision.

    Such a component ends as one cluster whatever the order of its links, so it is joined
    at once; the others go through the greedy, strongest-first loop.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(clusters.parent)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    frame = pd.DataFrame({"c": component,
                          "source": [next(iter(x), None) for x in clusters.sources]})
    bad = pd.Series(decided, index=frame.index).groupby(frame["c"]).any()
    sources = frame.dropna(subset=["source"])
    bad |= sources.duplicated(["c", "source"]).groupby(sources["c"]).any().reindex(
        bad.index, fill_value=False)
    return ~bad.to_numpy()[component]


def _strong_pass(
    clusters: _Clusters, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
    strong: float, refused: list[tuple[int, int, float, str]], decided: np.ndarray,
) -> None:
    """Join clusters along pairs at or above `strong`, strongest first.

    Components of strong links that break no constraint are joined at once (most of
    them); the rest link by link, so that a conflict keeps the strongest links.
    """
    chosen = np.flatnonzero(weight >= strong)
    clean = _clean_components(clusters, left[chosen], right[chosen], decided)
    easy = chosen[clean[left[chosen]]]
    for k in easy.tolist():
        a, b = clusters.find(int(left[k])), clusters.find(int(right[k]))
        if a != b:
            clusters.union(a, b)
    chosen = chosen[~clean[left[chosen]]]
    chosen = chosen[np.argsort(-weight[chosen], kind="stable")]
    for k in chosen.tolist():
        a, b = clusters.find(int(left[k])), clusters.find(int(right[k]))
        if a == b:
            continue
        reason = clusters.conflict(a, b)
        if reason is None:
            clusters.union(a, b)
        else:
            refused.append((int(left[k]), int(right[k]), float(weight[k]), reason))


def _average_pass(
    clusters: _Clusters, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
    thresholds: Thresholds,
) -> int:
    """Join pairs of clusters whose average link reaches the threshold; return joins."""
    roots = clusters.roots()
    roots_l, roots_r = roots[left], roots[right]
    across = roots_l != roots_r
    if not across.any():
        return 0
    a = np.minimum(roots_l[across], roots_r[across])
    b = np.maximum(roots_l[across], roots_r[across])
    links = pd.DataFrame({"a": a, "b": b, "w": weight[across]})
    grouped = links.groupby(["a", "b"], sort=False)["w"].agg(["sum", "count"]).reset_index()
    pairs = clusters.size[grouped["a"].to_numpy()] * clusters.size[grouped["b"].to_numpy()]
    average = (grouped["sum"] + (pairs - grouped["count"]) * thresholds.absent) / pairs
    grouped["average"] = average
    grouped = grouped[grouped["average"] >= thresholds.average]
    joins = 0
    ordered = grouped.sort_values("average", ascending=False)
    for a_root, b_root in zip(ordered["a"].tolist(), ordered["b"].tolist(), strict=True):
        ra, rb = clusters.find(a_root), clusters.find(b_root)
        # Only the clusters the average was computed for; a cluster that has grown this
        # round is looked at again next round.
        if ra != a_root or rb != b_root or clusters.conflict(ra, rb) is not None:
            continue
        clusters.union(ra, rb)
        joins += 1
    return joins


def _best_link_pass(
    clusters: _Clusters, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
    thresholds: Thresholds,
) -> int:
    """Join records still alone to their best candidate when it is clearly the best.

    A sparse record (an obituary: name, birth year) scores low against its person's
    records, yet when one candidate cluster stands out by ``best_margin`` over any other
    and reaches ``best_link``, it is that person far more often than not.
    """
    both_l = np.concatenate([left, right])
    both_r = np.concatenate([right, left])
    both_w = np.concatenate([weight, weight])
    roots = clusters.roots()
    roots_l = roots[both_l]
    alone = clusters.size[roots_l] == 1
    if not alone.any():
        return 0
    roots_r = roots[both_r[alone]]
    links = pd.DataFrame({"s": both_l[alone], "o": roots_r, "w": both_w[alone]})
    links = links.groupby(["s", "o"], sort=False)["w"].max().reset_index()
    links = links.sort_values(["s", "w"], ascending=[True, False])
    rank = links.groupby("s").cumcount()
    best = links[rank == 0].set_index("s")
    second = links[rank == 1].set_index("s")["w"].reindex(best.index).fillna(-np.inf)
    clear = (best["w"] >= thresholds.best_link) & (best["w"] - second >= thresholds.best_margin)
    # Two lone records join only when each is the other's clear best.
    choice = dict(zip(best.index[clear].tolist(), best["o"][clear].tolist(), strict=True))
    weight_of = dict(zip(best.index[clear].tolist(), best["w"][clear].tolist(), strict=True))
    joins = 0
    for s, o in choice.items():
        a, b = clusters.find(int(s)), clusters.find(int(o))
        # Two lone records are two people unless the odds are for one: only a record
        # joining a person of several records may do so on a weight below even odds.
        if clusters.size[b] == 1 and (choice.get(b) != a
                                      or weight_of[s] < thresholds.best_link_pair):
            continue
        if a != b and clusters.size[a] == 1 and clusters.conflict(a, b) is None:
            clusters.union(a, b)
            joins += 1
    return joins


def cluster_records(data: ClusterInput, thresholds: Thresholds, *, rounds: int = 4
                    ) -> Clustering:
    """Cluster records into persons from scored pairs, decisions and constraints.

    Args:
        data: records, kept pairs (weights are Splink match weights) and decisions;
            decisions naming records not in `data` are ignored.
        thresholds: the strong, average and absent weights.
        rounds: at most this many rounds of average-link joins.
    Returns:
        A label per record (the position of its cluster's root) and the refused joins.
    """
    clusters = _Clusters(data)
    decided = np.zeros(len(data.record_ids), dtype=bool)
    for pairs in (data.must_link, data.cannot_link):
        for a, b in _index_pairs(data.record_ids, pairs):
            decided[a] = decided[b] = True
    for a, b in _index_pairs(data.record_ids, data.cannot_link):
        clusters.cannot.setdefault(a, set()).add(b)
        clusters.cannot.setdefault(b, set()).add(a)
    for a, b in _index_pairs(data.record_ids, data.must_link):
        ra, rb = clusters.find(a), clusters.find(b)
        if ra != rb:
            clusters.union(ra, rb)  # a reviewer's decision outranks the constraints
    left, right, weight = _edge_positions(data)
    refused: list[tuple[int, int, float, str]] = []
    _strong_pass(clusters, left, right, weight, thresholds.strong, refused, decided)
    keep = (weight >= thresholds.keep) & (weight < thresholds.strong)
    for _ in range(rounds):
        if not _average_pass(clusters, left[keep], right[keep], weight[keep], thresholds):
            break
    _best_link_pass(clusters, left, right, weight, thresholds)
    labels = clusters.roots()
    ids = data.record_ids
    refused_frame = pd.DataFrame(
        [(int(ids[a]), int(ids[b]), w, r) for a, b, w, r in refused],
        columns=["unique_id_l", "unique_id_r", "match_weight", "reason"],
    )
    return Clustering(labels=labels, refused=refused_frame)
