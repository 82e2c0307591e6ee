"""`names compare|normalise`: names across scripts."""

from __future__ import annotations

import json

import typer

from musterroll.cli.app import app, fail

# --- names: compare and normalise names across scripts (issue 4) ---
names_app = typer.Typer(help="Names across scripts: compare two names, normalise one.",
                        no_args_is_help=True)
app.add_typer(names_app, name="names")


@names_app.command("compare")
def names_compare(
    a: str = typer.Argument(..., help="First name (one word, or a full name)."),
    b: str = typer.Argument(..., help="Second name."),
    kind: str = typer.Option("auto", "--kind", help="auto, surname, given or patronymic."),
    as_json: bool = typer.Option(False, "--json", help='Print {"a", "b", "level", "score"}.'),
) -> None:
    """Print the level at which two names agree (exact ... different)."""

    from musterroll.names.report import compare_names

    try:
        found = compare_names(a, b, kind=kind)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    typer.echo(f"{found['level']}  (score {found['score']})")
    for part, result in found.get("parts", {}).items():
        typer.echo(f"  {part}: {result['level']}" + ("  sex conflict" if result["sex_conflict"]
                                                    else ""))


@names_app.command("normalise")
@names_app.command("keys")
def names_normalise(
    text: str = typer.Argument(..., help="A full name in any script and order."),
    sex: str = typer.Option(None, "--sex", help="The record's sex (m/f/ч/ж), if known."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
) -> None:
    """Show a name's parse, romanisation, key columns and given-name groups."""

    from musterroll.names.report import describe_name

    found = describe_name(text, sex=sex)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False))
        return
    for section in ("parse", "keys", "groups", "languages"):
        typer.echo(f"{section}:")
        for key, value in found[section].items():
            typer.echo(f"  {key}: {value}")
    typer.echo(f"romanised: {found['romanised']}")
