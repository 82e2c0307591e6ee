"""Plain-data answers for the command line: what a name reads as, how two names compare."""

from __future__ import annotations

from typing import Any

from musterroll.names.compare import LEVEL_RANK, compare, is_swapped
from musterroll.names.given_names import group_by_id
from musterroll.names.morphology import nominative_name
from musterroll.names.parse import parse_full_name
from musterroll.names.record import name_keys
from musterroll.names.romanise import romanise
from musterroll.names.script import clean_text, detect_language

__all__ = ["describe_name", "compare_names"]

_PARTS = (("surname", "surname"), ("given_name", "given"), ("patronymic", "patronymic"))


def describe_name(text: str, *, sex: str | None = None) -> dict[str, Any]:
    """Return the parse, languages, romanisation, key columns and groups of a full name.

    Args:
        text: a full name in any script and order.
        sex: the record's sex if known (any spelling `record.normalise_sex` reads).
    Returns:
        A JSON-ready dict: text, parse, nominative (the parts in the nominative case, as
        keyed), languages (per word), romanised, keys, groups (the given-name group(s)
        with their forms).
    """
    parsed = parse_full_name(text)
    nominative = nominative_name(parsed.surname, parsed.given_name, parsed.patronymic)
    keys = name_keys(parsed.surname, parsed.given_name, parsed.patronymic, sex)
    groups = [g for g in (keys["given_group"], keys["given_group_alt"]) if g]
    return {
        "text": text,
        "parse": {
            "surname": parsed.surname,
            "given_name": parsed.given_name,
            "patronymic": parsed.patronymic,
            "given_initial": parsed.given_initial,
            "patronymic_initial": parsed.patronymic_initial,
            "order": parsed.order,
        },
        "nominative": dict(zip(("surname", "given_name", "patronymic"), nominative, strict=True)),
        "languages": {w: detect_language(w) for w in clean_text(text).split()},
        "romanised": romanise(text),
        "keys": keys,
        "groups": {g: list(group_by_id()[g].forms) for g in groups},
    }


def _nominative_parts(text: str) -> tuple[str | None, str | None, str | None]:
    parsed = parse_full_name(text)
    return nominative_name(parsed.surname, parsed.given_name, parsed.patronymic)


def _mark_swapped(
    parts: dict[str, dict[str, Any]], left: tuple[str | None, ...], right: tuple[str | None, ...]
) -> None:
    """Set surname and given name to `swapped` when they agree only crosswise."""
    levels = [parts[field]["level"] for field in ("surname", "given_name")]
    if "null" in levels or min(LEVEL_RANK[x] for x in levels) >= LEVEL_RANK["equivalent"]:
        return
    if is_swapped(name_keys(*left), name_keys(*right)):
        for field in ("surname", "given_name"):
            parts[field]["level"] = "swapped"


def compare_names(a: str, b: str, *, kind: str = "auto") -> dict[str, Any]:
    """Compare two names; full names (several words) part by part.

    Args:
        a, b: two names. One word each is compared as `kind` ("auto" guesses it);
            several words are parsed, put in the nominative case ("Бондарчука Василя
            Івановича" is Бондарчук Василь Іванович) and compared surname to surname,
            and so on; a surname and given name read in each other's places are
            `swapped` (as strong as `equivalent`).
        kind: "auto", "surname", "given" or "patronymic" for single names.
    Returns:
        {"a", "b", "level", "score"}; for full names also "parts" (per part: level,
        score, sex_conflict) and the level is the weakest of the parts present in both.
    """
    if len(a.split()) == 1 and len(b.split()) == 1:
        found = compare(a, b, kind)  # type: ignore[arg-type]  # checked by compare
        return {"a": a, "b": b, "level": found.level, "score": found.score,
                "sex_conflict": found.sex_conflict}
    left, right = _nominative_parts(a), _nominative_parts(b)
    parts: dict[str, dict[str, Any]] = {}
    for (field, part_kind), x, y in zip(_PARTS, left, right, strict=True):
        found = compare(x, y, part_kind)  # type: ignore[arg-type]
        parts[field] = {"level": found.level, "score": found.score,
                        "sex_conflict": found.sex_conflict}
    _mark_swapped(parts, left, right)
    present = [p for p in parts.values() if p["level"] != "null"]
    if not present:
        return {"a": a, "b": b, "level": "null", "score": 0.0, "parts": parts}
    weakest = min(present, key=lambda p: LEVEL_RANK[p["level"]])
    score = round(sum(p["score"] for p in present) / len(present), 3)
    return {"a": a, "b": b, "level": weakest["level"], "score": score, "parts": parts}
