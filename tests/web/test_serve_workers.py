"""`musterroll serve` runs one worker: the rate limit is counted in one process's memory."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from musterroll.cli import app as cli


def test_serve_refuses_several_workers(register_url: str) -> None:
    result = CliRunner().invoke(cli, ["--db", register_url, "serve", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers=2" in result.output and "rate limit" in result.output


def test_serve_refuses_web_concurrency_for_uvicorn(register_url: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn reads WEB_CONCURRENCY as its number of workers.
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    result = CliRunner().invoke(cli, ["--db", register_url, "serve"])
    assert result.exit_code == 2
    assert "WEB_CONCURRENCY=4" in result.output and "one worker" in result.output


def test_serve_check_fetches_the_dashboard_and_stops(register_url: str) -> None:
    import socket

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli, ["--db", register_url, "serve", "--check",
                                      "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"the dashboard answered at http://127.0.0.1:{port}/" in result.output
    assert "killed: " in result.output and " documented" in result.output
