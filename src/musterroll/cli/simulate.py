"""`simulate`: write a synthetic war."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from musterroll.cli.app import app, err


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
    console = Console(markup=False)
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
