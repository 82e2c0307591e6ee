"""`musterroll estimate`: a thin command over the estimate package."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from musterroll.cli import app

runner = CliRunner()


def test_json_output_has_the_promised_fields_and_the_seed(data_dir):
    table = str(data_dir / "kosovo.csv")
    result = runner.invoke(
        app, ["estimate", "--table", table, "--method", "dga", "--seed", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert {"method", "observed", "estimate", "lower", "upper", "level", "warnings"} <= set(out)
    assert out["seed"] == 3 and out["observed"] == 4400 and out["level"] == 0.95


def test_stratified_table_prints_strata_and_total(data_dir):
    table = str(data_dir / "spina_bifida_newyork_by_covariates.csv")
    result = runner.invoke(
        app, ["estimate", "--table", table, "--stratum", "eth", "--method", "chapman"]
    )
    assert result.exit_code == 0, result.output
    assert "caucasian" in result.stdout and "all" in result.stdout


def test_all_methods_are_compared(data_dir):
    table = str(data_dir / "korea_comfort_women_palembang.csv")
    args = ["estimate", "--table", table, "--method", "all", "--seed", "1", "--json"]
    args += ["--bootstrap", "50", "--chains", "2", "--burnin", "500", "--samples", "100"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [e["method"] for e in out["estimates"]] == ["chapman", "loglinear", "lcmcr", "dga"]
    assert "warnings" in out
    assert set(out["assumptions"]) == {"chapman", "loglinear", "lcmcr", "dga"}
    assert all(out["assumptions"].values())


def test_an_option_of_another_method_is_an_error(data_dir):
    table = str(data_dir / "kosovo.csv")
    result = runner.invoke(app, ["estimate", "--table", table, "--method", "dga", "--chains", "2"])
    assert result.exit_code == 2
    assert "do not apply" in result.output


def test_a_bad_table_names_the_problem(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("A,B,count\n1,1,x\n")
    result = runner.invoke(app, ["estimate", "--table", str(path)])
    assert result.exit_code == 2
    assert "row 2" in result.output


def test_an_unknown_interval_kind_is_an_error(data_dir):
    table = str(data_dir / "kosovo.csv")
    result = runner.invoke(app, ["estimate", "--table", table, "--interval", "wald"])
    assert result.exit_code == 2
    assert "interval bootstrap or profile" in result.output
