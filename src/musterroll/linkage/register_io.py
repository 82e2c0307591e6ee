"""Linkage's reads and writes of the register: records in, persons and queue out.

Reads go through the DB-API cursor in bulk (a million records in seconds; no ORM object
per row). A run's writes happen in one transaction: the run row, new and retired person
ids, the whole membership, the review queue (pairs and clusters) and the audit lines of
merges and splits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Engine, Select, func, insert, select, update

from musterroll.linkage.settings import LinkSettings
from musterroll.sources.export import neutralise_cell
from musterroll.store import append_audit
from musterroll.store.linkage_models import (
    decisions_table,
    person_records_table,
    persons_table,
    review_items_table,
    runs_table,
    term_frequencies_table,
)
from musterroll.store.models import files_table, newest_version, records_table, sources_table

__all__ = [
    "LINK_COLUMNS",
    "input_hash",
    "last_run",
    "next_person_id",
    "read_decisions",
    "read_link_records",
    "read_membership",
    "start_run",
    "write_persons_csv",
    "write_run",
]

# Record fields linkage reads (the rest of the record stays in the register).
LINK_COLUMNS: tuple[str, ...] = (
    "surname", "given_name", "patronymic", "full_name", "sex", "birth_date", "oblast",
    "settlement", "unit", "service_number", "status", "event_date", "event_place", "note",
    "birth_place", "rank", "address", "postcode", "phone", "email", "occupation",
    "document_number",
)  # fmt: skip



def _records_query(record_ids: Sequence[int] | None) -> Select[Any]:
    r, s = records_table.c, sources_table.c
    query = (select(r.id.label("record_id"), s.name.label("source"), s.kind, r.row,
                    *(r[c] for c in LINK_COLUMNS))
             .select_from(records_table.join(files_table).join(sources_table,
                                                               r.source_id == s.id))
             .where(newest_version()).order_by(r.id))
    if record_ids is not None:
        query = query.where(r.id.in_([int(i) for i in record_ids]))
    return query


def read_link_records(
    engine: Engine, *, record_ids: Sequence[int] | None = None, batch_rows: int = 200_000
) -> pa.Table:
    """Return the current version of every list's records with the fields linkage uses.

    Args:
        engine: the register.
        record_ids: only these records (for explanations); all by default.
        batch_rows: rows fetched at a time.

    Returns:
        An Arrow table: record_id (int64), source, kind, row (int64) and LINK_COLUMNS
        (strings, nulls where missing), in record id order.
    """
    names = ["record_id", "source", "kind", "row", *LINK_COLUMNS]
    schema = pa.schema([
        pa.field(name, pa.int64() if name in ("record_id", "row") else pa.string())
        for name in names
    ])
    batches = []
    with engine.connect() as conn:
        # The DBAPI cursor, not SQLAlchemy's rows: fetchmany of plain tuples is what keeps
        # a million records fast; the query is rendered with its values inline.
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        sql = _records_query(record_ids).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True})
        cursor.execute(str(sql))
        # Each batch becomes Arrow at once: a million rows of Python strings would
        # otherwise take a gigabyte before linkage starts.
        while rows := cursor.fetchmany(batch_rows):
            columns = zip(*rows, strict=True)
            arrays = [pa.array(values, type=field.type)
                      for values, field in zip(columns, schema, strict=True)]
            batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
        cursor.close()
    return pa.Table.from_batches(batches, schema=schema)


def input_hash(records: pa.Table) -> str:
    """Return a sha256 over the record ids linked (the run's input).

    Records are immutable (a corrected list is a new file version with new records), so
    their ids identify the input.
    """
    ids = records.column("record_id").to_numpy()
    return hashlib.sha256(np.ascontiguousarray(ids, dtype=np.int64).tobytes()).hexdigest()


def read_decisions(conn: Connection | Engine) -> pd.DataFrame:
    """Return the binding decision of every decided pair (the latest decision wins).

    Returns:
        Columns record_id_l, record_id_r (l < r), decision ("same", "different",
        "unsure"), note, reviewer, decided_at.
    """
    d = decisions_table.c
    query = select(d.record_id_l, d.record_id_r, d.decision, d.note, d.reviewer,
                   d.decided_at).order_by(d.id)
    if isinstance(conn, Engine):
        with conn.connect() as c:
            rows = c.execute(query).all()
    else:
        rows = conn.execute(query).all()
    frame = pd.DataFrame(rows, columns=["record_id_l", "record_id_r", "decision", "note",
                                        "reviewer", "decided_at"])
    return frame.drop_duplicates(["record_id_l", "record_id_r"], keep="last")


def read_membership(conn: Connection | Engine) -> pd.DataFrame:
    """Return the current membership: record_id, person_id (int64)."""
    query = select(person_records_table.c.record_id, person_records_table.c.person_id)
    if isinstance(conn, Engine):
        with conn.connect() as c:
            rows = c.execute(query).all()
    else:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["record_id", "person_id"]).astype("int64")


def start_run(conn: Connection, *, backend: str, seed: int, code_version: str,
              digest: str, settings: dict[str, Any]) -> int:
    """Insert a link run row and return its id."""
    result = conn.execute(insert(runs_table).values(
        started_at=datetime.now(UTC), engine=backend, seed=seed,  # the column's first name
        code_version=code_version, input_hash=digest, settings=settings,
    ))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def next_person_id(conn: Connection) -> int:
    """Return the smallest person id never given."""
    top = conn.execute(select(func.max(persons_table.c.id))).scalar()
    return int(top or 0) + 1


def _executemany(conn: Connection, sql: str, rows: Iterable[Sequence[Any]]) -> None:
    """Run one parametrised statement over many rows through the DB-API (fast path)."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cursor.executemany(sql.replace("?", marker), list(rows))
    cursor.close()


def _write_queue(conn: Connection, run_id: int, queue: pd.DataFrame) -> None:
    """Insert the review items: pairs in bulk, each cluster with its records and pairs."""
    kinds = queue["kind"] if "kind" in queue else pd.Series("pair", index=queue.index)
    columns = ["record_id_l", "record_id_r", "match_weight", "priority", "reason"]
    pairs = queue[(kinds == "pair").to_numpy()]
    if len(pairs):
        _executemany(
            conn,
            "INSERT INTO review_items (run_id, record_id_l, record_id_r, match_weight,"
            " priority, reason, status, kind) VALUES (?, ?, ?, ?, ?, ?, 'open', 'pair')",
            [(run_id, int(a), int(b), float(w), float(p), str(why))
             for a, b, w, p, why in pairs[columns].itertuples(index=False)],
        )
    clusters: list[dict[Any, Any]] = queue[(kinds == "cluster").to_numpy()].to_dict("records")
    if not clusters:
        return
    _executemany(
        conn,
        "INSERT INTO review_items (run_id, record_id_l, record_id_r, match_weight,"
        " priority, reason, status, kind) VALUES (?, ?, ?, ?, ?, ?, 'open', 'cluster')",
        [(run_id, int(c["record_id_l"]), int(c["record_id_r"]), float(c["match_weight"]),
          float(c["priority"]), str(c["reason"])) for c in clusters],
    )
    # Cluster items hold disjoint records, so a deciding pair names one item of the run.
    r = review_items_table.c
    item_of = {(int(a), int(b)): int(i) for i, a, b in conn.execute(
        select(r.id, r.record_id_l, r.record_id_r).where(r.run_id == run_id,
                                                         r.kind == "cluster"))}
    ids = [item_of[(int(c["record_id_l"]), int(c["record_id_r"]))] for c in clusters]
    _executemany(conn, "INSERT INTO review_item_records (item_id, record_id) VALUES (?, ?)",
                 [(i, int(record)) for i, c in zip(ids, clusters, strict=True)
                  for record in c["records"]])
    _executemany(
        conn, "INSERT INTO review_item_pairs (item_id, record_id_l, record_id_r, match_weight)"
        " VALUES (?, ?, ?, ?)",
        [(i, int(a), int(b), float(w)) for i, c in zip(ids, clusters, strict=True)
         for a, b, w in c["pairs"]],
    )


def write_run(
    conn: Connection, *, run_id: int, record_ids: np.ndarray, person_ids: np.ndarray,
    new_ids: list[int], retired_ids: list[int], queue: pd.DataFrame,
    events: list[tuple[str, dict[str, Any]]], counts: dict[str, Any],
    term_frequencies: pd.DataFrame | None = None,
) -> None:
    """Write one run's results in the caller's transaction.

    Args:
        conn: a connection inside a transaction.
        run_id: the run (``start_run``).
        record_ids, person_ids: the new membership.
        new_ids, retired_ids: person ids given and retired by this run.
        queue: review items (``build_queue``: kind, record_id_l, record_id_r,
            match_weight, priority, reason, and a cluster's records and pairs); without
            a ``kind`` column, pair items.
        events: (action, detail) audit lines, e.g. ("person merge", {...}).
        counts: the run's counts, saved on the run row.
        term_frequencies: the run's name frequencies (column_name, value, frequency;
            ``count_term_frequencies``); they replace the previous run's.
    """
    sizes = pd.Series(person_ids).value_counts()
    if new_ids:
        _executemany(
            conn, "INSERT INTO persons (id, created_run_id, records) VALUES (?, ?, ?)",
            [(int(i), run_id, int(sizes.get(i, 0))) for i in new_ids],
        )
    if retired_ids:
        _executemany(conn, "UPDATE persons SET retired_run_id = ?, records = 0 WHERE id = ?",
                     [(run_id, int(i)) for i in retired_ids])
    conn.execute(person_records_table.delete())
    _executemany(
        conn, "INSERT INTO person_records (record_id, person_id, run_id) VALUES (?, ?, ?)",
        zip(record_ids.tolist(), person_ids.tolist(), [run_id] * len(record_ids),
            strict=True),
    )
    r = review_items_table.c
    conn.execute(update(review_items_table).where(r.status == "open").values(status="stale"))
    _write_queue(conn, run_id, queue)
    if term_frequencies is not None:
        conn.execute(term_frequencies_table.delete())
        # A "name" of hundreds of characters is a broken row, not a name; PostgreSQL
        # indexes keys of up to about 2.7 kB (its pair would be explained unadjusted).
        term_frequencies = term_frequencies[term_frequencies["value"].str.len() <= 200]
        _executemany(
            conn, "INSERT INTO link_term_frequencies (run_id, column_name, value, frequency)"
            " VALUES (?, ?, ?, ?)",
            [(run_id, str(c), str(v), float(f)) for c, v, f in
             term_frequencies[["column_name", "value", "frequency"]].itertuples(index=False)],
        )
    for action, detail in events:
        append_audit(conn, action=action, subject=f"person:{detail.get('person_id')}",
                     detail=detail)
    conn.execute(update(runs_table).where(runs_table.c.id == run_id).values(
        finished_at=datetime.now(UTC), counts=counts))


def write_persons_csv(engine: Engine, path: Path) -> int:
    """Write the current linkage as CSV: person_id, record_id, source, row (one per record).

    Args:
        engine: the register.
        path: the CSV file to write (overwritten).
    Returns:
        The number of records written.
    Raises:
        ValueError: no link run has been saved yet.
    """
    m, rec, src = person_records_table.c, records_table.c, sources_table.c
    query = (
        select(m.person_id, m.record_id, src.name.label("source"), rec.row)
        .select_from(person_records_table.join(records_table, rec.id == m.record_id)
                     .join(sources_table, src.id == rec.source_id))
        .order_by(m.person_id, m.record_id)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(),
                             columns=["person_id", "record_id", "source", "row"])
    if frame.empty:
        raise ValueError("no persons yet: run `musterroll link` first")
    # A source's name is user data: "=HYPERLINK(...)" must not run in a spreadsheet.
    frame["source"] = frame["source"].map(neutralise_cell)
    frame.to_csv(path, index=False)
    return len(frame)


# The engines of runs that trained and saved a model. The runs table also holds the
# link-only matching of exchange and repatriation imports ("link-only") and the truth's
# linkage ("oracle"), whose settings are no model.
MODEL_ENGINES = ("duckdb", "spark")


def last_run(engine: Engine) -> tuple[int, LinkSettings] | None:
    """The newest finished model run (`musterroll link`): its id and its settings
    (trained parameters and all), or None before the first run."""
    r = runs_table.c
    with engine.connect() as conn:
        row = conn.execute(
            select(r.id, r.settings)
            .where(r.finished_at.is_not(None), r.engine.in_(MODEL_ENGINES))
            .order_by(r.id.desc()).limit(1)
        ).first()
    return None if row is None else (int(row[0]), LinkSettings.from_dict(row[1]))
