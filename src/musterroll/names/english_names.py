"""English given names and their nicknames (Charlie/Charles, Bill/William, Peggy/Margaret).

The project's own table (`data/given_names.csv`) knows Ukrainian and Russian names and
their common Western forms; it does not know that Peggy is Margaret. The maintained
`nicknames` package (a hand-curated table of English names, each with its nicknames) does,
so names the project's table lacks are looked up there (issue 14).

Its relation is loose and not transitive (Al is a nickname of 14 names, Bill of William
and of Robert), so it is not closed into groups. Each name is read as the names it may
stand for: itself and every name it is a nickname of (none for a nickname of more than
four); those are ranked by how many nicknames they have (the more, the likelier it is the
full name: Bill -> Robert, William, before Bill itself) and the first two are kept, as
the given-name keys hold two groups. Two names are then equivalent when their pairs
overlap.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache

from musterroll.names.keys import skeleton_key

__all__ = ["english_candidates", "english_forms", "english_names"]

# The given-name keys hold a group and an alternative (record.GIVEN_COLUMNS).
_KEPT = 2
# A nickname of more full names than this (Al: 14, Ann: 15, Rick: 11; about 100 of the
# 2,700 names) says too little: it stands only for itself, if it is a full name too.
_MOST_STOOD_FOR = 4


@cache
def _lookups() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(name -> its nicknames, nickname -> the names it stands for), lower case."""
    from nicknames import NickNamer  # lazy: only Latin names need it

    namer = NickNamer()
    return namer.nickname_lookup, namer.canonical_lookup


@cache
def _index() -> dict[str, tuple[str, ...]]:
    """Skeleton key -> the (at most two) full names a name of that key stands for."""
    nicknames, canonicals = _lookups()
    found: dict[str, set[str]] = defaultdict(set)
    for name in set(nicknames) | set(canonicals):
        stands_for = canonicals.get(name, set())
        if len(stands_for) > _MOST_STOOD_FOR:
            stands_for = set()
            if name not in nicknames:
                continue
        found[skeleton_key(name)] |= {name} | stands_for
    ranked = {}
    for key, names in found.items():
        order = sorted(names, key=lambda n: (-len(nicknames.get(n, ())), n))
        ranked[key] = tuple(order[:_KEPT])
    return ranked


def english_candidates(skeleton: str) -> tuple[str, ...]:
    """Return the full English names (lower case, at most two, likeliest first) that a
    name of this skeleton key (keys.skeleton_key) stands for; () when it is unknown."""
    return _index().get(skeleton, ())


def english_names() -> frozenset[str]:
    """Return every name of the English table, full names and nicknames, lower case."""
    nicknames, canonicals = _lookups()
    return frozenset(nicknames) | frozenset(canonicals)


def english_forms(name: str) -> tuple[str, ...]:
    """Return an English name and its nicknames, lower case ("charles", "charlie", ...)."""
    return (name, *sorted(_lookups()[0].get(name, ())))
