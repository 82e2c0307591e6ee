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


@dna_app.command("match")
def dna_match(
    remains: Path = typer.Option(..., "--remains", help="CSV: sample,sex,marker,genotype."),
    families: Path = typer.Option(
        ..., "--families", help="JSON: pedigrees with references' genotypes and `missing`."
    ),
    freqs: Path = typer.Option(..., "--freqs", help="Frequencies: .json or Familias text."),
    out: Path = typer.Option(..., "--out", help="Folder for lr_matrix.csv, proposals.csv."),
    threshold: float = typer.Option(1e4, "--threshold", help="Propose pairs with LR >= this."),
    mutation: str = typer.Option(
        "stepwise", "--mutation", help="nomut, stepwise (rate 0.002) or stepwise_sex."
    ),
) -> None:
    """LR of every remains against every family missing one person, and proposals."""
    from musterroll.kinship.alleles import FrequencyError
    from musterroll.kinship.matching import match_files
    from musterroll.kinship.mutation import MutationError
    from musterroll.kinship.pedigree import PedigreeError

    try:
        written, n = match_files(remains, families, freqs, out, threshold=threshold,
                                 variant=mutation)
    except (ValueError, FrequencyError, MutationError, PedigreeError) as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"{n} proposals at LR >= {threshold:g}")
    for path in written:
        typer.echo(str(path))
