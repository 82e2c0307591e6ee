"""Map a list's columns to canonical fields: by header synonyms, or by a YAML mapping file.

A mapping file is a YAML mapping from the file's header to a canonical field, either at
the top level or under ``columns:``. ``null`` or ``ignore`` as a field keeps the column
only in the verbatim row and ``extra``::

    columns:
      "Призвище/Ім'я": full_name
      "Дата зникн.": event_date
      "Особова справа": ignore

The same can be given on the command line, one column at a time: ``--map 'Хто=full_name'``
(see ``parse_map_options``). Several columns may map to ``address`` (street, house
number, flat): their values are joined in file order (``JOINED_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from musterroll.sources.vocabulary import fold_label, header_synonyms
from musterroll.store.models import CANONICAL_FIELDS

__all__ = [
    "JOINED_FIELDS",
    "ColumnMap",
    "MappingError",
    "load_mapping",
    "map_columns",
    "merge_mappings",
    "parse_map_options",
]

_IGNORE = {None, "", "ignore", "extra"}
# Fields a list may spread over several columns, joined in file order with ", ". An
# address comes as street, house number and flat (FEBRL: street_number, address_1,
# address_2); one text keeps all of it for linkage, while each column stays verbatim.
JOINED_FIELDS: tuple[str, ...] = ("address",)
_IDENTITY_FIELDS = (
    "surname", "given_name", "patronymic", "full_name", "service_number", "document_number",
)  # fmt: skip


class MappingError(ValueError):
    """A mapping file that cannot be used: unreadable, or naming an unknown field."""


@dataclass(frozen=True)
class ColumnMap:
    """Where each canonical field is in a row, and which columns are extras.

    Attributes:
        fields: canonical field -> column index (the first column when several map).
        extras: (key, column index) of columns kept in ``extra``.
        notes: what a person should know (duplicates, mapped headers not found).
        joined: a field of ``JOINED_FIELDS`` -> the indexes of its further columns,
            whose values are joined to the first column's.
    """

    fields: dict[str, int]
    extras: list[tuple[str, int]]
    notes: list[str] = field(default_factory=list)
    joined: dict[str, list[int]] = field(default_factory=dict)

    def as_json(self, header: list[str]) -> dict[str, str]:
        """Return header -> canonical field, as stored with the file."""
        mapped = {header[index]: name for name, index in self.fields.items()}
        for name, indexes in self.joined.items():
            mapped.update({header[index]: name for index in indexes})
        return mapped

    def has_identity(self) -> bool:
        """Tell whether any column holds a name part or an identifier."""
        return any(name in self.fields for name in _IDENTITY_FIELDS)


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
    return {
        str(header).strip(): _target(where, str(header), target) for header, target in data.items()
    }


def _target(where: str, header: str, target: Any) -> str | None:
    """Return the canonical field a column maps to (None: extra only), or refuse it."""
    if target is not None and not isinstance(target, str):
        raise MappingError(f"{where}: column {header!r} maps to {target!r}; expected a field name")
    name = None if target is None else target.strip()
    if name in _IGNORE:
        return None
    if name not in CANONICAL_FIELDS:
        raise MappingError(
            f"{where}: column {header!r} maps to {name!r}, which is not a canonical field; "
            f"expected one of {', '.join(CANONICAL_FIELDS)} (or ignore)"
        )
    return name


def parse_map_options(items: Sequence[str], *, where: str = "--map") -> dict[str, str | None]:
    """Read ``COLUMN=field`` items (``ingest --map``, a manifest's ``map``) into a mapping.

    Args:
        items: each ``"COLUMN=field"``; the last ``=`` separates (a header may hold one).
            ``COLUMN=ignore`` (or ``COLUMN=``) keeps the column as an extra only.
        where: what to name in an error (the option, or the manifest entry).
    Returns:
        header -> canonical field (None: extra only), as ``load_mapping`` returns.
    Raises:
        MappingError: an item without ``=`` or a column name, or an unknown field.
    """
    mapping: dict[str, str | None] = {}
    for item in items:
        header, equals, target = str(item).rpartition("=")
        if not equals or not header.strip():
            raise MappingError(
                f"{where} {item!r}: expected COLUMN=field, e.g. 'soc_sec_id=document_number'"
            )
        mapping[header.strip()] = _target(f"{where} {item!r}", header.strip(), target.strip())
    return mapping


def merge_mappings(*mappings: dict[str, str | None]) -> dict[str, str | None]:
    """Return one mapping from several; a later one wins for the same (folded) header."""
    merged: dict[str, str | None] = {}
    folded: dict[str, str] = {}
    for mapping in mappings:
        for header, target in mapping.items():
            key = fold_label(header)
            merged.pop(folded.get(key, header), None)
            folded[key] = header
            merged[header] = target
    return merged


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
    as an extra, with a note; but the columns of a field in ``JOINED_FIELDS`` (an address
    in parts) are all used, joined in file order.

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
    joined: dict[str, list[int]] = {}
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
        elif target in fields and target in JOINED_FIELDS:
            joined.setdefault(target, []).append(index)
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
    return ColumnMap(fields, extras, notes, joined)
