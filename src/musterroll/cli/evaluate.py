"""`evaluate linkage`: measure a linkage against a simulated war's truth."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from musterroll.cli.app import app, fail, on_register

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
    Console(markup=False).print(table)
    Console(markup=False).print(
        f"{scores.records:,} records; {scores.true_persons:,} true persons, "
        f"{scores.predicted_persons:,} predicted; {scores.unlinked_records:,} records "
        "missing from the linkage were scored as singletons."
    )


@evaluate_app.command("dna")
def evaluate_dna(
    ctx: typer.Context,
    truth: Path = typer.Option(..., "--truth", help="Simulation folder (with dna/ and truth/)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
) -> None:
    """The register's DNA proposals against a simulated war's truth: right and wrong."""
    from musterroll.statuses.evaluate_dna import score_dna

    scores = on_register(ctx, lambda engine: score_dna(engine, truth),
                         errors=(ValueError, OSError))
    if as_json:
        typer.echo(json.dumps(scores.as_dict(), indent=2))
        return
    typer.echo(f"dna: {scores.with_relatives} of {scores.samples} samples have typed "
               f"relatives; {scores.proposed} proposed at LR >= {scores.threshold or 0:g}: "
               f"{scores.right} right ({scores.identified_share:.2%} of those with "
               f"relatives), {scores.wrong} wrong")
