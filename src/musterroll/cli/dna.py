"""`dna`: DNA kinship likelihood ratios and disaster-victim identification."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from musterroll.cli.app import app, echo_json, fail, on_register

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from musterroll.statuses.dna import DnaImportReport

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


@dna_app.command("import")
def dna_import(
    ctx: typer.Context,
    manifest: Path | None = typer.Option(
        None, "--manifest", help="A simulation manifest: import the files of its dna entry."),
    remains: Path | None = typer.Option(
        None, "--remains", help="CSV: sample,sex,marker,genotype[,dropout]."),
    families: Path | None = typer.Option(
        None, "--families", help="JSON: pedigrees with references, `missing`, and the "
        "missing person as `person` (an id) or `case` ({list, row})."),
    freqs: Path | None = typer.Option(None, "--freqs", help="Frequencies: .json or Familias."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Store remains' profiles, families' references and frequencies in the register."""
    from musterroll.statuses.dna import import_dna, import_dna_manifest

    if manifest is None and remains is None and families is None and freqs is None:
        raise fail("give --manifest, or one or more of --remains, --families, --freqs")

    def work(engine: Engine) -> DnaImportReport:
        if manifest is not None:
            return import_dna_manifest(engine, manifest)
        return import_dna(engine, remains=remains, families=families, freqs=freqs)

    report = on_register(ctx, work, errors=(ValueError, OSError))
    if as_json:
        echo_json(report.as_dict())
        return
    typer.echo(f"dna: {report.samples} samples, {report.families} families, "
               f"{report.markers} markers of frequencies stored")
    if report.unresolved:
        typer.echo(f"dna: {len(report.unresolved)} families' cases have no record in the "
                   f"register (first: {', '.join(report.unresolved[:5])})")


@dna_app.command("match")
def dna_match(
    ctx: typer.Context,
    remains: Path | None = typer.Option(
        None, "--remains", help="Files mode: CSV sample,sex,marker,genotype."),
    families: Path | None = typer.Option(
        None, "--families",
        help="Files mode: JSON pedigrees with references' genotypes and `missing`."),
    freqs: Path | None = typer.Option(
        None, "--freqs", help="Files mode: frequencies, .json or Familias text."),
    out: Path | None = typer.Option(
        None, "--out", help="Files mode: folder for lr_matrix.csv, proposals.csv."),
    threshold: float = typer.Option(1e4, "--threshold", help="Propose pairs with LR >= this."),
    mutation: str = typer.Option(
        "stepwise", "--mutation", help="nomut, stepwise (rate 0.002) or stepwise_sex."
    ),
    as_json: bool = typer.Option(False, "--json", help="Register mode: report as JSON."),
) -> None:
    """LR of every remains against every family missing one person, and proposals.

    With --remains, --families, --freqs and --out: files in, files out. Without them: on
    the register (`musterroll dna import` first), proposals stored for `dna confirm`.
    """
    files = (remains, families, freqs, out)
    if any(f is not None for f in files):
        if any(f is None for f in files):
            raise fail("files mode needs --remains, --families, --freqs and --out together")
        _match_files(remains, families, freqs, out, threshold, mutation)  # type: ignore[arg-type]
        return
    from musterroll.statuses.dna import match_register

    report = on_register(ctx, lambda engine: match_register(
        engine, threshold=threshold, mutation=mutation))
    if as_json:
        echo_json(report.as_dict())
        return
    typer.echo(f"dna: {report.samples} samples against {report.families} families "
               f"({report.families_without_person} more without a linked person): "
               f"{report.proposals} proposals at LR >= {threshold:g}, "
               f"{report.new_proposals} new; {report.unidentified_persons} of their persons "
               "not identified yet (`musterroll dna proposals`, `dna confirm ID`)")


def _match_files(remains: Path, families: Path, freqs: Path, out: Path, threshold: float,
                 mutation: str) -> None:
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


@dna_app.command("proposals")
def dna_proposals(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", help="proposed, confirmed or rejected (default: all)."),
    unidentified: bool = typer.Option(
        False, "--unidentified", help="Only proposals whose person is not identified yet."),
    limit: int | None = typer.Option(None, "--limit", help="At most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print the proposals as JSON."),
) -> None:
    """List the stored proposals, highest LR first (the read is audit-logged)."""
    from musterroll.statuses.dna import list_proposals

    rows = on_register(ctx, lambda engine: list_proposals(
        engine, status=status, unidentified=unidentified, limit=limit))
    if as_json:
        echo_json(rows)
        return
    typer.echo("id\tsample\tfamily\tperson\tlog10LR\tposterior\tcompetitors\tstatus")
    for r in rows:
        typer.echo(f"{r['id']}\t{r['sample']}\t{r['family']}\t{r['person_id']}\t"
                   f"{r['log10_lr']:.2f}\t{r['posterior']:.6f}\t{r['competitors']}\t"
                   f"{r['status']}")


@dna_app.command("confirm")
def dna_confirm(
    ctx: typer.Context,
    proposal: int = typer.Argument(..., help="The proposal's id (`musterroll dna proposals`)."),
    note: str = typer.Option("", "--note", help="The reviewer's note."),
    actor: str = typer.Option("forensic", "--actor", help="Who confirms, for the audit log."),
) -> None:
    """Confirm a proposal: an `identified` event with its LR; the status follows the rules."""
    from musterroll.statuses.dna import confirm_proposal

    event_id = on_register(ctx, lambda engine: confirm_proposal(
        engine, proposal, actor=actor, note=note), errors=(ValueError, LookupError))
    typer.echo(f"dna: proposal {proposal} confirmed as event {event_id}")


@dna_app.command("reject")
def dna_reject(
    ctx: typer.Context,
    proposal: int = typer.Argument(..., help="The proposal's id."),
    note: str = typer.Option(..., "--note", help="Why it is rejected."),
    actor: str = typer.Option("forensic", "--actor", help="Who rejects, for the audit log."),
) -> None:
    """Reject a proposal, with the reason; the person's evidence is unchanged."""
    from musterroll.statuses.dna import reject_proposal

    on_register(ctx, lambda engine: reject_proposal(engine, proposal, actor=actor, note=note),
                errors=(ValueError, LookupError))
    typer.echo(f"dna: proposal {proposal} rejected")
