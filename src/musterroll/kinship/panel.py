"""A panel: the markers typed, their frequencies and mutation models, ready for peeling.

The panel caches per marker what does not depend on the pedigree (transmission matrices of
the full allele set, whether the mutation matrices lump), so that thousands of pedigree
likelihoods on one panel pay for them once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from musterroll.kinship.alleles import Genotype, Locus
from musterroll.kinship.dropout import dropout_evidence
from musterroll.kinship.likelihood import (
    AllelePair,
    PreparedMarker,
    peel,
    point_evidence,
    prepare_marker,
)
from musterroll.kinship.mutation import MutationModel, is_always_lumpable
from musterroll.kinship.pedigree import Pedigree

__all__ = ["Panel", "Profiles"]

Profiles = Mapping[str, Mapping[str, Genotype]]
"""Genotypes by member id, then by marker name (absent or None = untyped)."""


class Panel:
    """Loci (in order) with optional mutation models by marker name (none = no mutation)."""

    def __init__(
        self, loci: Sequence[Locus], models: Mapping[str, MutationModel] | None = None
    ) -> None:
        self.loci = tuple(loci)
        self.models = dict(models or {})
        self._male: list[NDArray[np.float64]] = []
        self._female: list[NDArray[np.float64]] = []
        self._lumpable: list[bool] = []
        self._full: list[PreparedMarker | None] = [None] * len(self.loci)
        for locus in self.loci:
            model = self.models.get(locus.name)
            male = np.eye(locus.size) if model is None else model.male
            female = np.eye(locus.size) if model is None else model.female
            self._male.append(male)
            self._female.append(female)
            self._lumpable.append(is_always_lumpable(male) and is_always_lumpable(female))

    @property
    def names(self) -> tuple[str, ...]:
        """Marker names in panel order."""
        return tuple(locus.name for locus in self.loci)

    def allele_pairs(self, k: int, genotypes: Sequence[Genotype]) -> list[AllelePair]:
        """Allele indices of genotypes at marker k (FrequencyError for unknown alleles)."""
        locus = self.loci[k]
        return [None if g is None else (locus.allele_index(g[0]), locus.allele_index(g[1]))
                for g in genotypes]

    def matrices(self, k: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Male and female mutation matrices of marker k (identity without a model)."""
        return self._male[k], self._female[k]

    def full_marker(self, k: int) -> PreparedMarker:
        """Marker k over its whole allele set (no lumping), cached."""
        full = self._full[k]
        if full is None:
            locus = self.loci[k]
            full = self._full[k] = PreparedMarker(locus.freqs, self._male[k], self._female[k])
        return full

    def prepared(self, k: int, pairs: Sequence[AllelePair]) -> tuple[PreparedMarker,
                                                                       list[AllelePair]]:
        """Marker k prepared for these genotypes (lumped when exact)."""
        locus = self.loci[k]
        return prepare_marker(locus.freqs, self._male[k], self._female[k], pairs,
                              lumpable=self._lumpable[k], full=self.full_marker(k))

    def marker_likelihood(
        self,
        ped: Pedigree,
        k: int,
        genotypes: Sequence[Genotype],
        *,
        dropout: Sequence[float] | None = None,
        dropin: Sequence[float] | None = None,
    ) -> float:
        """Likelihood at marker k of genotypes given per pedigree member (None = untyped).

        `dropout[i]` and `dropin[i]` are member i's per-allele dropout and drop-in
        probabilities (`dropout.py`); with none (or zeros) the plain model is used.
        """
        marker, pairs = self.prepared(k, self.allele_pairs(k, genotypes))
        evidence: list[NDArray[np.float64] | None] = []
        for i, g in enumerate(pairs):
            d = 0.0 if dropout is None else dropout[i]
            c = 0.0 if dropin is None else dropin[i]
            if g is None:
                evidence.append(None)
            elif d > 0 or c > 0:
                evidence.append(dropout_evidence(marker.freqs, g, dropout=d, dropin=c))
            else:
                evidence.append(point_evidence(marker.n, g))
        return peel(ped, marker, evidence)

    def likelihoods(
        self,
        ped: Pedigree,
        profiles: Profiles,
        *,
        dropout: Mapping[str, float] | None = None,
        dropin: Mapping[str, float] | float = 0.0,
    ) -> NDArray[np.float64]:
        """Likelihood of the typed members' genotypes at each marker of the panel.

        `dropout` gives per-member dropout probabilities (degraded remains) and `dropin`
        per-member drop-in probabilities, or one for every typed member; both default to
        none. Members of `profiles` not in the pedigree raise PedigreeError; markers a
        member lacks count as untyped.
        """
        for member in profiles:
            ped.index(member)
        rates = None if not dropout else [dropout.get(member, 0.0) for member in ped.ids]
        dropins = (None if not dropin else [dropin] * ped.size if isinstance(dropin, float)
                   else [dropin.get(member, 0.0) for member in ped.ids])
        out = np.empty(len(self.loci))
        for k, locus in enumerate(self.loci):
            genotypes = [profiles.get(member, {}).get(locus.name) for member in ped.ids]
            out[k] = self.marker_likelihood(ped, k, genotypes, dropout=rates, dropin=dropins)
        return out
