"""Stable person ids: a re-link keeps each person's id wherever its records mostly stay.

Families and caseworkers hold person ids as case numbers, so a new run must not renumber
everyone. Given the previous membership (record -> person id) and the new clusters:

1. each previous person goes to the new cluster that holds most of its records (ties:
   the lowest cluster label);
2. each new cluster keeps the id of the previous person, among those that went to it,
   with most records in it (ties: the lowest id);
3. clusters with no previous person get fresh ids, above every id ever given.

A previous person whose records now lie in several clusters was *split*; a cluster with
records of several previous persons is a *merge*; a previous id no cluster kept is
*retired* (never reused). These events are returned for the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["IdAssignment", "assign_person_ids"]


@dataclass
class IdAssignment:
    """Person id per record, and what changed since the previous run."""

    person_ids: np.ndarray  # int64 per record, aligned with the labels given
    new_ids: list[int] = field(default_factory=list)
    retired_ids: list[int] = field(default_factory=list)
    merges: list[dict[str, object]] = field(default_factory=list)  # {"person_id", "from"}
    splits: list[dict[str, object]] = field(default_factory=list)  # {"person_id", "into"}


def _keepers(overlap: pd.DataFrame) -> pd.Series:
    """Map cluster label -> previous person id it keeps (see the module's rules)."""
    by_person = overlap.sort_values(["old", "n", "label"], ascending=[True, False, True])
    best = by_person.drop_duplicates("old")  # each old person's main cluster
    best = best.sort_values(["label", "n", "old"], ascending=[True, False, True])
    chosen = best.drop_duplicates("label")
    return pd.Series(chosen["old"].to_numpy(), index=chosen["label"].to_numpy())


def assign_person_ids(
    record_ids: np.ndarray, labels: np.ndarray, previous: pd.DataFrame, *, next_id: int
) -> IdAssignment:
    """Give each cluster a person id, keeping previous ids where records stay together.

    Args:
        record_ids: the records linked now (int64).
        labels: their cluster labels (any integers; equal label, same person).
        previous: the previous membership, columns record_id and person_id (empty on a
            first run); records no longer present are ignored.
        next_id: the smallest id never given yet.
    Returns:
        The assignment, with new, retired, merged and split ids.
    """
    now = pd.DataFrame({"record_id": record_ids, "label": labels})
    joined = now.merge(previous.rename(columns={"person_id": "old"}), on="record_id",
                       how="left")
    known = joined.dropna(subset=["old"]).astype({"old": "int64"})
    overlap = known.groupby(["label", "old"]).size().rename("n").reset_index()
    keep = _keepers(overlap) if len(overlap) else pd.Series(dtype="int64")
    unique_labels = np.unique(labels)
    fresh = [label for label in unique_labels.tolist() if label not in keep.index]
    ids = pd.concat([
        keep,
        pd.Series(np.arange(next_id, next_id + len(fresh), dtype=np.int64), index=fresh),
    ])
    person_ids = ids.reindex(labels).to_numpy(dtype=np.int64)
    result = IdAssignment(person_ids=person_ids, new_ids=ids.loc[fresh].tolist())
    old_ids = set(previous["person_id"].tolist())
    result.retired_ids = sorted(old_ids - set(keep.tolist()))
    for label, group in overlap.groupby("label"):
        if len(group) > 1:
            result.merges.append({"person_id": int(ids[label]),
                                  "from": sorted(int(x) for x in group["old"])})
    label_to_id = {int(k): int(v) for k, v in ids.items()}
    for old, group in overlap.groupby("old"):
        if len(group) > 1:
            into = sorted(label_to_id[int(label)] for label in group["label"])
            result.splits.append({"person_id": int(str(old)), "into": into})
    return result
