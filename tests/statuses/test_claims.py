"""The claims ledger: preset claims, each beside the register's count as of its date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from musterroll.casework.claims import ClaimError, add_claim, import_claims, list_claims
from musterroll.cli import app
from musterroll.counts.capture import capture_tables
from musterroll.estimate import chapman
from musterroll.estimate.store import save_estimate
from musterroll.store import open_register

from .conftest import War


def test_the_issues_claims_are_preloaded_beside_the_register(war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    claims = list_claims(engine)
    engine.dispose()
    values = {(c["said_on"], c["metric"]): c["value"] for c in claims}
    assert values[("2024-12", "killed")] == 43000
    assert values[("2026-02", "killed")] == 55000
    assert values[("2025", "missing_ever")] == 70000
    assert values[("2026-02", "exchanged_total")] == 314
    assert values[("2026-02", "released_in_exchange")] == 157
    killed = next(c for c in claims if c["said_on"] == "2026-02" and c["metric"] == "killed")
    assert killed["as_of"] == "2026-02-28" and isinstance(killed["register"], int)
    assert killed["difference"] == 55000 - killed["register"]
    assert next(c for c in claims if c["metric"] == "exchanged_total")["register"] is None


def test_a_stored_estimate_is_shown_beside_a_claim(war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    try:
        histories = capture_tables(engine, status="killed")
        result = chapman(histories.tables[0],
                         pair=["official_death_notices", "burial_register"])
        save_estimate(engine, result, metric="killed", link_run_id=histories.link_run_id)
        today = date.today().isoformat()
        with engine.begin() as conn:
            add_claim(conn, {"who": "A ministry", "said_on": today, "metric": "killed",
                             "scope": "military", "value": 100.0})
        claims = list_claims(engine)
    finally:
        engine.dispose()
    # Beside a claim of today, the estimate stored today; none beside another metric.
    said_today = next(c for c in claims if c["said_on"] == today)
    assert said_today["estimate"]["point"] == round(result.estimate)
    assert all(c["estimate"] is None for c in claims if c["metric"] != "killed")


def test_a_bad_claim_file_names_its_row_and_field(war: War, tmp_path: Path) -> None:
    engine = open_register(war.copy_register(tmp_path / "r.db"))
    path = tmp_path / "claims.csv"
    path.write_text("who,said_on,metric,scope,value\nA,2025-03,killed,x,10\n"
                    "B,2025-03,wounded,x,5\n", encoding="utf-8")
    with pytest.raises(ClaimError, match=r"claims.csv row 2: field 'metric'"), \
            engine.begin() as conn:
        import_claims(conn, path)
    engine.dispose()


def test_claims_commands_add_and_list(war: War, tmp_path: Path) -> None:
    url = war.copy_register(tmp_path / "r.db")
    runner = CliRunner()
    added = runner.invoke(app, ["--db", url, "claims", "add", "--who", "an NGO", "--said-on",
                                "2025-06-01", "--metric", "missing_now", "--scope", "all",
                                "--value", "12"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["--db", url, "claims", "list", "--json"])
    assert listed.exit_code == 0 and '"an NGO"' in listed.stdout
