"""Patronymics: the father's given-name group and the sex, from any spelling.

Олександрович, Александрович, Oleksandrovych and Aleksandrovich all name a son of an
Oleksandr; Олександрівна names a daughter. The father's name is found by removing the
patronymic suffix from the skeleton (keys.py) and matching the rest against the stems of
the full given-name forms (the same key with final vowels removed, so that Петро, Пётр and
Петрович meet at "petr", Сергій, Сергей, Сергійович and Сергеевич at "serg"). Patronymics
that do not follow that rule (Якович from Яків, Львович from Лев) are listed in the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from musterroll.names.given_names import load_groups
from musterroll.names.keys import skeleton_key

__all__ = ["Patronymic", "is_patronymic_form", "read_patronymic", "read_patronymic_skeleton"]

# Suffixes on the skeleton: C is ч. Longest first. "-ич"/"-ична" (Ілліч, Кузьмич,
# Ильинична) are also surname endings (Бабич), so they count only when the stem is a
# known father's name.
_FEMALE = ("iniCna", "oviCna", "ovna", "evna", "ivna", "iCna")
_MALE = ("oviC", "eviC")
_WEAK_MALE = ("iC",)
_KINDS = ((_FEMALE, "f", True), (_MALE, "m", True), (_WEAK_MALE, "m", False))
_SUFFIX_KIND = {suffix: (sex, strong) for suffixes, sex, strong in _KINDS for suffix in suffixes}
# Longest first, so that -овна is not read as -на and -ович not as -ич.
_SUFFIX_RE = re.compile("(?:" + "|".join(sorted(_SUFFIX_KIND, key=len, reverse=True)) + ")$")
_TRAILING_VOWELS = re.compile(r"[aeiou]+$")


@dataclass(frozen=True)
class Patronymic:
    """What a patronymic says: the father's name group (or stem) and the bearer's sex."""

    father: str
    sex: str
    known: bool

    @property
    def group(self) -> str:
        """The key that equivalent patronymics share: father and sex."""
        return f"{self.father}:{self.sex}"


def _stem(skeleton: str) -> str:
    return _TRAILING_VOWELS.sub("", skeleton)


@cache
def _stems() -> dict[str, str]:
    found: dict[str, set[str]] = {}
    # Only men's full Ukrainian and Russian forms father a patronymic: not a diminutive,
    # and not a Western form ("Alex" would give the stem of Алексеевич to Oleksandr).
    for group in load_groups():
        if group.sex == "m":
            for form in group.uk + group.ru:
                found.setdefault(_stem(skeleton_key(form)), set()).add(group.id)
    # A stem of two names (Арсен, Арсеній) says nothing: such patronymics stay unknown.
    return {stem: ids.pop() for stem, ids in found.items() if len(ids) == 1}


@cache
def _irregular() -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for group in load_groups():
        for form in group.patronymics:
            key = skeleton_key(form)
            found[key] = (group.id, "f" if key.endswith("na") else "m")
    return found


def _split_suffix(key: str) -> tuple[str, str, bool] | None:
    match = _SUFFIX_RE.search(key)
    if match is None or match.start() < 2:
        return None
    suffix = match.group(0)
    return key[: match.start()], *_SUFFIX_KIND[suffix]


def read_patronymic(text: str) -> Patronymic | None:
    """Return the father's group and the sex a patronymic names, or None if it is none.

    Args:
        text: one patronymic in any script ("Олександрович", "Aleksandrovna").
    Returns:
        A Patronymic with `known` True when the father's name is in the given-name data;
        with father "~<stem>" when it is not (so that unknown names still meet across
        scripts); None when the text has no patronymic suffix, or only "-ич" on a stem
        that is not a known name.
    """
    return read_patronymic_skeleton(skeleton_key(text))


@lru_cache(maxsize=500_000)
def read_patronymic_skeleton(key: str) -> Patronymic | None:
    """`read_patronymic` for a text already reduced to its skeleton key."""
    if key in _irregular():
        father, sex = _irregular()[key]
        return Patronymic(father=father, sex=sex, known=True)
    split = _split_suffix(key)
    if split is None:
        return None
    stem, sex, strong = split
    known = _stems().get(_stem(stem))
    if known is not None:
        return Patronymic(father=known, sex=sex, known=True)
    return Patronymic(father=f"~{_stem(stem)}", sex=sex, known=False) if strong else None


def is_patronymic_form(token: str) -> bool:
    """Return True when a token reads as a patronymic (see `read_patronymic`)."""
    return read_patronymic(token) is not None

