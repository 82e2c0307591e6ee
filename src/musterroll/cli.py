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



@app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    path: Path | None = typer.Argument(None, help="A list: CSV/TSV, XLSX, JSON, JSONL, Parquet."),
    source: str | None = typer.Option(None, "--source", help="The source's name."),
    kind: str | None = typer.Option(None, "--kind", help="official, family_report, adversary, "
                                    "exchange, repatriation, burial or open_source."),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML: header -> field."),
    manifest: Path | None = typer.Option(None, "--manifest", help="A simulator manifest.json: "
                                         "ingest every list in it."),
    file_format: str | None = typer.Option(None, "--format", help="csv, xlsx, json, jsonl, "
                                           "parquet (default: detected)."),
    encoding: str | None = typer.Option(None, "--encoding", help="Default: detected."),
    delimiter: str | None = typer.Option(None, "--delimiter", help="Default: detected."),
    default_status: str | None = typer.Option(None, "--default-status", help="Status of "
                                              "rows with none (released on an exchange list)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON on stdout."),
) -> None:
    """Ingest a list: every row accepted or quarantined, in one transaction."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from musterroll.sources import IngestError, ManifestError, ingest_file, ingest_manifest
    from musterroll.sources import Progress as ProgressCallback
    from musterroll.sources.report import describe_ingest, total_ingests
    from musterroll.store import RegisterError, open_register

    if (manifest is None) == (path is None) or (path is not None and not source):
        raise fail("give either PATH with --source NAME, or --manifest FILE")
    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
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
                summaries = [ingest_file(
                    engine, path, source=source, kind=kind, mapping=mapping, format=file_format,
                    encoding=encoding, delimiter=delimiter, default_status=default_status,
                    progress=progress_for(source, path),
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
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))


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
    from musterroll.store import RegisterError, list_records, open_register

    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    try:
        if as_csv:
            write_records_csv(engine, sys.stdout, source=source)
            return
        rows = list_records(engine, source=source, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"records{f' of {source}' if source else ''} (at most {limit})")
    columns = ("source", "row", "surname", "given_name", "patronymic", "birth_date",
               "status", "event_date", "warnings")
    for name in columns:
        table.add_column(name)
    for row in rows:
        table.add_row(*(str(row[name] or "") for name in columns))
    Console().print(table)


@app.command("quarantine")
def quarantine_command(
    ctx: typer.Context,
    source: str | None = typer.Option(None, "--source", help="Only this source's rows."),
    limit: int = typer.Option(50, "--limit", help="At most this many rows."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Show quarantined rows: which list and row, why, and the row as it came."""
    from musterroll.store import RegisterError, list_quarantine, open_register

    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    try:
        rows = list_quarantine(engine, source=source, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"quarantined rows (at most {limit})")
    for name in ("source", "file_version", "row", "column", "reason", "verbatim"):
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(row["source"], str(row["file_version"]), str(row["row"]),
                      row["column"] or "", row["reason"], row["verbatim"])
    Console().print(table)


# --- end of register store and ingest ------------------------------------------------------


# --- simulate (musterroll.simulate) ----------------------------------------------------------
@app.command("simulate")
def simulate_command(
    seed: int = typer.Option(..., "--seed", min=0, help="Same seed: byte-identical files."),
    people: int = typer.Option(..., "--people", min=1, help="Number of simulated people."),
    out: Path = typer.Option(..., "--out", help="Directory to write lists, truth and manifest."),
    civilians: bool = typer.Option(
        False, "--civilians/--no-civilians", help="Simulate civilians too (a quarter)."
    ),
) -> None:
    """Simulate a war: people, true fates, the lists that record them, truth and manifest."""
    from collections import Counter

    from rich.progress import Progress

    from musterroll.simulate import simulate_war

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("simulating", total=1.0)
        summary = simulate_war(
            out, seed=seed, people=people, civilians=civilians,
            progress=lambda step, done: bar.update(task, completed=done, description=step),
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=110)  # piped or captured: do not squeeze the table
    table = Table(title=f"lists written to {out} (seed {seed}, {people} people)")
    for name in ("list", "kind", "format", "encoding", "language", "rows"):
        table.add_column(name, justify="right" if name == "rows" else "left", no_wrap=True,
                         min_width=7 if name == "rows" else None)
    exchanges = [s for s in summary.lists if s.kind == "exchange"]
    for s in summary.lists:
        if s.kind != "exchange":
            table.add_row(s.name, s.kind, s.format, s.encoding or "-", s.language, str(s.rows))
    for side in ("ua", "ru"):
        lists = [s for s in exchanges if s.name.endswith(side)]
        if lists:
            table.add_row(f"exchange_*_{side} ({len(lists)} files)", "exchange",
                          lists[0].format, lists[0].encoding or "-", lists[0].language,
                          str(sum(s.rows for s in lists)))
    console.print(table)
    formats = Counter(s.format for s in summary.lists)
    encodings = Counter(s.encoding for s in summary.lists if s.encoding)
    console.print(f"{len(summary.lists)} lists, {summary.rows} rows "
                  f"({summary.rows_per_person:.3f} per person); formats: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(formats.items()))
                  + "; encodings: " + ", ".join(f"{k} {v}" for k, v in sorted(encodings.items())))
    console.print("people by true fate: "
                  + ", ".join(f"{k} {v}" for k, v in summary.fates.items()))


@app.command("estimate")
def estimate_cmd(
    table: str = typer.Option(..., "--table", help="CSV: one 0/1 column per list and `count`."),
    method: str = typer.Option(
        "loglinear", "--method", help="chapman, loglinear, lcmcr, dga or all."
    ),
    stratum: str = typer.Option(None, "--stratum", help="Column of the table holding the stratum."),
    level: float = typer.Option(0.95, "--level", help="Interval level."),
    seed: int = typer.Option(None, "--seed", help="Seed of all random draws (in the output)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
    pair: str = typer.Option(None, "--pair", help="chapman: the two lists, e.g. 'A,B'."),
    criterion: str = typer.Option(None, "--criterion", help="loglinear: bic (default) or aic."),
    interval: str = typer.Option(None, "--interval", help="loglinear: bootstrap or profile."),
    bootstrap: int = typer.Option(
        None, "--bootstrap", help="loglinear: replicates (1000; 300 for 5+ lists)."
    ),
    max_order: int = typer.Option(None, "--max-order", help="loglinear: highest order."),
    k: int = typer.Option(None, "--classes", help="lcmcr: latent classes K (default 10)."),
    chains: int = typer.Option(None, "--chains", help="lcmcr: chains (default 4)."),
    burnin: int = typer.Option(None, "--burnin", help="lcmcr: burn-in sweeps (default 10000)."),
    samples: int = typer.Option(None, "--samples", help="lcmcr: draws per chain (default 1000)."),
    thinning: int = typer.Option(None, "--thinning", help="lcmcr: sweeps per draw (default 100)."),
    delta: float = typer.Option(None, "--delta", help="dga: prior persons per cell (2^-J)."),
) -> None:
    """Estimate how many persons no list has seen, from a capture table."""
    from musterroll.estimate import TableError
    from musterroll.estimate.report import render, run_table_file, to_json

    options = {
        "pair": pair.split(",") if pair else None, "criterion": criterion, "interval": interval,
        "bootstrap": bootstrap, "max_order": max_order, "k": k, "chains": chains,
        "burnin": burnin, "samples": samples, "thinning": thinning, "delta": delta,
    }
    try:
        with err.status(f"estimating ({method})"):
            results, notes = run_table_file(
                table, method, stratum=stratum, level=level, seed=seed, options=options
            )
    except (TableError, ValueError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        typer.echo(to_json(results, notes))
    else:
        Console().print(render(results, notes))


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
    import json

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
    import json

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


# --- linkage: records -> persons, review, explanations, export (musterroll.linkage) -------
@app.command("link")
def link_command(
    ctx: typer.Context,
    engine_name: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark."),
    settings_file: Path | None = typer.Option(
        None, "--settings", help="Settings JSON (e.g. saved from a run); trained if no m/u."),
    threads: int = typer.Option(2, "--threads", help="DuckDB threads / Spark cores."),
    memory: str = typer.Option("2GB", "--memory", help="DuckDB memory limit."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's counts as JSON."),
) -> None:
    """Link every record of the register into persons (ids stable across runs)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from musterroll.linkage.engines import EngineOptions
    from musterroll.linkage.run import link_register
    from musterroll.linkage.settings import LinkSettings
    from musterroll.store import RegisterError, open_register

    if engine_name not in ("duckdb", "spark"):
        raise fail(f"--engine must be duckdb or spark, not {engine_name!r}")
    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    # On a cluster: MUSTERROLL_SPARK_MASTER (e.g. spark://host:7077, yarn; "submit" leaves
    # it to spark-submit) and a shared MUSTERROLL_SPARK_CHECKPOINT_DIR.
    master = os.environ.get("MUSTERROLL_SPARK_MASTER", f"local[{threads}]")
    options = EngineOptions(
        threads=threads, memory_limit=memory,
        spark_master=None if master == "submit" else master,
        spark_checkpoint_dir=os.environ.get("MUSTERROLL_SPARK_CHECKPOINT_DIR"),
        spark_driver_memory=os.environ.get("MUSTERROLL_SPARK_DRIVER_MEMORY", "3g"),
    )
    model = LinkSettings.load(settings_file) if settings_file else None
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                   console=err, transient=True)
    try:
        with bar:
            task = bar.add_task("linking", total=1.0)
            result = link_register(
                engine, engine_name=engine_name, settings=model, options=options,
                progress=lambda step, done: bar.update(task, description=step,
                                                       completed=done),
            )
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    summary = result.summary()
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    err.print(f"{summary['records']:,} records -> {summary['persons']:,} persons; "
              f"{summary['pairs_scored']:,} pairs scored; {summary['review_queue']:,} "
              f"pairs to review; run {summary['run_id']} in {summary['seconds']:.1f} s",
              highlight=False)


export_app = typer.Typer(help="Export the register's results.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("persons")
def export_persons_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="CSV: person_id, record_id, source, row."),
) -> None:
    """Write the current persons: one row per record with its person id."""
    from musterroll.linkage.register import write_persons_csv
    from musterroll.store import RegisterError, open_register

    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    try:
        written = write_persons_csv(engine, out)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    err.print(f"{written:,} records written to {out}", highlight=False)


@app.command("review")
def review_command(
    ctx: typer.Context,
    reviewer: str = typer.Option(os.environ.get("USER", "reviewer"), "--reviewer",
                                 help="Your name, kept with each decision."),
    limit: int = typer.Option(20, "--limit", help="At most this many pairs this session."),
    list_only: bool = typer.Option(False, "--list", help="Only show the queue."),
    as_json: bool = typer.Option(False, "--json", help="With --list: print JSON."),
) -> None:
    """Work through the review queue: same / different / unsure, with a note."""
    from musterroll.linkage.review import ReviewError, decide_pair, open_items
    from musterroll.store import RegisterError, open_register

    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    try:
        items = open_items(engine, limit=limit)
        if list_only:
            if as_json:
                typer.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
            else:
                for item in items:
                    err.print(f"{item['record_id_l']} ~ {item['record_id_r']}: weight "
                              f"{item['match_weight']:.1f}, {item['reason']}", highlight=False)
            return
        answers = {"s": "same", "d": "different", "u": "unsure"}
        for number, item in enumerate(items, 1):
            table = Table(title=f"pair {number} of {len(items)}: weight "
                                f"{item['match_weight']:.1f} ({item['reason']})")
            table.add_column("field")
            table.add_column(f"record {item['record_id_l']}")
            table.add_column(f"record {item['record_id_r']}")
            for key in item["left"]:
                table.add_row(key, str(item["left"][key] or ""), str(item["right"][key] or ""))
            Console(stderr=True).print(table)
            answer = typer.prompt("[s]ame, [d]ifferent, [u]nsure, [k] skip, [q]uit",
                                  default="k", err=True).strip().lower()[:1]
            if answer == "q":
                break
            if answer not in answers:
                continue
            note = typer.prompt("note (optional)", default="", err=True) or None
            decide_pair(engine, item["record_id_l"], item["record_id_r"], answers[answer],
                        reviewer=reviewer, note=note)
    except ReviewError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    person_id: int = typer.Argument(..., help="A person id (see `export persons`)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show which records make a person and the match weight of each comparison."""
    from musterroll.linkage.explain import ExplainError, explain_person
    from musterroll.store import RegisterError, open_register

    try:
        engine = open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc
    try:
        found = explain_person(engine, person_id)
    except ExplainError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return
    console = Console()
    records = Table(title=f"person {person_id}: {len(found['records'])} records")
    shown = ("record_id", "source", "row", "surname", "given_name", "patronymic",
             "birth_date", "event_date")
    for name in shown:
        records.add_column(name)
    for rec in found["records"]:
        records.add_row(*(str(rec.get(name) or "") for name in shown))
    console.print(records)
    for pair in found["pairs"]:
        console.print(f"{pair['record_id_l']} ~ {pair['record_id_r']}: weight "
                      f"{pair['match_weight']} (prior {found['prior_weight']}): " + ", ".join(
                          f"{c['comparison']} {c['level']} {c['match_weight']}"
                          for c in pair["comparisons"]))
# --- end of linkage -------------------------------------------------------------------------


# --- register: evidence -> statuses, counts, exchanges, repatriations, claims -----------
def _open_or_fail(ctx: typer.Context):
    from musterroll.store import RegisterError, open_register

    try:
        return open_register(settings(ctx).db_url)
    except RegisterError as exc:
        raise fail(str(exc)) from exc


def _derive_with_progress(engine) -> None:
    from rich.progress import Progress

    from musterroll.register import derive_statuses

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("deriving statuses", total=None)
        summary = derive_statuses(engine, progress=lambda done, total: bar.update(
            task, completed=done, total=total))
    err.print(f"derived {summary.persons:,} persons from {summary.events:,} events "
              f"({summary.events_written:,} new); {summary.conflicts:,} conflicts; "
              f"{summary.seconds:.1f} s", highlight=False)


fates_app = typer.Typer(help="Statuses from evidence: derive, show a person, conflicts.",
                        no_args_is_help=True)
app.add_typer(fates_app, name="fates")


@fates_app.command("derive")
def fates_derive_command(ctx: typer.Context) -> None:
    """Turn new records into evidence events and derive every person's status anew."""
    engine = _open_or_fail(ctx)
    try:
        _derive_with_progress(engine)
    finally:
        engine.dispose()


@fates_app.command("show")
def fates_show_command(
    ctx: typer.Context, person_id: int = typer.Argument(..., help="A person id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a person's status history, each change with its evidence, and conflicts."""
    from musterroll.register.cases import person_case

    engine = _open_or_fail(ctx)
    try:
        case = person_case(engine, person_id)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(case, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"person {person_id}: {case['status']}/{case['substatus'] or '-'}")
    for name in ("on_date", "known_on", "status", "substatus", "kind", "source", "record_id"):
        table.add_column(name)
    for row in case["history"]:
        table.add_row(*(str(row.get(k) or "") for k in
                        ("on_date", "known_on", "status", "substatus", "kind", "source",
                         "record_id")))
    Console().print(table)
    for conflict in case["conflicts"]:
        Console().print(f"conflict {conflict['kind']}: {conflict['message']}", highlight=False)


@fates_app.command("conflicts")
def fates_conflicts_command(
    ctx: typer.Context, limit: int = typer.Option(50, "--limit", help="Rows to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the conflicts waiting for review, with both pieces of evidence."""
    from musterroll.register.cases import list_conflicts

    engine = _open_or_fail(ctx)
    try:
        rows = list_conflicts(engine, limit=limit)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    for row in rows:
        typer.echo(f"person {row['person_id']}: {row['kind']}: {row['message']}")


@app.command("status")
def status_command(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="ISO day: the register as "
                                     "known on that day (evidence received by then)."),
    by: str | None = typer.Option(None, "--by", help="oblast, month, source or status."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Documented counts: killed, missing now and ever, captivity, released, identified."""
    from datetime import date

    from musterroll.register.counts import BY, count_statuses
    from musterroll.register.light import is_stale, open_for_counts

    if by is not None and by not in BY:
        raise fail(f"--by must be one of {', '.join(BY)}, not {by!r}")
    if as_of is not None:
        try:
            as_of = date.fromisoformat(as_of).isoformat()
        except ValueError as exc:
            raise fail(f"--as-of must be a day as YYYY-MM-DD, not {as_of!r}") from exc
    try:  # counting needs SQLAlchemy alone; the store (Alembic, PyArrow) only to derive
        engine = open_for_counts(settings(ctx).db_url)
        stale = is_stale(engine)
    except ValueError:
        engine, stale = _open_or_fail(ctx), True
    try:
        if stale:
            engine.dispose()
            engine = _open_or_fail(ctx)
            _derive_with_progress(engine)
        with engine.connect() as conn:
            counts = count_statuses(conn, as_of=as_of, by=by)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"documented counts as of {counts['as_of']}")
    table.add_column("metric")
    table.add_column("persons", justify="right")
    for key, value in counts.items():
        if isinstance(value, int):
            table.add_row(key, f"{value:,}")
    Console().print(table)
    for group, values in counts.get("groups", {}).items():
        typer.echo(f"{group}: " + ", ".join(f"{k} {v}" for k, v in values.items() if v))


def _ingest_bar():
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    console=err, transient=True)


exchange_app = typer.Typer(help="Prisoner exchanges: import a side's list.",
                           no_args_is_help=True)
app.add_typer(exchange_app, name="exchange")


@exchange_app.command("import")
def exchange_import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="One side's list of the exchange."),
    day: str = typer.Option(..., "--date", help="The exchange day, YYYY-MM-DD."),
    side: str = typer.Option(..., "--side", help="Whose list: ua (our own) or ru."),
    exchange_id: str | None = typer.Option(None, "--exchange-id", help="Shared by both "
                                           "sides' lists (default EX-<date>)."),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML: header -> field."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Match an exchange list to the register (link-only), mark the released, report."""
    from musterroll.register.exchange import import_exchange

    engine = _open_or_fail(ctx)
    try:
        with _ingest_bar() as bar:
            task = bar.add_task(path.name, total=None)
            report = import_exchange(
                engine, path, exchange_date=day, side=side, exchange_id=exchange_id,
                mapping=mapping, progress=lambda done, total, _rows: bar.update(
                    task, completed=done, total=total))
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    err.print(f"{report.exchange_id} ({report.side}, {report.exchange_date}): {report.rows} "
              f"rows, {report.matched} matched, {report.created} new persons, "
              f"{report.released} released, {len(report.conflicts)} conflicts, "
              f"{len(report.ambiguous)} ambiguous", highlight=False)
    for conflict in report.conflicts:
        err.print(f"  conflict person {conflict['person_id']}: {conflict['message']}",
                  highlight=False, markup=False)
    if report.sides:
        err.print(f"  sides: rows {report.sides['counts']}, on both {report.sides['both']}",
                  highlight=False)
        for other, names in report.sides["only"].items():
            err.print(f"  only on {other}'s list: {len(names)}: " + "; ".join(names[:20]),
                      highlight=False, markup=False)


repatriation_app = typer.Typer(help="Repatriated remains: import identification reports.",
                               no_args_is_help=True)
app.add_typer(repatriation_app, name="repatriation")


@repatriation_app.command("import")
def repatriation_import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="Identification reports (one row per bag)."),
    source: str = typer.Option("identification_reports", "--source", help="Source name."),
    default_status: str = typer.Option("identified", "--default-status", help="identified, "
                                       "or remains_recovered for remains not yet identified."),
    mapping: Path | None = typer.Option(None, "--mapping", help="YAML: header -> field."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Match identification reports to persons, bag by bag and batch by batch."""
    from musterroll.register.repatriation import import_repatriation

    engine = _open_or_fail(ctx)
    try:
        with _ingest_bar() as bar:
            task = bar.add_task(path.name, total=None)
            report = import_repatriation(
                engine, path, source=source, mapping=mapping, default_status=default_status,
                progress=lambda done, total, _rows: bar.update(task, completed=done,
                                                               total=total))
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
        return
    err.print(f"{report.rows} reports: {report.matched} matched, {report.created} new persons;"
              f" {report.bags} bags of {report.persons} persons in {len(report.batches)} "
              f"batches; {len(report.bags_with_several_persons)} bags hold several people, "
              f"{len(report.persons_in_several_bags)} people are in several bags; "
              f"{len(report.conflicts)} conflicts", highlight=False)


claims_app = typer.Typer(help="Public claims of figures, beside the register's counts.",
                         no_args_is_help=True)
app.add_typer(claims_app, name="claims")


@claims_app.command("add")
def claims_add_command(
    ctx: typer.Context,
    who: str = typer.Option(..., "--who", help="Who made the statement."),
    said_on: str = typer.Option(..., "--said-on", help="When: YYYY, YYYY-MM or YYYY-MM-DD."),
    metric: str = typer.Option(..., "--metric", help="killed, missing_ever, missing_now, "
                               "captured, released, identified, released_in_exchange, ..."),
    scope: str = typer.Option(..., "--scope", help="What the figure covers."),
    value: float = typer.Option(..., "--value", help="The figure."),
    where: str | None = typer.Option(None, "--where", help="Where it was said."),
    qualifier: str = typer.Option("exact", "--qualifier", help="exact, more_than, "
                                  "less_than or about."),
    source_url: str | None = typer.Option(None, "--source-url", help="Link to the source."),
    note: str | None = typer.Option(None, "--note", help="A note."),
) -> None:
    """Record a public claim of a figure."""
    from musterroll.register.claims import ClaimError, add_claim, ensure_preset_claims

    engine = _open_or_fail(ctx)
    claim = {"who": who, "said_on": said_on, "metric": metric, "scope": scope,
             "value": value, "where": where, "qualifier": qualifier,
             "source_url": source_url, "note": note}
    try:
        with engine.begin() as conn:
            ensure_preset_claims(conn)
            claim_id = add_claim(conn, claim)
    except ClaimError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    err.print(f"claim {claim_id} recorded", highlight=False)


@claims_app.command("import")
def claims_import_command(
    ctx: typer.Context, path: Path = typer.Argument(..., help="CSV or YAML of claims."),
) -> None:
    """Record every claim of a file (all or none)."""
    from musterroll.register.claims import ClaimError, ensure_preset_claims, import_claims

    engine = _open_or_fail(ctx)
    try:
        with engine.begin() as conn:
            ensure_preset_claims(conn)
            added = import_claims(conn, path)
    except ClaimError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    err.print(f"{added} claims recorded from {path}", highlight=False)


@claims_app.command("list")
def claims_list_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the claims, each beside the register's documented count as of its date."""
    from musterroll.register import is_stale
    from musterroll.register.claims import list_claims

    engine = _open_or_fail(ctx)
    try:
        if is_stale(engine):
            _derive_with_progress(engine)
        claims = list_claims(engine)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(claims, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title="claims beside the register's documented counts")
    for name in ("said_on", "who", "metric", "claim", "register as of", "estimate"):
        table.add_column(name)
    for c in claims:
        register = "-" if c["register"] is None else f"{c['register']:,} ({c['as_of']})"
        estimate = "-" if c["estimate"] is None else str(c["estimate"].get("point", "?"))
        table.add_row(c["said_on"], c["who"], c["metric"],
                      f"{'>' if c['qualifier'] == 'more_than' else ''}{c['value']:,.0f}",
                      register, estimate)
    Console().print(table)


@fates_app.command("add-event")
def fates_add_event_command(
    ctx: typer.Context,
    person_id: int = typer.Argument(..., help="The person."),
    kind: str = typer.Option(..., "--kind", help="declared_dead, correction, found_alive, "
                             "reported_missing, reported_killed or search_ended."),
    note: str = typer.Option(..., "--note", help="Why: case number, reviewer's reason."),
    day: str | None = typer.Option(None, "--date", help="Day of the fact, YYYY-MM-DD."),
    retracts: int | None = typer.Option(None, "--retracts", help="Event a correction "
                                        "retracts."),
    level: str = typer.Option("official", "--level", help="unverified, reported, official "
                              "or forensic."),
) -> None:
    """Append an event about a person (nothing is deleted: a correction retracts one)."""
    from musterroll.register import derive_statuses, is_stale
    from musterroll.register.workflow import add_event

    engine = _open_or_fail(ctx)
    try:
        fresh = not is_stale(engine)
        event_id = add_event(engine, person_id=person_id, kind=kind, event_date=day,
                             note=note, retracts=retracts, level=level)
        if fresh:  # only this person's status can have changed
            derive_statuses(engine, persons=[person_id])
        else:
            _derive_with_progress(engine)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    err.print(f"event {event_id} added to person {person_id}", highlight=False)


# --- web: serve the app, manage its users (musterroll.web) --------------------------------
@app.command("serve")
def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Serve the web app (dashboard, family search, caseworker pages) with uvicorn."""
    import uvicorn
    from pydantic import ValidationError
    from sqlalchemy.engine import make_url

    from musterroll.store import RegisterError, open_register
    from musterroll.web import create_app, load_settings

    try:
        web_settings = load_settings(db_url=settings(ctx).db_url)
        open_register(web_settings.db_url).dispose()  # fail here, not in the server
    except (RegisterError, ValidationError) as exc:
        raise fail(str(exc)) from exc
    shown = make_url(web_settings.db_url).render_as_string(hide_password=True)
    err.print(f"serving the register {shown} at http://{host}:{port}/", highlight=False)
    uvicorn.run(create_app(web_settings), host=host, port=port, log_level="info",
                proxy_headers=web_settings.trust_forwarded_for)


users_app = typer.Typer(help="Web app accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help="family, analyst, caseworker or admin."),
) -> None:
    """Create a web user; the password is read from a prompt (or stdin), never an option."""
    import sys

    from musterroll.web import UserError, add_user

    if sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    engine = _open_or_fail(ctx)
    try:
        user_id = add_user(engine, name, role, password)
    except UserError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    err.print(f"user {name!r} ({role}) created with id {user_id}", highlight=False)
