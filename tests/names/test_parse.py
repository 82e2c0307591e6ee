import pytest

from musterroll.names import ParsedName, parse_full_name


@pytest.mark.parametrize(
    ("text", "surname", "given", "patronymic"),
    [
        ("Шевченко Тарас Григорович", "Шевченко", "Тарас", "Григорович"),
        ("Тарас Григорович Шевченко", "Шевченко", "Тарас", "Григорович"),
        ("Ковальов Олександр Григорович", "Ковальов", "Олександр", "Григорович"),
        ("Александр Григорьевич Ковалёв", "Ковалёв", "Александр", "Григорьевич"),
        ("Oleksandr Kovalov", "Kovalov", "Oleksandr", None),
        ("Kovalov Oleksandr", "Kovalov", "Oleksandr", None),
        ("Іваненко Марія", "Іваненко", "Марія", None),
        ("Марія Іваненко", "Іваненко", "Марія", None),
        ("ПЕТРЕНКО Іван Петрович", "ПЕТРЕНКО", "Іван", "Петрович"),
        ("Shevchenko, Taras", "Shevchenko", "Taras", None),
        ("Бондар Ольга Іванівна", "Бондар", "Ольга", "Іванівна"),
        ("Oleksandr Hryhorovych Kovalov", "Kovalov", "Oleksandr", "Hryhorovych"),
        ("  Мельник   Анна-Марія  Петрівна ", "Мельник", "Анна-Марія", "Петрівна"),
    ],
)
def test_full_names_split_in_either_order(
    text: str, surname: str, given: str, patronymic: str | None
) -> None:
    parsed = parse_full_name(text)
    assert (parsed.surname, parsed.given_name, parsed.patronymic) == (surname, given, patronymic)


def test_initials_after_the_surname_are_flagged() -> None:
    parsed = parse_full_name("Шевченко Т.Г.")
    assert parsed == ParsedName(
        "Шевченко", "Т", "Г", given_initial=True, patronymic_initial=True, order="surname_first"
    )


def test_initials_before_the_surname_are_flagged() -> None:
    parsed = parse_full_name("T. Shevchenko")
    assert (parsed.surname, parsed.given_name, parsed.given_initial) == ("Shevchenko", "T", True)
    assert parsed.patronymic is None and not parsed.patronymic_initial
    spaced = parse_full_name("Т. Г. Шевченко")
    assert (spaced.surname, spaced.given_name, spaced.patronymic) == ("Шевченко", "Т", "Г")


def test_two_words_are_a_given_name_and_a_surname_even_in_patronymic_form() -> None:
    # -ович is a surname ending too; a list names the surname.
    for text in ("Sergei Bochovych", "Oleh Stefanovych", "Стефанович Олег"):
        parsed = parse_full_name(text)
        assert parsed.surname in ("Bochovych", "Stefanovych", "Стефанович"), text
        assert parsed.patronymic is None


def test_one_word_is_a_surname_unless_it_is_a_known_given_name() -> None:
    assert parse_full_name("Шевченко").surname == "Шевченко"
    assert parse_full_name("Олександр").given_name == "Олександр"


def test_empty_text_gives_no_parts() -> None:
    assert parse_full_name("  ") == ParsedName(None, None, None, order="empty")


def test_the_column_parse_equals_the_row_parse() -> None:
    import pandas as pd

    from musterroll.names import parse_full_names

    texts = [
        "Шевченко Тарас Григорович", "Тарас Григорович Шевченко", "Шевченко Т.Г.",
        "T. Shevchenko", "Shevchenko, Taras", None, "", "Олександр", "Тарас Григорович",
        "ПЕТРЕНКО Іван Петрович", "Анна Марія Петрівна Іванова", "a b c d e f",
        "( ) Шевченко", "Т.Г. Шевченко", "Iванов Петро", "Oleksandr Kovalov",
        'Sergei "Rys" Osetskyi', "Шевченко «Кобзар» Тарас",
    ]
    frame = parse_full_names(pd.Series(texts, dtype=object))
    for i, text in enumerate(texts):
        expected = parse_full_name(text or "")
        row = frame.iloc[i]
        found = ParsedName(
            *(None if pd.isna(row[c]) else row[c] for c in ("surname", "given_name", "patronymic")),
            bool(row["given_initial"]), bool(row["patronymic_initial"]), row["order"],
            None if pd.isna(row["nickname"]) else row["nickname"],
        )
        assert found == expected, text


def test_a_quoted_call_sign_is_set_apart() -> None:
    parsed = parse_full_name('Sergei "Rys" Osetskyi')
    assert (parsed.given_name, parsed.surname, parsed.nickname) == ("Sergei", "Osetskyi", "Rys")
    assert parse_full_name("Шевченко «Кобзар» Тарас Григорович").patronymic == "Григорович"
