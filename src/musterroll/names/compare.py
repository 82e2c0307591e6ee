"""compare(a, b): the level at which two names agree, the Python twin of sql.py.

Each condition below mirrors the SQL condition of the same level in sql.LEVEL_SPEC, on
the same key columns (record.py), with SQL's rule that a comparison with NULL is false.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from musterroll.names.given_names import all_groups_of_skeleton, group_by_id
from musterroll.names.keys import fuzzy_limit, levenshtein, skeleton_key
from musterroll.names.patronymics import read_patronymic
from musterroll.names.record import given_keys, normalise_sex, patronymic_keys, surname_keys
from musterroll.names.sql import KINDS, SWAPPABLE, Kind

__all__ = [
    "Comparison", "Level", "compare", "compare_keys", "guess_kind", "is_swapped", "LEVEL_RANK",
    "MAX_NAME_LENGTH",
]

# The longest name part compared: the longest real surnames and given names are a few
# dozen letters; ingest keeps a longer cell whole in the verbatim row only.
MAX_NAME_LENGTH = 100

Level = Literal[
    "null", "exact", "transliteration", "equivalent", "swapped", "phonetic", "fuzzy",
    "different",
]
# Higher is closer; `null` (a part missing) ranks with nothing. `swapped` (surname and
# given name typed in each other's columns, asked for with swapped=True) is as strong as
# `equivalent`: two parts agree, crosswise.
LEVEL_RANK = {
    "exact": 5, "transliteration": 4, "equivalent": 3, "swapped": 3, "phonetic": 2,
    "fuzzy": 1, "different": 0, "null": -1,
}
Keys = dict[str, str | None]
Condition = Callable[[Keys, Keys, str], bool]


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing two names.

    Attributes:
        level: "exact", "transliteration", "equivalent", "phonetic", "fuzzy",
            "different", or "null" when either name is missing.
        score: 1 - edit distance / longer length, on the skeletons (0 for null).
        sex_conflict: True when both names show a sex and they differ (Іванов/Іванова,
            Олександрович/Олександрівна, Ярослав/Ярослава, Саша with the sexes given).
            For surnames and patronymics the level is then at most `fuzzy`.
    """

    level: Level
    score: float
    sex_conflict: bool = False


def _eq(a: Keys, b: Keys, column: str) -> bool:
    return a[column] is not None and b[column] is not None and a[column] == b[column]


def _fuzzy(a: Keys, b: Keys, p: str) -> bool:
    left, right = a[f"{p}_translit"], b[f"{p}_translit"]
    if left is None or right is None:
        return False
    return levenshtein(left, right) <= fuzzy_limit(left, right)


def _initial(a: Keys, b: Keys, p: str) -> bool:
    return _eq_pair(a[f"{p}_initial_only"], b[f"{p}_initial"]) or _eq_pair(
        a[f"{p}_initial"], b[f"{p}_initial_only"]
    )


def _given_equivalent(a: Keys, b: Keys, p: str) -> bool:
    return any(_eq_pair(a[f"{p}_{x}"], b[f"{p}_{y}"]) for x in _GROUPS for y in _GROUPS)


_GROUPS = ("group", "group_alt")


def _eq_pair(x: str | None, y: str | None) -> bool:
    return x is not None and y is not None and x == y


def _surname_equivalent(a: Keys, b: Keys, p: str) -> bool:
    sexes = (a[f"{p}_sex"], b[f"{p}_sex"])
    compatible = None in sexes or sexes[0] == sexes[1]
    return _eq(a, b, f"{p}_family") and compatible


_COMMON: dict[str, Condition] = {
    "exact": lambda a, b, p: _eq(a, b, f"{p}_norm"),
    "transliteration": lambda a, b, p: _eq(a, b, f"{p}_translit"),
    "phonetic": lambda a, b, p: _eq(a, b, f"{p}_phonetic"),
}
def _unknown(value: str | None) -> bool:
    return value is None or value.startswith("~")


_SPECIFIC: dict[str, dict[str, Condition]] = {
    "given": {
        "equivalent": _given_equivalent,
        "phonetic": lambda a, b, p: _eq(a, b, f"{p}_phonetic")
        and (a[f"{p}_group"] is None or b[f"{p}_group"] is None),
        "fuzzy": lambda a, b, p: _fuzzy(a, b, p) or _initial(a, b, p),
    },
    "patronymic": {
        "equivalent": lambda a, b, p: _eq(a, b, f"{p}_group"),
        "phonetic": lambda a, b, p: _eq(a, b, f"{p}_phonetic")
        and (_unknown(a[f"{p}_father"]) or _unknown(b[f"{p}_father"])),
        "fuzzy": lambda a, b, p: _fuzzy(a, b, p) or _eq(a, b, f"{p}_father")
        or _initial(a, b, p),
    },
    "surname": {
        "equivalent": _surname_equivalent,
        "fuzzy": lambda a, b, p: _fuzzy(a, b, p) or _eq(a, b, f"{p}_family"),
    },
}
_ORDER: tuple[Level, ...] = ("exact", "transliteration", "equivalent", "phonetic", "fuzzy")


def is_swapped(a: Keys, b: Keys) -> bool:
    """Whether each record's surname sounds like the other's given name (sql.SWAPPED_SQL)."""
    return _eq_pair(a["surname_phonetic"], b["given_phonetic"]) and _eq_pair(
        a["given_phonetic"], b["surname_phonetic"])


def compare_keys(a: Keys, b: Keys, kind: Kind, *, swapped: bool = False) -> Level:
    """Return the level for two rows of key columns (record.py), as the SQL levels do.

    With `swapped` the surname and given name also take the `swapped` level after
    `equivalent` (sql.comparison_levels_sql(swapped=True)); `a` and `b` must then hold
    the surname and given-name keys both.
    """
    if a[f"{kind}_norm"] is None or b[f"{kind}_norm"] is None:
        return "null"
    conditions = _COMMON | _SPECIFIC[kind]
    for level in _ORDER:
        if conditions[level](a, b, kind):
            return level
        if level == "equivalent" and swapped and kind in SWAPPABLE and is_swapped(a, b):
            return "swapped"
    return "different"


def _keys(text: str, kind: Kind, sex: str | None) -> Keys:
    if kind == "surname":
        return surname_keys(text)
    if kind == "patronymic":
        return patronymic_keys(text)
    return given_keys(text, sex)


def _sex_conflict(a: Keys, b: Keys, kind: Kind, sexes: tuple[str | None, str | None]) -> bool:
    if kind == "given":
        # A given name's sex is its group's (Ярослав/Ярослава), unless it has two groups.
        if a["given_group_alt"] or b["given_group_alt"]:
            return False
        # An English group's sex is unknown: the record's, if given, stands in.
        found = [(group_by_id()[g].sex if g else None) or s for g, s in zip(
            (a["given_group"], b["given_group"]), sexes, strict=True)]
        return None not in found and found[0] != found[1]
    column = f"{kind}_sex"
    return a[column] is not None and b[column] is not None and a[column] != b[column]


def guess_kind(a: str, b: str) -> Kind:
    """Return the kind of two single names: patronymic, given (both in the data or among
    English names), surname."""
    if read_patronymic(a) and read_patronymic(b):
        return "patronymic"
    if all_groups_of_skeleton(skeleton_key(a)) and all_groups_of_skeleton(skeleton_key(b)):
        return "given"
    return "surname"


def compare(
    a: str | None,
    b: str | None,
    kind: Kind | Literal["auto"] = "auto",
    *,
    sex_a: str | None = None,
    sex_b: str | None = None,
) -> Comparison:
    """Compare two names of one kind and return the level at which they agree.

    Args:
        a, b: one surname, given name or patronymic each, in any script; None or blank
            for a missing name (level "null").
        kind: "surname", "given", "patronymic", or "auto" (see `guess_kind`).
        sex_a, sex_b: the sexes of the two records where known (any spelling of
            `record.normalise_sex`); they pick the group of an ambiguous given name (Саша)
            and flag a conflict.
    Returns:
        A Comparison: level, score and sex_conflict.
    Raises:
        ValueError: for an unknown kind.
    """
    # No name is longer than this; a longer cell (a pasted paragraph) would make the
    # edit distance quadratic in its length (issue 19: two 10,000-character names, 31 s).
    a, b = (a or "")[:MAX_NAME_LENGTH], (b or "")[:MAX_NAME_LENGTH]
    if kind == "auto":
        kind = guess_kind(a, b)
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {KINDS} or 'auto'")
    sexes = (normalise_sex(sex_a), normalise_sex(sex_b))
    left, right = _keys(a or "", kind, sexes[0]), _keys(b or "", kind, sexes[1])
    level = compare_keys(left, right, kind)
    if level == "null":
        return Comparison("null", 0.0)
    return Comparison(level, _score(a or "", b or ""), _sex_conflict(left, right, kind, sexes))


def _score(a: str, b: str) -> float:
    left, right = skeleton_key(a), skeleton_key(b)
    longest = max(len(left), len(right)) or 1
    return round(1 - levenshtein(left, right) / longest, 3)
