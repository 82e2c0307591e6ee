from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from musterroll.cli import app

from .conftest import UA_HEADER, UA_ROWS, write_csv

runner = CliRunner()


def invoke(url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", url, *args])
    # Rich wraps stderr at the terminal width: fold it back to single spaces.
    return result.exit_code, result.stdout, " ".join(result.stderr.split())


def test_init_ingest_records_and_quarantine_work_end_to_end(
    register_url: str, tmp_path: Path
) -> None:
    assert invoke(register_url, "init")[0] == 0
    rows = [*UA_ROWS, ["Бойко", "Ігор", "", "31.02.1990", "загинув", ""],
            ["", "", "", "1990", "загинув", ""]]  # fmt: skip
    path = write_csv(tmp_path / "list.csv", UA_HEADER, rows, encoding="cp1251", delimiter=";")
    code, out, err = invoke(register_url, "ingest", str(path), "--source", "official",
                            "--kind", "official", "--json")  # fmt: skip
    assert code == 0, err
    summary = json.loads(out)
    for key in ("rows", "accepted", "quarantined", "warnings", "encoding", "format",
                "already_ingested"):  # fmt: skip
        assert key in summary
    # Issue 14: an impossible birth date costs the field, not the person.
    assert (summary["rows"], summary["accepted"], summary["quarantined"]) == (5, 4, 1)
    assert (summary["encoding"], summary["format"]) == ("cp1251", "csv")
    assert "list.csv row 4: warning: column 'Дата народження' (birth_date)" in err
    assert "list.csv row 5: no name and no identifier" in err
    again = json.loads(invoke(register_url, "ingest", str(path), "--source", "official",
                              "--json")[1])  # fmt: skip
    assert again["already_ingested"] is True
    code, out, _ = invoke(register_url, "records", "--source", "official", "--json")
    assert code == 0 and [r["surname"] for r in json.loads(out)][:1] == ["Коваленко"]
    code, out, _ = invoke(register_url, "quarantine", "--json")
    assert code == 0 and [q["row"] for q in json.loads(out)] == [5]
    code, out, _ = invoke(register_url, "records")
    assert code == 0 and "records" in out


def test_records_csv_neutralises_formulas(sqlite_url: str, tmp_path: Path) -> None:
    invoke(sqlite_url, "init")
    rows = [['=HYPERLINK("http://x","y")', "Іван", "", "", "", ""], ["@SUM(A1)", "Олег"]]
    rows[1] += ["", "", "", ""]
    invoke(sqlite_url, "ingest", str(write_csv(tmp_path / "l.csv", UA_HEADER, rows)),
           "--source", "s")  # fmt: skip
    code, out, _ = invoke(sqlite_url, "records", "--csv")
    assert code == 0
    assert "'=HYPERLINK" in out and "'@SUM(A1)" in out
    assert "\n=" not in out and ",=" not in out


def test_ingest_errors_are_clear_and_change_nothing(sqlite_url: str, tmp_path: Path) -> None:
    code, _, err = invoke(sqlite_url, "ingest", "x.csv", "--source", "s")
    assert code == 2 and "musterroll init" in err
    invoke(sqlite_url, "init")
    code, _, err = invoke(sqlite_url, "ingest", str(tmp_path / "missing.csv"), "--source", "s")
    assert code == 2 and "no such file" in err
    code, _, err = invoke(sqlite_url, "ingest", str(tmp_path / "missing.csv"))
    assert code == 2 and "--source" in err
    mapping = tmp_path / "m.yaml"
    mapping.write_text("Прізвище: family\n", encoding="utf-8")
    path = write_csv(tmp_path / "l.csv", UA_HEADER, UA_ROWS)
    code, _, err = invoke(
        sqlite_url, "ingest", str(path), "--source", "s", "--mapping", str(mapping)
    )
    assert code == 2 and "'family'" in err
    assert json.loads(invoke(sqlite_url, "records", "--json")[1]) == []
