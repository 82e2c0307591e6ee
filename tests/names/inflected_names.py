"""Synthetic full names in grammatical cases, to measure how names in cases compare.

People are drawn from the simulator's own tables (`musterroll.simulate.tables`: given
names with their frequencies, fathers' names and the patronymics they give, surnames of
both sexes in Ukrainian and Russian spelling); no real person's record is used. Each
name is written in Ukrainian or Russian and put into a case part by part with pymorphy3's
`inflect` (the analysis of each nominative part is chosen by its role, sex and case:
given name `Name`, patronymic `Patr`, surname `Surn`, else an adjective or a noun). A
part pymorphy cannot put in that case stays as it is (a woman's Ткаченко does not
decline); a person whose given name or patronymic cannot be put in the case is skipped.

Used by tests/names/test_morphology.py (a small sample) and bench/bench_names.py --cases
(300 names). Loaded by file path: the tests are not a package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from musterroll.simulate.tables import load_tables

__all__ = ["CASES", "InflectedName", "Person", "inflect_name", "inflected_names", "people"]

# Genitive (Бондарчука), dative (Бондарчуку), instrumental (Бондарчуком): the cases orders
# and notices write names in.
CASES = ("gent", "datv", "ablt")
_SEX = {0: "masc", 1: "femn"}


@dataclass(frozen=True)
class Person:
    """One synthetic person's name in the nominative."""

    surname: str
    given_name: str
    patronymic: str
    sex: str  # "masc" or "femn"
    language: str  # "uk" or "ru"

    @property
    def full_name(self) -> str:
        """Surname first, as Ukrainian and Russian lists write it."""
        return f"{self.surname} {self.given_name} {self.patronymic}"


@dataclass(frozen=True)
class InflectedName:
    """A person's name in one grammatical case."""

    person: Person
    case: str
    surname: str
    given_name: str
    patronymic: str

    @property
    def full_name(self) -> str:
        """Surname first, as orders write it ("Бондарчука Василя Івановича")."""
        return f"{self.surname} {self.given_name} {self.patronymic}"


def people(n: int, seed: int, *, russian_share: float = 0.3) -> list[Person]:
    """Draw `n` people from the simulator's tables (weighted as the simulator weights them).

    Args:
        n: how many people.
        seed: the random seed.
        russian_share: the share written in Russian.
    """
    tables = load_tables()
    rng = np.random.default_rng(seed)
    given, surnames = tables.given, tables.surnames
    sex = rng.integers(0, 2, n)
    out = []
    fathers_p = given.father_weight / given.father_weight.sum()
    for s in sex:
        mine = np.flatnonzero(given.sex == s)
        g = int(rng.choice(mine, p=given.weight[mine] / given.weight[mine].sum()))
        f = int(rng.choice(len(fathers_p), p=fathers_p))
        k = int(rng.choice(len(surnames.weight), p=surnames.weight / surnames.weight.sum()))
        russian = rng.random() < russian_share
        patronymics = given.patronymic_ru if russian else given.patronymic_uk
        out.append(Person(
            surname=str((surnames.ru if russian else surnames.uk)[s, k]),
            given_name=str((given.ru if russian else given.uk)[g]),
            patronymic=str(patronymics[s, f]),
            sex=_SEX[int(s)],
            language="ru" if russian else "uk",
        ))
    return out


@cache
def _analyser(language: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


_ROLES = {
    "given": ("Name",),
    "patronymic": ("Patr",),
    # An animate noun: pymorphy declines an inanimate one as a thing (Глустуку).
    "surname": ("Surn", "ADJF", "anim"),
}


def _gender(parse: Any) -> str:
    return str(parse.tag.gender) if parse.tag.gender else ""


def _nominative_parse(word: str, role: str, sex: str, language: str) -> Any | None:
    """The analysis of a nominative word in a role and sex, best role first."""
    parses = [
        p for p in _analyser(language).parse(word.lower())
        if p.tag.case == "nomn" and p.tag.number != "plur"
        and _gender(p) in (sex, "ms-f")
    ]
    for wanted in _ROLES[role]:
        for parse in parses:
            if wanted in parse.tag or str(parse.tag.POS) == wanted:  # noqa: SIM102
                return parse
    return None


def _inflect_word(word: str, role: str, sex: str, language: str, case: str) -> str | None:
    parse = _nominative_parse(word, role, sex, language)
    if parse is None:
        return None
    if "Fixd" in parse.tag:
        return word
    inflected = parse.inflect({case, sex}) or parse.inflect({case})
    if inflected is None:
        return None
    text = inflected.word.replace("'", "\u02bc")
    return "-".join(part[:1].upper() + part[1:] for part in text.split("-"))


def inflect_name(person: Person, case: str) -> InflectedName | None:
    """Put a person's name in a case with pymorphy3's `inflect`; None if it cannot be.

    A surname pymorphy cannot read in the person's sex stays as it is (indeclinable).
    """
    args = (person.sex, person.language, case)
    given = _inflect_word(person.given_name, "given", *args)
    patronymic = _inflect_word(person.patronymic, "patronymic", *args)
    if given is None or patronymic is None:
        return None
    surname = _inflect_word(person.surname, "surname", *args) or person.surname
    return InflectedName(person, case, surname, given, patronymic)


def inflected_names(
    n: int, seed: int, cases: tuple[str, ...] = CASES
) -> list[InflectedName]:
    """Return the names of `n` synthetic people, each in every case of `cases`.

    People whose name cannot be put in every case are replaced by others, so exactly
    `n * len(cases)` names come back.
    """
    out: list[InflectedName] = []
    found = 0
    batch = 0
    while found < n:
        for person in people(2 * n, seed + 1000 * batch):
            forms = [inflect_name(person, case) for case in cases]
            if any(form is None for form in forms):
                continue
            out += [form for form in forms if form is not None]
            found += 1
            if found == n:
                break
        batch += 1
    return out
