"""Spelling of Ukrainian names as others write them: feminine forms, Russian spellings, Latin.

The simulator's own rules, kept apart from `musterroll.names` on purpose: the test bed must
not be built from the matcher's tables, or linkage would be graded on its own homework.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from translitua import (
    RussianICAO,
    RussianInternationalPassport1997,
    UkrainianBGN,
    UkrainianKMU,
    UkrainianPassport2007,
    UkrainianSimple,
    translit,
)

APOSTROPHES = "'’ʼ`"

# Romanisation systems used on Latin lists, by name (the manifest and truth cite these).
UKRAINIAN_SYSTEMS = {
    "uk_kmu2010": UkrainianKMU,  # the official Ukrainian standard since 2010
    "uk_passport2007": UkrainianPassport2007,
    "uk_bgn": UkrainianBGN,
    "uk_simple": UkrainianSimple,
}
RUSSIAN_SYSTEMS = {
    "ru_passport1997": RussianInternationalPassport1997,  # Aleksandr Sergey Kovalev
    "ru_icao": RussianICAO,  # the Russian passport since 2010/2013: Sergei, Iurii
}

_FEMININE_ENDINGS = [
    ("ський", "ська"), ("цький", "цька"), ("зький", "зька"), ("ній", "ня"), ("ий", "а"),
    ("ов", "ова"), ("ев", "ева"), ("єв", "єва"), ("ін", "іна"), ("їн", "їна"),
]


def feminine_surname(masculine: str) -> str:
    """Return the feminine form of a Ukrainian surname (Савицький -> Савицька).

    Args:
        masculine: the masculine form, Ukrainian Cyrillic.
    Returns:
        the feminine form; surnames that do not inflect for gender (-енко, -ук, -ишин, -ів,
        nouns) come back unchanged.
    """
    for ending, feminine in _FEMININE_ENDINGS:
        if masculine.endswith(ending):
            return masculine[: -len(ending)] + feminine
    return masculine


# Ukrainian -> Russian letter by letter, after the multi-letter rules below. Ukrainian и
# stays и: Russian clerks hear it as и more often than ы.
_RU_LETTERS = str.maketrans({"і": "и", "І": "И", "ї": "и", "Ї": "Йи", "є": "е", "Є": "Е",
                             "ґ": "г", "Ґ": "Г"})
_RU_RULES: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"[" + APOSTROPHES + r"]([єЄ])"), "ье"),
    (re.compile(r"[" + APOSTROPHES + r"]([яЯ])"), "ья"),
    (re.compile(r"[" + APOSTROPHES + r"]([юЮ])"), "ью"),
    (re.compile(r"[" + APOSTROPHES + r"]([їЇ])"), "ьи"),
    (re.compile(r"ьо"), "ё"),  # Ковальов -> Ковалёв
    (re.compile(r"ськ(ий|а)\b"), lambda m: "ск" + ("ий" if m.group(1) == "ий" else "ая")),
    (re.compile(r"цьк(ий|а)\b"), lambda m: "цк" + ("ий" if m.group(1) == "ий" else "ая")),
    (re.compile(r"зьк(ий|а)\b"), lambda m: "зк" + ("ий" if m.group(1) == "ий" else "ая")),
    (re.compile(r"(?<=[бвдзлмнпрстф])ий\b"), "ый"),  # Чорний -> Чорный
]


def russian_spelling(ukrainian: str) -> str:
    """Spell a Ukrainian name or place the way a Russian clerk writes it.

    Args:
        ukrainian: a surname, patronymic or settlement in Ukrainian Cyrillic.
    Returns:
        the Russian spelling (Ковальов -> Ковалёв, Савицький -> Савицкий,
        Григор'єв -> Григорьев, і -> и, є -> е, ї -> и).
    """
    text = ukrainian
    for pattern, replacement in _RU_RULES:
        text = pattern.sub(replacement, text)
    text = text.translate(_RU_LETTERS)
    # "Йи" only begins a word; inside one Ukrainian ї is heard as и.
    return re.sub(r"(?<=\w)Йи", "и", text)


def russian_feminine_surname(russian_masculine: str, ukrainian_feminine: str) -> str:
    """Return the Russian feminine form of a Russian-spelled surname.

    Args:
        russian_masculine: the Russian spelling of the masculine form.
        ukrainian_feminine: the Ukrainian feminine form (tells whether the name inflects).
    Returns:
        Савицкий -> Савицкая, Чорный -> Чорная, Ковалёв -> Ковалёва; unchanged if the
        Ukrainian surname does not inflect.
    """
    if russian_spelling(ukrainian_feminine) == russian_masculine:
        return russian_masculine
    for ending, feminine in (("ский", "ская"), ("цкий", "цкая"), ("зкий", "зкая"),
                             ("ний", "няя"), ("ый", "ая"), ("ий", "ая")):
        if russian_masculine.endswith(ending):
            return russian_masculine[: -len(ending)] + feminine
    return russian_masculine + "а"


def romanise(text: str, system: str) -> str:
    """Romanise Cyrillic text in one named system.

    Args:
        text: Ukrainian Cyrillic for `uk_*` systems, Russian Cyrillic for `ru_*` ones.
        system: a key of UKRAINIAN_SYSTEMS or RUSSIAN_SYSTEMS.
    Returns:
        the Latin spelling; apostrophes are dropped, as the 2010 standard says.
    """
    table: Any = UKRAINIAN_SYSTEMS.get(system) or RUSSIAN_SYSTEMS[system]
    plain = re.sub("[" + APOSTROPHES + "]", "", text) if system.startswith("uk") else text
    return str(translit(plain, table))
