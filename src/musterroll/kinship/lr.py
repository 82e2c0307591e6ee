"""Likelihood ratios: a hypothesis pedigree against another, per marker and in total.

Markers are independent, so a total LR is the product of the per-marker LRs. Two results
are not numbers and are kept apart from them:

- LR = 0: the data are impossible under the hypothesis (a Mendelian inconsistency without
  mutation); log10 LR = -inf.
- undefined (0/0): the data are impossible under the alternative too. For a missing person
  this happens when the reference family is itself inconsistent without mutation: a
  mutation happened among the relatives, and the answer is "use a mutation model", never a
  number. `LikelihoodRatio.inconsistent` names the markers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from musterroll.kinship.alleles import Genotype
from musterroll.kinship.panel import Panel, Profiles
from musterroll.kinship.pedigree import Pedigree, singleton

__all__ = [
    "LikelihoodRatio",
    "kinship_lr",
    "pairwise_lr",
    "missing_person_lr",
]

@dataclass(frozen=True)
class LikelihoodRatio:
    """Per-marker LRs (nan where 0/0), their total, and the 0/0 markers."""

    markers: tuple[str, ...]
    per_marker: tuple[float, ...]
    inconsistent: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        """Product of the per-marker LRs; nan when any marker is 0/0."""
        if self.inconsistent:
            return math.nan
        return math.prod(self.per_marker)

    @property
    def log10_total(self) -> float:
        """log10 of the total, summed per marker (no overflow); -inf for 0, nan for 0/0."""
        if self.inconsistent:
            return math.nan
        if any(v == 0 for v in self.per_marker):
            return -math.inf
        return float(sum(math.log10(v) for v in self.per_marker))


def kinship_lr(
    hypothesis: Pedigree,
    alternative: Pedigree,
    profiles: Profiles,
    panel: Panel,
) -> LikelihoodRatio:
    """LR of `hypothesis` against `alternative` for the same typed members, per marker."""
    return _ratio(panel, panel.likelihoods(hypothesis, profiles),
                  panel.likelihoods(alternative, profiles))


def _ratio(panel: Panel, num: np.ndarray, den: np.ndarray) -> LikelihoodRatio:
    names = panel.names
    zero = den == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        lr = np.where(zero, np.nan, num / np.where(zero, 1.0, den))
    return LikelihoodRatio(
        markers=names,
        per_marker=tuple(float(v) for v in lr),
        inconsistent=tuple(n for n, z in zip(names, zero, strict=True) if z),
    )


def pairwise_lr(
    hypothesis: Pedigree,
    profile_a: Mapping[str, Genotype],
    profile_b: Mapping[str, Genotype],
    panel: Panel,
    *,
    ids: tuple[str, str] = ("A", "B"),
) -> LikelihoodRatio:
    """LR that A and B are related as in `hypothesis` (members `ids`) against unrelated."""
    profiles = {ids[0]: profile_a, ids[1]: profile_b}
    num = panel.likelihoods(hypothesis, profiles)
    den = (panel.likelihoods(singleton(ids[0]), {ids[0]: profile_a})
           * panel.likelihoods(singleton(ids[1]), {ids[1]: profile_b}))
    return _ratio(panel, num, den)


def missing_person_lr(
    family: Pedigree,
    missing: str,
    references: Profiles,
    person_of_interest: Mapping[str, Genotype],
    panel: Panel,
) -> LikelihoodRatio:
    """LR that the person of interest is `missing` in `family`, against unrelated.

    L(family with the POI's genotypes on `missing`) / (L(family) x P(POI's genotypes)).
    Markers where L(family) is 0 (the references alone are inconsistent) are reported in
    `inconsistent`, never as a number.
    """
    family.index(missing)
    if missing in references:
        raise ValueError(f"the missing person {missing!r} has reference genotypes; "
                         "give the person of interest's genotypes separately")
    with_poi = {**references, missing: person_of_interest}
    num = panel.likelihoods(family, with_poi)
    den = (panel.likelihoods(family, references)
           * panel.likelihoods(singleton(missing), {missing: person_of_interest}))
    return _ratio(panel, num, den)
