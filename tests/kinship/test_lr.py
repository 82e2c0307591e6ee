"""Likelihood ratios on small synthetic cases with closed forms, and the 0/0 case."""

from __future__ import annotations

import math

import numpy as np
import pytest

from musterroll.kinship import Locus, MutationModel, Panel, Pedigree
from musterroll.kinship.lr import missing_person_lr, pairwise_lr

LOCUS = Locus("L1", ("1", "2", "3", "4"), np.array([0.1, 0.2, 0.3, 0.4]))
PO = Pedigree.from_columns(["A", "MO", "B"], ["0", "0", "A"], ["0", "0", "MO"], [1, 2, 1])
FAMILY = Pedigree.from_columns(
    ["R1", "MO", "R2", "MP"], ["0", "0", "R1", "R1"], ["0", "0", "MO", "MO"], [1, 2, 1, 1]
)


def test_a_parent_and_child_sharing_allele_1_have_lr_one_over_four_p1() -> None:
    lr = pairwise_lr(PO, {"L1": ("1", "2")}, {"L1": ("1", "3")}, Panel([LOCUS]))
    assert lr.total == pytest.approx(1 / (4 * 0.1))


def test_a_mendelian_inconsistency_gives_lr_zero_without_mutation_and_positive_with() -> None:
    a, b = {"L1": ("1", "1")}, {"L1": ("2", "2")}
    assert pairwise_lr(PO, a, b, Panel([LOCUS])).log10_total == -math.inf
    model = MutationModel.build("equal", LOCUS.alleles, rate=0.01)
    assert pairwise_lr(PO, a, b, Panel([LOCUS], {"L1": model})).total > 0


def test_an_inconsistent_reference_family_is_reported_never_a_number() -> None:
    # Father R1 1/1 and his son R2 2/2: impossible without mutation whoever the POI is.
    refs = {"R1": {"L1": ("1", "1")}, "R2": {"L1": ("2", "2")}}
    lr = missing_person_lr(FAMILY, "MP", refs, {"L1": ("1", "2")}, Panel([LOCUS]))
    assert lr.inconsistent == ("L1",)
    assert math.isnan(lr.total) and math.isnan(lr.log10_total)
    model = MutationModel.build("equal", LOCUS.alleles, rate=0.01)
    with_mutation = missing_person_lr(FAMILY, "MP", refs, {"L1": ("1", "2")},
                                      Panel([LOCUS], {"L1": model}))
    assert not with_mutation.inconsistent and with_mutation.total > 0


def test_the_poi_as_the_missing_child_of_typed_parents_has_the_trio_lr() -> None:
    refs = {"R1": {"L1": ("1", "2")}, "MO": {"L1": ("3", "4")}}
    lr = missing_person_lr(FAMILY, "MP", refs, {"L1": ("1", "3")}, Panel([LOCUS]))
    # P(child 1/3 | parents 1/2 and 3/4) = 1/4, against 2 p1 p3 unrelated.
    assert lr.total == pytest.approx(0.25 / (2 * 0.1 * 0.3))


def test_a_father_transmits_through_the_male_matrix_and_a_mother_the_female() -> None:
    model = MutationModel.build("equal", LOCUS.alleles, rate=0.001, male_rate=0.004)
    panel = Panel([LOCUS], {"L1": model})
    a, b = {"L1": ("1", "1")}, {"L1": ("2", "2")}
    p2 = 0.2
    # B = 2/2 needs A's allele 1 mutated to 2 and a 2 from the untyped other parent, who
    # transmits through its own matrix: LR = m_A(1, 2) q_2 / p2^2, q = p M_other.
    father = pairwise_lr(PO, a, b, panel).total
    q2_mother = float(LOCUS.freqs @ model.female[:, 1])
    assert father == pytest.approx(model.male[0, 1] * q2_mother / p2**2, rel=1e-12)
    mother_ped = Pedigree.from_columns(["FA", "A", "B"], ["0", "0", "FA"], ["0", "0", "A"],
                                       [1, 2, 1])
    mother = pairwise_lr(mother_ped, a, b, panel).total
    q2_father = float(LOCUS.freqs @ model.male[:, 1])
    assert mother == pytest.approx(model.female[0, 1] * q2_father / p2**2, rel=1e-12)
