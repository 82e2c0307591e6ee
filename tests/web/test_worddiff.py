"""The word diff that highlights differences between records side by side."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from musterroll.web.worddiff import Piece, diff_words, split_words


def _changed(pieces: list[Piece]) -> list[str]:
    return [p.text for p in pieces if p.changed]


def test_equal_values_have_nothing_changed() -> None:
    left, right = diff_words("Коваленко Олександр", "Коваленко Олександр")
    assert left == right == [Piece("Коваленко Олександр", False)]


def test_only_the_differing_word_is_marked() -> None:
    left, right = diff_words("Іван Петрович Бондаренко", "Іван Петрович Бондарчук")
    assert _changed(left) == ["Бондаренко"]
    assert _changed(right) == ["Бондарчук"]
    assert left[0] == Piece("Іван Петрович ", False)


def test_case_does_not_count_as_a_difference() -> None:
    left, right = diff_words("ІВАН", "Іван")
    assert _changed(left) == _changed(right) == []


def test_a_missing_value_marks_all_words_of_the_other_side() -> None:
    left, right = diff_words(None, "Червоноград, Львівська")
    assert left == []
    assert _changed(right) == ["Червоноград", "Львівська"]


def test_an_inserted_word_is_marked_on_its_side_only() -> None:
    left, right = diff_words("А6422 бригада", "А6422 окрема бригада")
    assert _changed(left) == []
    assert _changed(right) == ["окрема"]


def test_dates_differ_by_their_parts() -> None:
    left, right = diff_words("1997-12-20", "1997-12-21")
    assert _changed(left) == ["20"]
    assert _changed(right) == ["21"]


def test_numbers_are_shown_as_text() -> None:
    left, right = diff_words(12, 13)
    assert (left, right) == ([Piece("12", True)], [Piece("13", True)])


def test_split_words_keeps_separators() -> None:
    assert split_words("a, b") == ["a", ", ", "b"]
    assert split_words(None) == []


@given(st.text(max_size=40), st.text(max_size=40))
def test_joining_the_pieces_gives_each_value_back(a: str, b: str) -> None:
    left, right = diff_words(a, b)
    assert "".join(p.text for p in left) == a
    assert "".join(p.text for p in right) == b
    assert all(p.text for p in left + right)


def test_a_pair_side_by_side_marks_only_the_differing_words() -> None:
    from musterroll.web.review_view import side_by_side

    left = {"id": 1, "surname": "Гребенюк", "given_name": "Віталій", "birth_date": "1997-12-20",
            "unit": None}
    right = {"id": 2, "surname": "Hrebeniuk", "given_name": "Віталій", "birth_date": "1997",
             "unit": None}
    rows = {r["field"]: r for r in side_by_side({"records": [left, right]})}
    assert "unit" not in rows  # empty on both sides
    assert not rows["given_name"]["differs"]
    assert rows["birth_date"]["differs"]
    assert [p.text for p in rows["birth_date"]["cells"][0] if p.changed] == ["12", "20"]
    assert [p.text for p in rows["birth_date"]["cells"][1] if p.changed] == []


def test_a_cluster_compares_each_record_with_the_first() -> None:
    from musterroll.web.review_view import side_by_side

    records = [{"id": k, "surname": s} for k, s in enumerate(["Бондар", "Бондар", "Бондаренко"])]
    (row,) = side_by_side({"records": records})
    assert [[p.changed for p in cell] for cell in row["cells"]] == [[False], [False], [True]]


def test_groups_from_the_form_make_a_partition() -> None:
    from musterroll.web.review_view import groups_from_form

    form = {"group_11": "1", "group_12": "2", "group_13": "1", "group_14": "x"}
    assert groups_from_form([11, 12, 13, 14, 15], form) == [[11, 13, 14, 15], [12]]
