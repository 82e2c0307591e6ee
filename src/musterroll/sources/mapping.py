"""Map a list's columns to canonical fields: by header synonyms, or by a YAML mapping file.

A mapping file is a YAML mapping from the file's header to a canonical field, either at
the top level or under ``columns:``. ``null`` or ``ignore`` as a field keeps the column
only in the verbatim row and ``extra``::

    columns:
      "Призвище/Ім'я": full_name
      "Дата зникн.": event_date
      "Особова справа": ignore
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from musterroll.sources.vocabulary import fold_label, header_synonyms
from musterroll.store.models import CANONICAL_FIELDS

__all__ = ["ColumnMap", "MappingError", "load_mapping", "map_columns"]

_IGNORE = {None, "", "ignore", "extra"}


class MappingError(ValueError):
    """A mapping file that cannot be used: unreadable, or naming an unknown field."""


@dataclass(frozen=True)
class ColumnMap:
    """Where each canonical field is in a row, and which columns are extras.

    Attributes:
        fields: canonical field -> column index (the first column when several map).
        extras: (key, column index) of columns kept in ``extra``.
        notes: what a person should know (duplicates, mapped headers not found).
    """

    fields: dict[str, int]
    extras: list[tuple[str, int]]
    notes: list[str] = field(default_factory=list)

    def as_json(self, header: list[str]) -> dict[str, str]:
        """Return header -> canonical field, as stored with the file."""
        return {header[index]: name for name, index in self.fields.items()}

    def has_identity(self) -> bool:
        """Tell whether any column holds a name or a service number."""
        names = ("surname", "given_name", "full_name", "service_number")
        return any(name in self.fields for name in names)


def load_mapping(source: Path | dict[str, Any] | None) -> dict[str, str | None]:
    """Load a column mapping from a YAML file or an already parsed object.

    Args:
        source: a YAML file path, a dict (as in a manifest), or None (no mapping).
    Returns:
        header -> canonical field (None to keep the column as an extra only).
    Raises:
        MappingError: unreadable YAML, not a mapping, or an unknown canonical field.
    """
    if source is None:
        return {}
    where = "the mapping"
    if isinstance(source, Path):
        where = str(source)
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise MappingError(f"{where}: cannot read the mapping: {exc}") from exc
    else:
        data = source
    if isinstance(data, dict) and isinstance(data.get("columns"), dict):
        data = data["columns"]
    if not isinstance(data, dict):
        raise MappingError(f"{where}: expected a mapping of header: field, found {data!r:.80}")
    mapping: dict[str, str | None] = {}
    for header, target in data.items():
        if isinstance(target, list | dict | set):  # issue 19: was a TypeError
            raise MappingError(f"{where}: column {header!r} maps to {target!r:.80}; expected "
                               "one canonical field name (or ignore)")
        name = None if target in _IGNORE else str(target).strip()
        if name is not None and name not in CANONICAL_FIELDS:
            raise MappingError(
                f"{where}: column {header!r} maps to {name!r}, which is not a canonical field; "
                f"expected one of {', '.join(CANONICAL_FIELDS)} (or ignore)"
            )
        mapping[str(header).strip()] = name
    return mapping


def _extra_key(header: str, index: int, taken: set[str]) -> str:
    """A unique key for an extra column: its header, else its position; "_2" on a repeat."""
    key = header.strip() or f"column_{index + 1}"
    base, n = key, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    taken.add(key)
    return key


def map_columns(header: list[str], mapping: dict[str, str | None] | None = None) -> ColumnMap:
    """Decide which column holds which canonical field.

    A column named in `mapping` goes where the mapping says; any other column whose header
    is canonical or a known synonym (``data/headers.yaml``) maps to that field; the rest
    are extras. When two columns map to one field the first wins and the second is kept
    as an extra, with a note.

    Args:
        header: the file's header cells.
        mapping: header -> field (None: extra only), from ``load_mapping``.
    Returns:
        The column map.
    """
    mapping = mapping or {}
    folded_mapping = {fold_label(key): value for key, value in mapping.items()}
    synonyms = header_synonyms()
    fields: dict[str, int] = {}
    extras: list[tuple[str, int]] = []
    notes: list[str] = []
    seen_mapped: set[str] = set()
    taken: set[str] = set()
    for index, name in enumerate(header):
        folded = fold_label(name)
        if name in mapping or folded in folded_mapping:
            seen_mapped.add(folded)
            target = mapping[name] if name in mapping else folded_mapping[folded]
        else:
            target = synonyms.get(folded)
        if target is None:
            extras.append((_extra_key(name, index, taken), index))
        elif target in fields:
            notes.append(
                f"column {name!r} also maps to {target}; the first such column "
                f"({header[fields[target]]!r}) is used and {name!r} is kept as an extra"
            )
            extras.append((_extra_key(name, index, taken), index))
        else:
            fields[target] = index
    for key in mapping:
        if fold_label(key) not in seen_mapped:
            notes.append(f"the mapping names column {key!r}, which the file does not have")
    return ColumnMap(fields, extras, notes)
