"""Given-name equivalence groups: Олександр = Александр = Oleksandr = Alexander = Саша.

The groups are a curated data file, `data/given_names.csv` (version in its header), read
once. A name is looked up by its skeleton key (keys.py), so any transliteration of a listed
Cyrillic form finds the group without being listed. A few forms belong to two groups
(Саша and Женя are male and female); they are declared with their reason in
`data/given_names_ambiguous.csv`, and the sex of the record, where known, picks one.

Names the table lacks are looked up among English names and nicknames (english_names.py,
from the `nicknames` package): Peggy stands for Margaret, which the table knows (group
marharyta); Charlie for Charles (karl) and for itself. An English name the table does not
know makes a group of its own, `en:<name>`, whose sex is unknown.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Literal

from musterroll.names.english_names import english_candidates, english_forms, english_names
from musterroll.names.keys import normal_key, skeleton_key

__all__ = [
    "NameGroup",
    "Sex",
    "load_groups",
    "load_ambiguous_forms",
    "given_name_groups",
    "groups_of_skeleton",
    "all_groups_of_skeleton",
    "resolve_given_group",
    "given_name_language",
    "group_by_id",
]

Sex = Literal["m", "f"]


@dataclass(frozen=True)
class NameGroup:
    """One given name across languages, with diminutives and irregular patronymics."""

    id: str
    sex: Sex | None  # None for an English group (english_names.py)
    uk: tuple[str, ...]
    ru: tuple[str, ...]
    latin: tuple[str, ...]
    diminutives: tuple[str, ...]
    patronymics: tuple[str, ...]
    note: str

    @property
    def full_forms(self) -> tuple[str, ...]:
        """The forms a patronymic is made from: Ukrainian, Russian, Latin."""
        return self.uk + self.ru + self.latin

    @property
    def forms(self) -> tuple[str, ...]:
        """Every listed form, full and diminutive."""
        return self.full_forms + self.diminutives


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split(";") if part.strip())


def _data_lines(name: str) -> list[str]:
    text = resources.files("musterroll.names").joinpath("data", name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def load_groups() -> tuple[NameGroup, ...]:
    """Return the given-name groups of `data/given_names.csv`, in file order.

    Raises:
        ValueError: on a row with an unknown sex or a repeated id (names the row).
    """
    groups: list[NameGroup] = []
    seen: set[str] = set()
    for row in csv.DictReader(_data_lines("given_names.csv")):
        if row["sex"] not in ("m", "f") or row["id"] in seen:
            raise ValueError(f"given_names.csv: bad sex or repeated id in row {row}")
        seen.add(row["id"])
        groups.append(
            NameGroup(
                id=row["id"],
                sex=row["sex"],  # type: ignore[arg-type]  # checked above
                uk=_split(row["uk"]),
                ru=_split(row["ru"]),
                latin=_split(row["latin"]),
                diminutives=_split(row["diminutives"]),
                patronymics=_split(row["patronymics"]),
                note=row["note"] or "",
            )
        )
    return tuple(groups)


@cache
def load_ambiguous_forms() -> dict[str, tuple[frozenset[str], str]]:
    """Return the declared ambiguous forms: skeleton key -> (group ids, reason)."""
    declared: dict[str, tuple[frozenset[str], str]] = {}
    for row in csv.DictReader(_data_lines("given_names_ambiguous.csv")):
        declared[skeleton_key(row["form"])] = (frozenset(_split(row["groups"])), row["reason"])
    return declared


_ENGLISH_PREFIX = "en:"


@cache
def group_by_id() -> dict[str, NameGroup]:
    """Return the groups keyed by id: the table's, then the English groups (`en:<name>`)."""
    return {group.id: group for group in load_groups()} | _english_groups()


def _english_groups() -> dict[str, NameGroup]:
    out = {}
    for name in sorted(english_names()):
        group_id = _ENGLISH_PREFIX + name
        out[group_id] = NameGroup(group_id, None, (), (), english_forms(name), (), (),
                                  "English name and its nicknames (nicknames package)")
    return out


def _english_group_id(name: str) -> str:
    """The table's group of an English full name where it knows the name, else its own."""
    ours = _index().get(skeleton_key(name))
    return ours[0] if ours else _ENGLISH_PREFIX + name


@lru_cache(maxsize=100_000)
def all_groups_of_skeleton(key: str) -> tuple[str, ...]:
    """Return the group ids of a skeleton key: the table's, else those of the English
    full names it stands for (english_names.py); at most two for an English name."""
    ours = _index().get(key)
    if ours:
        return ours
    return tuple(dict.fromkeys(_english_group_id(n) for n in english_candidates(key)))


@cache
def _index() -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = defaultdict(set)
    for group in load_groups():
        for form in group.forms:
            found[skeleton_key(form)].add(group.id)
    order = {group.id: i for i, group in enumerate(load_groups())}
    return {key: tuple(sorted(ids, key=order.__getitem__)) for key, ids in found.items()}


@cache
def _languages() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for group in load_groups():
        for lang, forms in (("uk", group.uk), ("ru", group.ru)):
            for form in forms:
                found[normal_key(form)].add(lang)
    return {key: frozenset(langs) for key, langs in found.items()}


def given_name_groups(name: str) -> tuple[str, ...]:
    """Return the ids of the groups a given name belongs to, most common first.

    Args:
        name: one given name in any script ("Сашко", "Oleksandr", "Alexander").
    Returns:
        Group ids; empty when the name is not in the data; two for a declared ambiguous
        form such as "Саша".
    """
    return groups_of_skeleton(skeleton_key(name))


def groups_of_skeleton(key: str) -> tuple[str, ...]:
    """Return the group ids of a name already reduced to its skeleton key."""
    return _index().get(key, ())


def resolve_given_group(name: str, sex: str | None = None) -> tuple[str | None, str | None]:
    """Return (group, alternative group) for a given name, using the sex where known.

    Args:
        name: a given name in any script.
        sex: "m", "f" or None; other values count as unknown.
    Returns:
        (None, None) for a name neither in the data nor among English names; (group,
        None) for an unambiguous name or when the sex picks one of two groups; (first,
        second) otherwise (Саша; an English nickname of two names, Charlie).
    """
    groups = all_groups_of_skeleton(skeleton_key(name))
    if sex in ("m", "f") and len(groups) > 1:
        matching = [g for g in groups if group_by_id()[g].sex == sex]
        groups = tuple(matching) or groups
    return (groups[0] if groups else None, groups[1] if len(groups) > 1 else None)


def given_name_language(token: str) -> str | None:
    """Return "uk" or "ru" when a token is a given-name form of only that language."""
    langs = _languages().get(normal_key(token), frozenset())
    return next(iter(langs)) if len(langs) == 1 else None
