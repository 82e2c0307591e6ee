"""Keep the family search's key table (``search_keys``) equal to the current records.

When the table is filled: lazily, by the search itself. Before each search,
``ensure_search_keys`` compares the files already indexed (``search_key_files``) with
the current files (the newest version of each source's list) and, in one transaction,
removes the keys of files that a newer version superseded and adds those of new files.
Nothing else decides what is current, so the search never answers from a superseded
version or misses a list just ingested: no stale answers, whatever process ingested it
and whether or not linkage has run since. An ingest commits its file row and its records
together, so a file seen is a file complete.

Why not at ingest or at link time: the sources stage would then write a table only the
web app reads, and a register ingested before this table existed (or by an older
version) would need a separate back-fill; linkage runs long after lists arrive. Checking
costs one small query per search (count and largest id of ``files``, which only grows);
the work is done once per new file (a first search after a million records are ingested
waits for their keys: 37 s on 2 cores; ``refresh_search_keys`` does it ahead of time).

Only records with a birth date are kept: a search always gives one, and a record without
one can never match.

The same refresh (same check, lock and transaction) keeps the caseworkers' person search's
``name_words`` in step: the lower-cased words of the names of *every* record (that search
reads superseded versions too), written once per file since records never change.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from musterroll.names import name_keys_frame, parse_full_name
from musterroll.store.models import files_table, newest_version, records_table
from musterroll.store.search_models import (
    SEARCH_KEY_COLUMNS,
    name_word_files_table,
    name_words_table,
    search_key_files_table,
    search_keys_table,
)

__all__ = ["KeysRefresh", "ensure_search_keys", "name_words", "refresh_search_keys",
           "search_keys_in_step"]

_BATCH = 50_000
# Per engine: the files fingerprint last seen in step with the table, and a lock so that
# the threads of one server do not refresh at once (other processes: see the retry).
_seen: weakref.WeakKeyDictionary[Engine, tuple[int, int]] = weakref.WeakKeyDictionary()
_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class KeysRefresh:
    """What a refresh did: files added and removed, records keyed, seconds (all of it);
    and for ``name_words``: files added, words written, seconds of that part."""

    files_added: int
    files_removed: int
    records_added: int
    records_removed: int
    seconds: float
    word_files_added: int = 0
    words_added: int = 0
    words_seconds: float = 0.0


def _fingerprint(conn: Connection) -> tuple[int, int]:
    """(count, largest id) of ``files``: rows are only ever added, so any commit of a new
    file changes it (the count catches one committed late with a smaller id)."""
    # Plain SQL: this runs before every search, and both backends read it alike.
    count, top = conn.exec_driver_sql("SELECT count(*), max(id) FROM files").one()
    return int(count), int(top or 0)


def _current_file_ids(conn: Connection) -> set[int]:
    return set(conn.execute(select(files_table.c.id).where(newest_version())).scalars())


def _record_batches(conn: Connection, file_id: int) -> Iterator[pd.DataFrame]:
    """The file's records with a birth date, a batch at a time (keyset on the row number,
    so that the keys can be written on the same connection between batches)."""
    r = records_table.c
    last = -1
    while True:
        part = conn.execute(
            select(r.id, r.surname, r.given_name, r.patronymic, r.full_name, r.sex,
                   r.birth_date, r.row)
            .where(r.file_id == file_id, r.row > last, r.birth_date.is_not(None))
            .order_by(r.row).limit(_BATCH)).all()
        if not part:
            return
        last = part[-1].row
        yield pd.DataFrame([row[:7] for row in part], dtype=object, columns=[
            "record_id", "surname", "given_name", "patronymic", "full_name", "sex",
            "birth_date"])


def _split_full_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A record without a surname but with a full name is read by its parsed parts
    (as the search always did: surname, given name and patronymic all from the parse)."""
    only_full = frame["surname"].isna() & frame["full_name"].notna()
    if only_full.any():
        parsed = [parse_full_name(text) for text in frame.loc[only_full, "full_name"]]
        frame.loc[only_full, "surname"] = [p.surname for p in parsed]
        frame.loc[only_full, "given_name"] = [p.given_name for p in parsed]
        frame.loc[only_full, "patronymic"] = [p.patronymic for p in parsed]
    return frame


def _key_rows(frame: pd.DataFrame, file_id: int) -> list[dict[str, Any]]:
    keys = name_keys_frame(_split_full_names(frame))
    out = pd.DataFrame({"record_id": frame["record_id"].astype("int64"), "file_id": file_id,
                        "birth_date": frame["birth_date"]})
    for column in SEARCH_KEY_COLUMNS:
        out[column] = keys[column].to_numpy()
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")  # type: ignore[return-value]


_NAME_FIELDS = ("surname", "given_name", "patronymic", "full_name")


def name_words(*names: str | None) -> set[str]:
    """The words of names as ``name_words`` keeps them: lower-cased, split at white space."""
    return {word for name in names if name for word in name.lower().split()}


def _add_name_words(conn: Connection) -> tuple[int, int]:
    """Write the name words of every file not yet in ``name_word_files``; return (files,
    words). Records are keyed by ``records.id``; a file is read a batch at a time."""
    r, wf = records_table.c, name_word_files_table.c
    fresh = conn.execute(select(files_table.c.id).where(
        files_table.c.id.not_in(select(wf.file_id))).order_by(files_table.c.id)).scalars().all()
    words = 0
    for file_id in fresh:
        last, count = -1, 0
        while True:
            part = conn.execute(
                select(r.row, r.id, *(r[c] for c in _NAME_FIELDS))
                .where(r.file_id == file_id, r.row > last).order_by(r.row).limit(_BATCH)).all()
            if not part:
                break
            last, count = part[-1].row, count + len(part)
            rows = sorted((word, int(row.id)) for row in part for word in name_words(*row[2:]))
            if rows:
                conn.execute(insert(name_words_table),
                             [{"word": word, "record_id": record} for word, record in rows])
            words += len(rows)
        conn.execute(insert(name_word_files_table).values(
            file_id=file_id, records=count, indexed_at=datetime.now(UTC)))
    return len(fresh), words


def _refresh(conn: Connection) -> KeysRefresh:
    started = datetime.now(UTC)
    current = _current_file_ids(conn)
    indexed = set(conn.execute(select(search_key_files_table.c.file_id)).scalars())
    stale, fresh = sorted(indexed - current), sorted(current - indexed)
    removed = added = 0
    k, kf = search_keys_table.c, search_key_files_table.c
    for file_id in stale:
        removed += conn.execute(delete(search_keys_table).where(k.file_id == file_id)).rowcount
        conn.execute(delete(search_key_files_table).where(kf.file_id == file_id))
    for file_id in fresh:
        count = 0
        for frame in _record_batches(conn, file_id):
            rows = _key_rows(frame, file_id)
            conn.execute(insert(search_keys_table), rows)
            count += len(rows)
        conn.execute(insert(search_key_files_table).values(
            file_id=file_id, records=count, indexed_at=datetime.now(UTC)))
        added += count
    words_started = datetime.now(UTC)
    word_files, words = _add_name_words(conn)
    ended = datetime.now(UTC)
    return KeysRefresh(len(fresh), len(stale), added, removed,
                       round((ended - started).total_seconds(), 3), word_files, words,
                       round((ended - words_started).total_seconds(), 3))


def refresh_search_keys(engine: Engine) -> KeysRefresh:
    """Bring ``search_keys`` in step with the current files, and ``name_words`` with all
    files, in one transaction.

    Args:
        engine: an open register at schema 0013 or later.
    Returns:
        What changed (nothing when already in step).
    Raises:
        sqlalchemy.exc.SQLAlchemyError: the register refused; nothing was written.
    """
    lock = _lock_for(engine)
    with lock:
        for attempt in range(3):
            try:
                with engine.begin() as conn:
                    fingerprint = _fingerprint(conn)
                    done = _refresh(conn)
                _seen[engine] = fingerprint
                return done
            except (IntegrityError, OperationalError):
                # Another process indexed the same file first (IntegrityError), or wrote
                # since this transaction first read (SQLite's busy snapshot): look again.
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def search_keys_in_step(conn: Connection) -> bool:
    """Return whether no file arrived since this process last brought the keys in step.

    One small query (count and largest id of ``files``) on the caller's connection.
    """
    return _seen.get(conn.engine) == _fingerprint(conn)


def ensure_search_keys(engine: Engine) -> None:
    """Refresh ``search_keys`` and ``name_words`` if any file arrived since this process
    last looked."""
    with engine.connect() as conn:
        in_step = search_keys_in_step(conn)
    if not in_step:
        refresh_search_keys(engine)


def _lock_for(engine: Engine) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(engine, threading.Lock())
