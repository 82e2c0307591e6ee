"""Split a full name in one column into surname, given name and patronymic.

Uses ``musterroll.names.parse_full_name`` (either order, initials) when it is available;
until then a small fallback recognises the patronymic by its suffix.
"""

from __future__ import annotations

import re

import musterroll.names as names

__all__ = ["split_full_name"]

_PATRONYMIC_RE = re.compile(
    r".*(?:ович|евич|йович|ьович|івна|ївна|овна|евна|ична|інична|ич)$", re.IGNORECASE
)


def _fallback(full: str) -> tuple[str | None, str | None, str | None]:
    tokens = full.replace(",", " ").split()
    if not tokens:
        return None, None, None
    if len(tokens) == 1:
        return tokens[0], None, None
    if len(tokens) >= 3 and _PATRONYMIC_RE.match(tokens[1]) and not _PATRONYMIC_RE.match(tokens[2]):
        # "Іван Іванович Петренко": given name, patronymic, surname.
        return " ".join(tokens[2:]), tokens[0], tokens[1]
    if len(tokens) == 2:
        return tokens[0], tokens[1], None
    return tokens[0], tokens[1], " ".join(tokens[2:])


def split_full_name(full: str) -> tuple[str | None, str | None, str | None]:
    """Return (surname, given_name, patronymic) of a cleaned full name; None where absent."""
    parse_full_name = getattr(names, "parse_full_name", None)
    if parse_full_name is None:
        return _fallback(full)
    parsed = parse_full_name(full)
    return (
        parsed.surname or None,
        parsed.given_name or None,
        parsed.patronymic or None,
    )
