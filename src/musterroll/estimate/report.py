"""Run estimates for the command line and present them: JSON and Rich tables.

`run_table_file` is what `musterroll estimate --table FILE` calls: it reads the table and
runs one method or all of them by an `EstimateSettings` (``api.estimate_with`` routes each
option to the methods that take it), returning the results with the cross-method warnings.
`to_json` and `render` present them; documented counts and estimates sit in separate
columns, never in one figure.
`run_register` is what `musterroll estimate` without `--table` calls: capture tables
from the register (``counts.capture``), optionally the spread over linkage thresholds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from musterroll.counts.capture import CaptureHistories, capture_tables, tables_for_memberships
from musterroll.counts.table import read_tables
from musterroll.estimate.api import estimate_with, route_options
from musterroll.estimate.caveats import ASSUMPTIONS, scope_caveats
from musterroll.estimate.result import Estimate, fresh_seed
from musterroll.estimate.sensitivity import LinkageSpread, estimate_over_linkages
from musterroll.estimate.settings import ALL_METHODS, EstimateSettings
from musterroll.linkage.sensitivity import cluster_over_thresholds

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "ALL_METHODS",
    "RegisterRun",
    "render",
    "render_spread",
    "run_register",
    "run_table_file",
    "to_json",
]

def run_table_file(
    path: str | Path,
    settings: EstimateSettings,
    *,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Estimate], list[str]]:
    """Estimate from a table file by one method, or by all with `method="all"`.

    Args:
        path: CSV capture table (one 0/1 column per list and `count`).
        settings: the method (or "all": log-linear, latent class and graphical models,
            plus Chapman; their disagreement is checked), level, seed, options, and the
            table's stratum column (`stratum`).
        progress: called with a message by the methods that report progress.
    Returns:
        (estimates, warnings about disagreement between methods).
    Raises:
        ValueError: an option that none of the chosen methods takes.
        TableError: an unreadable table.
    """
    tables = read_tables(path, stratum=settings.stratum)
    return estimate_with(tables, settings, progress=progress)


def to_json(estimates: Sequence[Estimate], warnings: Sequence[str]) -> str:
    """JSON text: one estimate's fields, or {"estimates": [...], "warnings": [...]}."""
    if len(estimates) == 1 and not warnings:
        return json.dumps(estimates[0].to_dict(), indent=2, ensure_ascii=False)
    return json.dumps(
        {"estimates": [e.to_dict() for e in estimates], "warnings": list(warnings),
         "assumptions": {e.method: ASSUMPTIONS.get(e.method) for e in estimates}},
        indent=2,
        ensure_ascii=False,
    )


def render(estimates: Sequence[Estimate], warnings: Sequence[str]) -> Group:
    """A Rich table of the estimates (and strata), followed by every warning."""
    first = max(estimates, key=lambda e: len(e.lists))  # Chapman may have merged lists
    table = Table(
        title=f"Estimated total over {len(first.lists)} lists ({', '.join(first.lists)})",
        caption="documented = persons on at least one list; estimate = documented + undocumented",
    )
    columns = ("method", "stratum", "documented", "estimate", f"{first.level:.0%} interval")
    for name in (*columns, "details"):
        table.add_column(name, justify="right" if name in ("documented", "estimate") else "left")
    for e in estimates:
        for row in [*e.strata, e]:
            table.add_row(
                row.method,
                row.stratum or "-",
                f"{row.observed:,}",
                _point(row),
                _interval(row),
                _details(row),
                style="bold" if row is e else None,
            )
    tag = len(estimates) > 1
    notes = [
        Text(f"! {e.method + ': ' if tag else ''}{w}", style="yellow")
        for e in estimates
        for w in e.warnings
    ]
    notes += [Text(f"! {w}", style="bold yellow") for w in warnings]
    if tag:  # side by side: what each method assumes, to read their disagreement
        notes += [Text(f"{e.method} assumes {ASSUMPTIONS[e.method]}", style="dim")
                  for e in estimates if e.method in ASSUMPTIONS]
    seeds = ", ".join(f"{e.method} seed {e.seed}" for e in estimates if e.seed is not None)
    return Group(table, *notes, Text(seeds, style="dim") if seeds else Text(""))


def _point(e: Estimate) -> str:
    """The estimate, flagged when the Monte Carlo behind it did not converge."""
    if e.converged is False:
        return f"{e.estimate:,.0f} NOT CONVERGED"
    return f"{e.estimate:,.0f}"


def _loglinear_details(e: Estimate) -> str:
    """The chosen model, both intervals and the bootstrap bounds' Monte Carlo errors."""
    d = e.diagnostics
    text = f"model {d['model']} ({d['criterion'].upper()}), {e.settings['interval']} interval"
    low, high = d["profile_interval"]
    text += f"; profile [{low:,.0f}, {high:,.0f}]"
    if "bootstrap_interval" in d:
        b_low, b_high = d["bootstrap_interval"]
        err_low, err_high = d["bootstrap_mc_error"]
        text += (f"; selection bootstrap [{b_low:,.0f} ±{err_low:,.0f}, {b_high:,.0f} "
                 f"±{err_high:,.0f}] (MC errors, {d['bootstrap_replicates']:,} replicates)")
    return text


def _interval(e: Estimate) -> str:
    if e.lower != e.lower or e.upper != e.upper:  # NaN
        return "none"
    return f"[{e.lower:,.0f}, {e.upper:,.0f}]"


def _details(e: Estimate) -> str:
    d = e.diagnostics
    if e.method == "loglinear" and "model" in d:
        return _loglinear_details(e)
    if e.method == "lcmcr" and "rhat" in d:
        return (f"R-hat {d['rhat']:.3f}, ESS {d['ess']:.0f} (tail {d['ess_tail']:.0f}), "
                f"{d['draws_per_chain']:,} draws x {len(d['chain_seeds'])} chains")
    if e.method == "dga" and "top_graphs" in d:
        top = d["top_graphs"][0]
        return f"top graph {top['graph']} ({top['probability']:.0%})"
    if e.method == "chapman" and "pair" in d:
        return f"lists {' x '.join(d['pair'])}, overlap {d['m']}"
    return str(d.get("combination", ""))


@dataclass
class RegisterRun:
    """Estimates from the register's capture histories, with their provenance.

    Attributes:
        results: one estimate per method (a combination of strata when stratified).
        notes: warnings across methods.
        histories: the capture tables and where they came from.
        spread: estimates over linkage thresholds (``--linkage-spread``), or None.
        persons: threshold shift -> persons of the whole register at that shift.
    """

    results: list[Estimate]
    notes: list[str]
    histories: CaptureHistories
    spread: LinkageSpread | None = None
    persons: dict[float, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the estimate's fields (or estimates), plus metric and provenance."""
        h = self.histories
        out: dict[str, Any] = json.loads(to_json(self.results, self.notes))
        out |= {"metric": h.metric, "statuses": list(h.statuses), "by": h.by,
                "as_of": h.as_of, "link_run_id": h.link_run_id, "outside": h.outside}
        if self.spread is not None:
            out["linkage_spread"] = self.spread.to_dict() | {
                "persons": {str(k): v for k, v in self.persons.items()}}
        return out


def run_register(
    engine: Engine,
    settings: EstimateSettings,
    *,
    progress: Callable[[str], None] | None = None,
) -> RegisterRun:
    """Estimate from the register's capture histories (``counts.capture``).

    Args:
        engine: a linked and derived register.
        settings: the method (or "all"), level, seed and options as ``run_table_file``;
            the scope (``status, by, as_of, lists``, as ``capture_tables``); ``shifts``:
            threshold shifts to re-estimate over (``linkage.sensitivity``), None for no
            linkage spread (a spread needs a single method).
        progress: as ``run_table_file``.
    Returns:
        The estimates; the register's input caveats and the scope's caveats
        (``caveats.scope_caveats``) lead each estimate's warnings.
    Raises:
        RegisterInputError: no linkage or derived statuses; TableError: unusable tables;
        ValueError: an option no chosen method takes, or a spread asked with "all".
    """
    histories = capture_tables(engine, status=settings.status, by=settings.by,
                               as_of=settings.as_of, lists=settings.lists)
    routed = route_options(settings, progress=progress)  # refuses options no method takes
    if settings.method == "all" and settings.shifts is not None:
        raise ValueError("the linkage spread needs one method, not 'all'")
    seed = fresh_seed() if settings.seed is None else settings.seed
    settings = replace(settings, seed=seed)
    results, notes = estimate_with(histories.tables, settings, progress=progress)
    # The register's caveats, then what the scope cannot see and how it fared on simulated
    # wars (from the stored validation), then the tables' caveats.
    caveats = [*histories.input_warnings, *scope_caveats(histories.statuses),
               *histories.table_warnings]
    for result in results:
        result.warnings[:0] = caveats
    run = RegisterRun(results=results, notes=notes, histories=histories)
    if settings.shifts is not None:
        linkages = cluster_over_thresholds(engine, settings.shifts)
        tables = tables_for_memberships(histories, linkages.memberships)
        run.spread = estimate_over_linkages(tables, settings.method, level=settings.level,
                                            seed=seed, **routed[settings.method])
        run.persons = linkages.persons
    return run


def render_spread(spread: LinkageSpread, persons: dict[float, int]) -> Group:
    """A Rich table of the estimate at each linkage threshold shift, and the spread."""
    table = Table(title="Linkage sensitivity: the same estimate at shifted thresholds",
                  caption="shift: match-weight units added to the clustering thresholds "
                  "(negative joins more records into one person)")
    for name in ("shift", "persons linked", "documented", "estimate", "interval"):
        table.add_column(name, justify="right")
    for shift, e in spread.estimates.items():
        table.add_row(f"{shift:+g}", f"{persons.get(shift, 0):,}", f"{e.observed:,}",
                      f"{e.estimate:,.0f}", _interval(e))
    lines = [Text(f"estimates range {spread.lowest:,.0f} to {spread.highest:,.0f}; "
                  f"intervals {spread.lower:,.0f} to {spread.upper:,.0f}")]
    lines += [Text(f"! {w}", style="yellow") for w in spread.warnings]
    return Group(table, *lines)
