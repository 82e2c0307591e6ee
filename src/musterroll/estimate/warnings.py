"""Honesty checks on a capture table and across estimates: the caveats beside a number.

A number without its caveats is a defect (docs/DESIGN.md, Estimation). These checks look at
the data before any model: too few lists, lists that never overlap, sparse cells; and at
results afterwards: methods that disagree widely.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from musterroll.counts.table import CaptureTable, pattern_matrix
from musterroll.estimate.result import Estimate

__all__ = ["check_table", "compare_estimates"]

SPARSE_COUNT = 5  # cells below this many persons are sparse
SPARSE_SHARE = 0.5  # warn when more than this share of the observable cells is sparse
DISAGREEMENT = 2.0  # warn when two methods' undocumented counts differ by this factor


def check_table(table: CaptureTable) -> list[str]:
    """Caveats about a table before estimation.

    Args:
        table: the capture table (one stratum).
    Returns:
        Warnings: fewer than 3 usable lists, pairs of lists with no person in common,
        many sparse or empty cells, a stratum with very few persons.
    """
    where = ""  # combine_strata prefixes stratum warnings with their stratum
    out = []
    usable = table.usable_lists()
    if len(usable) < 3:
        out.append(
            f"{where}only {len(usable)} list(s) with persons ({', '.join(usable) or 'none'}): "
            "with fewer than 3 lists, dependence between lists cannot be modelled and the "
            "estimate rests on the assumption that they are independent"
        )
    out.extend(_no_overlap(table, where))
    out.extend(_sparse(table, where))
    if table.observed < 30:
        out.append(
            f"{where}only {table.observed} persons documented: too few for a stable estimate"
        )
    return out


def _no_overlap(table: CaptureTable, where: str) -> list[str]:
    pats = pattern_matrix(table.n_lists)
    cells = table.cells()
    totals = table.list_totals()
    out = []
    for a, b in combinations(range(table.n_lists), 2):
        both = int(cells[(pats[:, a] == 1) & (pats[:, b] == 1)].sum())
        if both == 0 and totals[a] > 0 and totals[b] > 0:
            out.append(
                f"{where}lists {table.lists[a]!r} and {table.lists[b]!r} have no person in "
                "common: their relation cannot be estimated, and if they cover different "
                "people the estimate is not credible"
            )
    return out


def _sparse(table: CaptureTable, where: str) -> list[str]:
    observable = table.cells()[1:]
    sparse = int((observable < SPARSE_COUNT).sum())
    empty = int((observable == 0).sum())
    if sparse > SPARSE_SHARE * len(observable):
        return [
            f"{where}{sparse} of {len(observable)} observable cells have fewer than "
            f"{SPARSE_COUNT} persons ({empty} empty): models with interactions are poorly "
            "determined and estimates may be unstable"
        ]
    return []


def compare_estimates(estimates: Sequence[Estimate]) -> list[str]:
    """Warn when methods disagree widely on the undocumented count.

    Args:
        estimates: estimates of the same table by different methods.
    Returns:
        A warning naming the extremes when the largest undocumented count exceeds
        DISAGREEMENT times the smallest, and one naming the pairs of methods neither of
        whose estimates lies in the other's interval.
    """
    if len(estimates) < 2:
        return []
    low = min(estimates, key=lambda e: e.undocumented)
    high = max(estimates, key=lambda e: e.undocumented)
    out = []
    if high.undocumented > DISAGREEMENT * max(low.undocumented, 1.0):
        out.append(
            f"methods disagree widely: {low.method} gives {low.estimate:,.0f} and "
            f"{high.method} {high.estimate:,.0f} ({low.undocumented:,.0f} vs "
            f"{high.undocumented:,.0f} undocumented); no single figure should be reported "
            "without the others"
        )
    apart = [
        f"{a.method} and {b.method}"
        for a, b in combinations(estimates, 2)
        if not (b.lower <= a.estimate <= b.upper or a.lower <= b.estimate <= a.upper)
    ]
    if apart:
        out.append("neither estimate lies in the other's interval for: " + "; ".join(apart))
    return out
