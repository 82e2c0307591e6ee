"""Capture histories from the designs of the MSE literature, independent of the simulated war.

The simulated war (`musterroll.simulate`) tests the whole pipeline, but its lists share
one generator: an estimator tuned on it may cover the truth for that generator's reasons.
Here populations are drawn from published simulation designs (the published kinds,
`KINDS`), and, reported apart, from a harsher design of our own (`STRESS_KINDS`):

- **classes** (heterogeneity in latent classes): one of the five two- or three-class
  populations of 5 lists from the literature, `PUBLISHED_CLASSES`: Manrique-Vallier's
  (2016, Biometrics 72, sec. 4) simulation of the latent class model LCMCR fits (90% of
  the persons in a class seen with probability 0.033-0.132 on each list, 10% in a class
  seen with 0.66-0.99), and the four variants of it in HRDAG's StanLCMCR study (Human
  Rights Data Analysis Group, github.com/HRDAG/StanLCMCR, `import/hand/simulations.yaml`,
  2022): a larger or more visible hard class, three classes, and lists that see one class
  well and the other badly (negative dependence across classes). The published designs
  have N = 2,000; here N is drawn from 500 to 100,000 with the same class shares and
  probabilities.
- **referrals** (direct list dependence, a pairwise log-linear interaction; Fienberg
  1972, Bishop, Fienberg and Holland 1975 ch. 6): 3-6 homogeneous lists with capture
  probabilities 0.05-0.5, where being on one list changes the chance of being on another
  (a family's report makes an official entry likelier: a positive referral; a person on
  one list is less likely to be sought by another: a negative one). 1 or 2 pairs.
- **both**: a published class population with referrals between its lists.

The stress design (`STRESS_KINDS`, "hidden" and "hidden_referrals"; the first version of
this generator, kept as it was) adds to 3-6 lists of probability 0.05-0.5 a hidden class
(10-40% of the persons) whom *every* list sees 3 to 6 times less. Unlike the published
designs, where the well-seen class is seen on most lists, both classes here are seen
rarely, so the hidden persons are almost never on two lists and the overlaps carry next to
no information about them: it marks a limit of multiple systems estimation, not a design
of the literature, and its coverage is reported separately.

A `Design` is plain data (saved beside a run, loaded back unchanged); `random_design`
draws one, `draw_table` draws its capture table. Every draw takes its generator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from musterroll.counts.table import CaptureTable

__all__ = ["KINDS", "PUBLISHED_CLASSES", "STRESS_KINDS", "Design", "draw_table", "random_design"]

Kind = Literal["classes", "referrals", "both", "hidden", "hidden_referrals"]
KINDS: tuple[Kind, ...] = ("classes", "referrals", "both")
STRESS_KINDS: tuple[Kind, ...] = ("hidden", "hidden_referrals")

# (name, class shares, capture probability per class and list), N = 2,000 as published
PUBLISHED_CLASSES: tuple[tuple[str, tuple[float, ...], tuple[tuple[float, ...], ...]], ...] = (
    ("manrique-vallier-2016", (0.9, 0.1),
     ((0.033, 0.033, 0.099, 0.132, 0.033), (0.660, 0.825, 0.759, 0.990, 0.693))),
    ("hrdag-stanlcmcr-2", (0.8, 0.2),
     ((0.013, 0.013, 0.099, 0.132, 0.033), (0.560, 0.825, 0.759, 0.990, 0.593))),
    ("hrdag-stanlcmcr-3", (0.8, 0.2),
     ((0.113, 0.113, 0.199, 0.232, 0.133), (0.860, 0.925, 0.859, 0.990, 0.793))),
    ("hrdag-stanlcmcr-4", (0.8, 0.1, 0.1),
     ((0.1, 0.05, 0.15, 0.2, 0.1), (0.5, 0.4, 0.6, 0.4, 0.5), (0.8, 0.9, 0.6, 0.7, 0.7))),
    ("hrdag-stanlcmcr-5", (0.8, 0.2),
     ((0.113, 0.113, 0.199, 0.832, 0.733), (0.860, 0.925, 0.859, 0.190, 0.193))),
)


@dataclass(frozen=True)
class Design:
    """A population and how its lists capture it.

    Attributes:
        kind: "classes", "referrals", "both" (published designs), "hidden" or
            "hidden_referrals" (the stress design).
        total: N, the persons in the population (the truth an interval should cover).
        shares: weight of each latent class (one class: homogeneous).
        probs: capture probability per class (rows) and list (columns).
        referrals: (from list, to list, strength): a person on the first list is on the
            second with probability 1 - (1 - p)(1 - s) for s > 0 (referred there), or
            p (1 + s) for s < 0 (less likely); lists are visited in order, from < to.
        source: where the class design comes from ("" when drawn here).
    """

    kind: Kind
    total: int
    shares: tuple[float, ...]
    probs: tuple[tuple[float, ...], ...]
    referrals: tuple[tuple[int, int, float], ...] = field(default=())
    source: str = ""

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
    """Draw a design: its kind (one of KINDS unless given) and N, 500-100,000 persons
    (log-uniform) by default.

    "classes" and "both" take one of PUBLISHED_CLASSES, with its 5 lists (`lists` does not
    apply). "referrals" has `lists` (3-6) homogeneous lists of probability 0.05-0.5. Every
    kind but "classes" and "hidden" has 1 or 2 referral pairs, strength 0.2-0.5, one in
    three negative (-0.3 to -0.6). The stress kinds draw `lists` lists of probability
    0.05-0.5 and a hidden class (10-40% of persons) with every probability 3 to 6 times
    smaller.

    Args:
        rng: the generator of every draw.
        kind: the design's kind; None draws one of KINDS (never a stress kind).
        lists: smallest and largest J; total: smallest and largest N.
    Returns:
        The design.
    """
    kind = kind or KINDS[int(rng.integers(len(KINDS)))]
    source = ""
    if kind in ("classes", "both"):
        source, shares, probs = PUBLISHED_CLASSES[int(rng.integers(len(PUBLISHED_CLASSES)))]
        j = len(probs[0])
        n = int(np.exp(rng.uniform(np.log(total[0]), np.log(total[1]))))
    else:
        j = int(rng.integers(lists[0], lists[1] + 1))
        n = int(np.exp(rng.uniform(np.log(total[0]), np.log(total[1]))))
        base = rng.uniform(0.05, 0.5, size=j)
        if kind == "referrals":
            shares = (1.0,)
            probs = (tuple(float(p) for p in base),)
        else:
            hard = float(rng.uniform(0.1, 0.4))
            shrink = rng.uniform(3.0, 6.0, size=j)
            shares = (1.0 - hard, hard)
            probs = (tuple(float(p) for p in base), tuple(float(p) for p in base / shrink))
    referrals: tuple[tuple[int, int, float], ...] = ()
    if kind not in ("classes", "hidden"):
        pairs = []
        for _ in range(int(rng.integers(1, 3))):
            a, b = sorted(int(x) for x in rng.choice(j, size=2, replace=False))
            negative = rng.uniform() < 1 / 3
            strength = -rng.uniform(0.3, 0.6) if negative else rng.uniform(0.2, 0.5)
            pairs.append((a, b, float(strength)))
        referrals = tuple(pairs)
    return Design(kind=kind, total=n, shares=shares, probs=probs, referrals=referrals,
                  source=source)


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
