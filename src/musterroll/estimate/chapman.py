"""Two-list estimators: Lincoln–Petersen and Chapman.

Chapman (1951) N = (n1+1)(n2+1)/(m+1) - 1 is nearly unbiased where Lincoln–Petersen
n1 n2 / m is not, and exists when the lists do not overlap (m = 0). Its variance is Seber's
(1970) (n1+1)(n2+1)(n1-m)(n2-m) / ((m+1)^2 (m+2)). The interval is Chao's (1987)
log-normal interval on the undocumented count f0 = N - n, which never falls below the
documented count, unlike the symmetric Wald interval. Both estimators assume the two lists
are independent and every person equally catchable: with more lists, prefer the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy.special import ndtri

from musterroll.counts.table import CaptureTable, TableError
from musterroll.estimate.result import Estimate

__all__ = ["chapman", "lincoln_petersen"]


def lincoln_petersen(n1: int, n2: int, m: int) -> float:
    """Lincoln–Petersen estimate n1 n2 / m (inf when the lists do not overlap)."""
    return math.inf if m == 0 else n1 * n2 / m


def chapman(
    table: CaptureTable, *, level: float = 0.95, pair: Sequence[str] | None = None
) -> Estimate:
    """Chapman's two-list estimate with variance and a log-normal interval.

    Args:
        table: capture table. With two lists they are used; with more, `pair` names the
            two to use, else the first list is set against the union of the others (with
            a warning: merging lists hides their dependence).
        level: interval level in (0, 1).
        pair: the two list names to use, optional.
    Returns:
        Estimate with method "chapman"; observed is the whole table's documented count.
        diagnostics hold n1, n2, m, the Lincoln–Petersen estimate and the variance.
    Raises:
        TableError: when `pair` does not name two distinct lists of the table.
    """
    warnings: list[str] = []
    two = _two_lists(table, pair, warnings)
    cells = two.cells()
    m = int(cells[3])
    n1, n2 = int(cells[2] + cells[3]), int(cells[1] + cells[3])
    n_two = n1 + n2 - m
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    lower, upper = _log_normal_interval(n_two, est, var, level)
    if m == 0:
        warnings.append(
            f"lists {two.lists[0]!r} and {two.lists[1]!r} do not overlap: the two-list "
            "estimate rests on no evidence of overlap and is not credible"
        )
    if est < table.observed:
        warnings.append(
            f"the two-list estimate {est:,.0f} is below the {table.observed:,} persons "
            "documented on all lists: the two lists are positively dependent"
        )
    if 0 < m < 7:
        warnings.append(f"only {m} persons are on both lists: Chapman's estimate is unstable")
    return Estimate.from_table(
        table,
        method="chapman",
        estimate=est,
        lower=lower,
        upper=upper,
        level=level,
        warnings=warnings,
        diagnostics={
            "pair": list(two.lists),
            "n1": n1,
            "n2": n2,
            "m": m,
            "lincoln_petersen": lincoln_petersen(n1, n2, m),
            "variance": var,
            "stderr": math.sqrt(var),
            "documented_on_pair": n_two,
        },
        settings={"pair": list(pair) if pair else None},
        lists=two.lists,
        source=table.source,
    )


def _two_lists(
    table: CaptureTable, pair: Sequence[str] | None, warnings: list[str]
) -> CaptureTable:
    """The two-list table to estimate from, noting any collapse in `warnings`."""
    if pair is not None:
        if len(pair) != 2 or pair[0] == pair[1]:
            raise TableError(f"Chapman needs two distinct lists, got {list(pair)}")
        two = table.select(pair)
        others = table.n_lists - 2
        if others:
            warnings.append(
                f"Chapman uses only {pair[0]!r} and {pair[1]!r}; the {others} other list(s) "
                "are ignored"
            )
        return two
    if table.n_lists == 2:
        return table
    rest = list(table.lists[1:])
    warnings.append(
        f"Chapman needs two lists: {table.lists[0]!r} was set against the union of "
        f"{rest}; merging lists hides their dependence (name two with --pair, or use a "
        "multi-list method)"
    )
    return table.merge(rest, "+".join(rest))


def _log_normal_interval(n: int, est: float, var: float, level: float) -> tuple[float, float]:
    """Chao's (1987) interval: f0 = est - n is log-normal; returns (lower, upper)."""
    f0 = est - n
    if f0 <= 0 or var <= 0:
        return float(n), float(max(est, n))
    z = float(ndtri(0.5 + level / 2))
    c = math.exp(z * math.sqrt(math.log(1 + var / f0**2)))
    return n + f0 / c, n + f0 * c
