from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from musterroll.sources.values import (
    Doubtful,
    clean_value,
    parse_date,
    parse_document_number,
    parse_email,
    parse_phone,
    parse_postcode,
    parse_sex,
    parse_status,
)


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
        ("44927.75", "2023-01-01"),
        ("1990-02-01T10:30:00Z", "1990-02-01"),
        ("19081209", "1908-12-09"),
        ("19081209.0", "1908-12-09"),
        ("12.03.1985 р.", "1985-03-12"),
        ("03.1985 г.", "1985-03"),
        ("1985-03-12 року", "1985-03-12"),
        ("  ", None),
    ],
)
def test_dates_full_partial_and_excel_serials_read_as_iso(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 березня 1990", "1990-03-12"),
        ("12 березня 1990 р.", "1990-03-12"),
        ("1 січня 2023 року", "2023-01-01"),
        ("12 марта 1990 г.", "1990-03-12"),
        ("31 Декабря 1999", "1999-12-31"),
        ("березень 1990", "1990-03"),
        ("у березні 1990 р.", "1990-03"),
        ("Листопад 2022", "2022-11"),
        ("в мае 1945", "1945-05"),
        ("март 1990 г.", "1990-03"),
        ("March 12, 1990", "1990-03-12"),
        ("12th of March 1990", "1990-03-12"),
        ("12-Mar-1990", "1990-03-12"),
        ("Sept. 2014", "2014-09"),
        ("1990 May 5", "1990-05-05"),
    ],
)
def test_dates_with_ukrainian_russian_and_english_month_names(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1700", "1700"), ("01.01.1812", "1812-01-01"), ("2999-01-01", "2999-01-01"),
     ("18120101", "1812-01-01")],
)  # fmt: skip
def test_implausible_but_real_dates_are_read_not_refused(text: str, expected: str) -> None:
    # The warning is the normaliser's (tests/sources/test_febrl.py); the value is kept.
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31.02.1990", "real calendar date"),
        ("13.1990", "month between 1 and 12"),
        ("19451393", "real calendar date"),
        ("00.1990", "month between 1 and 12"),
        ("12 квітня", "dd.mm.yyyy"),
        ("12 березня 90", "dd.mm.yyyy"),
        ("32 березня 1990", "real calendar date"),
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("050 123 45 67", "+380501234567"),
        ("+38 (050) 123-45-67", "+380501234567"),
        ("380501234567", "+380501234567"),
        ("(044) 123-45-67", "+380441234567"),
        ("8 916 123 45 67", "+79161234567"),
        ("+7 916 123-45-67", "+79161234567"),
        ("+61 2 9876 5432", "+61298765432"),
        (" ", None),
    ],
)
def test_phones_are_normalised_to_e164_ukrainian_by_default(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize("text", ["немає", "050-123", "тел. родини"])
def test_an_unreadable_phone_is_kept_as_written_with_a_warning(text: str) -> None:
    result = parse_phone(text)
    assert isinstance(result, Doubtful)
    assert result.value == clean_value(text)
    assert repr(result.value) in result.message and "kept as written" in result.message


def test_emails_are_lower_cased_and_checked_loosely() -> None:
    assert parse_email(" Oleh.Shevchuk@Example.COM ") == "oleh.shevchuk@example.com"
    assert parse_email("mailto:a@b.ua") == "a@b.ua"
    assert parse_email("") is None
    for text in ("oleh.shevchuk", "a@b", "a b@c.ua", "a@@b.ua"):
        with pytest.raises(ValueError, match="expected an e-mail address"):
            parse_email(text)


def test_document_numbers_lose_gaps_and_case_and_need_a_digit() -> None:
    for text in ("кв 123456", "КВ-123456", "КВ №123456", " КВ123456 "):
        assert parse_document_number(text) == "КВ123456"
    assert parse_document_number("8042-771-23") == "804277123"
    with pytest.raises(ValueError, match="'немає'"):
        parse_document_number("немає")
    assert parse_postcode(" sw1a  1aa ") == "SW1A 1AA"


UA_GENITIVE = ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
               "вересня", "жовтня", "листопада", "грудня"]  # fmt: skip
RU_GENITIVE = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
               "сентября", "октября", "ноября", "декабря"]  # fmt: skip
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]  # fmt: skip


@given(day=st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)))
def test_every_real_date_reads_back_in_every_written_form(day: date) -> None:
    d, m, y = day.day, day.month, day.year
    forms = [
        f"{d:02d}.{m:02d}.{y}", f"{d}/{m}/{y}", day.isoformat(), f"{y}{m:02d}{d:02d}",
        f"{d} {UA_GENITIVE[m - 1]} {y} р.", f"{d} {RU_GENITIVE[m - 1]} {y} г.",
        f"{EN_MONTHS[m - 1]} {d}, {y}", f"{d} {EN_MONTHS[m - 1][:3]} {y}",
    ]  # fmt: skip
    for text in forms:
        assert parse_date(text) == day.isoformat(), text
    month = day.isoformat()[:7]
    assert parse_date(f"{m:02d}.{y}") == parse_date(f"{EN_MONTHS[m - 1]} {y}") == month
