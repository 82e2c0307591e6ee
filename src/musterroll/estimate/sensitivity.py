"""Sensitivity of an estimate to the record linkage behind its capture table.

Linkage decides which records are one person, so it decides the capture table: a looser
threshold merges more records (fewer persons, more overlap between lists, a smaller
estimate), a stricter one splits them. The register will hand one set of tables per
linkage threshold; `estimate_over_linkages` estimates each with the same method and seed
and reports the spread beside the estimates, never one of them alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from musterroll.counts.table import CaptureTable
from musterroll.estimate.api import estimate_strata
from musterroll.estimate.result import Estimate, fresh_seed

__all__ = ["LinkageSpread", "estimate_over_linkages"]

WIDE_SPREAD = 0.10  # warn when point estimates differ by more than 10% of the smallest


@dataclass
class LinkageSpread:
    """Estimates of one quantity under several linkages.

    Attributes:
        estimates: threshold -> estimate (same method, level and seed).
        lowest, highest: the smallest and largest point estimates.
        lower, upper: the lowest lower bound and the highest upper bound (the range a
            reader must allow for when linkage is uncertain).
        warnings: caveats about the spread.
    """

    estimates: dict[float, Estimate]
    lowest: float
    highest: float
    lower: float
    upper: float
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary with every threshold's estimate."""
        return {
            "thresholds": {str(t): e.to_dict() for t, e in self.estimates.items()},
            "lowest": self.lowest,
            "highest": self.highest,
            "lower": self.lower,
            "upper": self.upper,
            "warnings": list(self.warnings),
        }


def estimate_over_linkages(
    tables_by_threshold: Mapping[float, Sequence[CaptureTable]],
    method: str = "loglinear",
    *,
    level: float = 0.95,
    seed: int | None = None,
    **settings: Any,
) -> LinkageSpread:
    """Estimate the total under each linkage threshold and report the spread.

    Args:
        tables_by_threshold: linkage threshold -> the strata's capture tables built from
            the persons that linkage produced.
        method, level, settings: as `estimate_strata`.
        seed: one seed for every threshold, so differences come from linkage alone.
    Returns:
        The spread of estimates.
    Raises:
        ValueError: when no threshold is given.
    """
    if not tables_by_threshold:
        raise ValueError("no linkage thresholds to compare")
    seed = fresh_seed() if seed is None else seed
    estimates = {
        t: estimate_strata(tables, method, level=level, seed=seed, **settings)
        for t, tables in sorted(tables_by_threshold.items())
    }
    points = [e.estimate for e in estimates.values()]
    spread = LinkageSpread(
        estimates=estimates,
        lowest=min(points),
        highest=max(points),
        lower=min(e.lower for e in estimates.values()),
        upper=max(e.upper for e in estimates.values()),
    )
    if spread.highest > (1 + WIDE_SPREAD) * spread.lowest:
        spread.warnings.append(
            f"the estimate moves from {spread.lowest:,.0f} to {spread.highest:,.0f} across "
            f"{len(estimates)} linkage thresholds: linkage uncertainty is material; report "
            f"the range {spread.lower:,.0f} to {spread.upper:,.0f}"
        )
    return spread
