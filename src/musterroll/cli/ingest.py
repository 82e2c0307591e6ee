"""`init`, `ingest`, `records`, `quarantine`: the register store and ingest."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from musterroll.cli.app import (
    app,
    echo_json,
    err,
    fail,
    on_register,
    open_register_or_fail,
    settings,
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



@app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    path: Path | None = typer.Argument(None, help="A list: CSV/TSV, XLSX, JSON, JSONL, Parquet."),
    source: str | None = typer.Option(None, "--source", help="The source's name."),
    kind: str | None = typer.Option(None, "--kind", help="official, family_report, adversary, "
                                    "exchange, repatriation, burial or open_source."),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML: header -> field."),
    maps: list[str] | None = typer.Option(None, "--map", help="COLUMN=field: map a header "
                                          "the vocabulary does not know (repeatable; "
                                          "COLUMN=ignore keeps it as an extra)."),
    manifest: Path | None = typer.Option(None, "--manifest", help="A simulator manifest.json: "
                                         "ingest every list in it."),
    file_format: str | None = typer.Option(None, "--format", help="csv, xlsx, json, jsonl, "
                                           "parquet (default: detected)."),
    encoding: str | None = typer.Option(None, "--encoding", help="Default: detected."),
    delimiter: str | None = typer.Option(None, "--delimiter", help="Default: detected."),
    default_status: str | None = typer.Option(None, "--default-status", help="Status of "
                                              "rows with none (released on an exchange list)."),
    allow_duplicate_file: bool = typer.Option(
        False, "--allow-duplicate-file", help="Ingest a file whose exact bytes are already "
        "ingested under another source (refused by default: its records would be duplicates)."),
    allow_empty: bool = typer.Option(
        False, "--allow-empty", help="Take a file with no rows as a new version of a list "
        "that has records (refused by default: it would remove them all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Ingest a list: every row accepted or quarantined, in one transaction."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from musterroll.sources import (
        IngestError,
        IngestOptions,
        ManifestError,
        ingest_file,
        ingest_manifest,
    )
    from musterroll.sources import Progress as ProgressCallback
    from musterroll.sources.readers import ReadError, check_delimiter
    from musterroll.sources.report import describe_ingest, total_ingests

    if (manifest is None) == (path is None) or (path is not None and not source):
        raise fail("give either PATH with --source NAME, or --manifest FILE")
    if manifest is not None and (maps or mapping):
        raise fail("--map and --mapping apply to one file; in a manifest give each list's "
                   "\"mapping\" or \"map\"")
    try:
        check_delimiter(delimiter)
    except ReadError as exc:
        raise fail(str(exc)) from exc
    columns = _column_mapping(mapping, maps or [])
    engine = open_register_or_fail(ctx)
    bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), DownloadColumn(),
                   TextColumn("{task.fields[rows]:,} rows"), console=err, transient=True)

    def progress_for(name: str, _file: Path) -> ProgressCallback:
        task = bar.add_task(name, total=None, rows=0)
        return lambda done, total, rows: bar.update(task, completed=done, total=total, rows=rows)

    try:
        with bar:
            if manifest is not None:
                summaries = ingest_manifest(engine, manifest, progress_for=progress_for)
            else:
                assert path is not None and source is not None
                options = IngestOptions(
                    kind=kind, mapping=columns, format=file_format, encoding=encoding,
                    delimiter=delimiter, default_status=default_status,
                    allow_duplicate_file=allow_duplicate_file, allow_empty=allow_empty,
                )
                summaries = [ingest_file(
                    engine, path, source=source, options=options,
                    progress=progress_for(source, path),
                    on_wait=lambda message: bar.console.print(message),
                )]
    except (IngestError, ManifestError) as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    for summary in summaries:
        for line in describe_ingest(summary):
            err.print(line, highlight=False, markup=False)
    if as_json:
        result = summaries[0].as_dict() if manifest is None else total_ingests(summaries)
        echo_json(result)


def _column_mapping(mapping: Path | None, maps: list[str]) -> dict[str, str | None]:
    """Return the mapping file's header -> field with each --map item over it."""
    from musterroll.sources import MappingError, load_mapping
    from musterroll.sources.mapping import merge_mappings, parse_map_options

    try:
        return merge_mappings(load_mapping(mapping), parse_map_options(maps))
    except MappingError as exc:
        raise fail(str(exc)) from exc


@app.command("records")
def records_command(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", help="Only this source's records."),
    limit: int = typer.Option(50, "--limit", help="At most this many (not with --csv)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    as_csv: bool = typer.Option(False, "--csv", help="Print all as CSV, formula-safe."),
) -> None:
    """Show the records of the current version of each list (or of one source)."""
    import sys

    from musterroll.sources import write_records_csv
    from musterroll.store import list_records

    engine = open_register_or_fail(ctx)
    try:
        if as_csv:
            write_records_csv(engine, sys.stdout, source=source)
            return
        rows = list_records(engine, source=source, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        echo_json(rows)
        return
    table = Table(title=f"records{f' of {source}' if source else ''} (at most {limit})")
    columns = ("source", "row", "surname", "given_name", "patronymic", "birth_date",
               "status", "event_date", "warnings")
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*(str(row[name] or "") for name in columns))
    Console(markup=False).print(table)


@app.command("quarantine")
def quarantine_command(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", help="Only this source's rows."),
    limit: int = typer.Option(50, "--limit", help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Show quarantined rows: which list and row, why, and the row as it came."""
    from musterroll.store import list_quarantine

    rows = on_register(ctx, lambda engine: list_quarantine(engine, source=source, limit=limit),
                       errors=())
    if as_json:
        echo_json(rows)
        return
    table = Table(title=f"quarantined rows (at most {limit})")
    for name in ("source", "file_version", "row", "column", "reason", "verbatim"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(row["source"], str(row["file_version"]), str(row["row"]),
                      row["column"] or "", row["reason"], row["verbatim"])
    Console(markup=False).print(table)


# --- end of register store and ingest ------------------------------------------------------
