"""Split a full name in one column into surname, given name and patronymic.

``musterroll.names.parse_full_name`` reads either order ("Шевченко Тарас Григорович",
"Тарас Григорович Шевченко") and initials ("Шевченко Т.Г."); an initial is kept as the
letter alone.
"""

from __future__ import annotations

from musterroll.names import parse_full_name

__all__ = ["split_full_name"]


def split_full_name(full: str) -> tuple[str | None, str | None, str | None]:
    """Return (surname, given_name, patronymic) of a cleaned full name; None where absent."""
    parsed = parse_full_name(full)
    return parsed.surname or None, parsed.given_name or None, parsed.patronymic or None
