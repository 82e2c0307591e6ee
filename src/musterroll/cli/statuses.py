"""`status`, `statuses`, `exchange`, `repatriation`, `claims`: statuses from evidence."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

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
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from musterroll.statuses import DeriveSummary


class _Report(Protocol):
    def as_dict(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=_Report)
# (bytes done, bytes in all, rows): what the importers report as they read.
ImportProgress = Callable[[int, int, int], None]


# --- register: evidence -> statuses, counts, exchanges, repatriations, claims -----------
@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr while statuses are derived; yields its callback."""
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("deriving statuses", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _derive_with_progress(engine: Engine, *, only_if_stale: bool = False) -> None:
    """Derive every status (or, with `only_if_stale`, only if the register changed)."""
    from musterroll.statuses import derive_statuses, ensure_derived

    with _progress_bar() as progress:
        summary = (ensure_derived(engine, progress=progress) if only_if_stale
                   else derive_statuses(engine, progress=progress))
    if summary is not None:
        _print_summary(summary)


def _print_summary(summary: DeriveSummary) -> None:
    err.print(f"derived {summary.persons:,} persons from {summary.events:,} events "
              f"({summary.events_written:,} new); {summary.conflicts:,} conflicts; "
              f"{summary.seconds:.1f} s", highlight=False)


statuses_app = typer.Typer(help="Statuses from evidence: derive, show a person, conflicts.",
                        no_args_is_help=True)
app.add_typer(statuses_app, name="statuses")
# The group's first name, kept so that scripts written for it still run.
app.add_typer(statuses_app, name="fates", hidden=True)


@statuses_app.command("derive")
def statuses_derive_command(ctx: typer.Context) -> None:
    """Turn new records into evidence events and derive every person's status anew."""
    on_register(ctx, _derive_with_progress, errors=())


@statuses_app.command("show")
def statuses_show_command(
    ctx: typer.Context, person_id: int = typer.Argument(..., help="A person id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a person's status history, each change with its evidence, and conflicts."""
    from musterroll.statuses.cases import person_case

    case = on_register(ctx, lambda engine: person_case(engine, person_id))
    if as_json:
        echo_json(case)
        return
    table = Table(title=f"person {person_id}: {case['status']}/{case['substatus'] or '-'}")
    for name in ("on_date", "known_on", "status", "substatus", "kind", "source", "record_id"):
        table.add_column(name)
    for row in case["history"]:
        table.add_row(*(str(row.get(k) or "") for k in
                        ("on_date", "known_on", "status", "substatus", "kind", "source",
                         "record_id")))
    Console(markup=False).print(table)
    for conflict in case["conflicts"]:
        Console(markup=False).print(f"conflict {conflict['kind']}: {conflict['message']}",
                                    highlight=False)


@statuses_app.command("conflicts")
def statuses_conflicts_command(
    ctx: typer.Context, limit: int = typer.Option(50, "--limit", help="Rows to show."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the conflicts waiting for review, with both pieces of evidence."""
    from musterroll.statuses.cases import list_conflicts

    rows = on_register(ctx, lambda engine: list_conflicts(engine, limit=limit), errors=())
    if as_json:
        echo_json(rows)
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

    from musterroll.counts.documented import BY, count_statuses

    if by is not None and by not in BY:
        raise fail(f"--by must be one of {', '.join(BY)}, not {by!r}")
    if as_of is not None:
        try:
            as_of = date.fromisoformat(as_of).isoformat()
        except ValueError as exc:
            raise fail(f"--as-of must be a day as YYYY-MM-DD, not {as_of!r}") from exc
    engine = open_register_or_fail(ctx)
    try:
        _derive_with_progress(engine, only_if_stale=True)
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
    Console(markup=False).print(table)
    for group, values in counts.get("groups", {}).items():
        typer.echo(f"{group}: " + ", ".join(f"{k} {v}" for k, v in values.items() if v))


def _import_with_bar(ctx: typer.Context, path: Path,
                     run: Callable[[Engine, ImportProgress], R], as_json: bool) -> R | None:
    """Run an import of `path` on the register with a progress bar; with --json print its
    report and return None, else return the report for the caller to summarise."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    def work(engine: Engine) -> R:
        with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                      DownloadColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task(path.name, total=None)
            return run(engine, lambda done, total, _rows: bar.update(task, completed=done,
                                                                     total=total))

    report = on_register(ctx, work)
    if as_json:
        echo_json(report.as_dict())
        return None
    return report


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
    from musterroll.casework.exchange import import_exchange

    report = _import_with_bar(ctx, path, lambda engine, progress: import_exchange(
        engine, path, exchange_date=day, side=side, exchange_id=exchange_id, mapping=mapping,
        progress=progress), as_json)
    if report is None:
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
    from musterroll.casework.repatriation import import_repatriation

    report = _import_with_bar(ctx, path, lambda engine, progress: import_repatriation(
        engine, path, source=source, mapping=mapping, default_status=default_status,
        progress=progress), as_json)
    if report is None:
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
    from musterroll.casework.claims import ClaimError, add_claim, ensure_preset_claims

    claim = {"who": who, "said_on": said_on, "metric": metric, "scope": scope,
             "value": value, "where": where, "qualifier": qualifier,
             "source_url": source_url, "note": note}

    def work(engine: Engine) -> int:
        with engine.begin() as conn:
            ensure_preset_claims(conn)
            return add_claim(conn, claim)

    claim_id = on_register(ctx, work, errors=(ClaimError,))
    err.print(f"claim {claim_id} recorded", highlight=False)


@claims_app.command("import")
def claims_import_command(
    ctx: typer.Context, path: Path = typer.Argument(..., help="CSV or YAML of claims."),
) -> None:
    """Record every claim of a file (all or none)."""
    from musterroll.casework.claims import ClaimError, ensure_preset_claims, import_claims

    def work(engine: Engine) -> int:
        with engine.begin() as conn:
            ensure_preset_claims(conn)
            return import_claims(conn, path)

    added = on_register(ctx, work, errors=(ClaimError,))
    err.print(f"{added} claims recorded from {path}", highlight=False)


@claims_app.command("list")
def claims_list_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the claims, each beside the register's documented count as of its date."""
    from musterroll.casework.claims import list_claims

    engine = open_register_or_fail(ctx)
    try:
        _derive_with_progress(engine, only_if_stale=True)
        claims = list_claims(engine)
    finally:
        engine.dispose()
    if as_json:
        echo_json(claims)
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
    Console(markup=False).print(table)


@statuses_app.command("add-event")
def statuses_add_event_command(
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
    from musterroll.statuses import derived_after
    from musterroll.statuses.workflow import add_event

    def work(engine: Engine) -> int:
        with _progress_bar() as progress, derived_after(engine, progress=progress) as change:
            event_id = add_event(engine, person_id=person_id, kind=kind, event_date=day,
                                 note=note, retracts=retracts, level=level)
            change.persons.add(person_id)
        if change.whole and change.summary is not None:
            _print_summary(change.summary)
        return event_id

    event_id = on_register(ctx, work)
    err.print(f"event {event_id} added to person {person_id}", highlight=False)
