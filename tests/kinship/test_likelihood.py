"""Peeling agrees with closed forms, lumping changes nothing, untyped members are summed."""

from __future__ import annotations

import numpy as np
import pytest

from musterroll.kinship.likelihood import (
    PreparedMarker,
    marker_likelihood,
    peel,
    point_evidence,
    prepare_marker,
)
from musterroll.kinship.mutation import mutation_matrix
from musterroll.kinship.pedigree import Pedigree

P = np.array([0.1, 0.2, 0.3, 0.4])
EYE = np.eye(4)
TRIO = Pedigree.from_columns(["F", "M", "C"], ["0", "0", "F"], ["0", "0", "M"], [1, 2, 1])


def test_a_heterozygous_founder_has_hardy_weinberg_probability() -> None:
    ped = Pedigree.from_columns(["A"], ["0"], ["0"], [1])
    assert marker_likelihood(ped, P, EYE, EYE, [(0, 2)]) == pytest.approx(2 * 0.1 * 0.3)


def test_parent_and_child_share_one_allele_as_the_textbook_says() -> None:
    # Father 1/2, child 1/3, mother untyped: P = 2 p1 p2 * (1/2 * p3).
    lik = marker_likelihood(TRIO, P, EYE, EYE, [(0, 1), None, (0, 2)])
    assert lik == pytest.approx(2 * 0.1 * 0.2 * 0.5 * 0.3)


def test_a_child_impossible_without_mutation_is_possible_with_it() -> None:
    genotypes = [(0, 0), (0, 0), (1, 1)]
    assert marker_likelihood(TRIO, P, EYE, EYE, genotypes) == 0.0
    mut = mutation_matrix("equal", list("1234"), rate=0.01)
    expected = 0.1**2 * 0.1**2 * (0.01 / 3) ** 2
    assert marker_likelihood(TRIO, P, mut, mut, genotypes) == pytest.approx(expected)


def test_lumping_unseen_alleles_leaves_the_likelihood_unchanged() -> None:
    mut = mutation_matrix("proportional", list("1234"), afreq=P, rate=0.01)
    genotypes: list[tuple[int, int] | None] = [(0, 0), None, (0, 1)]
    lumped, lumped_genotypes = prepare_marker(P, mut, mut, genotypes)
    full, _ = prepare_marker(P, mut, mut, genotypes, lumpable=False)
    assert (lumped.n, full.n) == (3, 4)  # alleles 3 and 4 lumped into one

    def likelihood(marker: PreparedMarker, pairs: list[tuple[int, int] | None]) -> float:
        return peel(TRIO, marker, [None if g is None else point_evidence(marker.n, g)
                                   for g in pairs])

    assert likelihood(lumped, lumped_genotypes) == pytest.approx(
        likelihood(full, genotypes), rel=1e-14)


def test_an_untyped_pedigree_has_likelihood_one() -> None:
    mut = mutation_matrix("stepwise", list("1234"), rate=0.01, rate2=0, range_=0.1)
    assert marker_likelihood(TRIO, P, mut, mut, [None, None, None]) == pytest.approx(1.0)


def _homozygosity(ped: Pedigree, child: str, p: float) -> float:
    freqs = np.array([p, 1 - p])
    eye = np.eye(2)
    genotypes: list[tuple[int, int] | None] = [None] * ped.size
    genotypes[ped.index(child)] = (0, 0)
    return marker_likelihood(ped, freqs, eye, eye, genotypes)


def test_the_child_of_half_siblings_is_homozygous_as_inbreeding_one_eighth_says() -> None:
    ped = Pedigree.from_columns(
        ["F", "M1", "M2", "S", "D", "C"], ["0", "0", "0", "F", "F", "S"],
        ["0", "0", "0", "M1", "M2", "D"], [1, 2, 2, 1, 2, 1])
    f, p = 1 / 8, 0.3
    assert _homozygosity(ped, "C", p) == pytest.approx(p * p * (1 - f) + p * f, rel=1e-12)


def test_the_child_of_first_cousins_is_homozygous_as_inbreeding_one_sixteenth_says() -> None:
    ped = Pedigree.from_columns(
        ["GF", "GM", "A", "B", "SA", "SB", "X", "Y", "C"],
        ["0", "0", "GF", "GF", "0", "0", "A", "SB", "X"],
        ["0", "0", "GM", "GM", "0", "0", "SA", "B", "Y"],
        [1, 2, 1, 2, 2, 1, 1, 2, 1])
    f, p = 1 / 16, 0.2
    assert ped.has_loops
    assert _homozygosity(ped, "C", p) == pytest.approx(p * p * (1 - f) + p * f, rel=1e-12)


def _brute_force(ped: Pedigree, freqs: np.ndarray, male: np.ndarray, female: np.ndarray,
                 observed: dict[int, tuple[int, int]]) -> float:
    """Sum over every ordered genotype of every member (an independent check)."""
    import itertools

    n = len(freqs)
    total = 0.0
    for alleles in itertools.product(range(n), repeat=2 * ped.size):
        pat, mat = alleles[0::2], alleles[1::2]
        if any(sorted((pat[i], mat[i])) != sorted(g) for i, g in observed.items()):
            continue
        prob = 1.0
        for i in range(ped.size):
            if ped.is_founder(i):
                prob *= freqs[pat[i]] * freqs[mat[i]]
            else:
                fa, mo = ped.father[i], ped.mother[i]
                prob *= 0.5 * (male[pat[fa], pat[i]] + male[mat[fa], pat[i]])
                prob *= 0.5 * (female[pat[mo], mat[i]] + female[mat[mo], mat[i]])
        total += prob
    return total


def test_a_looped_pedigree_with_typed_members_and_mutation_equals_brute_force() -> None:
    ped = Pedigree.from_columns(
        ["F", "M1", "M2", "S", "D", "C"], ["0", "0", "0", "F", "F", "S"],
        ["0", "0", "0", "M1", "M2", "D"], [1, 2, 2, 1, 2, 1])
    freqs = np.array([0.2, 0.5, 0.3])
    male = mutation_matrix("equal", list("123"), rate=0.05)
    female = mutation_matrix("equal", list("123"), rate=0.01)
    observed = {0: (0, 1), 3: (0, 0), 5: (0, 2)}  # F, S (a breaker candidate) and C typed
    genotypes: list[tuple[int, int] | None] = [observed.get(i) for i in range(ped.size)]
    ours = marker_likelihood(ped, freqs, male, female, genotypes)
    assert ours == pytest.approx(_brute_force(ped, freqs, male, female, observed), rel=1e-12)
