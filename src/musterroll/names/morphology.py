"""Grammatical cases of full names: "Бондарчука Василя Івановича" is Бондарчук Василь Іванович.

Orders, notices and letters write a name in the case the sentence needs: genitive ("the
family of Бондарчука Василя Івановича"), dative ("awarded to Ткаченку Петру
Миколайовичу"), instrumental ("signed by Кравцем Андрієм Олеговичем"); Russian lists do
the same ("Бондарчуку Василию Ивановичу"). Keys must see the nominative, or one man gets
three spellings of every part.

The analysis is pymorphy3's, with its Ukrainian and Russian dictionaries (docs/DESIGN.md: no
hand-written endings). One word alone is often ambiguous: Олександра is a woman in the
nominative or a man in the genitive, Петру is a man's dative or a woman's accusative. So
the three parts are read together:

1. The patronymic decides: its analyses as a patronymic give the case and sex of the whole
   name (Івановича: genitive or accusative, masculine). A patronymic that can be a
   nominative leaves the name as written. Without a patronymic the given name decides, the
   same way, from its analyses as a given name.
2. The given name and the surname are read in that case and sex only, and put in the
   nominative by pymorphy's `inflect`, which keeps the sex (Ковальової -> Ковальова,
   Шевчуковській -> Шевчуковська). Surnames unknown to the dictionary get pymorphy's
   predicted analyses, read the same way. An indeclinable reading in that case (a woman's
   Ткаченко, Коваль) keeps the word. A word with no analysis in that case is kept.

Only Cyrillic words are read; Latin names pass unchanged. The analysers load on first use
(a fraction of a second each). A name whose patronymic (or, without one, given name) is a
nominative form known to the package's own data never reaches the analyser, and every
analysis is cached per distinct word, so a million nominative records cost next to
nothing.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, Literal, NamedTuple

from musterroll.names.given_names import groups_of_skeleton
from musterroll.names.keys import skeleton_key
from musterroll.names.patronymics import read_patronymic_skeleton
from musterroll.names.script import clean_text
from musterroll.names.surnames import has_surname_ending

__all__ = [
    "Context",
    "may_be_oblique",
    "name_context",
    "nominative_name",
    "nominative_patronymic",
]

Language = Literal["uk", "ru"]
# The case and sex a name is written in, and the language read: ("uk", {("gent",
# "masc"), ("accs", "masc")}). None means "as written" (nominative, or not readable).
Context = tuple[Language, frozenset[tuple[str, str]]]

_CYRILLIC_WORD_RE = re.compile(r"^[\u0400-\u04ff\u02bc' -]+$")
_UKRAINIAN_ONLY = frozenset("іїєґ")
_RUSSIAN_ONLY = frozenset("ыэъё")
_SEXES = frozenset({"masc", "femn"})
# pymorphy's dictionaries write the apostrophe as U+0027; clean_text writes U+02BC.
_TO_DICTIONARY = str.maketrans({"\u02bc": "'", "\u2019": "'"})
_FROM_DICTIONARY = str.maketrans({"'": "\u02bc"})
# The analyses a part may be read by. A surname may be a known surname, an adjective
# (Шевчуковській), a predicted noun or given name (Юхика), or a patronymic (Михайлович is
# a surname too); a given name a known given name or a noun.
_ROLES = {
    "Surn": frozenset({"Surn", "ADJF", "noun", "Name", "Patr"}),
    "Name": frozenset({"Name", "noun"}),
    "Patr": frozenset({"Patr"}),
}


@cache
def _analyser(language: Language) -> Any:
    """Load pymorphy3's analyser for one language on first use (it takes a moment)."""
    import pymorphy3  # lazy: importing and loading cost time nobody with Latin names pays

    return pymorphy3.MorphAnalyzer(lang=language)


def _role(tag: Any) -> str | None:
    if "Patr" in tag:
        return "Patr"
    if "Name" in tag:
        return "Name"
    if "Surn" in tag:
        return "Surn"
    if tag.POS == "ADJF":
        return "ADJF"
    return "noun" if tag.POS == "NOUN" else None


class Reading(NamedTuple):
    """One singular analysis of a word: its role, case, sex and pymorphy's parse."""

    role: str  # Surn, Name, Patr (pymorphy's tags), ADJF or noun
    case: str
    sex: str  # "masc", "femn", or "" when the analysis has none (Russian "ms-f")
    indeclinable: bool
    known: bool  # in the dictionary, not predicted
    parse: Any


@lru_cache(maxsize=100_000)
def _readings(word: str, language: Language) -> tuple[Reading, ...]:
    """Return the singular analyses of a word that have a case (cached per word)."""
    out = []
    for parse in _analyser(language).parse(word.translate(_TO_DICTIONARY).lower()):
        tag = parse.tag
        role = _role(tag)
        if role is None or tag.number == "plur" or tag.case is None:
            continue
        gender = str(tag.gender) if tag.gender else ""
        sex = gender if gender in _SEXES else ""
        out.append(Reading(role, str(tag.case), sex, "Fixd" in tag, parse.is_known, parse))
    return tuple(out)


def _is_cyrillic(word: str | None) -> bool:
    return bool(word) and bool(_CYRILLIC_WORD_RE.match(word or ""))


def _knows(word: str, language: Language, role: str) -> bool:
    return any(r.known and r.role == role for r in _readings(word.split()[0], language))


def _letter_language(words: list[str]) -> Language | None:
    """The language that letters only one alphabet has show, if any."""
    letters = set("".join(words).lower())
    if letters & _UKRAINIAN_ONLY:
        return "uk"
    if letters & _RUSSIAN_ONLY:
        return "ru"
    return None


def _language(
    surname: str | None, given_name: str | None, patronymic: str | None
) -> Language:
    """Ukrainian or Russian, for a name whose letters do not say: the dictionary that knows
    more of the parts in their roles (Кирилла is a Russian given name, not a Ukrainian
    one), the deciding part counting double; else Ukrainian (most lists are)."""
    parts = ((surname, "Surn"), (given_name, "Name"), (patronymic, "Patr"))
    decider = 2 if patronymic else 1
    known = {
        language: sum((1 + (i == decider)) * _knows(word, language, role)
                      for i, (word, role) in enumerate(parts) if word)
        for language in ("uk", "ru")
    }
    return "ru" if known["ru"] > known["uk"] else "uk"


def _cases(word: str, language: Language, role: str) -> frozenset[tuple[str, str]] | None:
    """The oblique (case, sex) pairs a word can be in that role; None if it can be a
    nominative in that role or has no analysis in it."""
    found = {(r.case, r.sex) for r in _readings(word, language) if r.role == role}
    if not found or any(case == "nomn" for case, _ in found):
        return None
    return frozenset(found)


def _can_be_nominative(word: str, language: Language, role: str) -> bool:
    return any(r.role == role and r.case == "nomn" for r in _readings(word, language))


def _is_plain_patronymic(word: str) -> bool:
    """A patronymic in the nominative that the package reads without the analyser."""
    return read_patronymic_skeleton(skeleton_key(word)) is not None


def name_context(
    given_name: str | None, patronymic: str | None, *, surname: str | None = None
) -> Context | None:
    """Return the case and sex a full name is written in, or None for the nominative.

    Args:
        given_name, patronymic: the parts as received; the patronymic decides, or, when
            there is none, the given name.
        surname: only helps choose between Ukrainian and Russian.
    Returns:
        (language, {(case, sex)}) with pymorphy's case names (gent, datv, accs, ablt,
        loct, voct) and sexes (masc, femn); None when the deciding part is missing, not
        Cyrillic, can be a nominative, or is unknown in that role.
    """
    decider = patronymic if patronymic else given_name
    words = [w for w in (surname, given_name, patronymic) if w]
    if not _is_cyrillic(decider) or not all(map(_is_cyrillic, words)):
        return None
    assert decider is not None  # _is_cyrillic is False for None
    head = decider.split()[0]  # "Анна Марія": the first name decides
    if len(head) < 2:
        return None  # an initial
    if patronymic:
        if _is_plain_patronymic(head):
            return None
    elif groups_of_skeleton(skeleton_key(head)):
        return None  # a listed given name is a nominative form
    role = "Patr" if patronymic else "Name"
    hinted = _letter_language(words)
    languages: tuple[Language, ...] = (hinted,) if hinted else ("uk", "ru")
    # A word that can be a nominative in either language is taken as written: most
    # names are, and this settles them with one analysis.
    if any(_can_be_nominative(head, language, role) for language in languages):
        return None
    found = {lang: c for lang in languages if (c := _cases(head, lang, role)) is not None}
    if not found:
        return None
    language = next(iter(found)) if len(found) == 1 else _language(
        surname, given_name, patronymic)
    cases = found[language]
    if patronymic and given_name:
        # Петру is a man's dative or a woman's accusative; Миколайовичу settles it, and
        # the given name may narrow the case further (or be unknown: then it cannot).
        narrowed = cases & (_cases(given_name, language, "Name") or frozenset())
        cases = narrowed or cases
    return language, cases


def _restyle(new: str, old: str) -> str:
    """Write `new` in the letter case of `old` (ТКАЧЕНКУ -> ТКАЧЕНКО, Ткаченку -> Ткаченко)."""
    new = new.translate(_FROM_DICTIONARY)
    if old.isupper():
        return new.upper()
    if old[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in new.split("-"))
    return new


def _in_context(reading: Reading, cases: frozenset[tuple[str, str]]) -> bool:
    if reading.sex:
        return (reading.case, reading.sex) in cases
    return any(reading.case == case for case, _ in cases)


# How much an analysis counts, by the role it reads the word in: a surname or adjective
# for a surname, a given name for a given name, over a common noun.
_ROLE_WEIGHT = {"Surn": 1.0, "ADJF": 1.0, "Name": 0.5, "noun": 0.5, "Patr": 0.5}


def _is_plausible(nominative: str, role: str) -> bool:
    """Whether the package's own data reads a nominative as a part of that role: a
    surname ending, a listed given name, a patronymic of a known father."""
    skeleton = skeleton_key(nominative)
    if role == "Surn":
        return has_surname_ending(skeleton)
    if role == "Name":
        return bool(groups_of_skeleton(skeleton))
    patronymic = read_patronymic_skeleton(skeleton)
    return patronymic is not None and patronymic.known


def _nominative_votes(
    word: str, role: str, language: Language, cases: frozenset[tuple[str, str]]
) -> dict[str, float]:
    """Each nominative the word's analyses in these cases lead to, with pymorphy's scores
    summed: a dictionary analysis counts double a predicted one, a common noun half a
    surname, and a nominative the package's data finds plausible double."""
    votes: dict[str, float] = {}
    sexes = {sex for _, sex in cases}
    for reading in _readings(word, language):
        if reading.role not in _ROLES[role] or not _in_context(reading, cases):
            continue
        if reading.indeclinable:
            nominative = word.lower()  # a woman's Ткаченко is Ткаченко in every case
        else:
            sex = {reading.sex} if reading.sex else sexes if len(sexes) == 1 else set()
            # Ukrainian tags have no number for the singular: "sing" would fail there.
            inflected = reading.parse.inflect({"nomn"} | sex) or reading.parse.inflect({"nomn"})
            if inflected is None:
                continue
            nominative = inflected.word
        weight = reading.parse.score * (2 if reading.known else 1) * _ROLE_WEIGHT[reading.role]
        votes[nominative] = votes.get(nominative, 0.0) + weight
    return {n: v * (2 if _is_plausible(n, role) else 1) for n, v in votes.items()}


@lru_cache(maxsize=100_000)
def _nominative_word(word: str, role: str, context: Context) -> str:
    """One word put in the nominative, read only in the context's cases and sexes.

    Predicted analyses often disagree (Цашенка: Цашенко or Цашенк), so the nominative
    with the most weight wins (`_nominative_votes`). A word the context's language cannot
    read in those cases is tried in the other language (Юхика); failing that it is kept.
    """
    language, cases = context
    other: Language = "ru" if language == "uk" else "uk"
    votes = _nominative_votes(word, role, language, cases) or _nominative_votes(
        word, role, other, cases
    )
    if not votes:
        return word
    return _restyle(max(votes, key=votes.__getitem__), word)


def _nominative_part(text: str | None, role: str, context: Context) -> str | None:
    """A part of one or more words ("Анна Марія") put in the nominative word by word."""
    if not text:
        return text
    return " ".join(_nominative_word(word, role, context) for word in text.split())


def _cleaned(part: object) -> str | None:
    return clean_text(part) or None if isinstance(part, str) else None


@lru_cache(maxsize=100_000)
def nominative_name(
    surname: str | None, given_name: str | None, patronymic: str | None
) -> tuple[str | None, str | None, str | None]:
    """Return the three parts of a full name in the nominative case.

    Args:
        surname, given_name, patronymic: the parts as received (cleaned or not); None or
            "" for a missing part.
    Returns:
        (surname, given_name, patronymic): when the name is written in an oblique case that
        its patronymic (or given name) shows, each part cleaned (`clean_text`) and put in
        the nominative, letter case kept (ТКАЧЕНКУ -> ТКАЧЕНКО); otherwise the parts as
        received. Cached per distinct name.
    """
    s, g, p = _cleaned(surname), _cleaned(given_name), _cleaned(patronymic)
    context = name_context(g, p, surname=s)
    if context is None:
        return surname, given_name, patronymic
    return (
        _nominative_part(s, "Surn", context),
        _nominative_part(g, "Name", context),
        _nominative_part(p, "Patr", context),
    )


@lru_cache(maxsize=100_000)
def may_be_oblique(part: object, *, is_patronymic: bool) -> bool:
    """Whether a patronymic (or a given name, in a name without patronymic) may show an
    oblique case: a cheap filter, per distinct value, before `nominative_name` per row."""
    cleaned = _cleaned(part)
    if cleaned is None:
        return False
    if is_patronymic:
        return name_context(None, cleaned) is not None
    return name_context(cleaned, None) is not None


@lru_cache(maxsize=100_000)
def nominative_patronymic(word: str) -> str | None:
    """Return a patronymic written in an oblique case in the nominative, else None.

    For the parser, which finds the patronymic of a full name by its form: Івановича and
    Ивановичу are patronymics too. None for a nominative, a non-Cyrillic word or a word
    the analyser does not read as a patronymic.
    """
    if not _is_cyrillic(word) or _is_plain_patronymic(word):
        return None
    language = _language(None, None, word)
    cases = _cases(word, language, "Patr")
    if cases is None:
        return None
    nominative = _nominative_word(word, "Patr", (language, cases))
    return nominative if nominative != word else None
