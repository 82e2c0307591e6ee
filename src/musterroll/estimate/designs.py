"""Capture histories from the designs of the MSE literature, independent of the simulated war.

The simulated war (`musterroll.simulate`) tests the whole pipeline, but its lists share
one generator: an estimator tuned on it may cover the truth for that generator's reasons.
Here populations are drawn from the two departures from independence the literature
studies (Fienberg, Johnson and Junker 1999; Manrique-Vallier 2016; Silverman, Chan and
Vincent 2024), alone and together:

- **heterogeneity** ("classes"): persons belong to latent classes with their own capture
  probability on each list (some persons are hard to see on every list);
- **direct dependence** ("referrals"): being on one list changes the chance of being on
  another (a family's report makes an official entry likelier: a positive referral; or a
  person on one list is less likely to be sought by another: a negative one);
- **both** ("both").

A `Design` is plain data (saved beside a run, loaded back unchanged); `random_design`
draws one with 3 to 6 lists and 500 to 100,000 persons (log-uniform), `draw_table` draws
its capture table. Every draw takes its generator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from musterroll.counts.table import CaptureTable

__all__ = ["KINDS", "Design", "draw_table", "random_design"]

Kind = Literal["classes", "referrals", "both"]
KINDS: tuple[Kind, ...] = ("classes", "referrals", "both")


@dataclass(frozen=True)
class Design:
    """A population and how its lists capture it.

    Attributes:
        kind: "classes", "referrals" or "both" (what departs from independence).
        total: N, the persons in the population (the truth an interval should cover).
        shares: weight of each latent class (one class: homogeneous).
        probs: capture probability per class (rows) and list (columns).
        referrals: (from list, to list, strength): a person on the first list is on the
            second with probability 1 - (1 - p)(1 - s) for s > 0 (referred there), or
            p (1 + s) for s < 0 (less likely); lists are visited in order, from < to.
    """

    kind: Kind
    total: int
    shares: tuple[float, ...]
    probs: tuple[tuple[float, ...], ...]
    referrals: tuple[tuple[int, int, float], ...] = field(default=())

    @property
    def n_lists(self) -> int:
        """J, the number of lists."""
        return len(self.probs[0])

    def to_dict(self) -> dict[str, Any]:
        """The design as JSON-able data."""
        return asdict(self)


def random_design(
    rng: np.random.Generator,
    *,
    kind: Kind | None = None,
    lists: tuple[int, int] = (3, 6),
    total: tuple[int, int] = (500, 100_000),
) -> Design:
    """Draw a design: its kind, 3-6 lists, 500-100,000 persons (log-uniform) by default.

    Capture probabilities lie between 0.05 and 0.5 (lists that see a large share of the
    population are rare in casualty work); with classes, a hard-to-see class (10-40% of
    persons) has every probability 3 to 6 times smaller. Referrals: 1 or 2 pairs, strength
    0.2-0.5, one in three negative (-0.3 to -0.6).

    Args:
        rng: the generator of every draw.
        kind: the design's kind; None draws one of KINDS.
        lists: smallest and largest J; total: smallest and largest N.
    Returns:
        The design.
    """
    kind = kind or KINDS[int(rng.integers(len(KINDS)))]
    j = int(rng.integers(lists[0], lists[1] + 1))
    n = int(np.exp(rng.uniform(np.log(total[0]), np.log(total[1]))))
    base = rng.uniform(0.05, 0.5, size=j)
    probs: tuple[tuple[float, ...], ...]
    if kind == "referrals":
        shares: tuple[float, ...] = (1.0,)
        probs = (tuple(float(p) for p in base),)
    else:
        hard = float(rng.uniform(0.1, 0.4))
        shrink = rng.uniform(3.0, 6.0, size=j)
        shares = (1.0 - hard, hard)
        probs = (tuple(float(p) for p in base), tuple(float(p) for p in base / shrink))
    referrals: tuple[tuple[int, int, float], ...] = ()
    if kind != "classes":
        pairs = []
        for _ in range(int(rng.integers(1, 3))):
            a, b = sorted(int(x) for x in rng.choice(j, size=2, replace=False))
            negative = rng.uniform() < 1 / 3
            strength = -rng.uniform(0.3, 0.6) if negative else rng.uniform(0.2, 0.5)
            pairs.append((a, b, float(strength)))
        referrals = tuple(pairs)
    return Design(kind=kind, total=n, shares=shares, probs=probs, referrals=referrals)


def draw_table(design: Design, rng: np.random.Generator) -> CaptureTable:
    """Draw the capture table of one population of `design` (persons on no list dropped).

    Returns:
        A table with lists "L1".."LJ" whose source names the design's kind and N.
    """
    j = design.n_lists
    shares = np.asarray(design.shares) / sum(design.shares)
    klass = rng.choice(len(shares), size=design.total, p=shares)
    probs = np.asarray(design.probs)[klass]  # (persons, lists)
    seen = np.zeros((design.total, j), dtype=bool)
    for list_ in range(j):
        p = probs[:, list_].copy()
        for a, b, strength in design.referrals:
            if b == list_:
                on = seen[:, a]
                p[on] = _refer(p[on], strength)
        seen[:, list_] = rng.uniform(size=design.total) < p
    index = seen.astype(np.int64) @ (1 << np.arange(j - 1, -1, -1))
    cells = np.bincount(index, minlength=1 << j)
    cells[0] = 0  # the persons no list has seen are what is estimated
    return CaptureTable.from_cells(
        [f"L{i + 1}" for i in range(j)], cells, source=f"design {design.kind} N={design.total}"
    )


def _refer(p: np.ndarray, strength: float) -> np.ndarray:
    """Capture probability of persons on the referring list."""
    if strength >= 0:
        return 1 - (1 - p) * (1 - strength)
    return p * (1 + strength)
