"""Stable person ids: kept where records stay together; merges, splits, retired ids."""

from __future__ import annotations

import numpy as np
import pandas as pd

from musterroll.linkage.ids import assign_person_ids


def _previous(pairs: dict[int, int]) -> pd.DataFrame:
    return pd.DataFrame({"record_id": list(pairs), "person_id": list(pairs.values())})


def test_a_first_run_gives_fresh_ids_from_next_id() -> None:
    result = assign_person_ids(np.array([1, 2, 3]), np.array([0, 0, 5]), _previous({}),
                               next_id=100)
    assert result.person_ids.tolist() == [100, 100, 101]
    assert result.new_ids == [100, 101]


def test_a_person_keeps_its_id_when_records_are_added() -> None:
    previous = _previous({1: 7, 2: 7, 3: 8})
    result = assign_person_ids(np.array([1, 2, 3, 4]), np.array([0, 0, 1, 0]), previous,
                               next_id=9)
    assert result.person_ids.tolist() == [7, 7, 8, 7]
    assert result.new_ids == [] and result.merges == [] and result.splits == []


def test_a_merge_keeps_the_bigger_persons_id_and_retires_the_other() -> None:
    previous = _previous({1: 7, 2: 7, 3: 8})
    result = assign_person_ids(np.array([1, 2, 3]), np.array([0, 0, 0]), previous, next_id=9)
    assert result.person_ids.tolist() == [7, 7, 7]
    assert result.retired_ids == [8]
    assert result.merges == [{"person_id": 7, "from": [7, 8]}]


def test_a_split_keeps_the_id_where_most_records_stay() -> None:
    previous = _previous({1: 7, 2: 7, 3: 7})
    result = assign_person_ids(np.array([1, 2, 3]), np.array([0, 0, 1]), previous, next_id=9)
    assert result.person_ids.tolist() == [7, 7, 9]
    assert result.splits == [{"person_id": 7, "into": [7, 9]}]
