"""Bulk inserts inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

An ORM object per row would make a million-row list take minutes; these write plain
tuples straight through the database driver, in the transaction of the ingest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, column, insert
from sqlalchemy import table as table_clause

__all__ = ["insert_rows"]


def insert_rows(
    conn: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table`, in the open transaction.

    Args:
        conn: a connection inside the ingest's transaction.
        table: the table name (ours, never user input).
        columns: column names in tuple order (ours, never user input).
        rows: the values.
    """
    if not rows:
        return
    quoted = ", ".join(f'"{name}"' for name in columns)
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None
        sql = f"COPY {table} ({quoted}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = {"qmark": "?", "numeric": ":1", "named": ":p"}.get(conn.dialect.paramstyle, "%s")
    if marks in ("?", "%s"):
        placeholders = ", ".join([marks] * len(columns))
        conn.exec_driver_sql(f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})", rows)
        return
    # Other drivers: let SQLAlchemy render the parameters.
    clause = table_clause(table, *(column(name) for name in columns))
    conn.execute(insert(clause), [dict(zip(columns, row, strict=True)) for row in rows])
