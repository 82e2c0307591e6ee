"""Names in grammatical cases (issue 14): orders write "Бондарчука Василя Івановича"."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from musterroll.names import (
    LEVEL_RANK,
    compare_keys,
    name_keys,
    name_keys_frame,
    nominative_name,
    parse_full_name,
    parse_full_names,
)
from musterroll.names.report import compare_names


def _load_generator() -> ModuleType:
    path = Path(__file__).with_name("inflected_names.py")
    spec = importlib.util.spec_from_file_location("inflected_names", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["inflected_names"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("written", "nominative"),
    [
        ("Бондарчука Василя Івановича", "Бондарчук Василь Іванович"),
        ("Ткаченку Петру Миколайовичу", "Ткаченко Петро Миколайович"),
        ("Кравцем Андрієм Олеговичем", "Кравець Андрій Олегович"),
        ("Бондарчуку Василию Ивановичу", "Бондарчук Василий Иванович"),
        ("Ковальової Марії Петрівни", "Ковальова Марія Петрівна"),
        ("Ковальовою Олександрою Петрівною", "Ковальова Олександра Петрівна"),
        ("Шевчуковській Ганні Іванівні", "Шевчуковська Ганна Іванівна"),
        ("Кузнецовой Анны Петровны", "Кузнецова Анна Петровна"),
        ("ТКАЧЕНКУ ПЕТРУ МИКОЛАЙОВИЧУ", "ТКАЧЕНКО ПЕТРО МИКОЛАЙОВИЧ"),
        ("Петренка-Коваля Івана Сергійовича", "Петренко-Коваль Іван Сергійович"),
    ],
)
def test_a_name_in_a_case_is_read_in_the_nominative(written: str, nominative: str) -> None:
    parsed = parse_full_name(written)
    assert " ".join(map(str, nominative_name(
        parsed.surname, parsed.given_name, parsed.patronymic))) == nominative
    assert compare_names(written, nominative)["level"] == "exact"


def test_the_sex_of_the_patronymic_decides_whether_a_word_is_a_case() -> None:
    # Олександра is a woman in the nominative, or a man in the genitive.
    assert nominative_name("Коваленко", "Олександра", "Петрівна") == (
        "Коваленко", "Олександра", "Петрівна")
    assert nominative_name("Коваленка", "Олександра", "Петровича") == (
        "Коваленко", "Олександр", "Петрович")
    # Петру: a man's dative (Петро) or a woman's accusative (Петра).
    assert nominative_name("Ткаченку", "Петру", "Миколайовичу")[1] == "Петро"


def test_a_womans_indeclinable_surname_stays_as_written() -> None:
    assert nominative_name("Ткаченко", "Олени", "Петрівни") == ("Ткаченко", "Олена", "Петрівна")
    assert nominative_name("Бондарчук", "Марії", "Іванівни")[0] == "Бондарчук"


def test_without_a_patronymic_the_given_name_decides() -> None:
    assert nominative_name("Бондарчука", "Василя", None) == ("Бондарчук", "Василь", None)
    # A form that can be a nominative is left alone.
    assert nominative_name("Ковальова", "Олександра", None) == ("Ковальова", "Олександра", None)


def test_nominative_and_latin_names_pass_unchanged() -> None:
    for parts in (("Шевченко", "Тарас", "Григорович"), ("Kovalenko", "Petra", "Ivanivny"),
                  ("Smith", "John", None), (None, None, None)):
        assert nominative_name(*parts) == parts


def test_the_parser_finds_a_patronymic_in_a_case_in_either_order() -> None:
    parsed = parse_full_name("Василя Івановича Бондарчука")
    assert (parsed.surname, parsed.given_name, parsed.patronymic) == (
        "Бондарчука", "Василя", "Івановича")
    frame = parse_full_names(["Марії Петрівни Ковальової", "Кравцем Андрієм Олеговичем"])
    assert frame["surname"].tolist() == ["Ковальової", "Кравцем"]


def test_linkage_keys_see_the_nominative_row_by_row_and_vectorised() -> None:
    table = pd.DataFrame({
        "surname": ["Бондарчука", "Бондарчук", "Ковальової", None],
        "given_name": ["Василя", "Василь", "Марії", "Петра"],
        "patronymic": ["Івановича", "Іванович", "Петрівни", None],
        "sex": [None, "m", None, None],
    })
    keys = name_keys_frame(table)
    assert keys.loc[0, "surname_norm"] == keys.loc[1, "surname_norm"] == "бондарчук"
    assert keys.loc[0, "given_group"] == keys.loc[1, "given_group"]
    assert keys.loc[0, "patronymic_group"] == keys.loc[1, "patronymic_group"]
    assert keys.loc[2, "surname_norm"] == "ковальова"
    for i, row in table.iterrows():
        single = name_keys(row["surname"], row["given_name"], row["patronymic"], row["sex"])
        assert single == {k: (None if pd.isna(v) else v) for k, v in keys.loc[i].items()}
    # The input table is not modified.
    assert table.loc[0, "surname"] == "Бондарчука"


def test_the_analyser_loads_only_for_a_name_that_needs_it() -> None:
    script = (
        "import sys\n"
        "from musterroll.names import name_keys, parse_full_name\n"
        "parse_full_name('Шевченко Тарас Григорович')\n"
        "name_keys('Шевченко', 'Тарас', 'Григорович')\n"
        "print('pymorphy3' in sys.modules)\n"
        "name_keys('Шевченка', 'Тараса', 'Григоровича')\n"
        "print('pymorphy3' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "True"]


def _level_by_keys(left: dict, right: dict) -> str:
    levels = [compare_keys(left, right, kind) for kind in ("surname", "given", "patronymic")]
    return min((lv for lv in levels if lv != "null"), key=LEVEL_RANK.__getitem__)


def test_synthetic_names_in_three_cases_match_their_nominative() -> None:
    """A fast sample of bench/bench_names.py --cases (300 people there)."""
    generator = _load_generator()
    names = generator.inflected_names(40, seed=11)
    assert len(names) == 120
    matched = 0
    for name in names:
        person = name.person
        left = name_keys(name.surname, name.given_name, name.patronymic)
        right = name_keys(person.surname, person.given_name, person.patronymic)
        matched += LEVEL_RANK[_level_by_keys(left, right)] >= LEVEL_RANK["equivalent"]
    assert matched / len(names) >= 0.98


def test_different_people_stay_different_in_any_case() -> None:
    generator = _load_generator()
    names = generator.inflected_names(40, seed=12)
    rng = random.Random(12)
    for _ in range(300):
        a, b = rng.sample(names, 2)
        if a.person.full_name == b.person.full_name:
            continue
        left = name_keys(a.surname, a.given_name, a.patronymic)
        right = name_keys(b.person.surname, b.person.given_name, b.person.patronymic)
        assert LEVEL_RANK[_level_by_keys(left, right)] < LEVEL_RANK["equivalent"]
