"""One entry point for every method: `estimate`, `estimate_strata`, `compare_methods`.

Callers (the CLI, the web app, later the register's capture histories) hand a
`CaptureTable` or its strata, a method name and plain settings; they get an `Estimate`
whose warnings already include the table checks. `estimate_with` takes an
`EstimateSettings` whole: one method or all, each given the options it takes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from musterroll.counts.table import CaptureTable, TableError
from musterroll.estimate.chapman import chapman
from musterroll.estimate.dga import dga
from musterroll.estimate.lcmcr import lcmcr
from musterroll.estimate.loglinear import loglinear
from musterroll.estimate.result import Estimate, fresh_seed
from musterroll.estimate.settings import EstimateSettings
from musterroll.estimate.stratify import combine_strata
from musterroll.estimate.warnings import check_table, compare_estimates

__all__ = [
    "METHODS",
    "compare_methods",
    "estimate",
    "estimate_strata",
    "estimate_with",
    "method_settings",
    "route_options",
]

METHODS: dict[str, Callable[..., Estimate]] = {
    "chapman": chapman,
    "loglinear": loglinear,
    "lcmcr": lcmcr,
    "dga": dga,
}
_RANDOM = {"loglinear", "lcmcr", "dga"}


def method_settings(method: str) -> list[str]:
    """Names of the settings a method accepts (besides level and seed)."""
    params = inspect.signature(_method(method)).parameters
    return [p for p in params if p not in ("table", "level", "seed")]


def _method(method: str) -> Callable[..., Estimate]:
    try:
        return METHODS[method]
    except KeyError:
        raise ValueError(f"unknown method {method!r}; choose one of {sorted(METHODS)}") from None


def estimate(
    table: CaptureTable,
    method: str = "loglinear",
    *,
    level: float = 0.95,
    seed: int | None = None,
    **settings: Any,
) -> Estimate:
    """Estimate the total (documented + undocumented) of one table.

    Args:
        table: the capture table.
        method: "chapman", "loglinear", "lcmcr" or "dga".
        level: interval level in (0, 1), default 0.95.
        seed: seed of every random draw; drawn and recorded in the result when None.
        settings: method settings (see `method_settings(method)`).
    Returns:
        The estimate, with the table's caveats first among its warnings.
    Raises:
        ValueError: unknown method, a setting the method does not take, a bad level.
        TableError: a table the method cannot use.
    """
    fn = _method(method)
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    unknown = set(settings) - set(method_settings(method))
    if unknown:
        raise ValueError(
            f"method {method!r} takes no setting {sorted(unknown)}; "
            f"it takes {method_settings(method)}"
        )
    if method in _RANDOM:
        settings["seed"] = fresh_seed() if seed is None else seed
    result = fn(table, level=level, **settings)
    result.warnings[:0] = check_table(table)
    if result.lower <= table.observed < result.estimate:
        result.warnings.append(
            f"the interval reaches down to the {table.observed:,} documented persons: the "
            "data are consistent with almost no one being undocumented"
        )
    return result


def estimate_strata(
    tables: Sequence[CaptureTable],
    method: str = "loglinear",
    *,
    level: float = 0.95,
    seed: int | None = None,
    **settings: Any,
) -> Estimate:
    """Estimate each stratum and their total, combined properly (see `stratify`).

    Args:
        tables: one table per stratum (a single table: no stratification).
        method, level, settings: as `estimate`.
        seed: master seed; each stratum gets its own seed derived from it.
    Returns:
        The total's estimate, with the per-stratum estimates in `strata`.
    Raises:
        TableError: naming the stratum whose table the method cannot use.
    """
    if len(tables) == 1:
        return estimate(tables[0], method, level=level, seed=seed, **settings)
    seed = fresh_seed() if seed is None else seed
    seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(len(tables))]
    results = []
    for table, s in zip(tables, seeds, strict=True):
        try:
            results.append(estimate(table, method, level=level, seed=s, **settings))
        except TableError as exc:
            raise TableError(f"stratum {table.stratum!r}: {exc}") from exc
    return combine_strata(results, seed=seed)


def compare_methods(
    tables: Sequence[CaptureTable],
    methods: Sequence[str] = ("loglinear", "lcmcr", "dga"),
    *,
    level: float = 0.95,
    seed: int | None = None,
    settings: dict[str, dict[str, Any]] | None = None,
) -> tuple[list[Estimate], list[str]]:
    """Run several methods on the same strata and warn where they disagree widely.

    Returns:
        (one estimate per method that could run, warnings about the methods that could
        not and about disagreement).
    Raises:
        TableError: when no method can use the tables.
    """
    seed = fresh_seed() if seed is None else seed
    settings = settings or {}
    results, skipped = [], []
    for m in methods:
        try:
            results.append(
                estimate_strata(tables, m, level=level, seed=seed, **settings.get(m, {}))
            )
        except TableError as exc:
            skipped.append(f"{m} was not run: {exc}")
    if not results:
        raise TableError("; ".join(skipped))
    return results, skipped + compare_estimates(results)


def estimate_with(
    tables: Sequence[CaptureTable],
    settings: EstimateSettings,
    *,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Estimate], list[str]]:
    """Estimate the strata by the settings' method, or by every method for "all".

    Args:
        tables: one table per stratum.
        settings: method, level, seed and options; the scope fields are not read here.
        progress: called with a message by the methods that report progress.
    Returns:
        (one estimate per method, warnings across methods: none for a single method).
    Raises:
        ValueError: an option none of the methods takes; TableError: as `estimate_strata`
        (as `compare_methods` for "all").
    """
    routed = route_options(settings, progress=progress)
    if settings.method != "all":
        return [estimate_strata(tables, settings.method, level=settings.level,
                                seed=settings.seed, **routed[settings.method])], []
    return compare_methods(tables, settings.methods, level=settings.level,
                           seed=settings.seed, settings=routed)


def route_options(
    settings: EstimateSettings, *, progress: Callable[[str], None] | None = None
) -> dict[str, dict[str, Any]]:
    """Each chosen method's settings: the options it takes, and `progress` if it reports.

    Raises:
        ValueError: an option that none of the chosen methods takes.
    """
    given = settings.options()
    routed = {m: {k: v for k, v in given.items() if k in method_settings(m)}
              for m in settings.methods}
    for m in settings.methods:
        if progress is not None and "progress" in method_settings(m):
            routed[m]["progress"] = progress
    unused = set(given) - {k for r in routed.values() for k in r}
    if unused:
        raise ValueError(f"option(s) {sorted(unused)} do not apply to method "
                         f"{settings.method!r}")
    return routed
