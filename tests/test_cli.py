import json
from pathlib import Path

from typer.testing import CliRunner

from musterroll import __version__
from musterroll.cli import app

runner = CliRunner()


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"musterroll {__version__}"


def test_evaluate_linkage_prints_scores_as_json(tmp_path: Path) -> None:
    (tmp_path / "truth").mkdir()
    (tmp_path / "truth" / "rows.csv").write_text("source,row,person_id\ns,1,a\ns,2,a\ns,3,b\n")
    persons = tmp_path / "persons.csv"
    persons.write_text("person_id,source,row\nx,s,1\nx,s,2\ny,s,3\n")
    result = runner.invoke(
        app, ["evaluate", "linkage", "--truth", str(tmp_path), "--persons", str(persons),
              "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["cluster_f1"] == 1.0
    assert scores["records"] == 3


def test_evaluate_linkage_reports_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    persons = tmp_path / "persons.csv"
    persons.write_text("person,source\n")
    (tmp_path / "rows.csv").write_text("source,row,person_id\ns,1,a\n")
    result = runner.invoke(
        app, ["evaluate", "linkage", "--truth", str(tmp_path), "--persons", str(persons)]
    )
    assert result.exit_code == 2
    assert "lacks column(s) row, person_id" in result.output
