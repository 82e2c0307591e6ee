import json

from typer.testing import CliRunner

from musterroll.cli import app

runner = CliRunner()


def test_names_compare_prints_the_level_as_json() -> None:
    result = runner.invoke(app, ["names", "compare", "Олександр", "Alexander", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert {k: found[k] for k in ("a", "b", "level")} == {
        "a": "Олександр", "b": "Alexander", "level": "equivalent"
    }
    assert 0 <= found["score"] <= 1


def test_names_compare_reads_full_names_part_by_part() -> None:
    a, b = "Ковальов Олександр Григорович", "Aleksandr Grigoryevich Kovalyov"
    result = runner.invoke(app, ["names", "compare", a, b])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("equivalent")
    assert "patronymic: equivalent" in result.output


def test_names_normalise_shows_parse_keys_and_groups() -> None:
    result = runner.invoke(app, ["names", "normalise", "Сашко Ковальов", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert found["parse"]["surname"] == "Ковальов"
    assert found["keys"]["given_group"] == "oleksandr"
    assert "Alexander" in found["groups"]["oleksandr"]
    assert found["romanised"] == "Sashko Kovalov"


def test_names_keys_is_the_same_command() -> None:
    result = runner.invoke(app, ["names", "keys", "Шевченко Т.Г."])
    assert result.exit_code == 0, result.output
    assert "given_initial: True" in result.output


def test_an_unknown_kind_is_an_error_for_the_user() -> None:
    result = runner.invoke(app, ["names", "compare", "a", "b", "--kind", "middle"])
    assert result.exit_code == 2
