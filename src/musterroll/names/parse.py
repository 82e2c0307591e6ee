"""Full-name parsing: surname, given name and patronymic in either order, with initials.

Ukrainian and Russian lists write "Прізвище Ім'я По батькові" (surname first); Latin
documents write "Given Surname". A quoted call sign ('Taras "Rys" Petrenko') is set apart
first. The order of one name is read from, in turn: a comma ("Shevchenko, Taras"), the
position of the patronymic in names of three words or more (last when the surname comes
first, second-to-last when it comes last; a patronymic of a known father outweighs an
-ович surname), initials ("Шевченко Т.Г.", "T. Shevchenko"), one word in capitals among
others ("ШЕВЧЕНКО Тарас"), the given-name data and surname endings (-енко, -ук, -ов,
-ський), and at last the script: Cyrillic surname first, Latin given first. Two words are
always a surname and a given name: lists name the surname.

Each distinct token is classified once (`token_features`) and each distinct sequence of
classes is planned once (`plan_for`), which is what lets frame.parse_full_names parse a
million names in seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, NamedTuple

from musterroll.names.given_names import groups_of_skeleton
from musterroll.names.keys import skeleton_key
from musterroll.names.morphology import nominative_patronymic
from musterroll.names.patronymics import Patronymic, read_patronymic_skeleton
from musterroll.names.script import clean_text
from musterroll.names.surnames import has_surname_ending

__all__ = [
    "QUOTES",
    "Order",
    "ParsedName",
    "Plan",
    "TokenFeatures",
    "apply_plan",
    "clean_token",
    "parse_full_name",
    "plan_for",
    "token_features",
]

Order = Literal["surname_first", "given_first", "single", "empty"]

_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
# What a patronymic in an oblique case may end with, on the skeleton (Івановича,
# Ивановичу, Олеговичем, Петрівни, Петровной): only a filter that spares the analyser the
# surnames; morphology.nominative_patronymic decides.
_OBLIQUE_PATRONYMIC_RE = re.compile(r"(?:iC(?:a|u|em|evi|om|i))$|(?:[iCo]vn|iCn)(?:i|u|e|oi|oiu)$")
_INITIAL_RE = re.compile(r"^[^\W\d_]{1,4}\.$|^[^\W\d_]$")
# Call signs are quoted: "Rys", «Сокіл», „Борода“. Apostrophes are letters in names and
# never quote.
QUOTES = "\"«»„“”″"
_QUOTED_RE = re.compile(r"[\"«„“”″]\s*([^\"«»„“”″]+?)\s*[\"»“”″]")
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
        nickname: a call sign or nickname written in quotes ('Taras "Rys" Petrenko',
            «Сокіл»), without the quotes; it is not a part of the name.
    """

    surname: str | None
    given_name: str | None
    patronymic: str | None
    given_initial: bool = False
    patronymic_initial: bool = False
    order: Order = "empty"
    nickname: str | None = None


class TokenFeatures(NamedTuple):
    """What one cleaned token says about its role in a full name."""

    initial: bool
    patronymic: bool
    known_patronymic: bool
    given: bool
    surname_ending: bool
    capitals: bool
    latin: bool


@dataclass(frozen=True)
class Plan:
    """Which token positions make each part, for one sequence of token features."""

    surname: tuple[int, ...]
    given: tuple[int, ...]
    patronymic: tuple[int, ...]
    given_initial: bool
    patronymic_initial: bool
    order: Order


def clean_token(token: str) -> str:
    """Return a raw whitespace-separated token cleaned as `parse_full_name` cleans it."""
    return clean_text(token).strip(_TOKEN_STRIP)


def _tokens(text: str) -> list[str]:
    text = text.replace(".", ". ").replace(",", " , ")
    return [token for token in map(clean_token, text.split()) if token]


@lru_cache(maxsize=500_000)
def token_features(token: str) -> TokenFeatures:
    """Return the features of one cleaned token (cached: tokens repeat across names)."""
    latin = not _CYRILLIC_RE.search(token)
    if _INITIAL_RE.match(token):
        return TokenFeatures(True, False, False, False, False, False, latin)
    skeleton = skeleton_key(token)
    patronymic = read_patronymic_skeleton(skeleton) or _oblique_patronymic(token, skeleton)
    return TokenFeatures(
        initial=False,
        patronymic=patronymic is not None,
        known_patronymic=patronymic is not None and patronymic.known,
        given=bool(groups_of_skeleton(skeleton)),
        surname_ending=has_surname_ending(skeleton),
        capitals=len(token) > 1 and token.isupper(),
        latin=latin,
    )


def _oblique_patronymic(token: str, skeleton: str) -> Patronymic | None:
    """A patronymic in a grammatical case ("Василя Івановича Бондарчука"), read as its
    nominative; None for anything else."""
    if not _OBLIQUE_PATRONYMIC_RE.search(skeleton):
        return None
    nominative = nominative_patronymic(token)
    return read_patronymic_skeleton(skeleton_key(nominative)) if nominative else None


def _patronymic_weight(feature: TokenFeatures) -> int:
    return 2 * feature.known_patronymic + feature.patronymic


def _order_by_patronymic(features: tuple[TokenFeatures, ...]) -> Order | None:
    """The order read from where the patronymic stands: last (surname first) or
    second-to-last (surname last). -ович is also a surname ending ("Бочкович Сергій
    Петрович"), so a patronymic of a known father outweighs one of an unknown father, and
    a known given name right before the last word makes the last word the patronymic."""
    first, last, middle = features[0], features[-1], features[-2]
    at_end, in_middle = _patronymic_weight(last), _patronymic_weight(middle)
    last_wins = not first.patronymic or _patronymic_weight(first) < at_end or middle.given
    if at_end > in_middle and last_wins:
        return "surname_first"
    if in_middle and in_middle >= at_end:
        return "given_first"
    return None


def _order(features: tuple[TokenFeatures, ...]) -> Order:
    first, last, n = features[0], features[-1], len(features)
    # Two words are a given name and a surname (lists name the surname); -ович/-евич/-ич
    # is also a surname ending (Бочкович, Стефанович), so it settles nothing there.
    if n >= 3:
        by_patronymic = _order_by_patronymic(features)
        if by_patronymic:
            return by_patronymic
    if first.initial != last.initial:
        return "given_first" if first.initial else "surname_first"
    capitals = [f.capitals for f in features]
    if sum(capitals) == 1 and (capitals[0] or capitals[-1]):
        return "surname_first" if capitals[0] else "given_first"
    # Positive: surname first; negative: given first; zero: no evidence.
    vote = (last.given - first.given) + (first.surname_ending - last.surname_ending)
    if vote:
        return "surname_first" if vote > 0 else "given_first"
    return "given_first" if first.latin and last.latin else "surname_first"


def _rest_plan(
    rest: tuple[int, ...], features: tuple[TokenFeatures, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if not rest:
        return (), ()
    if len(rest) == 1:
        return ((), rest) if features[rest[0]].patronymic else (rest, ())
    last = features[rest[-1]]
    if len(rest) == 2 or last.patronymic or last.initial:
        return rest[:-1], rest[-1:]
    return rest, ()


def _is_initial_part(part: tuple[int, ...], features: tuple[TokenFeatures, ...]) -> bool:
    return len(part) == 1 and features[part[0]].initial


def _single_plan(feature: TokenFeatures) -> Plan:
    if feature.initial:
        return Plan((), (0,), (), True, False, "single")
    if feature.patronymic and not feature.surname_ending:
        return Plan((), (), (0,), False, False, "single")
    if feature.given and not feature.surname_ending:
        return Plan((), (0,), (), False, False, "single")
    return Plan((0,), (), (), False, False, "single")


def _rest_to_plan(
    surname: tuple[int, ...], rest: tuple[int, ...], features: tuple[TokenFeatures, ...],
    order: Order,
) -> Plan:
    given, patronymic = _rest_plan(rest, features)
    return Plan(
        surname, given, patronymic,
        _is_initial_part(given, features), _is_initial_part(patronymic, features), order,
    )


@lru_cache(maxsize=65_536)
def plan_for(features: tuple[TokenFeatures, ...]) -> Plan:
    """Return which positions make surname, given name and patronymic (no comma)."""
    n = len(features)
    if n == 0:
        return Plan((), (), (), False, False, "empty")
    if n == 1:
        return _single_plan(features[0])
    order = _order(features)
    if order == "surname_first":
        return _rest_to_plan((0,), tuple(range(1, n)), features, order)
    return _rest_to_plan((n - 1,), tuple(range(n - 1)), features, order)


def apply_plan(plan: Plan, tokens: list[str]) -> ParsedName:
    """Return the ParsedName that a plan makes of the tokens it was computed for."""

    def part(positions: tuple[int, ...], initial: bool) -> str | None:
        if not positions:
            return None
        text = " ".join(tokens[i] for i in positions)
        return text.rstrip(".") if initial else text

    return ParsedName(
        part(plan.surname, False),
        part(plan.given, plan.given_initial),
        part(plan.patronymic, plan.patronymic_initial),
        plan.given_initial,
        plan.patronymic_initial,
        plan.order,
    )


def parse_full_name(text: str) -> ParsedName:
    """Split a full name into surname, given name and patronymic, in either order.

    Args:
        text: a full name as written in a list: "Шевченко Тарас Григорович", "Тарас
            Григорович Шевченко", "Шевченко Т.Г.", "T. Shevchenko", "Shevchenko, Taras",
            'Taras "Rys" Shevchenko' (a quoted call sign is set apart as `nickname`).
    Returns:
        A ParsedName; parts not present are None; an empty or blank text gives all None
        with order "empty". Two given names or a hyphenated surname stay in one part.
    """
    nicknames = _QUOTED_RE.findall(text)
    if nicknames:
        parsed = parse_full_name(_QUOTED_RE.sub(" ", text))
        return replace(parsed, nickname=clean_text(" ".join(nicknames)) or None)
    if "," in text:
        head, _, tail = text.partition(",")
        head_tokens, tail_tokens = _tokens(head), [t for t in _tokens(tail) if t != ","]
        if head_tokens and tail_tokens:
            features = tuple(token_features(t) for t in tail_tokens)
            plan = _rest_to_plan((), tuple(range(len(tail_tokens))), features, "surname_first")
            parsed = apply_plan(plan, tail_tokens)
            return ParsedName(" ".join(head_tokens), *_after_surname(parsed))
    tokens = [t for t in _tokens(text) if t != ","]
    return apply_plan(plan_for(tuple(token_features(t) for t in tokens)), tokens)


def _after_surname(parsed: ParsedName) -> tuple[str | None, str | None, bool, bool, Order]:
    """Return the fields of a ParsedName after the surname."""
    return (
        parsed.given_name, parsed.patronymic, parsed.given_initial,
        parsed.patronymic_initial, parsed.order,
    )
