"""The result of one estimation run: `Estimate`.

An estimate keeps the documented count (`observed`) and the estimated total apart: they
are never added or mixed into one number. `estimate` is the point estimate (maximum
likelihood) or the posterior median; `lower`/`upper` bound the interval at `level`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from musterroll import __version__

if TYPE_CHECKING:
    from musterroll.counts.table import CaptureTable

__all__ = ["Estimate", "fresh_seed"]


@dataclass
class Estimate:
    """One estimation run over one capture table (or the combination of strata).

    Attributes:
        method: "chapman", "loglinear", "lcmcr" or "dga".
        observed: the documented count (persons on at least one list).
        estimate: estimated total (documented + undocumented): point or posterior median.
        lower: lower end of the interval at `level`.
        upper: upper end of the interval at `level`.
        level: interval level, e.g. 0.95.
        warnings: caveats a reader must see beside the number.
        diagnostics: method details (chosen model, R-hat, ESS, grid, ...), JSON-able.
        settings: the settings used (method options), JSON-able, enough to rerun.
        seed: the seed of every random draw, None when nothing random was drawn.
        lists: the lists used.
        stratum: stratum label, "all" for a combination of strata, None if unstratified.
        strata: per-stratum estimates when this one combines strata.
        source: provenance of the input table.
        draws: posterior draws or bootstrap replicates of the total (not serialised),
            kept so that strata can be combined by summing them.
        converged: whether the Monte Carlo behind the figures reached its targets (MCMC
            chains converged, bootstrap bounds precise enough); None when nothing was
            drawn. A False estimate must not be shown as a plain number.
    """

    method: str
    observed: int
    estimate: float
    lower: float
    upper: float
    level: float
    warnings: list[str] = field(default_factory=list)
    diagnostics: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    lists: tuple[str, ...] = ()
    stratum: str | None = None
    strata: list[Estimate] = field(default_factory=list)
    source: str = ""
    draws: np.ndarray | None = field(default=None, repr=False)
    converged: bool | None = None

    @classmethod
    def from_table(cls, table: CaptureTable, **fields: Any) -> Estimate:
        """An estimate from one capture table: its documented count, lists, stratum and
        provenance come from the table (`fields` may narrow ``lists``), the rest from
        the method."""
        own: dict[str, Any] = {"observed": table.observed, "lists": table.lists,
                               "stratum": table.stratum, "source": table.source}
        return cls(**(own | fields))

    @property
    def undocumented(self) -> float:
        """Estimated persons on no list (estimate minus observed)."""
        return self.estimate - self.observed

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict: the fields, per-stratum results, and the code version."""
        out: dict[str, Any] = {
            "method": self.method,
            "observed": self.observed,
            "estimate": _num(self.estimate),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "level": self.level,
            "converged": self.converged,
            "warnings": list(self.warnings),
            "lists": list(self.lists),
            "stratum": self.stratum,
            "seed": self.seed,
            "settings": _jsonable(self.settings),
            "diagnostics": _jsonable(self.diagnostics),
            "source": self.source,
            "version": __version__,
        }
        if self.strata:
            out["strata"] = [s.to_dict() for s in self.strata]
        return out


def fresh_seed() -> int:
    """A new 32-bit seed from the operating system's entropy (recorded by the caller)."""
    return int(np.random.SeedSequence().generate_state(1)[0])


def _num(x: float) -> float | None:
    """Round for output; None for NaN (JSON has no NaN)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return round(float(x), 1)


def _jsonable(value: Any) -> Any:
    """Turn numpy scalars/arrays and tuples into plain JSON types."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    return value
