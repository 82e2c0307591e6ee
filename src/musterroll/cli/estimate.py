"""`estimate`: multiple systems estimation of the undocumented."""

from __future__ import annotations

import typer
from rich.console import Console

from musterroll.cli.app import app, err, fail


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
