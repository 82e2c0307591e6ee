"""The Typer application, the options every command shares, and how commands fail."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from musterroll import __version__

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

DEFAULT_DB_URL = "sqlite:///musterroll.db"

app = typer.Typer(
    name="musterroll",
    help="Account for people in a war: simulate, ingest, link, derive statuses, estimate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    # plain help: Rich's help renderer imports a Markdown parser and takes ~0.3 s of
    # every `--help` (issue 18: start in at most 0.5 s; bench/bench_startup.py)
    rich_markup_mode=None,
)
# User data (names, file names, cells) is printed as plain text: never as Rich markup,
# where a cell holding "[/b]" crashed a whole listing (issue 19). Every console of the
# command line is made with markup=False; styles are given as Text, not as markup.
err = Console(stderr=True, markup=False)


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
    """Print an error for the user and return the exit to raise.

    The message stays on one line, however narrow the terminal: an error names a file, a
    row and a field, and a path broken across lines can be neither copied nor grepped.
    """
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False,
              soft_wrap=True)
    return typer.Exit(code)


# Commands of each stage are registered below, in the order of the data flow.


def open_register_or_fail(ctx: typer.Context) -> Engine:
    """Open this invocation's register, or fail with the reason (e.g. run `musterroll init`)."""
    from musterroll.store import RegisterError, open_register

    try:
        return open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc


T = TypeVar("T")


def on_register(ctx: typer.Context, work: Callable[[Engine], T], *,
                errors: tuple[type[Exception], ...] = (ValueError,)) -> T:
    """Open the register, run `work` on it and close it; `errors` end the command cleanly
    with their message (exit 2)."""
    engine = open_register_or_fail(ctx)
    try:
        return work(engine)
    except errors as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()


def echo_json(data: Any) -> None:
    """Print `data` as indented JSON on stdout, dates and other values as text."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
