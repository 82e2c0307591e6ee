"""Which pairs and which whole persons (clusters) a run sends to review, most informative first.

Pure data in, data out (no database): ``musterroll.linkage.review`` stores and serves it.

A **pair item** is a pair near the weight at which clusters join (``Thresholds.strong``),
whichever side it fell (the band ``review_low`` .. ``review_high``), or a strong pair a
hard constraint kept apart (one deduplicated list, a reviewer's cannot-link). Priority is the
uncertainty ``1 - |2p - 1|`` of the pair's probability p of being one person measured from
the join threshold (1 for a coin toss, 0 for a sure answer); pairs a constraint refused
rank above all (priority 1 + their weight's share of the strongest refused weight).

A **cluster item** is a person of three or more records whose membership rests on weak
links, reviewed as one: its records, the scored pairs between them, and one decision
(same person, or a split into groups) instead of many pair decisions that may contradict
each other. Two cases:

- *weak link*: the person holds together only through a link below ``review_high``. The
  weakest link that must hold is the bottleneck of the maximum spanning tree of the
  person's kept pairs (a reviewer's must-link counts as unbreakable): a chain of two strong
  parts joined by one weak bridge, or records held only by links inside the band. Its
  priority is that of its most uncertain pair (the bottleneck counted at least at
  ``review_low``: a join below the band rests on a cluster rule, not on the pair);
- *constraint*: persons that a strong pair would have joined but a constraint refused
  (one deduplicated list, a reviewer's cannot-link) go to review together, as one item of all
  their records, ranked like the refused pair (above every weak item).

An item's ``match_weight`` is its weakest deciding weight (the bottleneck, or the weakest
of the refused joins and the persons' own bottlenecks); its deciding pair is kept in
record_id_l / record_id_r. Pairs inside a cluster item leave the pair list (the cluster
item covers them); an item larger than ``max_records`` stays as pairs. Pairs already
decided (any decision) are left out, and so are clusters whose deciding pair is decided
(an "unsure" on a cluster marks all its pairs unsure).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from musterroll.linkage.settings import Thresholds

__all__ = ["CONSTRAINT_REASONS", "QUEUE_COLUMNS", "build_queue", "describe_reason"]

# The only hard constraints (musterroll.linkage.cluster), as a reviewer reads them.
CONSTRAINT_REASONS = {
    "same_list": "both on one list, which its publisher declares holds each person once",
    "cannot_link": "a reviewer decided these are different people",
}


def describe_reason(reason: str) -> str:
    """A review item's reason in words: which hard constraint kept a strong pair apart."""
    if reason.startswith("constraint:"):
        why = reason.removeprefix("constraint:")
        return f"kept apart: {CONSTRAINT_REASONS.get(why, why)}"
    return reason.replace("_", " ")

QUEUE_COLUMNS: list[str] = [
    "kind", "record_id_l", "record_id_r", "match_weight", "priority", "reason",
    "records", "pairs",
]  # fmt: skip


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    low = np.minimum(frame["unique_id_l"], frame["unique_id_r"])
    high = np.maximum(frame["unique_id_l"], frame["unique_id_r"])
    return frame.assign(record_id_l=low.astype("int64"), record_id_r=high.astype("int64"))


def _uncertainty(weight: pd.Series | np.ndarray, thresholds: Thresholds) -> np.ndarray:
    p = 1.0 / (1.0 + np.exp2(-(np.asarray(weight, dtype=float) - thresholds.strong)))
    return np.asarray(1.0 - np.abs(2.0 * p - 1.0))


def _positions(position: pd.Series, values: pd.Series) -> np.ndarray:
    """Positions of record ids (-1 for an id not among the records)."""
    found = position.reindex(values.to_numpy()).to_numpy()
    return np.where(np.isnan(found), -1, found).astype(np.int64)


def _lookup(per_record: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """`per_record` at `positions`, -1 where the position is -1."""
    return np.where(positions >= 0, per_record[np.maximum(positions, 0)], -1)


def _decided_keys(decided: pd.DataFrame) -> set[tuple[int, int]]:
    return set(zip(decided["record_id_l"].astype("int64").tolist(),
                   decided["record_id_r"].astype("int64").tolist(), strict=True))


def _pair_items(edges: pd.DataFrame, refused: pd.DataFrame, thresholds: Thresholds,
                top_refused: float) -> pd.DataFrame:
    band = edges[(edges["match_weight"] >= thresholds.review_low)
                 & (edges["match_weight"] < thresholds.review_high)]
    band = _ordered(band)
    items = [band.assign(priority=_uncertainty(band["match_weight"], thresholds),
                         reason="uncertain_link")]
    if len(refused):
        strong = _ordered(refused)
        items.append(strong.assign(priority=1.0 + strong["match_weight"] / top_refused,
                                   reason="constraint:" + strong["reason"]))
    queue = pd.concat(items, ignore_index=True)
    queue = queue.sort_values("priority", ascending=False, kind="stable")
    queue = queue.drop_duplicates(["record_id_l", "record_id_r"])
    return queue[["record_id_l", "record_id_r", "match_weight", "priority", "reason"]].assign(
        kind="pair", records=None, pairs=None)


def _first_of_runs(keys: np.ndarray) -> np.ndarray:
    """True at the first of each run of equal values in sorted `keys`."""
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return first


def _bottlenecks(i: np.ndarray, j: np.ndarray, w: np.ndarray, c: np.ndarray, n: int
                 ) -> pd.DataFrame:
    """Per cluster, the weakest link of its maximum spanning tree and that link's pair.

    Args:
        i, j, w, c: intra-cluster pairs (record positions i < j), weights, clusters; a pair
            given twice (a must-link on a scored pair) counts with its stronger weight.
        n: number of records.
    Returns:
        Indexed by cluster: w (bottleneck weight), i, j (its pair's positions).
    """
    key = i.astype(np.int64) * n + j
    order = np.lexsort((-w, key))  # by pair, strongest first
    key, w, c = key[order], w[order], c[order]
    first = _first_of_runs(key)
    key, w, c = key[first], w[first], c[first]
    # A person of two records holds by its one pair; larger ones by their spanning tree.
    pairs_of = np.bincount(c)
    parts = [key[pairs_of[c] == 1]]
    big = pairs_of[c] > 1
    if big.any():
        # A maximum spanning tree is a minimum one on (top + 1 - w): every cost positive,
        # as scipy reads a zero as no edge; nodes renumbered to the records involved.
        nodes, compact = np.unique(np.concatenate([key[big] // n, key[big] % n]),
                                   return_inverse=True)
        m = int(big.sum())
        cost = float(w[big].max()) + 1.0 - w[big]
        graph = coo_matrix((cost, (compact[:m], compact[m:])), shape=(len(nodes), len(nodes)))
        tree = minimum_spanning_tree(graph.tocsr()).tocoo()
        low, high = nodes[np.minimum(tree.row, tree.col)], nodes[np.maximum(tree.row, tree.col)]
        parts.append(low.astype(np.int64) * n + high)
    chosen = np.sort(np.concatenate(parts))
    at = np.searchsorted(key, chosen)
    tw, tc = w[at], c[at]
    order = np.lexsort((tw, tc))  # by cluster, weakest first
    chosen, tw, tc = chosen[order], tw[order], tc[order]
    first = _first_of_runs(tc)
    return pd.DataFrame({"w": tw[first], "i": chosen[first] // n, "j": chosen[first] % n},
                        index=tc[first])


def _person_links(e: pd.DataFrame, decided: pd.DataFrame, position: pd.Series,
                  cluster: np.ndarray, thresholds: Thresholds) -> pd.DataFrame:
    """Kept pairs inside one cluster (i < j positions, w, c), must-links as unbreakable."""
    i, j = _positions(position, e["record_id_l"]), _positions(position, e["record_id_r"])
    w = e["match_weight"].to_numpy(dtype=float)
    same = decided[decided["decision"] == "same"]
    si = _positions(position, same["record_id_l"].astype("int64"))
    sj = _positions(position, same["record_id_r"].astype("int64"))
    unbreakable = max(float(w.max()) if len(w) else 0.0, thresholds.review_high) + 1.0
    i, j = np.concatenate([i, si]), np.concatenate([j, sj])
    w = np.concatenate([w, np.full(len(si), unbreakable)])
    ok = (i >= 0) & (j >= 0)
    i, j, w = i[ok], j[ok], w[ok]
    inside = cluster[i] == cluster[j]
    lo, hi = np.minimum(i[inside], j[inside]), np.maximum(i[inside], j[inside])
    return pd.DataFrame({"i": lo, "j": hi, "w": w[inside], "c": cluster[lo]})


def _refused_components(
    refused: pd.DataFrame, known: set[tuple[int, int]], position: pd.Series,
    cluster: np.ndarray,
) -> tuple[dict[int, int], dict[int, list[tuple[float, str, int, int]]]]:
    """Clusters a constraint kept apart, grouped: cluster -> item, item -> refused joins."""
    groups: dict[int, int] = {}
    item_refused: dict[int, list[tuple[float, str, int, int]]] = {}
    if not len(refused):
        return groups, item_refused
    r = _ordered(refused)
    r = r[r["reason"] != "cannot_link"]  # a reviewer already said so
    r = r[np.array([(a, b) not in known for a, b in
                    zip(r["record_id_l"].tolist(), r["record_id_r"].tolist(), strict=True)],
                   dtype=bool)]
    if not len(r):
        return groups, item_refused
    ca = cluster[_positions(position, r["record_id_l"])]
    cb = cluster[_positions(position, r["record_id_r"])]
    nodes, compact = np.unique(np.concatenate([ca, cb]), return_inverse=True)
    graph = coo_matrix((np.ones(len(r)), (compact[: len(r)], compact[len(r):])),
                       shape=(len(nodes), len(nodes)))
    _, component = connected_components(graph, directed=False)
    groups = dict(zip(nodes.tolist(), component.tolist(), strict=True))
    for k, (w, why, a, b) in enumerate(zip(
            r["match_weight"].tolist(), r["reason"].tolist(),
            r["record_id_l"].tolist(), r["record_id_r"].tolist(), strict=True)):
        item_refused.setdefault(int(component[compact[k]]), []).append(
            (float(w), str(why), int(a), int(b)))
    return groups, item_refused


def _pairs_by_item(e: pd.DataFrame, item_of_l: np.ndarray, item_of_r: np.ndarray
                   ) -> dict[int, list[tuple[int, int, float]]]:
    """The kept pairs inside each item, as (l, r, weight)."""
    inside = np.flatnonzero((item_of_l == item_of_r) & (item_of_l >= 0))
    inside = inside[np.argsort(item_of_l[inside], kind="stable")]
    items = item_of_l[inside]
    left = e["record_id_l"].to_numpy()[inside].tolist()
    right = e["record_id_r"].to_numpy()[inside].tolist()
    weight = e["match_weight"].to_numpy(dtype=float)[inside].tolist()
    starts = np.flatnonzero(_first_of_runs(items)).tolist()
    ends = [*starts[1:], len(items)] if starts else []
    return {int(items[s]): list(zip(left[s:t], right[s:t], weight[s:t], strict=True))
            for s, t in zip(starts, ends, strict=True)}


def _cluster_items(
    edges: pd.DataFrame, refused: pd.DataFrame, decided: pd.DataFrame,
    record_ids: np.ndarray, labels: np.ndarray, thresholds: Thresholds, *,
    max_records: int, top_refused: float,
) -> pd.DataFrame:
    ids = np.asarray(record_ids, dtype=np.int64)
    position = pd.Series(np.arange(len(ids)), index=ids)
    _, cluster = np.unique(np.asarray(labels), return_inverse=True)
    sizes = np.bincount(cluster)
    empty = pd.DataFrame(columns=QUEUE_COLUMNS)
    known = _decided_keys(decided)
    e = _ordered(edges)
    links = _person_links(e, decided, position, cluster, thresholds)
    if links.empty:
        return empty
    neck = _bottlenecks(links["i"].to_numpy(), links["j"].to_numpy(), links["w"].to_numpy(),
                        links["c"].to_numpy(), len(ids))
    ends = ids[neck["i"].to_numpy()], ids[neck["j"].to_numpy()]
    neck = neck.assign(l=np.minimum(*ends), r=np.maximum(*ends))
    weak = neck[(neck["w"] < thresholds.review_high) & (sizes[neck.index.to_numpy()] >= 3)]
    if known:
        weak = weak[np.array([(a, b) not in known for a, b in
                              zip(weak["l"].tolist(), weak["r"].tolist(), strict=True)],
                             dtype=bool)]
    groups, item_refused = _refused_components(refused, known, position, cluster)
    offset = max(groups.values(), default=-1) + 1
    for k, c in enumerate(weak.index.tolist()):
        groups.setdefault(int(c), offset + k)
    if not groups:
        return empty

    # Each record's item (or -1); items too small or too large stay pairs.
    item_of_cluster = np.full(len(sizes), -1, dtype=np.int64)
    item_of_cluster[list(groups)] = list(groups.values())
    item_of = item_of_cluster[cluster]
    counts = np.bincount(item_of[item_of >= 0])
    item_of[(item_of >= 0) & ~np.isin(item_of, np.flatnonzero(
        (counts >= 3) & (counts <= max_records)))] = -1
    chosen = np.flatnonzero(item_of >= 0)
    chosen = chosen[np.lexsort((ids[chosen], item_of[chosen]))]
    records_by_item: dict[int, tuple[int, ...]] = {}
    for item, record in zip(item_of[chosen].tolist(), ids[chosen].tolist(), strict=True):
        records_by_item[item] = (*records_by_item.get(item, ()), record)
    pairs_by_item = _pairs_by_item(e, _lookup(item_of, _positions(position, e["record_id_l"])),
                                   _lookup(item_of, _positions(position, e["record_id_r"])))
    needed = neck.loc[neck.index.isin(list(groups))]
    necks: dict[int, tuple[float, int, int]] = {
        int(c): (float(w), int(a), int(b)) for c, w, a, b in
        zip(needed.index, needed["w"], needed["l"], needed["r"], strict=True)}
    clusters_by_item: dict[int, list[int]] = {}
    for c, number in groups.items():
        clusters_by_item.setdefault(number, []).append(c)
    rows = []
    for item, records in records_by_item.items():
        pairs = pairs_by_item.get(item, [])
        # Weakest deciding link: refused joins and the persons' own bottlenecks.
        # (On a tie the refused join is the deciding pair.)
        deciding = [(w, 0, a, b) for w, _why, a, b in item_refused.get(item, [])]
        deciding += [(necks[c][0], 1, necks[c][1], necks[c][2])
                     for c in clusters_by_item[item] if c in necks]
        weight, _rank, left, right = min(deciding)
        if item in item_refused:
            top = max(item_refused[item])
            priority = 1.0 + top[0] / top_refused
            reason = f"constraint:{top[1]}"
        else:
            band = [w for _l, _r, w in pairs
                    if thresholds.review_low <= w < thresholds.review_high]
            floor = max(weight, thresholds.review_low)
            priority = float(_uncertainty(np.array([floor, *band]), thresholds).max())
            reason = "weak_link"
        rows.append({"kind": "cluster", "record_id_l": left, "record_id_r": right,
                     "match_weight": weight, "priority": priority, "reason": reason,
                     "records": records, "pairs": pairs})
    return pd.DataFrame(rows, columns=QUEUE_COLUMNS)


def build_queue(
    edges: pd.DataFrame, refused: pd.DataFrame, decided: pd.DataFrame,
    thresholds: Thresholds, *, record_ids: np.ndarray | None = None,
    labels: np.ndarray | None = None, limit: int = 5000, max_records: int = 20,
) -> pd.DataFrame:
    """Return the review items of a run, most informative first.

    Args:
        edges: kept pairs (unique_id_l, unique_id_r, match_weight).
        refused: joins a constraint refused (same columns and ``reason``).
        decided: binding decisions (record_id_l, record_id_r, decision); decided pairs
            are left out, and "same" pairs hold a cluster together unbreakably.
        thresholds: ``review_low`` / ``review_high`` bound the uncertain band and
            ``strong`` is its centre.
        record_ids, labels: every record and its cluster label (``Clustering.labels``);
            without them only pair items are made.
        limit: at most this many items.
        max_records: a cluster item holds at most this many records (larger ones stay
            as pair items).
    Returns:
        Columns ``QUEUE_COLUMNS``: kind ("pair" or "cluster"), record_id_l, record_id_r
        (l < r; a cluster's deciding pair), match_weight, priority, reason, records (a
        cluster's record ids, sorted; None for a pair) and pairs (a cluster's kept pairs
        as (l, r, weight); None for a pair).
    """
    top_refused = max(float(refused["match_weight"].max()), 1.0) if len(refused) else 1.0
    queue = _pair_items(edges, refused, thresholds, top_refused)
    if record_ids is not None and labels is not None:
        clusters = _cluster_items(edges, refused, decided, record_ids, labels, thresholds,
                                  max_records=max_records, top_refused=top_refused)
        if len(clusters):
            covered = {(a, b) for _i, records in clusters["records"].items()
                       for a in records for b in records if a < b}
            keys = zip(queue["record_id_l"].tolist(), queue["record_id_r"].tolist(),
                       strict=True)
            queue = queue[np.array([k not in covered for k in keys], dtype=bool)]
            queue = pd.concat([clusters, queue[QUEUE_COLUMNS]], ignore_index=True)
    if len(decided):
        known = _decided_keys(decided)
        keys = zip(queue["record_id_l"].tolist(), queue["record_id_r"].tolist(), strict=True)
        is_pair = (queue["kind"] == "pair").to_numpy()
        queue = queue[~(is_pair & np.array([k in known for k in keys], dtype=bool))]
    queue = queue.sort_values(["priority", "kind"], ascending=[False, True], kind="stable")
    return queue[QUEUE_COLUMNS].head(limit).reset_index(drop=True)
