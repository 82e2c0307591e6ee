from __future__ import annotations

import pytest

from musterroll.sources.values import clean_value, parse_date, parse_sex, parse_status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01.02.1990", "1990-02-01"),
        ("1.2.1990", "1990-02-01"),
        ("01/02/1990", "1990-02-01"),
        ("1990-02-01", "1990-02-01"),
        ("1990-02-01 00:00:00", "1990-02-01"),
        ("02.1990", "1990-02"),
        ("1990-02", "1990-02"),
        ("1990", "1990"),
        ("1990 р.", "1990"),
        ("1990 г.", "1990"),
        ("44927", "2023-01-01"),
        ("44927.0", "2023-01-01"),
        ("  ", None),
    ],
)
def test_dates_full_partial_and_excel_serials_read_as_iso(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.1990", "real calendar date"),
        ("13.1990", "month between 1 and 12"),
        ("1700", "year between"),
        ("вчора", "dd.mm.yyyy"),
    ],
)
def test_unreadable_dates_say_what_was_expected_and_found(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_date(text)
    assert repr(text) in str(caught.value)


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("загинув", "killed"),
        ("Загинула", "killed"),
        ("погиб", "killed"),
        ("KIA", "killed"),
        ("зник безвісти", "missing"),
        ("Пропал без вести", "missing"),
        ("MIA", "missing"),
        ("в полоні", "captured"),
        ("в плену", "captured"),
        ("POW", "captured"),
        ("звільнений з полону", "released"),
        ("обменян", "released"),
        ("останки повернуто", "remains_recovered"),
        ("ідентифікований", "identified"),
        ("визнаний померлим", "declared_dead"),
        ("знайдений живим", "found_alive"),
        ("found_alive", "found_alive"),
        ("  Зник   Безвісти. ", "missing"),
    ],
)
def test_status_words_in_three_languages_map_to_canonical_statuses(word: str, status: str) -> None:
    assert parse_status(word) == status


def test_an_unknown_status_word_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="'на лікуванні'"):
        parse_status("на лікуванні")


@pytest.mark.parametrize(
    ("text", "sex"), [("ч", "M"), ("Чол.", "M"), ("м", "M"), ("male", "M"), ("Ж", "F"),
                      ("жін", "F"), ("F", "F"), ("", None)]
)  # fmt: skip
def test_sex_reads_ukrainian_russian_and_english(text: str, sex: str | None) -> None:
    assert parse_sex(text) == sex


def test_clean_value_repairs_lookalikes_and_drops_control_characters() -> None:
    assert clean_value(" Iван\x00ов  Петро ") == "Іванов Петро"
    assert clean_value("Дар'я") == "Дар\u02bcя"
    assert clean_value(" \t ") is None
