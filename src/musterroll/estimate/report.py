"""Run estimates for the command line and present them: JSON and Rich tables.

`run_table_file` is what `musterroll estimate --table FILE` calls: it reads the table,
routes each given option to the methods that take it, runs one method or all of them and
returns the results with the cross-method warnings. `to_json` and `render` present them;
documented counts and estimates sit in separate columns, never in one figure.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from musterroll.estimate.api import compare_methods, estimate_strata, method_settings
from musterroll.estimate.result import Estimate
from musterroll.estimate.table import read_tables

__all__ = ["ALL_METHODS", "render", "run_table_file", "to_json"]

ALL_METHODS = ("chapman", "loglinear", "lcmcr", "dga")


def run_table_file(
    path: str | Path,
    method: str,
    *,
    stratum: str | None = None,
    level: float = 0.95,
    seed: int | None = None,
    options: dict[str, Any] | None = None,
) -> tuple[list[Estimate], list[str]]:
    """Estimate from a table file by one method, or by all with `method="all"`.

    Args:
        path: CSV capture table (one 0/1 column per list and `count`).
        method: a method name or "all" (log-linear, latent class and graphical models,
            plus Chapman; their disagreement is checked).
        stratum: stratum column, if any.
        level: interval level.
        seed: master seed.
        options: method settings given by the user (None values are ignored).
    Returns:
        (estimates, warnings about disagreement between methods).
    Raises:
        ValueError: an option that none of the chosen methods takes.
        TableError: an unreadable table.
    """
    tables = read_tables(path, stratum=stratum)
    given = {k: v for k, v in (options or {}).items() if v is not None}
    methods = list(ALL_METHODS) if method == "all" else [method]
    routed = {m: {k: v for k, v in given.items() if k in method_settings(m)} for m in methods}
    unused = set(given) - {k for r in routed.values() for k in r}
    if unused:
        raise ValueError(f"option(s) {sorted(unused)} do not apply to method {method!r}")
    if len(methods) == 1:
        return [estimate_strata(tables, method, level=level, seed=seed, **routed[method])], []
    return compare_methods(tables, methods, level=level, seed=seed, settings=routed)


def to_json(estimates: Sequence[Estimate], warnings: Sequence[str]) -> str:
    """JSON text: one estimate's fields, or {"estimates": [...], "warnings": [...]}."""
    if len(estimates) == 1 and not warnings:
        return json.dumps(estimates[0].to_dict(), indent=2, ensure_ascii=False)
    return json.dumps(
        {"estimates": [e.to_dict() for e in estimates], "warnings": list(warnings)},
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
                f"{row.estimate:,.0f}",
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
    seeds = ", ".join(f"{e.method} seed {e.seed}" for e in estimates if e.seed is not None)
    return Group(table, *notes, Text(seeds, style="dim") if seeds else Text(""))


def _interval(e: Estimate) -> str:
    if e.lower != e.lower or e.upper != e.upper:  # NaN
        return "none"
    return f"[{e.lower:,.0f}, {e.upper:,.0f}]"


def _details(e: Estimate) -> str:
    d = e.diagnostics
    if e.method == "loglinear" and "model" in d:
        return f"model {d['model']} ({d['criterion'].upper()}), {e.settings['interval']} interval"
    if e.method == "lcmcr" and "rhat" in d:
        return f"R-hat {d['rhat']:.3f}, ESS {d['ess']:.0f}"
    if e.method == "dga" and "top_graphs" in d:
        top = d["top_graphs"][0]
        return f"top graph {top['graph']} ({top['probability']:.0%})"
    if e.method == "chapman" and "pair" in d:
        return f"lists {' x '.join(d['pair'])}, overlap {d['m']}"
    return str(d.get("combination", ""))
