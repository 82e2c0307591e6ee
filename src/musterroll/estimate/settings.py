"""Everything that decides an estimate, as plain data: `EstimateSettings`.

The command line builds one from its options; `report.run_table_file`,
`report.run_register` and `api.estimate_with` take it whole and hand each method the
options it takes (`for_method`). Like `linkage.settings.LinkSettings`, it holds no
engine, no file and no callback: `to_dict` is what a run of it can be saved with.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

__all__ = ["ALL_METHODS", "METHOD_OPTIONS", "EstimateSettings"]

ALL_METHODS = ("chapman", "loglinear", "lcmcr", "dga")
# The options a user may give some method; each method takes those of them it names.
METHOD_OPTIONS = ("pair", "criterion", "interval", "bootstrap", "max_order", "k", "chains",
                  "burnin", "samples", "thinning", "delta", "max_seconds")


@dataclass(frozen=True)
class EstimateSettings:
    """One estimate's method, scope and options (None: the method's own default).

    Attributes:
        method: "chapman", "loglinear", "lcmcr", "dga", or "all" (every method, their
            disagreement checked).
        level: the interval's level, in (0, 1).
        seed: seed of every random draw; drawn and recorded when None.
        status: register: the derived statuses in scope (``counts.capture.EVIDENCE``),
            or ("casualty",).
        by: register: the stratification (``counts.capture.BY``), or None.
        as_of: register: the register as known on this ISO day; None: all evidence.
        lists: register: "source" or "kind" (what one list is).
        stratum: table file: the column holding the stratum, or None.
        shifts: register: linkage threshold shifts to re-estimate over; None: no spread.
        pair: chapman: the two lists.
        criterion, interval, bootstrap, max_order: loglinear (``loglinear.loglinear``).
        k, chains, burnin, samples, thinning: lcmcr (``lcmcr.lcmcr``).
        delta: dga: prior persons per cell.
        max_seconds: lcmcr and loglinear: seconds their Monte Carlo may run on.
    """

    method: str = "loglinear"
    level: float = 0.95
    seed: int | None = None
    status: tuple[str, ...] = ("killed",)
    by: str | None = None
    as_of: str | None = None
    lists: str = "source"
    stratum: str | None = None
    shifts: tuple[float, ...] | None = None
    pair: tuple[str, ...] | None = None
    criterion: str | None = None
    interval: str | None = None
    bootstrap: int | None = None
    max_order: int | None = None
    k: int | None = None
    chains: int | None = None
    burnin: int | None = None
    samples: int | None = None
    thinning: int | None = None
    delta: float | None = None
    max_seconds: float | None = None

    @property
    def methods(self) -> list[str]:
        """The methods to run: every one for "all", else the one."""
        return list(ALL_METHODS) if self.method == "all" else [self.method]

    def options(self) -> dict[str, Any]:
        """The method options given (not None), as the methods take them."""
        given = {name: getattr(self, name) for name in METHOD_OPTIONS}
        if given["pair"] is not None:
            given["pair"] = list(given["pair"])
        return {name: value for name, value in given.items() if value is not None}

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: every field (tuples as lists)."""
        return {f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
                for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EstimateSettings:
        """The settings `to_dict` saved (lists back to tuples)."""
        tuples = {"status", "shifts", "pair"}
        values: dict[str, Any] = {k: tuple(v) if k in tuples and v is not None else v
                                  for k, v in data.items()}
        return cls(**values)
