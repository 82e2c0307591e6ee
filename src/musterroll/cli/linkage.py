"""`link`, `export persons`, `review`, `explain`: records into persons."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from musterroll.cli.app import app, echo_json, err, fail, on_register, open_register_or_fail


# --- linkage: records -> persons, review, explanations, export (musterroll.linkage) -------
@app.command("link")
def link_command(
    ctx: typer.Context,
    backend: str = typer.Option(
        "duckdb", "--engine", "--backend", help="The SQL engine linkage runs on: duckdb "
        "(default) or spark."),
    settings_file: Path | None = typer.Option(
        None, "--settings", help="Settings JSON (e.g. saved from a run); trained if no m/u."),
    threads: int = typer.Option(2, "--threads", help="DuckDB threads / Spark cores."),
    memory: str = typer.Option("2GB", "--memory", help="DuckDB memory limit."),
    as_json: bool = typer.Option(False, "--json", help="Print the run's counts as JSON."),
    truth: Path | None = typer.Option(
        None, "--truth", help="A simulation folder (or truth/ folder): also report the share "
        "of true pairs the blocking rules reach (blocking recall)."),
) -> None:
    """Link every record of the register into persons (ids stable across runs)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from musterroll.linkage.backends import BackendOptions
    from musterroll.linkage.run import link_register
    from musterroll.linkage.settings import LinkSettings

    if backend not in ("duckdb", "spark"):
        raise fail(f"--engine must be duckdb or spark, not {backend!r}")
    engine = open_register_or_fail(ctx)
    # On a cluster: MUSTERROLL_SPARK_MASTER (e.g. spark://host:7077, yarn; "submit" leaves
    # it to spark-submit) and a shared MUSTERROLL_SPARK_CHECKPOINT_DIR.
    master = os.environ.get("MUSTERROLL_SPARK_MASTER", f"local[{threads}]")
    options = BackendOptions(
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
                engine, backend=backend, settings=model, options=options,
                progress=lambda step, done: bar.update(task, description=step,
                                                       completed=done),
            )
        summary = result.summary()
        if truth is not None:
            summary["blocking"] = _blocking_recall(engine, truth, result.settings)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    err.print(f"{summary['records']:,} records -> {summary['persons']:,} persons; "
              f"{summary['pairs_scored']:,} pairs scored; {summary['review_queue']:,} "
              f"items to review; run {summary['run_id']} in {summary['seconds']:.1f} s",
              highlight=False)
    fit = summary.get("fit") or {}
    if fit.get("dropped_comparisons"):
        err.print("no values to compare for: " + ", ".join(fit["dropped_comparisons"]),
                  highlight=False, markup=False)
    for skipped in fit.get("skipped_training", []):
        err.print(f"training step skipped ({skipped['reason']}): {skipped['rule']}",
                  highlight=False, markup=False)
    if "blocking" in summary:
        err.print(f"blocking recall {summary['blocking']['recall']:.4f} of "
                  f"{summary['blocking']['true_pairs']:,} true pairs", highlight=False)


def _blocking_recall(engine: Any, truth: Path, settings: Any) -> dict[str, Any]:
    """The share of true pairs the run's blocking rules generate, against a truth."""
    from musterroll.linkage import LinkageFileError, read_truth
    from musterroll.linkage.blocking import blocking_recall
    from musterroll.linkage.features import build_features
    from musterroll.linkage.register_io import read_link_records

    try:
        known = read_truth(truth)
    except LinkageFileError as exc:
        raise fail(str(exc)) from exc
    features = build_features(read_link_records(engine), dedup_kinds=settings.dedup_kinds)
    report = blocking_recall(features, known, settings.blocking_rules, count_pairs=False)
    return {"true_pairs": report.true_pairs, "found": report.found,
            "recall": round(report.recall, 4),
            "per_rule": [{"rule": r["rule"], "true_pairs_found": r["true_pairs_found"]}
                         for r in report.per_rule]}


export_app = typer.Typer(help="Export the register's results.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("persons")
def export_persons_command(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="CSV: person_id, record_id, source, row."),
) -> None:
    """Write the current persons: one row per record with its person id."""
    from musterroll.linkage.register_io import write_persons_csv

    if out.is_dir():
        raise fail(f"--out {out} is a folder; give a file name, e.g. {out / 'persons.csv'}")
    if not out.parent.is_dir():
        raise fail(f"--out {out}: the folder {out.parent} does not exist")
    written = on_register(ctx, lambda engine: write_persons_csv(engine, out),
                          errors=(ValueError, OSError))
    err.print(f"{written:,} records written to {out}", highlight=False)


def _show_item(item: dict[str, Any], number: int, total: int) -> None:
    """Print an item's records side by side, numbered, and the scored pairs between them."""
    from musterroll.linkage.queue import describe_reason

    what = ("pair" if item["kind"] == "pair"
            else f"person of {len(item['records'])} records")
    table = Table(title=f"item {number} of {total} (id {item['id']}): {what}, weakest weight "
                        f"{item['match_weight']:.1f} ({describe_reason(item['reason'])})")
    table.add_column("field")
    for n, record in enumerate(item["records"], 1):
        table.add_column(f"{n}: record {record['id']}")
    for key in item["records"][0]:
        table.add_row(key, *(str(record[key] or "") for record in item["records"]))
    console = Console(stderr=True, markup=False)
    console.print(table)
    if item["kind"] == "cluster":
        numbers = {record["id"]: n for n, record in enumerate(item["records"], 1)}
        console.print("pairs: " + ", ".join(
            f"{numbers[p['record_id_l']]}~{numbers[p['record_id_r']]} {p['match_weight']:.1f}"
            for p in item["pairs"]), highlight=False)


def _ask(item: dict[str, Any]) -> tuple[str, list[list[int]] | None] | None:
    """Ask for a decision on an item: (decision, groups), None to skip; "quit" to stop."""
    from musterroll.linkage.review import ReviewError, parse_groups

    if item["kind"] == "pair":
        answer = typer.prompt("[s]ame, [d]ifferent, [u]nsure, [k] skip, [q]uit",
                              default="k", err=True).strip().lower()[:1]
        words = {"s": "same", "d": "different", "u": "unsure", "q": "quit"}
        return (words[answer], None) if answer in words else None
    ids = [record["id"] for record in item["records"]]
    while True:
        answer = typer.prompt("[s]ame person, [d] split into groups (e.g. d 1,2|3), "
                              "[u]nsure, [k] skip, [q]uit", default="k", err=True).strip()
        word, _, rest = answer.partition(" ")
        word = word.lower()
        if word in ("d", "split"):
            text = rest or typer.prompt("groups of record numbers, e.g. 1,2|3", err=True)
        elif "|" in answer:
            text = answer
        elif word[:1] in ("s", "u", "q", "k") and not rest:
            return None if word[:1] == "k" else (
                {"s": "same", "u": "unsure", "q": "quit"}[word[:1]], None)
        else:
            err.print(f"not an answer: {answer!r}", highlight=False)
            continue
        try:
            return "split", parse_groups(text, ids)
        except ReviewError as exc:
            err.print(str(exc), highlight=False)


@app.command("review")
def review_command(
    ctx: typer.Context,
    reviewer: str = typer.Option(os.environ.get("USER", "reviewer"), "--reviewer",
                                 help="Your name, kept with each decision."),
    limit: int = typer.Option(20, "--limit", help="At most this many items this session."),
    list_only: bool = typer.Option(False, "--list", help="Only show the queue."),
    as_json: bool = typer.Option(False, "--json", help="With --list: print JSON."),
) -> None:
    """Work through the review queue: pairs (same / different / unsure) and whole persons
    (same / split into groups / unsure), each with a note. A decision takes effect at
    once: the item's records are placed as decided and their persons derived again, as
    on the web's review page."""
    from musterroll.casework.relink import relink_item
    from musterroll.linkage.queue import describe_reason
    from musterroll.linkage.review import ReviewError, decide_item, open_items

    engine = open_register_or_fail(ctx)
    try:
        items = open_items(engine, limit=limit)
        if list_only:
            if as_json:
                echo_json(items)
            else:
                for item in items:
                    ids = ", ".join(str(r["id"]) for r in item["records"])
                    err.print(f"item {item['id']} ({item['kind']}) records {ids}: weight "
                              f"{item['match_weight']:.1f}, {describe_reason(item['reason'])}",
                              highlight=False)
            return
        for number, item in enumerate(items, 1):
            _show_item(item, number, len(items))
            answer = _ask(item)
            if answer is None:
                continue
            decision, groups = answer
            if decision == "quit":
                break
            note = typer.prompt("note (optional)", default="", err=True) or None
            decide_item(engine, item["id"], decision, groups=groups, reviewer=reviewer,
                        note=note)
            changed = relink_item(engine, item["id"], decision, groups=groups, actor=reviewer)
            if changed:
                err.print(f"persons changed: {', '.join(map(str, changed))}", highlight=False)
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

    found = on_register(ctx, lambda engine: explain_person(engine, person_id),
                        errors=(ExplainError,))
    if as_json:
        echo_json(found)
        return
    console = Console(markup=False)
    records = Table(title=f"person {person_id}: {len(found['records'])} records")
    shown = ("record_id", "source", "row", "surname", "given_name", "patronymic",
             "birth_date", "event_date")
    for name in shown:
        records.add_column(name)
    for rec in found["records"]:
        records.add_row(*(str(rec.get(name) or "") for name in shown))
    console.print(records)
    for pair in found["pairs"]:
        typer.echo(f"{pair['record_id_l']} ~ {pair['record_id_r']}: weight "
                   f"{pair['match_weight']} = prior {found['prior_weight']} + these lines:")
        for line in pair["comparisons"]:
            said = f"  {line['comparison']:<15} {line['level']:<26} {line['match_weight']:>7}"
            if "frequency" in line and line["frequency"] is not None:
                # The name's share of the register's records (the run's count).
                said += f"  ({line['value']}: {line['frequency']:.3%} of records)"
            typer.echo(said)
# --- end of linkage -------------------------------------------------------------------------
