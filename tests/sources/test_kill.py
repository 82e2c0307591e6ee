"""An ingest killed with SIGKILL in the middle leaves the register exactly as it was."""

from __future__ import annotations

import csv
import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from musterroll.sources import ingest_file
from musterroll.store import init_register, open_register

from .conftest import UA_HEADER, UA_ROWS, write_csv

ROWS = 100_000


def big_list(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(UA_HEADER)
        for i in range(ROWS):
            writer.writerow([f"Прізвище{i % 5000}", "Іван", "Петрович", f"{1960 + i % 40}",
                             "загинув", "12.03.2023"])  # fmt: skip
    return path


def snapshot(engine: Engine) -> dict[str, str]:
    """A digest of every row of every register table."""
    digests = {}
    with engine.connect() as conn:
        for table in ("sources", "files", "records", "quarantined_rows", "audit_log"):
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            digests[table] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def read_share(pid: int, path: Path) -> float:
    """How far process `pid` has read `path` (0 when it has no open handle on it; Linux)."""
    size = path.stat().st_size
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if Path(fd.readlink()) != path:
                continue
            info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
        except OSError:
            continue  # closed meanwhile
        position = int(info.split("pos:")[1].split()[0])
        return position / size
    return 0.0


def kill_midway(url: str, path: Path, is_writing: Callable[[], bool]) -> None:
    """Start an ingest of `path`, SIGKILL it while its transaction is writing, mid-file."""
    code = "import sys; from musterroll.cli import app; sys.argv[0] = 'musterroll'; app()"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--db", url, "ingest", str(path), "--source", "big"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (is_writing() and 0.2 < read_share(process.pid, path) < 0.8):
            assert process.poll() is None, "the ingest ended before it could be killed"
            assert time.monotonic() < deadline, "the ingest never started writing"
            time.sleep(0.05)
        assert process.poll() is None, "the ingest ended before it could be killed"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL


def check_kill_leaves_register_unchanged(
    url: str, tmp_path: Path, is_writing: Callable[[], bool]
) -> None:
    init_register(url)
    engine = open_register(url)
    ingest_file(engine, write_csv(tmp_path / "small.csv", UA_HEADER, UA_ROWS), source="small")
    before = snapshot(engine)
    engine.dispose()
    path = big_list(tmp_path / "big.csv")
    kill_midway(url, path, is_writing)
    engine = open_register(url)
    assert snapshot(engine) == before  # no half file, source, record or audit line
    engine.dispose()


def test_killing_an_ingest_leaves_a_sqlite_register_as_it_was(
    sqlite_url: str, tmp_path: Path
) -> None:

    def is_writing() -> bool:
        """True while another connection holds the write lock (the ingest's transaction)."""
        probe = sqlite3.connect(tmp_path / "register.db", timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        finally:
            probe.close()

    check_kill_leaves_register_unchanged(sqlite_url, tmp_path, is_writing)


@pytest.mark.postgres
def test_killing_an_ingest_leaves_a_postgres_register_as_it_was(
    postgres_url: str, tmp_path: Path
) -> None:
    watcher = create_engine(postgres_url)
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE query LIKE 'COPY records%' AND pid <> pg_backend_pid()"
    )

    def is_writing() -> bool:
        with watcher.connect() as conn:
            return bool(conn.execute(query).scalar())

    try:
        check_kill_leaves_register_unchanged(postgres_url, tmp_path, is_writing)
    finally:
        watcher.dispose()
