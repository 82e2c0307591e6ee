from musterroll.names import APOSTROPHE, clean_text, repair_lookalikes


def test_latin_lookalikes_inside_cyrillic_words_become_cyrillic() -> None:
    assert repair_lookalikes("Iванов") == "Іванов"  # Latin I
    assert repair_lookalikes("Kовальов") == "Ковальов"  # Latin K
    assert repair_lookalikes("ПETPO") == "ПЕТРО"


def test_latin_words_are_left_alone() -> None:
    assert repair_lookalikes("Ivanov Oleksandr") == "Ivanov Oleksandr"
    # A Latin word with a stray Cyrillic letter cannot be repaired by swapping glyphs.
    assert repair_lookalikes("Grigorіy") == "Grigorіy"


def test_every_apostrophe_form_becomes_one() -> None:
    forms = ["Григор'єв", "Григор’єв", "Григорʼєв", "Григор`єв"]
    assert {clean_text(f) for f in forms} == {f"Григор{APOSTROPHE}єв"}


def test_clean_text_folds_white_space() -> None:
    assert clean_text("  Шевченко \t Тарас ") == "Шевченко Тарас"


def test_language_is_read_per_token_from_its_letters() -> None:
    from musterroll.names import detect_language, detect_script

    assert detect_language("Григорій") == "uk"
    assert detect_language("Григор'єв") == "uk"  # the apostrophe is Ukrainian
    assert detect_language("Ковалёв") == "ru"
    assert detect_language("Коваленко") == "cyrillic"  # letters of both languages
    assert detect_language("Kovalenko") == "latin"
    assert detect_language("Подъєв") == "mixed"  # ъ is Russian, є Ukrainian
    assert detect_script("Grigorіy") == "mixed"
    assert detect_language("12") == "none"


def test_clean_text_takes_a_short_cut_only_for_text_it_would_not_change() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from musterroll.names.script import _clean_slowly

    alphabet = "АаБбIіЇїЙйEeKkOoPpXx -'’\u0306\t"

    @settings(max_examples=500, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=12))
    def check(text: str) -> None:
        assert clean_text(text) == _clean_slowly(text)

    check()
