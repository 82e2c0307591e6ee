"""Simulate genotypes through a pedigree (gene dropping), with mutation.

Founders draw alleles from the population frequencies; each child receives one allele from
each parent, passed through the parent's mutation matrix (fathers the male one). Used by
tests and benchmarks to make synthetic families; every draw comes from the given
generator, so a seed reproduces the profiles.
"""

from __future__ import annotations

import numpy as np

from musterroll.kinship.alleles import Genotype
from musterroll.kinship.panel import Panel
from musterroll.kinship.pedigree import Pedigree

__all__ = ["drop_genes"]


def drop_genes(
    ped: Pedigree, panel: Panel, rng: np.random.Generator
) -> dict[str, dict[str, Genotype]]:
    """One simulated profile per member: {member: {marker: (allele, allele)}}."""
    order = _parents_first(ped)
    profiles: dict[str, dict[str, Genotype]] = {member: {} for member in ped.ids}
    for k, locus in enumerate(panel.loci):
        male, female = panel.matrices(k)
        alleles: dict[int, tuple[int, int]] = {}
        for i in order:
            if ped.is_founder(i):
                pair = tuple(int(x) for x in rng.choice(locus.size, size=2, p=locus.freqs))
            else:
                pair = (_transmit(alleles[ped.father[i]], male, rng),
                        _transmit(alleles[ped.mother[i]], female, rng))
            alleles[i] = (pair[0], pair[1])
            profiles[ped.ids[i]][locus.name] = (locus.alleles[pair[0]], locus.alleles[pair[1]])
    return profiles


def _transmit(parent: tuple[int, int], matrix: np.ndarray, rng: np.random.Generator) -> int:
    allele = parent[int(rng.integers(2))]
    return int(rng.choice(matrix.shape[0], p=matrix[allele]))


def _parents_first(ped: Pedigree) -> list[int]:
    done: set[int] = set()
    order: list[int] = []
    while len(order) < ped.size:
        for i in range(ped.size):
            if i not in done and (ped.is_founder(i) or
                                  (ped.father[i] in done and ped.mother[i] in done)):
                done.add(i)
                order.append(i)
    return order
