"""The hand-made tables under ``sources/data``: header synonyms, status words, month names.

Both are matched on a folded form (``fold_label``) so that case, apostrophe forms,
punctuation and spacing never decide whether a header or a status word is recognised.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from musterroll.store.models import CANONICAL_FIELDS, CANONICAL_STATUSES

__all__ = ["fold_label", "header_synonyms", "month_words", "status_words"]

_APOSTROPHES = re.compile("['\u2019\u2018\u0060\u00b4\u02b9\u02bb\u02bc\u2032]")
_PUNCT = re.compile(r"[^\w'/ ]+")


def fold_label(text: str) -> str:
    """Fold a header or a status word for matching: case, apostrophes, punctuation, spaces.

    ``"  Ім’я:*"`` and ``"ІМ'Я"`` both fold to ``"ім'я"``; ``"П.І.Б."`` folds to ``"п і б"``;
    ``"№ жетона"`` folds to ``"жетона"``.
    """
    text = unicodedata.normalize("NFC", text).casefold().replace("№", " ")
    text = _APOSTROPHES.sub("'", text)
    text = _PUNCT.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


def _load(name: str) -> dict[str, Any]:
    resource = files("musterroll.sources").joinpath("data").joinpath(name)
    with resource.open("r", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"musterroll/sources/data/{name}: expected a mapping at the top")
    return data


def _invert(data: dict[str, Any], allowed: tuple[str, ...], name: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, words in data.items():
        if canonical not in allowed:
            raise ValueError(f"musterroll/sources/data/{name}: unknown entry {canonical!r}")
        for word in [canonical, *words]:
            key = fold_label(str(word))
            if table.get(key, canonical) != canonical:
                raise ValueError(
                    f"musterroll/sources/data/{name}: {word!r} is listed under both "
                    f"{table[key]!r} and {canonical!r}"
                )
            table[key] = canonical
    return table


@cache
def header_synonyms() -> dict[str, str]:
    """Return folded header -> canonical field, from ``data/headers.yaml``."""
    return _invert(_load("headers.yaml"), CANONICAL_FIELDS, "headers.yaml")


@cache
def status_words() -> dict[str, str]:
    """Return folded status word -> canonical status, from ``data/statuses.yaml``."""
    return _invert(_load("statuses.yaml"), CANONICAL_STATUSES, "statuses.yaml")


@cache
def month_words() -> dict[str, int]:
    """Return folded month word -> month number (1-12), from ``data/months.yaml``."""
    table: dict[str, int] = {}
    for month, words in _load("months.yaml").items():
        if not isinstance(month, int) or not 1 <= month <= 12 or not isinstance(words, list):
            raise ValueError(f"musterroll/sources/data/months.yaml: bad entry {month!r}")
        for word in words:
            key = fold_label(str(word))
            if table.get(key, month) != month:
                raise ValueError(
                    f"musterroll/sources/data/months.yaml: {word!r} is listed under both "
                    f"{table[key]} and {month}"
                )
            table[key] = month
    return table
