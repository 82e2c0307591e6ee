"""The review queue as reviewers read it: records side by side, differences word by word.

``side_by_side`` turns one item of ``linkage.review.open_items`` into rows of fields, one
cell per record, each cell's words marked where they differ from the other record (a
pair) or from the item's first record (a cluster; the first record against the second).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from musterroll.web.worddiff import Piece, diff_words

__all__ = ["FIELDS", "groups_from_form", "in_words", "side_by_side"]

FIELDS = ("surname", "given_name", "patronymic", "sex", "birth_date", "oblast", "settlement",
          "unit", "service_number", "status", "event_date", "event_place")


def _cell(value: Any, other: Any) -> list[Piece]:
    return diff_words(other, value)[1]


def side_by_side(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the rows of an item: {"field", "cells": [pieces per record], "differs"}.

    Args:
        item: an open review item (``records`` in the order shown).
    Returns:
        One row per field any record fills; ``differs`` tells whether any word differs.
    """
    records = item.get("records") or [item.get("left"), item.get("right")]
    records = [r for r in records if r]
    rows = []
    for name in FIELDS:
        values = [r.get(name) for r in records]
        if all(v in (None, "") for v in values):
            continue
        cells = []
        for k, value in enumerate(values):
            other = values[1] if k == 0 and len(values) > 1 else values[0]
            cells.append(_cell(value, other))
        differs = any(p.changed for cell in cells for p in cell) or (
            len({"" if v is None else str(v).casefold() for v in values}) > 1)
        rows.append({"field": name, "cells": cells, "differs": differs})
    return rows


def in_words(item: dict[str, Any], text: Callable[[str, Any], str]) -> dict[str, Any]:
    """Return a copy of `item` whose records' fields read as words (``text(field, value)``:
    a list's status and the sex in the page's language, dates as it writes them), so
    that the page shows and compares no codes."""
    records = [{**r, **{f: text(f, r.get(f)) for f in FIELDS if f in r}}
               for r in item.get("records") or [] if r]
    return {**item, "records": records}


def groups_from_form(record_ids: list[int], form: dict[str, str]) -> list[list[int]]:
    """Return the partition a reviewer chose: records with the same ``group_<id>`` value.

    Args:
        record_ids: the item's records, in the order shown.
        form: the submitted fields; a record without a valid group number joins group 1.
    Returns:
        The groups, in the order of their numbers, each in the order of the records.
    """
    chosen: dict[int, list[int]] = {}
    for record_id in record_ids:
        raw = form.get(f"group_{record_id}", "1")
        number = int(raw) if raw.isdigit() else 1
        chosen.setdefault(number, []).append(record_id)
    return [chosen[k] for k in sorted(chosen)]
