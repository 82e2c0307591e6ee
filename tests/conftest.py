"""Shared fixtures: a fresh register on SQLite and, when configured, on PostgreSQL.

PostgreSQL tests read the server URL from ``MUSTERROLL_TEST_POSTGRES`` (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; ``.ci/run`` sets it). Each test gets
its own schema, dropped afterwards. Without the variable, or without a reachable server,
they are skipped with the reason shown in the summary (pytest ``-ra``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "MUSTERROLL_TEST_POSTGRES"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL server URL from the environment; skips when unset or unreachable."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests skipped: {POSTGRES_ENV} is not set")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test on
        pytest.skip(f"PostgreSQL tests skipped: no server at {POSTGRES_ENV}={url}: {exc}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema on the test server, dropped afterwards."""
    schema = f"mr_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL of a SQLite register file in a temporary folder (not yet created)."""
    return f"sqlite:///{tmp_path / 'register.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def register_url(request: pytest.FixtureRequest) -> str:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say in one line when the PostgreSQL tests did not run, and why."""
    reasons = [
        str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
        for report in terminalreporter.stats.get("skipped", [])
    ]
    postgres = [reason for reason in reasons if "PostgreSQL tests skipped" in reason]
    if postgres:
        reason = postgres[0].split("PostgreSQL tests skipped: ", 1)[1]
        terminalreporter.write_line(
            f"NOTE: {len(postgres)} PostgreSQL tests were skipped ({reason}); "
            f"set {POSTGRES_ENV} to run them.",
            yellow=True,
        )
