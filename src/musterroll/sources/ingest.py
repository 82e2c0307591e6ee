"""Ingest one list file into the register: one transaction, nothing lost, idempotent.

The file is read as a stream in batches; each batch is normalised and bulk inserted
inside a single transaction, so an ingest commits whole or not at all (a killed process
leaves the register as it was). Every data row ends up either as a record or as a
quarantined row, and that is asserted before commit. The same file (same sha256, same
mapping) for the same source a second time changes nothing. A different file for a known
source is a new version of its list, diffed against the previous one.

Under hostile or careless input (issue 19) nothing is stored under a wrong hash: the file
is hashed before it is read and again after, and a file that changed while being read is
refused. The same bytes already ingested under another source's name, and a file with no
rows offered as a new version of a list that has some, are refused unless asked for. On
SQLite one ingest writes at a time: a second one waits its turn (and says so).
"""

from __future__ import annotations

import gc
import hashlib
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from musterroll.sources.diff import diff_versions
from musterroll.sources.mapping import load_mapping
from musterroll.sources.normalise import Normaliser
from musterroll.sources.readers import Reader, ReadError, open_reader
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

__all__ = [
    "IngestError", "IngestOptions", "IngestSummary", "Progress", "file_sha256", "ingest_file",
]

# progress(bytes done, bytes in all, rows done): called after each batch.
Progress = Callable[[int, int, int], None]

# How long an ingest into SQLite waits for another writer to finish before it gives up,
# in seconds; it first tries for `_FIRST_TRY`, then says it waits.
WRITER_WAIT = 3600.0
_FIRST_TRY = 1.0
_BUSY_TIMEOUT_MS = 30_000


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


def _file_kind(mode: int) -> str:
    """Name what a path that is not a regular file is, for the message."""
    for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):  # fmt: skip
        if test(mode):
            return what
    return "not a regular file"


def _check_path(path: Path) -> os.stat_result:
    """Return the file's status, or refuse a missing path or one that is not a regular file.

    A FIFO or a device is refused before it is opened: reading one would block or never end.
    """
    try:
        status = path.stat()
    except FileNotFoundError as exc:
        raise IngestError(f"{path}: no such file") from exc
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the file: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(status.st_mode):
        raise IngestError(f"{path}: this is {_file_kind(status.st_mode)}, not a list file")
    return status


def _check_unchanged(path: Path, sha256: str, before: os.stat_result) -> None:
    """Refuse a file whose bytes changed since they were hashed (while being read).

    The file was hashed before it was read; hashing it again after reading, with its size
    and modification time, makes sure the rows stored under that hash are its rows (issue
    19: a file truncated while ingested was stored under the whole file's hash).
    """
    try:
        after = path.stat()
        same = (after.st_size, after.st_mtime_ns, after.st_ino) == (
            before.st_size, before.st_mtime_ns, before.st_ino
        ) and file_sha256(path) == sha256
    except OSError:
        same = False
    if not same:
        raise IngestError(
            f"{path}: the file changed while it was being read (it is being written, "
            "copied or replaced); nothing was written: ingest it again once it is complete"
        )


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
    allow_duplicate_file: bool = False
    allow_empty: bool = False
    on_wait: Callable[[str], None] | None = None


@dataclass(frozen=True)
class IngestOptions:
    """How to read one list file and what to record with it, as plain data.

    Attributes:
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
        batch_rows: rows per batch (memory is proportional to it).
        today: dates after this draw a warning; the current UTC date by default.
        allow_duplicate_file: ingest the file even if the same bytes are already ingested
            under another source's name (else refused: its records would be duplicates).
        allow_empty: take a file with no rows as a new version of a list that has rows
            (else refused: the new version would remove every record of the list).
    """

    kind: str | None = None
    language: str | None = None
    mapping: Path | Mapping[str, Any] | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    received_at: datetime | None = None
    published: str | None = None
    meta: Mapping[str, Any] | None = None
    status_words: Mapping[str, str] | None = None
    default_status: str | None = None
    batch_rows: int = 10_000
    today: date | None = None
    allow_duplicate_file: bool = False
    allow_empty: bool = False


def ingest_file(
    engine: Engine,
    path: Path,
    *,
    source: str,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
    actor: str = "musterroll",
    on_wait: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Ingest one list file as (a new version of) the list of `source`.

    Args:
        engine: an open register (``musterroll.store.open_register``).
        path: the file (CSV/TSV, XLSX, JSON, JSON Lines or Parquet).
        source: the source's name; created on first use.
        options: how to read the file and what to record with it (`IngestOptions`);
            None: every default (formats, encodings and headers detected).
        progress: called after each batch with (bytes done, bytes in all, rows done).
        actor: who ingests, for the audit log.
        on_wait: called with a message when the ingest waits for another writer (SQLite).
    Returns:
        The summary; ``already_ingested`` is true when nothing changed.
    Raises:
        IngestError: the file is missing, not a regular file, not a list, unreadable as a
            whole or changed while being read; the mapping is invalid, the kind unknown;
            the same bytes belong to another source, an empty file would empty a list; or
            the database refused the transaction. Nothing is written then.
    """
    o = options or IngestOptions()
    kind, encoding = o.kind, o.encoding
    status_words = dict(o.status_words) if o.status_words is not None else None
    default_status = o.default_status
    before = _check_path(path)
    _check_statuses(status_words, default_status)
    if kind is not None and kind not in SOURCE_KINDS:
        expected = ", ".join(SOURCE_KINDS)
        raise IngestError(f"unknown source kind {kind!r}; expected one of {expected}")
    try:
        mapping = dict(o.mapping) if isinstance(o.mapping, Mapping) else o.mapping
        loaded = _mapping_key(load_mapping(mapping))
        reader = open_reader(path, format=o.format, encoding=encoding, delimiter=o.delimiter)
    except LookupError as exc:
        raise IngestError(f"{path}: unknown encoding {encoding!r}: {exc}") from exc
    except (ValueError, OSError, RecursionError) as exc:
        raise IngestError(_about(path, exc)) from exc
    mtime = datetime.fromtimestamp(before.st_mtime, UTC)
    run = _Options(
        source=source, kind=kind, language=o.language, mapping=loaded,
        received_at=o.received_at or mtime, published=o.published,
        meta={**(o.meta or {}), "status_words": status_words, "default_status": default_status},
        status_words=dict(status_words or {}), default_status=default_status,
        progress=progress, batch_rows=o.batch_rows, actor=actor,
        today=o.today or datetime.now(UTC).date(), allow_duplicate_file=o.allow_duplicate_file,
        allow_empty=o.allow_empty, on_wait=on_wait,
    )  # fmt: skip
    try:
        return _ingest(engine, path, reader, run, before)
    except (ReadError, RecursionError, UnicodeError, OSError) as exc:
        # Found while streaming the rows (a spreadsheet past its limits, a file gone):
        # the transaction was rolled back.
        raise IngestError(_about(path, exc) + "; nothing was written") from exc
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


def _about(path: Path, exc: BaseException) -> str:
    """The message of an error about a file, naming the file once."""
    if isinstance(exc, RecursionError):
        return f"{path}: nested too deeply to read"
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return text if text.startswith(str(path)) else f"{path}: {text}"


def _ingest(engine: Engine, path: Path, reader: Reader, options: _Options,
            before: os.stat_result) -> IngestSummary:
    started = time.monotonic()
    sha256 = file_sha256(path)
    size = before.st_size
    with engine.connect() as conn:
        stored = _previous(conn, options.source, sha256, options)
        if stored is None and not options.allow_duplicate_file:
            _refuse_other_source(conn, path, options.source, sha256)
    if stored is not None:
        return _summary_of_stored(stored, path, options.source)
    now = datetime.now(UTC)
    with _write_transaction(engine, options.on_wait) as conn:
        # Another ingest may have stored these bytes while this one waited its turn.
        stored = _previous(conn, options.source, sha256, options)
        if stored is not None:
            return _summary_of_stored(stored, path, options.source)
        source_id = _source_id(conn, options.source, options.kind, options.language)
        f = files_table.c
        last = conn.execute(
            select(f.id, f.version, f.accepted)
            .where(f.source_id == source_id)
            .order_by(f.version.desc())
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
        _check_unchanged(path, sha256, before)
        if rows == 0 and last is not None and last.accepted and not options.allow_empty:
            raise IngestError(
                f"{path}: the file has no rows (a header only?); as version {version} of "
                f"{options.source} it would remove all {last.accepted:,} records of version "
                f"{last.version}. Nothing was written; if the list really is empty now, "
                "ingest it again with --allow-empty"
            )
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
            notes=list(normaliser.columns.notes) + reader.notes,
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


def _refuse_other_source(conn: Connection, path: Path, source: str, sha256: str) -> None:
    """Refuse bytes already ingested, with rows, under another source's name."""
    f, s = files_table.c, sources_table.c
    other = conn.execute(
        select(s.name, f.version, f.rows)
        .join(sources_table)
        .where(f.sha256 == sha256, s.name != source, f.rows > 0)
        .limit(1)
    ).first()
    if other is not None:
        raise IngestError(
            f"{path}: these exact bytes were already ingested as version {other.version} of "
            f"source {other.name!r} ({other.rows:,} rows); under {source!r} every record "
            "would be a duplicate. Nothing was written; if two sources really sent the same "
            "file, ingest it again with --allow-duplicate-file"
        )


@contextmanager
def _write_transaction(
    engine: Engine, on_wait: Callable[[str], None] | None
) -> Iterator[Connection]:
    """Begin the ingest's one transaction; on SQLite, wait for another writer's turn.

    SQLite has one writer at a time. The transaction begins IMMEDIATE (taking the write
    lock first, so it never fails half-way for a lock); if another ingest holds the lock,
    this one says so through `on_wait` and waits up to ``WRITER_WAIT`` seconds.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    deadline = time.monotonic() + WRITER_WAIT
    wait_ms = int(_FIRST_TRY * 1000)
    while True:
        conn = writer.connect()
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute(f"PRAGMA busy_timeout={wait_ms}")
        try:
            transaction = conn.begin()
        except OperationalError as exc:
            raw.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            conn.close()
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            if on_wait is not None and wait_ms == int(_FIRST_TRY * 1000):
                on_wait("another ingest is writing to the register: waiting for it to finish")
            wait_ms = int(min(_BUSY_TIMEOUT_MS, (deadline - time.monotonic()) * 1000)) + 1
            continue
        raw.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
        break
    try:
        with conn, transaction:
            yield conn
    finally:
        conn.close()


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
