"""An estimate's settings are one piece of plain data, built once and handed on whole."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.estimate import report
from musterroll.estimate.api import method_settings, route_options
from musterroll.estimate.settings import METHOD_OPTIONS, EstimateSettings


def test_each_option_reaches_only_the_methods_that_take_it():
    routed = route_options(EstimateSettings(method="all", k=5, bootstrap=20, max_seconds=3))
    assert routed == {"chapman": {}, "loglinear": {"bootstrap": 20, "max_seconds": 3},
                      "lcmcr": {"k": 5, "max_seconds": 3}, "dga": {}}
    progress = print
    with_progress = route_options(EstimateSettings(method="lcmcr"), progress=progress)
    assert with_progress == {"lcmcr": {"progress": progress}}


def test_an_option_no_chosen_method_takes_is_refused():
    with pytest.raises(ValueError, match=r"\['k'\] do not apply to method 'chapman'"):
        route_options(EstimateSettings(method="chapman", k=5))


def test_every_method_option_is_a_setting_some_method_takes():
    taken = {name for m in ("chapman", "loglinear", "lcmcr", "dga") for name in method_settings(m)}
    assert set(METHOD_OPTIONS) <= taken
    assert set(METHOD_OPTIONS) <= {f.name for f in dataclasses.fields(EstimateSettings)}


def test_settings_are_saved_as_json_and_read_back_unchanged():
    settings = EstimateSettings(method="chapman", seed=3, status=("killed", "missing"),
                                by="status", shifts=(-2.0, 0.0), pair=("A", "B"))
    saved = json.loads(json.dumps(settings.to_dict()))
    assert saved["pair"] == ["A", "B"] and saved["status"] == ["killed", "missing"]
    assert EstimateSettings.from_dict(saved) == settings
    assert settings.options() == {"pair": ["A", "B"]}


def test_the_command_builds_the_settings_once_from_its_options(tmp_path: Path, monkeypatch):
    handed: list[EstimateSettings] = []

    def run_table_file(path, settings, *, progress=None):
        handed.append(settings)
        raise ValueError("stopped here")

    monkeypatch.setattr(report, "run_table_file", run_table_file)
    table = tmp_path / "t.csv"
    table.write_text("A,B,count\n1,0,5\n0,1,4\n1,1,3\n")
    result = CliRunner().invoke(app, ["estimate", "--table", str(table), "--method", "chapman",
                                      "--pair", "A,B", "--level", "0.9", "--seed", "3"])
    assert result.exit_code != 0 and "stopped here" in result.output
    assert handed == [EstimateSettings(method="chapman", level=0.9, seed=3, pair=("A", "B"))]
