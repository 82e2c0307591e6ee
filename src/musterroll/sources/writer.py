"""Insert batches on a second thread while the main thread reads and normalises the next.

The database driver releases the GIL while the database works (SQLite's B-tree, the
PostgreSQL COPY round trip), so reading and writing overlap on two cores. The writer uses
the ingest's one connection and transaction; the main thread does not touch that
connection until the writer has stopped.
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import Any

from sqlalchemy import Connection

from musterroll.sources.bulk import insert_rows
from musterroll.sources.normalise import QUARANTINE_COLUMNS, RECORD_COLUMNS_IN

__all__ = ["BatchWriter"]

_Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


class BatchWriter:
    """A context manager that inserts record and quarantine batches in the background.

    Raises:
        Exception: the writer's error, from ``put`` or on leaving the context.
    """

    def __init__(self, conn: Connection, *, depth: int = 2) -> None:
        self._conn = conn
        self._queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="musterroll-writer", daemon=True)

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue  # keep draining so that `put` never blocks forever
            try:
                insert_rows(self._conn, "records", RECORD_COLUMNS_IN, batch[0])
                insert_rows(self._conn, "quarantined_rows", QUARANTINE_COLUMNS, batch[1])
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self._error = exc

    def put(self, records: list[tuple[Any, ...]], quarantined: list[tuple[Any, ...]]) -> None:
        """Queue one batch for insertion (blocks while `depth` batches wait)."""
        self._raise_error()
        self._queue.put((records, quarantined))

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def __enter__(self) -> BatchWriter:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._queue.put(None)
        self._thread.join()
        if kind is None:
            self._raise_error()
