"""`dna`: DNA kinship likelihood ratios and disaster-victim identification."""

from __future__ import annotations

from pathlib import Path

import typer

from musterroll.cli.app import app, fail

dna_app = typer.Typer(help="DNA kinship: likelihood ratios and identification of remains.",
                      no_args_is_help=True)
app.add_typer(dna_app, name="dna")


@dna_app.command("reproduce")
def dna_reproduce(
    in_dir: Path = typer.Argument(..., help="Folder laid out like shared/data/dna, inputs only."),
    out_dir: Path = typer.Argument(..., help="Folder to write the answers into."),
    variants: str = typer.Option(
        "nomut,stepwise,stepwise_sex", "--variants",
        help="Mutation variants, comma-separated: nomut, stepwise, stepwise_sex.",
    ),
) -> None:
    """Compute the reference answers (pairs/, mp/, dvi/) from the inputs found in IN_DIR."""
    from musterroll.kinship.alleles import FrequencyError
    from musterroll.kinship.mutation import MutationError
    from musterroll.kinship.pedigree import PedigreeError
    from musterroll.kinship.reproduce import VARIANTS, reproduce

    chosen = [v.strip() for v in variants.split(",") if v.strip()]
    unknown = [v for v in chosen if v not in VARIANTS]
    if unknown:
        raise fail(f"unknown variants {unknown}; use {', '.join(VARIANTS)}")
    try:
        written = reproduce(in_dir, out_dir, variants=chosen)
    except (FileNotFoundError, FrequencyError, MutationError, PedigreeError) as exc:
        raise fail(str(exc)) from exc
    for path in written:
        typer.echo(str(path))
