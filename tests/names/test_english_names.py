"""English given names and nicknames from the `nicknames` package (issue 14)."""

from __future__ import annotations

import pandas as pd

from musterroll.names import compare, name_keys_frame, resolve_given_group
from musterroll.names.given_names import group_by_id
from musterroll.names.report import compare_names


def test_english_nicknames_are_equivalent_to_their_full_names() -> None:
    for a, b in (("Charlie", "Charles"), ("Bill", "William"), ("Peggy", "Margaret"),
                 ("Bob", "Robert"), ("Jim", "James"), ("Ted", "Edward")):
        assert compare(a, b, "given").level == "equivalent", (a, b)
        assert compare(a, b).level == "equivalent", (a, b)  # kind guessed: both given


def test_a_nickname_meets_the_ukrainian_form_of_its_full_name() -> None:
    # Margaret is a Western form of Маргарита in the project's table; Peggy is Margaret.
    assert compare("Peggy", "Маргарита", "given").level == "equivalent"
    assert resolve_given_group("Peggy")[0] == resolve_given_group("Маргарита")[0]


def test_an_english_name_the_table_lacks_makes_its_own_group() -> None:
    group, alt = resolve_given_group("Richard")
    assert group == "en:richard" and group_by_id()[group].sex is None
    assert "dick" in group_by_id()[group].latin
    assert compare("Dick", "Richard", "given").level == "equivalent"


def test_a_nickname_of_many_names_stands_for_none_of_them() -> None:
    # Al is a nickname of Albert, Alfred, Alan, Alexander... in the table.
    assert resolve_given_group("Al") == (None, None)
    assert compare("Al", "Alfred", "given").level not in ("exact", "equivalent")


def test_different_english_names_stay_apart() -> None:
    for a, b in (("Kate", "Peggy"), ("John", "Jim"), ("Charles", "Charlotte"),
                 ("Jim", "Tim"), ("Sam", "Pam")):
        assert compare(a, b, "given").level in ("fuzzy", "different"), (a, b)


def test_latin_full_names_are_grouped_for_linkage() -> None:
    keys = name_keys_frame(pd.DataFrame({
        "surname": ["Smith", "Smith"], "given_name": ["Bill", "William"],
        "patronymic": [None, None]}))
    assert {keys.loc[0, "given_group"], keys.loc[0, "given_group_alt"]} & {
        keys.loc[1, "given_group"], keys.loc[1, "given_group_alt"]}
    assert compare_names("Peggy Smith", "Margaret Smith")["level"] == "equivalent"
