"""Ingest every list named in a manifest (the simulator's ``manifest.json``).

The manifest format is fixed in ``docs/simulation-format.md``; an entry may also carry
``status_map`` (the list's own status words), ``default_status`` (the status of rows
that have none) and ``map`` (a list of ``"COLUMN=field"``, as ``ingest --map``, applied
over its ``mapping``), which are applied. Every file is checked
against its sha256 before anything is ingested; each file is then its own transaction,
and a second run changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from musterroll.sources.ingest import (
    IngestOptions,
    IngestSummary,
    Progress,
    file_sha256,
    ingest_file,
)
from musterroll.sources.mapping import MappingError, load_mapping, merge_mappings, parse_map_options

__all__ = [
    "MANIFEST_FORMAT",
    "ManifestError",
    "entry_mapping",
    "ingest_manifest",
    "read_manifest",
]

MANIFEST_FORMAT = "musterroll-simulation/1"
# Entry keys that say how to read the file; any other key is kept as the file's meta.
_READING = {"name", "kind", "path", "format", "encoding", "delimiter", "language",
            "published", "mapping", "map", "sha256"}  # fmt: skip


class ManifestError(ValueError):
    """A manifest that cannot be used: unreadable, or naming a missing or altered file."""


def read_manifest(path: Path) -> dict[str, Any]:
    """Read and check a manifest: its format, and each list's presence and sha256.

    Raises:
        ManifestError: unreadable JSON, another format, a missing file, a sha256 mismatch,
            a mapping or map naming an unknown field.
    """
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else type(manifest).__name__
        raise ManifestError(f"{path}: expected format {MANIFEST_FORMAT!r}, found {found!r}")
    sources = manifest.get("sources")
    if not isinstance(sources, list):
        raise ManifestError(f"{path}: expected a list under 'sources'")
    for number, entry in enumerate(sources, start=1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("path"):
            raise ManifestError(f"{path}: source {number} has no name or path: {entry!r:.120}")
        file = path.parent / entry["path"]
        if not file.is_file():
            raise ManifestError(f"{path}: source {entry['name']!r}: no file {file}")
        entry_mapping(path, entry)  # a wrong map stops the manifest before any ingest
        expected = entry.get("sha256")
        if expected and (found := file_sha256(file)) != expected:
            raise ManifestError(
                f"{path}: source {entry['name']!r}: {file} has sha256 {found}, "
                f"the manifest says {expected}; the file was altered"
            )
    return manifest


def entry_mapping(path: Path, entry: dict[str, Any]) -> dict[str, str | None]:
    """Return one manifest entry's column mapping: its ``mapping`` with its ``map`` over it.

    Raises:
        ManifestError: a mapping that is not an object, a map that is not a list of
            ``"COLUMN=field"``, or either naming an unknown field.
    """
    where = f"{path}: source {entry.get('name')!r}"
    mapping, items = entry.get("mapping"), entry.get("map") or []
    if mapping is not None and not isinstance(mapping, dict):
        raise ManifestError(f"{where}: expected 'mapping' to be an object of header: field")
    if not isinstance(items, list):
        raise ManifestError(f"{where}: expected 'map' to be a list of \"COLUMN=field\"")
    try:
        return merge_mappings(load_mapping(mapping), parse_map_options(items, where="map"))
    except MappingError as exc:
        raise ManifestError(f"{where}: {exc}") from exc


def ingest_manifest(
    engine: Engine,
    path: Path,
    *,
    progress_for: Callable[[str, Path], Progress | None] | None = None,
    actor: str = "musterroll",
) -> list[IngestSummary]:
    """Ingest every list of a manifest, one transaction per file.

    Args:
        engine: an open register.
        path: the manifest (``manifest.json``).
        progress_for: given a source name and file, returns a progress callback.
        actor: who ingests, for the audit log.
    Returns:
        One summary per list, in manifest order. A note is added when the row count
        differs from the manifest's ``rows``.
    Raises:
        ManifestError: see ``read_manifest``; nothing is ingested then.
        IngestError: a file that cannot be ingested (earlier files stay ingested).
    """
    manifest = read_manifest(path)
    summaries = []
    for entry in manifest["sources"]:
        file = path.parent / entry["path"]
        meta = {key: value for key, value in entry.items() if key not in _READING}
        meta["manifest"] = {"path": str(path), "seed": manifest.get("seed")}
        options = IngestOptions(
            kind=entry.get("kind"), language=entry.get("language"),
            mapping=entry_mapping(path, entry), format=entry.get("format"),
            encoding=entry.get("encoding"), delimiter=entry.get("delimiter"),
            published=entry.get("published"), meta=meta, status_words=entry.get("status_map"),
            default_status=entry.get("default_status"),
        )  # fmt: skip
        summary = ingest_file(
            engine, file, source=entry["name"], options=options,
            progress=progress_for(entry["name"], file) if progress_for else None, actor=actor,
        )
        expected = entry.get("rows")
        if isinstance(expected, int) and expected != summary.rows:
            summary.notes.append(
                f"the manifest says {expected} rows, the file has {summary.rows} data rows"
            )
        summaries.append(summary)
    return summaries
