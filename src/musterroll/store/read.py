"""Read the register back: records in bulk (for linkage), sources, files, quarantine.

Linkage reads a million records into DuckDB; ``iter_record_batches`` streams them as Arrow
record batches of plain columns (DuckDB queries Arrow without a copy), and
``read_records`` gathers them into one Arrow table.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, Select, func, select

from musterroll.store.models import (
    CANONICAL_FIELDS,
    files_table,
    newest_version,
    quarantine_table,
    records_table,
    sources_table,
)

__all__ = [
    "RECORD_COLUMNS",
    "iter_record_batches",
    "list_files",
    "list_quarantine",
    "list_records",
    "list_sources",
    "read_records",
]

_PROVENANCE = ("record_id", "source", "kind", "file_id", "file_sha256", "file_version", "row")
_TIMES = ("received_at", "ingested_at")
# The columns of every bulk read, in order; `verbatim` is added on request.
RECORD_COLUMNS: tuple[str, ...] = _PROVENANCE + _TIMES + CANONICAL_FIELDS + ("extra", "warnings")
_INT_COLUMNS = {"record_id", "file_id", "file_version", "row"}


def _records_select(
    *, sources: Sequence[str] | None, current_only: bool, include_verbatim: bool
) -> Select[Any]:
    r, f, s = records_table.c, files_table.c, sources_table.c
    columns = [
        r.id.label("record_id"), s.name.label("source"), s.kind.label("kind"),
        r.file_id, f.sha256.label("file_sha256"), f.version.label("file_version"), r.row,
        f.received_at, f.ingested_at,
        *(r[name] for name in CANONICAL_FIELDS), r.extra, r.warnings,
    ]  # fmt: skip
    if include_verbatim:
        columns.append(r.verbatim)
    query = (
        select(*columns)
        .select_from(records_table.join(files_table).join(sources_table, r.source_id == s.id))
        .order_by(r.id)
    )
    if current_only:
        query = query.where(newest_version())
    if sources is not None:
        query = query.where(s.name.in_(list(sources)))
    return query


def _schema(include_verbatim: bool) -> pa.Schema:
    names = list(RECORD_COLUMNS) + (["verbatim"] if include_verbatim else [])
    fields = []
    for name in names:
        if name in _INT_COLUMNS:
            fields.append(pa.field(name, pa.int64()))
        elif name in _TIMES:
            fields.append(pa.field(name, pa.timestamp("us", tz="UTC")))
        else:
            fields.append(pa.field(name, pa.string()))
    return pa.schema(fields)


def _fetch_raw(conn: Connection, query: Select[Any], batch_rows: int) -> Iterator[list[Any]]:
    """Yield the rows of `query` in lists of `batch_rows` plain tuples, via the driver.

    A million rows through SQLAlchemy's result objects cost several times what the
    driver's own tuples cost; the query has only integer literals (file ids).
    """
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    driver = conn.connection.driver_connection
    assert driver is not None
    # PostgreSQL: a named (server-side) cursor streams instead of loading every row.
    named = conn.dialect.name == "postgresql"
    cursor = driver.cursor(name="musterroll_records") if named else driver.cursor()
    try:
        cursor.execute(sql)
        while True:
            with _no_cyclic_gc():
                rows = cursor.fetchmany(batch_rows)
            if not rows:
                return
            yield rows
    finally:
        cursor.close()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic GC while a batch's millions of tuples and strings are made.

    They hold no reference cycles; collections triggered by their allocation would scan
    every live object again and again. Never paused across a ``yield``.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _current_files(
    conn: Connection, *, sources: Sequence[str] | None, current_only: bool
) -> list[Any]:
    """Return the provenance of the files whose records are read (a small table)."""
    f, s = files_table.c, sources_table.c
    query = select(
        f.id, s.name.label("source"), s.kind, f.sha256.label("file_sha256"),
        f.version.label("file_version"), f.received_at, f.ingested_at,
    ).select_from(files_table.join(sources_table)).order_by(f.id)  # fmt: skip
    if current_only:
        query = query.where(newest_version())
    if sources is not None:
        query = query.where(s.name.in_(list(sources)))
    return list(conn.execute(query))


def iter_record_batches(
    engine: Engine,
    *,
    sources: Sequence[str] | None = None,
    current_only: bool = True,
    include_verbatim: bool = False,
    batch_rows: int = 50_000,
) -> Iterator[pa.RecordBatch]:
    """Stream accepted records with their provenance as Arrow record batches.

    Args:
        engine: an open register.
        sources: only these source names; all by default.
        current_only: only the newest version of each source's list (older versions stay
            in the register, but linking them too would count a row twice).
        include_verbatim: add the ``verbatim`` column (JSON text of the row as received).
        batch_rows: rows per batch.
    Returns:
        Batches with the columns of ``RECORD_COLUMNS`` (ints, UTC timestamps, strings;
        dates as partial ISO text; missing values as nulls), in (file, row) order.
    """
    schema = _schema(include_verbatim)
    r = records_table.c
    stored = ["record_id", "file_id", "row", *CANONICAL_FIELDS, "extra", "warnings"]
    stored += ["verbatim"] if include_verbatim else []
    with engine.connect() as conn:
        files = _current_files(conn, sources=sources, current_only=current_only)
        if not files:
            return
        # Provenance is per file: read it once, then spread it over the rows in Arrow
        # (joining files into a million-row query costs more than the rows themselves).
        file_ids = pa.array([file.id for file in files], pa.int64())
        provenance = {
            name: pa.array([getattr(file, name) for file in files], type=schema.field(name).type)
            for name in ("source", "kind", "file_sha256", "file_version", *_TIMES)
        }
        query = (
            select(r.id, *(r[name] for name in stored[1:]))
            .where(r.file_id.in_([file.id for file in files]))
            # The order of the (file_id, row) index: ordering by id would make SQLite sort
            # every row in a temporary B-tree first.
            .order_by(r.file_id, r.row)
        )
        for part in _fetch_raw(conn, query, batch_rows):
            with _no_cyclic_gc():
                values = dict(zip(stored, zip(*part, strict=True), strict=True))
                del part
                arrays = {name: pa.array(values.pop(name), type=schema.field(name).type)
                          for name in stored}  # fmt: skip
            where = pc.index_in(arrays["file_id"], value_set=file_ids)
            for name, array in provenance.items():
                arrays[name] = pc.take(array, where)
            yield pa.RecordBatch.from_arrays([arrays[name] for name in schema.names], schema=schema)


def read_records(
    engine: Engine,
    *,
    sources: Sequence[str] | None = None,
    current_only: bool = True,
    include_verbatim: bool = False,
) -> pa.Table:
    """Return accepted records as one Arrow table (see ``iter_record_batches``)."""
    batches = list(
        iter_record_batches(
            engine, sources=sources, current_only=current_only,
            include_verbatim=include_verbatim,
        )
    )  # fmt: skip
    return pa.Table.from_batches(batches, schema=_schema(include_verbatim))


def list_records(
    engine: Engine, *, source: str | None = None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Return up to `limit` records (current versions) as dictionaries, for display."""
    query = _records_select(
        sources=None if source is None else [source], current_only=True, include_verbatim=True
    )
    with engine.connect() as conn:
        rows = conn.execute(query.limit(limit).offset(offset))
        return [dict(row._mapping) for row in rows]


def list_quarantine(
    engine: Engine, *, source: str | None = None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Return quarantined rows (every version) with source, file and reason, for display."""
    q, f, s = quarantine_table.c, files_table.c, sources_table.c
    query = (
        select(
            s.name.label("source"), f.version.label("file_version"),
            f.sha256.label("file_sha256"), f.path, q.row, q.column, q.reason, q.verbatim,
        )
        .select_from(quarantine_table.join(files_table).join(sources_table, q.source_id == s.id))
        .order_by(q.id)
        .limit(limit)
        .offset(offset)
    )  # fmt: skip
    if source is not None:
        query = query.where(s.name == source)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def list_files(engine: Engine, *, source: str | None = None) -> list[dict[str, Any]]:
    """Return every ingested file (list version) with its counts, oldest first."""
    query = (
        select(sources_table.c.name.label("source"), files_table)
        .select_from(files_table.join(sources_table))
        .order_by(files_table.c.id)
    )
    if source is not None:
        query = query.where(sources_table.c.name == source)
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def list_sources(engine: Engine) -> list[dict[str, Any]]:
    """Return every source with its number of versions and current record count."""
    with engine.connect() as conn:
        rows = conn.execute(select(sources_table).order_by(sources_table.c.name)).all()
        out = []
        for row in rows:
            versions = conn.execute(
                select(func.count()).where(files_table.c.source_id == row.id)
            ).scalar_one()
            out.append({**row._mapping, "versions": versions})
        return out
