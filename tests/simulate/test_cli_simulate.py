"""`musterroll simulate` writes a war and says what it wrote."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from musterroll.cli import app


def test_simulate_command_writes_lists_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "war"
    result = CliRunner().invoke(app, ["simulate", "--seed", "3", "--people", "2000",
                                      "--out", str(out), "--civilians"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["seed"] == 3 and manifest["civilians"] is True
    assert "official_death_notices" in result.output
    assert "people by true fate" in result.output
    assert "cp1251" in result.output and "xlsx" in result.output
