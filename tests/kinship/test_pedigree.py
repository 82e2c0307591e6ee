"""Pedigrees: founders, sexes, and loops refused with a message that names them."""

from __future__ import annotations

import pytest

from musterroll.kinship.pedigree import Pedigree, PedigreeError


def test_founders_have_no_parents_and_nuclear_families_gather_siblings() -> None:
    ped = Pedigree.from_columns(["FA", "MO", "A", "B"], ["0", "0", "FA", "FA"],
                                ["0", "0", "MO", "MO"], [1, 2, 1, 2])
    assert ped.is_founder(0) and not ped.is_founder(2)
    assert len(ped.families) == 1 and ped.families[0].children == (2, 3)


def test_a_female_father_is_refused_naming_the_child() -> None:
    with pytest.raises(PedigreeError, match="father of 'A'"):
        Pedigree.from_columns(["F", "M", "A"], ["0", "0", "F"], ["0", "0", "M"], [2, 2, 1])


def test_an_unknown_parent_is_refused_naming_it() -> None:
    with pytest.raises(PedigreeError, match="'X'"):
        Pedigree.from_columns(["M", "A"], ["0", "X"], ["0", "M"], [2, 1])


def test_a_marriage_of_half_siblings_is_a_loop_broken_at_one_member() -> None:
    ped = Pedigree.from_mapping(dict(
        id=["F", "M1", "M2", "S", "D", "C"],
        fid=["0", "0", "0", "F", "F", "S"],
        mid=["0", "0", "0", "M1", "M2", "D"],
        sex=[1, 2, 2, 1, 2, 1],
    ))
    assert ped.has_loops
    breakers = ped.loop_breakers()
    assert len(breakers) == 1
    split = ped
    for b in breakers:
        split = split.split(b)
    assert not split.has_loops and split.size == ped.size + 1


def test_someone_who_is_their_own_ancestor_is_refused() -> None:
    with pytest.raises(PedigreeError, match="own ancestor"):
        Pedigree.from_columns(["A", "B", "M"], ["B", "A", "0"], ["M", "M", "0"], [1, 1, 2])


def test_rows_or_columns_give_the_same_pedigree() -> None:
    rows = [{"id": "A", "fid": "0", "mid": "0", "sex": 1},
            {"id": "B", "fid": "0", "mid": "0", "sex": 2}]
    assert Pedigree.from_mapping(rows) == Pedigree.from_columns(["A", "B"], ["0", "0"],
                                                                ["0", "0"], [1, 2])
