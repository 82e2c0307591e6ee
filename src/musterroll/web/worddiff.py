"""Word-by-word differences between two values, for records shown side by side.

Both values are split into words (runs of letters and digits) and the separators between
them; ``difflib.SequenceMatcher`` aligns the words, and every piece is marked changed or
not. Comparison ignores case, so "ІВАН" and "Іван" read as the same word; a missing value
(None or empty) against a present one marks all of the present one changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["Piece", "diff_words", "split_words"]

_TOKEN = re.compile(r"\w+|\W+")


@dataclass(frozen=True)
class Piece:
    """A run of text and whether it differs from the other side."""

    text: str
    changed: bool


def split_words(value: object) -> list[str]:
    """Return `value` (None: nothing) as words and the separators between them, in order."""
    if value is None:
        return []
    return _TOKEN.findall(str(value))


def _is_word(token: str) -> bool:
    return bool(token) and not token.isspace() and bool(re.match(r"\w", token))


def diff_words(left: object, right: object) -> tuple[list[Piece], list[Piece]]:
    """Return both values as pieces, the words that differ from the other side marked.

    Args:
        left, right: the two values (any type; shown as text; None is empty).
    Returns:
        (left pieces, right pieces). Joining a side's texts gives the value back. Words
        are compared without case; separators (spaces, punctuation) are never marked,
        so that a highlight always covers whole words.
    """
    a, b = split_words(left), split_words(right)
    matcher = SequenceMatcher(a=[t.casefold() for t in a], b=[t.casefold() for t in b],
                              autojunk=False)
    out_a: list[Piece] = []
    out_b: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        out_a.extend(Piece(t, changed and _is_word(t)) for t in a[i1:i2])
        out_b.extend(Piece(t, changed and _is_word(t)) for t in b[j1:j2])
    return _merge(out_a), _merge(out_b)


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring pieces of the same kind, so that a page has fewer elements."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].changed == piece.changed:
            merged[-1] = Piece(merged[-1].text + piece.text, piece.changed)
        else:
            merged.append(piece)
    return merged
