from typer.testing import CliRunner

from musterroll import __version__
from musterroll.cli import app

runner = CliRunner()


def test_version_prints_the_package_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"musterroll {__version__}"
