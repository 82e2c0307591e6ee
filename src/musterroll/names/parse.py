"""Full-name parsing: surname, given name and patronymic in either order, with initials.

Ukrainian and Russian lists write "Прізвище Ім'я По батькові" (surname first); Latin
documents write "Given Surname". The order of one name is read from, in turn: a comma
("Shevchenko, Taras"), the position of the patronymic (last when the surname comes first,
second-to-last when it comes last), initials ("Шевченко Т.Г.", "T. Shevchenko"), one word
in capitals among others ("ШЕВЧЕНКО Тарас"), the given-name data and surname endings
(-енко, -ук, -ов, -ський), and at last the script: Cyrillic surname first, Latin given
first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from musterroll.names.given_names import given_name_groups
from musterroll.names.keys import skeleton_key
from musterroll.names.patronymics import read_patronymic
from musterroll.names.script import clean_text, detect_script

__all__ = ["ParsedName", "parse_full_name", "Order"]

Order = Literal["surname_first", "given_first", "single", "empty"]

# Surname endings, on the skeleton (C ч, T ц): Ukrainian -енко -ук -юк -чук -ак -як -ишин,
# the possessive and adjectival -ов -ев -ін -ський -цький in both sexes, -ич.
_SURNAME_END_RE = re.compile(
    r"(enko|uk|ak|Sin|ov|ova|ev|eva|in|ina|ski|ska|skaia|skoi|Tki|Tka|Tkaia|zki|zka|"
    r"iC|ko|iuk|dze|ian|ets|eT)$"
)
_INITIAL_RE = re.compile(r"^[^\W\d_]{1,4}\.$|^[^\W\d_]$")
_TOKEN_STRIP = "\"()[]{}<>;:!?*/\\|«»„“”"


@dataclass(frozen=True)
class ParsedName:
    """A full name split into its parts.

    Attributes:
        surname, given_name, patronymic: the parts as written (cleaned), or None.
        given_initial, patronymic_initial: True when that part is only an initial; the
            part then holds the letter(s) without the dot ("Т", "Yu").
        order: how the parts were read: "surname_first", "given_first", "single" (one
            word) or "empty".
    """

    surname: str | None
    given_name: str | None
    patronymic: str | None
    given_initial: bool = False
    patronymic_initial: bool = False
    order: Order = "empty"


def _tokens(text: str) -> list[str]:
    text = clean_text(text.replace(".", ". ").replace(",", " , "))
    stripped = (token.strip(_TOKEN_STRIP) for token in text.split())
    return [token for token in stripped if token]


def _is_initial(token: str) -> bool:
    return bool(_INITIAL_RE.match(token))


def _is_patronymic(token: str) -> bool:
    return not _is_initial(token) and read_patronymic(token) is not None


def _is_given(token: str) -> bool:
    return not _is_initial(token) and bool(given_name_groups(token))


def _has_surname_ending(token: str) -> bool:
    return not _is_initial(token) and bool(_SURNAME_END_RE.search(skeleton_key(token)))


def _is_capitalised_word(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def _vote(first: str, last: str) -> int:
    """Positive: surname first; negative: given first; zero: no evidence."""
    score = 0
    score += _is_given(last) - _is_given(first)
    score += _has_surname_ending(first) - _has_surname_ending(last)
    return score


@lru_cache(maxsize=8192)
def _order(tokens: tuple[str, ...]) -> Order:
    first, last, n = tokens[0], tokens[-1], len(tokens)
    if _is_patronymic(last) and not _is_patronymic(first):
        return "surname_first"
    if n >= 3 and _is_patronymic(tokens[-2]):
        return "given_first"
    if _is_initial(first) != _is_initial(last):
        return "given_first" if _is_initial(first) else "surname_first"
    capitals = [_is_capitalised_word(t) for t in tokens]
    if sum(capitals) == 1 and (capitals[0] or capitals[-1]):
        return "surname_first" if capitals[0] else "given_first"
    vote = _vote(first, last)
    if vote:
        return "surname_first" if vote > 0 else "given_first"
    return "given_first" if detect_script(first + last) == "latin" else "surname_first"


def _part(token: str | None) -> tuple[str | None, bool]:
    if token is None:
        return None, False
    return (token.rstrip("."), True) if _is_initial(token) else (token, False)


def _given_and_patronymic(rest: list[str]) -> tuple[str | None, str | None]:
    if not rest:
        return None, None
    if len(rest) == 1:
        return (None, rest[0]) if _is_patronymic(rest[0]) else (rest[0], None)
    if len(rest) == 2 or _is_patronymic(rest[-1]) or _is_initial(rest[-1]):
        return " ".join(rest[:-1]), rest[-1]
    return " ".join(rest), None


def _single(token: str) -> ParsedName:
    if _is_initial(token):
        return ParsedName(None, token.rstrip("."), None, given_initial=True, order="single")
    if _is_patronymic(token) and not _has_surname_ending(token):
        return ParsedName(None, None, token, order="single")
    if _is_given(token) and not _has_surname_ending(token):
        return ParsedName(None, token, None, order="single")
    return ParsedName(token, None, None, order="single")


def _build(surname: str | None, rest: list[str], order: Order) -> ParsedName:
    given, patronymic = _given_and_patronymic(rest)
    given, given_initial = _part(given)
    patronymic, patronymic_initial = _part(patronymic)
    return ParsedName(surname, given, patronymic, given_initial, patronymic_initial, order)


def parse_full_name(text: str) -> ParsedName:
    """Split a full name into surname, given name and patronymic, in either order.

    Args:
        text: a full name as written in a list: "Шевченко Тарас Григорович", "Тарас
            Григорович Шевченко", "Шевченко Т.Г.", "T. Shevchenko", "Shevchenko, Taras".
    Returns:
        A ParsedName; parts not present are None; an empty or blank text gives all None
        with order "empty". Two given names or a hyphenated surname stay in one part.
    """
    if "," in text:
        head, _, tail = text.partition(",")
        head_tokens, tail_tokens = _tokens(head), _tokens(tail)
        if head_tokens and tail_tokens:
            return _build(" ".join(head_tokens), tail_tokens, "surname_first")
    tokens = [t for t in _tokens(text) if t != ","]
    if not tokens:
        return ParsedName(None, None, None)
    if len(tokens) == 1:
        return _single(tokens[0])
    if len(tokens) == 2 and _is_patronymic(tokens[1]) and _is_given(tokens[0]):
        return _build(None, tokens, "given_first")
    order = _order(tuple(tokens))
    if order == "surname_first":
        return _build(tokens[0], tokens[1:], order)
    return _build(tokens[-1], tokens[:-1], order)
