"""Compare two versions of one list: rows added, removed, changed and unchanged.

Rows have no ids across versions, so a row is matched first by its content (identical
verbatim rows, duplicates paired off one by one) and what is left by its identity (name,
birth date, service number): an identity in both versions with different content is a
changed row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

__all__ = ["diff_versions"]

_SAMPLES = 100


def diff_versions(
    old: Iterable[tuple[int, str, str]], new: Iterable[tuple[int, str, str]]
) -> dict[str, Any]:
    """Diff two versions given as (row, row_key, row_hash) of their accepted records.

    Returns:
        ``added``, ``removed``, ``changed``, ``unchanged`` counts and, for up to 100 rows
        each, ``added_rows`` (new row numbers), ``removed_rows`` (old row numbers) and
        ``changed_rows`` ([old row, new row] pairs).
    """
    by_hash: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row, key, digest in old:
        by_hash[digest].append((row, key))
    unchanged = 0
    leftover_new: list[tuple[int, str]] = []
    for row, key, digest in new:
        same = by_hash.get(digest)
        if same:
            same.pop()
            unchanged += 1
        else:
            leftover_new.append((row, key))
    by_key: dict[str, list[int]] = defaultdict(list)
    for rows in by_hash.values():
        for row, key in rows:
            by_key[key].append(row)
    added: list[int] = []
    changed: list[list[int]] = []
    for row, key in leftover_new:
        olds = by_key.get(key)
        if olds:
            changed.append([olds.pop(0), row])
        else:
            added.append(row)
    removed = sorted(row for rows in by_key.values() for row in rows)
    return {
        "added": len(added),
        "removed": len(removed),
        "changed": len(changed),
        "unchanged": unchanged,
        "added_rows": added[:_SAMPLES],
        "removed_rows": removed[:_SAMPLES],
        "changed_rows": changed[:_SAMPLES],
    }
