"""Fixtures for ingest tests: an initialised register and small hand-written lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from musterroll.store import init_register, open_register

UA_HEADER = ["Прізвище", "Ім'я", "По батькові", "Дата народження", "Статус", "Дата події"]
UA_ROWS = [
    ["Коваленко", "Марія", "Степанівна", "12.03.1985", "зникла безвісти", "05.2022"],
    ["IВАНЕНКО", "Петро", "Іванович", "01.02.1990", "загинув", "12.03.2023"],
    ["Шевчук", "Олег", "Петрович", "1979", "в полоні", "2022-04-01"],
]


def csv_bytes(
    header: list[str], rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    """Return a CSV file's bytes, written the way a spreadsheet would."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, header: list[str], rows: list[list[str]], **options: str) -> Path:
    """Write a CSV list and return its path."""
    path.write_bytes(csv_bytes(header, rows, **options))
    return path


@pytest.fixture
def register(register_url: str) -> Iterator[Engine]:
    """An initialised, empty register (SQLite, and PostgreSQL when configured)."""
    init_register(register_url)
    engine = open_register(register_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_register(sqlite_url: str) -> Iterator[Engine]:
    """An initialised, empty SQLite register."""
    init_register(sqlite_url)
    engine = open_register(sqlite_url)
    yield engine
    engine.dispose()
