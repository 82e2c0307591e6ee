"""Dirt is small and of the kinds real lists have."""

from __future__ import annotations

import numpy as np

from musterroll.simulate import dirt


def test_a_typo_changes_one_spot_and_keeps_the_first_letter() -> None:
    for op in range(5):
        out = dirt.typo("Коваленко", op, 0.5, 0.3)
        assert out != "Коваленко" and out[0] == "К"
        assert abs(len(out) - len("Коваленко")) <= 1


def test_lookalikes_put_latin_letters_in_cyrillic_words() -> None:
    column = np.array(["Коваленко"] * 50, dtype=object)
    dirt.add_lookalikes(np.random.default_rng(1), column, 1.0)
    assert all(any("a" <= ch.lower() <= "z" for ch in w) for w in column)


def test_impossible_dates_keep_the_year() -> None:
    column = np.array(["15.06.1990"] * 100, dtype=object)
    rows = dirt.impossible_dates(np.random.default_rng(2), column, 0.5)
    assert 20 < len(rows) < 80
    assert all(column[r].endswith(".1990") and column[r] != "15.06.1990" for r in rows)


def test_swapped_columns_exchange_values_row_by_row() -> None:
    surname = np.array(["Коваленко"] * 200, dtype=object)
    given = np.array(["Олександр"] * 200, dtype=object)
    dirt.swap_columns(np.random.default_rng(3), surname, given, 0.1)
    swapped = surname == "Олександр"
    assert 5 < swapped.sum() < 40
    assert (given[swapped] == "Коваленко").all() and (given[~swapped] == "Олександр").all()


def test_sloppy_spacing_adds_spaces_and_keeps_the_letters() -> None:
    column = np.array(["Нова Каховка"] * 100, dtype=object)
    dirt.sloppy_spacing(np.random.default_rng(4), column, 0.5)
    changed = [v for v in column if v != "Нова Каховка"]
    assert changed and all(" ".join(v.split()) == "Нова Каховка" for v in changed)
