"""The `musterroll` command line: one command per job, each calling one stage.

Commands parse their options, call a function of a stage package and print. The stages
never import this module. Long work shows a Rich progress bar on stderr; `--json` output
goes to stdout alone so that it can be piped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from musterroll import __version__

DEFAULT_DB_URL = "sqlite:///musterroll.db"

app = typer.Typer(
    name="musterroll",
    help="Account for people in a war: simulate, ingest, link, derive statuses, estimate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
err = Console(stderr=True)


@dataclass(frozen=True)
class Settings:
    """Options shared by every command."""

    db_url: str


def _version(value: bool) -> None:
    if value:
        typer.echo(f"musterroll {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: str = typer.Option(
        None,
        "--db",
        help="Register URL (SQLAlchemy). Default: $MUSTERROLL_DB, else sqlite:///musterroll.db.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """musterroll: one register of persons from many lists, with evidence and estimates."""
    ctx.obj = Settings(db_url=db or os.environ.get("MUSTERROLL_DB") or DEFAULT_DB_URL)


def settings(ctx: typer.Context) -> Settings:
    """Return the shared settings of this invocation."""
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error for the user and return the exit to raise."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


# Commands of each stage are registered below, in the order of the data flow.


# --- evaluate: measure a linkage against a simulated war's truth -------------------------
evaluate_app = typer.Typer(help="Measure results against a simulated war's truth.",
                           no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command("linkage")
def evaluate_linkage(
    truth: Path = typer.Option(..., "--truth", help="Simulation folder (or its truth/ folder)."),
    persons: Path = typer.Option(
        ..., "--persons", help="Linkage CSV with person_id, source, row (row is 1-based)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """Pairwise and cluster (B-cubed) precision, recall and F1 of a linkage."""
    from musterroll.linkage import LinkageFileError, read_linkage, read_truth, score_linkage

    try:
        scores = score_linkage(read_truth(truth), read_linkage(persons))
    except LinkageFileError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(scores.as_dict(), indent=2))
        return
    table = Table(title=f"Linkage {persons} against {truth}")
    table.add_column("measure")
    table.add_column("pairwise", justify="right")
    table.add_column("cluster (B-cubed)", justify="right")
    for name in ("precision", "recall", "f1"):
        table.add_row(name, f"{getattr(scores, f'pairwise_{name}'):.4f}",
                      f"{getattr(scores, f'cluster_{name}'):.4f}")
    Console().print(table)
    Console().print(
        f"{scores.records:,} records; {scores.true_persons:,} true persons, "
        f"{scores.predicted_persons:,} predicted; {scores.unlinked_records:,} records "
        "missing from the linkage were scored as singletons."
    )


# --- register store and ingest (musterroll.store, musterroll.sources) ---------------------


@app.command("init")
def init_command(ctx: typer.Context) -> None:
    """Create the register, or upgrade it to the newest schema (idempotent)."""
    from musterroll.store import RegisterError, init_register

    url = settings(ctx).db_url
    try:
        revision = init_register(url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    err.print(f"register ready at revision {revision}", highlight=False)
