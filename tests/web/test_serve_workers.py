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
