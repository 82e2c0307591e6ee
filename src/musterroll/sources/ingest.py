"""Ingest one list file into the register: one transaction, nothing lost, idempotent.

The file is read as a stream in batches; each batch is normalised and bulk inserted
inside a single transaction, so an ingest commits whole or not at all (a killed process
leaves the register as it was). Every data row ends up either as a record or as a
quarantined row, and that is asserted before commit. The same file (same sha256, same
mapping) for the same source a second time changes nothing. A different file for a known
source is a new version of its list, diffed against the previous one.
"""

from __future__ import annotations

import gc
import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from musterroll.sources.diff import diff_versions
from musterroll.sources.mapping import load_mapping
from musterroll.sources.normalise import Normaliser
from musterroll.sources.readers import Reader, open_reader
from musterroll.sources.writer import BatchWriter
from musterroll.store.audit import append_audit
from musterroll.store.models import (
    CANONICAL_STATUSES,
    SOURCE_KINDS,
    files_table,
    quarantine_table,
    records_table,
    sources_table,
)

__all__ = ["IngestError", "IngestSummary", "Progress", "file_sha256", "ingest_file"]

# progress(bytes done, bytes in all, rows done): called after each batch.
Progress = Callable[[int, int, int], None]


class IngestError(ValueError):
    """A file that cannot be ingested at all; the message names the file and the fix."""


@dataclass
class IngestSummary:
    """What an ingest did. ``rows == accepted + quarantined`` always holds."""

    path: str
    source: str
    sha256: str
    format: str
    encoding: str | None
    delimiter: str | None
    rows: int
    accepted: int
    quarantined: int
    warnings: int
    already_ingested: bool
    version: int
    file_id: int
    header: list[str] = field(default_factory=list)
    column_map: dict[str, str] = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    quarantine_samples: list[dict[str, Any]] = field(default_factory=list)
    warning_samples: list[dict[str, Any]] = field(default_factory=list)
    diff: dict[str, Any] | None = None
    trailing_blank_rows: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Return the summary as a JSON-serialisable dict."""
        return asdict(self)


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _mapping_key(mapping: dict[str, str | None]) -> dict[str, str | None]:
    return dict(sorted(mapping.items()))


def _previous(conn: Connection, source: str, sha256: str, options: _Options) -> Any:
    """Return the stored file of `source` read from these bytes the same way, if any.

    The same bytes read with another mapping or other status words are a new reading,
    so a caseworker can fix a mapping and ingest the file again.
    """
    f = files_table.c
    query = (
        select(files_table)
        .join(sources_table)
        .where(sources_table.c.name == source, f.sha256 == sha256)
    )
    wanted = (options.mapping, options.status_words or None, options.default_status)
    for row in conn.execute(query):
        meta = row.meta or {}
        stored = (meta.get("mapping") or {}, meta.get("status_words") or None,
                  meta.get("default_status"))  # fmt: skip
        if stored == wanted:
            return row
    return None


def _source_id(conn: Connection, name: str, kind: str | None, language: str | None) -> int:
    row = conn.execute(select(sources_table).where(sources_table.c.name == name)).first()
    if row is None:
        result = conn.execute(
            insert(sources_table).values(
                name=name, kind=kind, language=language, created_at=datetime.now(UTC)
            )
        )
        return int(_inserted_id(result))
    changes = {key: value for key, value in (("kind", kind), ("language", language))
               if value is not None and getattr(row, key) is None}  # fmt: skip
    if changes:
        conn.execute(update(sources_table).where(sources_table.c.id == row.id).values(**changes))
    return int(row.id)


def _inserted_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _summary_of_stored(row: Any, path: Path, source: str) -> IngestSummary:
    return IngestSummary(
        path=str(path), source=source, sha256=row.sha256, format=row.format,
        encoding=row.encoding, delimiter=row.delimiter, rows=row.rows, accepted=row.accepted,
        quarantined=row.quarantined, warnings=row.warnings, already_ingested=True,
        version=row.version, file_id=row.id, header=row.header or [],
        column_map=row.column_map or {}, diff=row.diff,
        notes=[f"already ingested as version {row.version} of {source}: nothing changed"],
    )  # fmt: skip


def _old_rows(conn: Connection, file_id: int) -> Iterator[tuple[int, str, str]]:
    r = records_table.c
    query = select(r.row, r.row_key, r.row_hash).where(r.file_id == file_id)
    # Options on the statement, not the connection: later statements must not stream.
    for row in conn.execute(query.execution_options(yield_per=50_000)):
        yield row.row, row.row_key, row.row_hash


@dataclass
class _Options:
    source: str
    kind: str | None
    language: str | None
    mapping: dict[str, str | None]
    received_at: datetime
    published: str | None
    meta: dict[str, Any]
    status_words: dict[str, str]
    default_status: str | None
    progress: Progress | None
    batch_rows: int
    actor: str
    today: date


def ingest_file(
    engine: Engine,
    path: Path,
    *,
    source: str,
    kind: str | None = None,
    language: str | None = None,
    mapping: Path | dict[str, Any] | None = None,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    received_at: datetime | None = None,
    published: str | None = None,
    meta: dict[str, Any] | None = None,
    status_words: dict[str, str] | None = None,
    default_status: str | None = None,
    progress: Progress | None = None,
    batch_rows: int = 10_000,
    actor: str = "musterroll",
    today: date | None = None,
) -> IngestSummary:
    """Ingest one list file as (a new version of) the list of `source`.

    Args:
        engine: an open register (``musterroll.store.open_register``).
        path: the file (CSV/TSV, XLSX, JSON, JSON Lines or Parquet).
        source: the source's name; created on first use.
        kind: the source's kind (one of ``SOURCE_KINDS``), recorded on first use.
        language: the list's language (``uk``, ``ru``, ``latin``), recorded on first use.
        mapping: header -> canonical field, as a YAML file or a dict; None when the
            headers are canonical or common Ukrainian/Russian/English ones.
        format, encoding, delimiter: what to read the file as; detected when None.
        received_at: when the file was received; its modification time by default.
        published: the list's own date (ISO), if it has one.
        meta: more facts about the file kept with it (exchange id, side, ...).
        status_words: this list's own status words -> canonical status (tried before
            ``data/statuses.yaml``).
        default_status: the canonical status of rows that have none (an exchange list
            names the released; a burial register, the dead).
        progress: called after each batch with (bytes done, bytes in all, rows done).
        batch_rows: rows per batch (memory is proportional to it).
        actor: who ingests, for the audit log.
        today: dates after this draw a warning; the current UTC date by default.
    Returns:
        The summary; ``already_ingested`` is true when nothing changed.
    Raises:
        IngestError: the file is missing or unreadable as a whole, the mapping is invalid,
            the kind unknown, or the database refused the transaction. Nothing is written
            then.
    """
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    _check_statuses(status_words, default_status)
    if kind is not None and kind not in SOURCE_KINDS:
        expected = ", ".join(SOURCE_KINDS)
        raise IngestError(f"unknown source kind {kind!r}; expected one of {expected}")
    try:
        loaded = _mapping_key(load_mapping(mapping))
        reader = open_reader(path, format=format, encoding=encoding, delimiter=delimiter)
    except (ValueError, LookupError, OSError) as exc:
        raise IngestError(f"{path}: {exc}") from exc
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    options = _Options(
        source=source, kind=kind, language=language, mapping=loaded,
        received_at=received_at or mtime, published=published,
        meta={**(meta or {}), "status_words": status_words, "default_status": default_status},
        status_words=dict(status_words or {}), default_status=default_status,
        progress=progress, batch_rows=batch_rows, actor=actor,
        today=today or datetime.now(UTC).date(),
    )  # fmt: skip
    try:
        return _ingest(engine, path, reader, options)
    except SQLAlchemyError as exc:
        # E.g. two ingests of one source at once (the version number is unique), a full
        # disk, a lost server: the transaction was rolled back, nothing was written.
        raise IngestError(
            f"{path}: the register refused the ingest of source {source!r}, and nothing was "
            f"written (rolled back): {exc.__class__.__name__}: {exc.orig or exc}"
            if isinstance(exc, DBAPIError)
            else f"{path}: the register refused the ingest, nothing was written: {exc}"
        ) from exc
    finally:
        reader.close()


def _ingest(engine: Engine, path: Path, reader: Reader, options: _Options) -> IngestSummary:
    started = time.monotonic()
    sha256 = file_sha256(path)
    size = path.stat().st_size
    with engine.connect() as conn:
        stored = _previous(conn, options.source, sha256, options)
    if stored is not None:
        return _summary_of_stored(stored, path, options.source)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        source_id = _source_id(conn, options.source, options.kind, options.language)
        f = files_table.c
        last = conn.execute(
            select(f.id, f.version).where(f.source_id == source_id).order_by(f.version.desc())
        ).first()
        version = (last.version if last else 0) + 1
        meta = {**options.meta, "mapping": options.mapping}
        file_id = _inserted_id(
            conn.execute(
                insert(files_table).values(
                    source_id=source_id,
                    version=version,
                    sha256=sha256,
                    path=str(path),
                    size_bytes=size,
                    format=reader.format,
                    encoding=reader.encoding,
                    delimiter=reader.delimiter,
                    rows=0,
                    accepted=0,
                    quarantined=0,
                    warnings=0,
                    received_at=options.received_at,
                    ingested_at=now,
                    published=options.published,
                    meta=meta,
                )  # fmt: skip
            )
        )
        normaliser = Normaliser(
            header=reader.header, mapping=options.mapping, file_id=file_id,
            source_id=source_id, strict_width=reader.format == "csv", today=options.today,
            status_words=options.status_words, default_status=options.default_status,
        )  # fmt: skip
        keep_keys = last is not None
        new_keys: list[tuple[int, str, str]] = []
        rows = accepted = quarantined = warnings = 0
        with _no_cyclic_gc(), BatchWriter(conn) as writer:
            for batch in reader.batches(options.batch_rows):
                result = normaliser.normalise(batch)
                writer.put(result.records, result.quarantined)
                rows += len(batch)
                accepted += len(result.records)
                quarantined += len(result.quarantined)
                warnings += result.warnings
                if keep_keys:
                    new_keys.extend((r[2], r[-1], r[-2]) for r in result.records)
                if options.progress is not None:
                    options.progress(reader.position(), size, rows)
        _check_nothing_lost(conn, path, file_id, rows, accepted, quarantined)
        diff = None
        if last is not None:
            diff = {"previous_version": last.version,
                    **diff_versions(_old_rows(conn, last.id), new_keys)}  # fmt: skip
        column_map = normaliser.columns.as_json(reader.header)
        conn.execute(
            update(files_table)
            .where(f.id == file_id)
            .values(
                rows=rows,
                accepted=accepted,
                quarantined=quarantined,
                warnings=warnings,
                header=reader.header,
                column_map=column_map,
                diff=diff,
            )  # fmt: skip
        )
        summary = IngestSummary(
            path=str(path), source=options.source, sha256=sha256, format=reader.format,
            encoding=reader.encoding, delimiter=reader.delimiter, rows=rows,
            accepted=accepted, quarantined=quarantined, warnings=warnings,
            already_ingested=False, version=version, file_id=file_id,
            header=list(reader.header), column_map=column_map,
            extras=[key for key, _ in normaliser.columns.extras],
            notes=list(normaliser.columns.notes),
            quarantine_reasons=dict(normaliser.reasons.most_common()),
            quarantine_samples=normaliser.quarantine_samples,
            warning_samples=normaliser.warning_samples, diff=diff,
            trailing_blank_rows=reader.trailing_blank_rows,
        )  # fmt: skip
        if not normaliser.columns.has_identity() and rows:
            summary.notes.append(
                "no column maps to a name or service number, so every row was quarantined: "
                "give a mapping (--mapping FILE) and ingest the file again"
            )
        append_audit(
            conn, action="ingest", subject=f"file:{file_id}", actor=options.actor,
            detail={"source": options.source, "version": version, "sha256": sha256,
                    "path": str(path), "rows": rows, "accepted": accepted,
                    "quarantined": quarantined, "warnings": warnings},
        )  # fmt: skip
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while rows stream through.

    A batch makes hundreds of thousands of lists and tuples without reference cycles
    (freed by reference counting); each allocation burst would otherwise trigger
    collections that scan every live object, about a fifth of the ingest's time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_statuses(words: dict[str, str] | None, default: str | None) -> None:
    """Refuse a status word map or default status that is not a canonical status."""
    wrong = [(w, s) for w, s in (words or {}).items() if s not in CANONICAL_STATUSES]
    if default is not None and default not in CANONICAL_STATUSES:
        wrong.append(("default status", default))
    if wrong:
        word, status = wrong[0]
        raise IngestError(
            f"{word!r} maps to {status!r}, which is not a canonical status; expected one of "
            f"{', '.join(CANONICAL_STATUSES)}"
        )


def _check_nothing_lost(
    conn: Connection, path: Path, file_id: int, rows: int, accepted: int, quarantined: int
) -> None:
    """Assert, in the database, that every data row read is a record or quarantined."""
    stored_records = conn.execute(
        select(func.count()).where(records_table.c.file_id == file_id)
    ).scalar_one()
    stored_quarantine = conn.execute(
        select(func.count()).where(quarantine_table.c.file_id == file_id)
    ).scalar_one()
    if (stored_records, stored_quarantine) != (accepted, quarantined) or (
        accepted + quarantined != rows
    ):
        raise IngestError(
            f"{path}: read {rows} rows but stored {stored_records} records and "
            f"{stored_quarantine} quarantined rows; the ingest was rolled back"
        )
