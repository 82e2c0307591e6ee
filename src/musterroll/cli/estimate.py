"""`estimate`: multiple systems estimation of the undocumented, from a table or the register."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from musterroll.cli.app import app, err, fail, open_register_or_fail

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.status import Status

    from musterroll.estimate.report import RegisterRun
    from musterroll.estimate.settings import EstimateSettings


@app.command("estimate")
def estimate_cmd(
    ctx: typer.Context,
    table: str = typer.Option(
        None, "--table",
        help="CSV: one 0/1 column per list and `count`. Without it: the register (--db).",
    ),
    method: str = typer.Option(
        "loglinear", "--method", help="chapman, loglinear, lcmcr, dga or all."
    ),
    stratum: str = typer.Option(None, "--stratum", help="Column of the table holding the stratum."),
    status: str = typer.Option(
        "killed", "--status",
        help="Register: derived status(es) in scope, comma-separated: killed (the death "
        "toll), missing, released, found_alive; or casualty alone (killed, missing, captive "
        "or released, not found alive; estimated in two groups, the killed on the lists of "
        "the dead and the others on every list; use --method lcmcr).",
    ),
    by: str = typer.Option(
        None, "--by", help="Register: strata by status, oblast, period (year) or sex."
    ),
    lists: str = typer.Option(
        "source", "--lists",
        help="Register: a list is a source (family reports and exchanges one list per kind) "
        "or a source kind (`kind`).",
    ),
    as_of: str = typer.Option(None, "--as-of", help="Register: as known on this ISO day."),
    linkage_spread: bool = typer.Option(
        False, "--linkage-spread",
        help="Register: re-estimate with the persons of shifted linkage thresholds.",
    ),
    shifts: str = typer.Option(
        "-4,-2,0,2,4", "--shifts", help="Linkage spread: threshold shifts (match weights)."
    ),
    save: bool = typer.Option(
        False, "--save", help="Register: store the estimate for the dashboard and claims."
    ),
    level: float = typer.Option(0.95, "--level", help="Interval level."),
    seed: int = typer.Option(None, "--seed", help="Seed of all random draws (in the output)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON to stdout."),
    pair: str = typer.Option(None, "--pair", help="chapman: the two lists, e.g. 'A,B'."),
    criterion: str = typer.Option(None, "--criterion", help="loglinear: bic (default) or aic."),
    interval: str = typer.Option(None, "--interval", help="loglinear: bootstrap or profile."),
    bootstrap: int = typer.Option(
        None, "--bootstrap",
        help="loglinear: replicates of the first round (1000; 200 for 5+ lists); more follow "
        "until each bound's Monte Carlo error is under 1%."
    ),
    max_order: int = typer.Option(None, "--max-order", help="loglinear: highest order."),
    k: int = typer.Option(None, "--classes", help="lcmcr: latent classes K (default 10)."),
    chains: int = typer.Option(None, "--chains", help="lcmcr: chains (default 4)."),
    burnin: int = typer.Option(None, "--burnin", help="lcmcr: burn-in sweeps (default 10000)."),
    samples: int = typer.Option(None, "--samples", help="lcmcr: draws per chain (default 1000)."),
    thinning: int = typer.Option(None, "--thinning", help="lcmcr: sweeps per draw (default 100)."),
    delta: float = typer.Option(None, "--delta", help="dga: prior persons per cell (2^-J)."),
    max_seconds: float = typer.Option(
        None, "--max-seconds",
        help="lcmcr: seconds the chains may run on until they converge (default 300); "
        "loglinear: seconds the bootstrap may run on until its bounds are precise (240).",
    ),
) -> None:
    """Estimate how many persons no list has seen, from a capture table or the register."""
    from musterroll.estimate import TableError
    from musterroll.estimate.report import render, render_spread, run_table_file, to_json
    from musterroll.estimate.settings import EstimateSettings

    if delta is not None and not (math.isfinite(delta) and delta > 0):
        raise fail(f"--delta is the prior persons per cell: a number above 0, not {delta}")
    if not 0 < level < 1:
        raise fail(f"--level is the interval's level: a number between 0 and 1, not {level}")
    settings = EstimateSettings(
        method=method, level=level, seed=seed,
        status=tuple(s.strip() for s in status.split(",") if s.strip()), by=by, as_of=as_of,
        lists=lists, stratum=stratum,
        pair=tuple(pair.split(",")) if pair else None, criterion=criterion,
        interval=interval, bootstrap=bootstrap, max_order=max_order, k=k, chains=chains,
        burnin=burnin, samples=samples, thinning=thinning, delta=delta,
        max_seconds=max_seconds,
    )  # fmt: skip
    if table is not None:
        register_only = {"--by": by, "--as-of": as_of, "--linkage-spread": linkage_spread,
                         "--save": save}
        given = [name for name, value in register_only.items() if value]
        if given:
            raise fail(f"{', '.join(given)} apply to estimates from the register, not to "
                       "--table (drop --table to estimate from the register at --db)")
        try:
            with err.status(Text(f"estimating ({method})")) as spinner:
                results, notes = run_table_file(table, settings,
                                                progress=_progress(spinner, method))
        except (TableError, ValueError) as exc:
            raise fail(str(exc)) from exc
        if as_json:
            typer.echo(to_json(results, notes))
        else:
            Console(markup=False).print(render(results, notes))
        return
    if stratum is not None:
        raise fail("--stratum names a column of --table; from the register use --by")
    if save and method == "all":
        raise fail("--save stores one method's estimate: choose --method")
    if linkage_spread:
        settings = replace(settings, shifts=tuple(_shifts(shifts)))
    run = _run_register(ctx, settings, save=save)
    if as_json:
        typer.echo(json.dumps(run.to_dict(), indent=2, ensure_ascii=False))
        return
    console = Console(markup=False)
    h = run.histories
    console.print(f"{h.metric} from the register (link run {h.link_run_id}"
                  f"{', as of ' + h.as_of if h.as_of else ''}), lists: {', '.join(h.lists)}",
                  highlight=False)
    console.print(render(run.results, run.notes))
    if run.spread is not None:
        console.print(render_spread(run.spread, run.persons))


def _progress(status: Status, method: str) -> Callable[[str], None]:
    """A callback that shows a long method's progress on the status line (stderr)."""
    return lambda message: status.update(Text(f"estimating ({method}): {message}"))


def _shifts(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise fail(f"--shifts takes comma-separated numbers, not {text!r}") from exc


def _run_register(ctx: typer.Context, settings: EstimateSettings, *, save: bool
                  ) -> RegisterRun:
    """Estimate from the register at --db (and store the result with --save)."""
    from musterroll.counts.capture import CASUALTY, RegisterInputError
    from musterroll.estimate import TableError
    from musterroll.estimate.report import run_register
    from musterroll.estimate.store import save_estimate
    from musterroll.linkage.sensitivity import SensitivityError

    method = settings.method
    engine = open_register_or_fail(ctx)
    try:
        with err.status(Text(f"estimating ({method}) from the register")) as progress:
            run = run_register(engine, settings, progress=_progress(progress, method))
        if save:
            h = run.histories
            saved = save_estimate(engine, run.results[0], metric=h.metric, by=h.by,
                                  as_of=h.as_of, link_run_id=h.link_run_id,
                                  outside=h.outside, spread=run.spread,
                                  persons=run.persons)
            err.print(f"stored as estimate {saved} of {h.metric}", highlight=False)
    except (TableError, RegisterInputError, SensitivityError, ValueError) as exc:
        hint = ""
        if (settings.status == (CASUALTY,) and method in ("loglinear", "all")
                and "too long" in str(exc)):
            hint = (f"; {CASUALTY} counts every list that records a loss, too many for the "
                    "full log-linear search: --method lcmcr (its latent classes model the "
                    "lists' heterogeneity; see make validate)")
        raise fail(str(exc) + hint) from exc
    finally:
        engine.dispose()
    return run
