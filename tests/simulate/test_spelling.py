"""The simulator's own spelling rules: feminine forms, Russian spellings, romanisation."""

from __future__ import annotations

import pytest

from musterroll.simulate.spelling import (
    feminine_surname,
    romanise,
    russian_feminine_surname,
    russian_spelling,
)


@pytest.mark.parametrize(("masculine", "feminine"), [
    ("Савицький", "Савицька"), ("Ковальов", "Ковальова"), ("Чорний", "Чорна"),
    ("Завгородній", "Завгородня"), ("Кузьмін", "Кузьміна"), ("Шевченко", "Шевченко"),
    ("Мельник", "Мельник"), ("Гаврилишин", "Гаврилишин"), ("Іванів", "Іванів"),
])
def test_surnames_take_the_gender_form(masculine: str, feminine: str) -> None:
    assert feminine_surname(masculine) == feminine


@pytest.mark.parametrize(("ukrainian", "russian"), [
    ("Ковальов", "Ковалёв"), ("Савицький", "Савицкий"), ("Григор'єв", "Григорьев"),
    ("Ільїн", "Ильин"), ("Заїка", "Заика"), ("Євтушенко", "Евтушенко"),
    ("Кузнєцов", "Кузнецов"), ("Лук’яненко", "Лукьяненко"),
])
def test_russian_clerks_respell_ukrainian_surnames(ukrainian: str, russian: str) -> None:
    assert russian_spelling(ukrainian) == russian


def test_russian_feminine_forms_follow_the_ukrainian_gender() -> None:
    assert russian_feminine_surname("Савицкий", "Савицька") == "Савицкая"
    assert russian_feminine_surname("Ковалёв", "Ковальова") == "Ковалёва"
    assert russian_feminine_surname("Шевченко", "Шевченко") == "Шевченко"


def test_romanisation_systems_differ() -> None:
    assert romanise("Олександр Григор'єв", "uk_kmu2010") == "Oleksandr Hryhoriev"
    assert romanise("Сергей Ковалёв", "ru_passport1997") == "Sergey Kovalev"
    assert romanise("Сергей Ковалёв", "ru_icao") == "Sergei Kovalev"
