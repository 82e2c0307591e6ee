"""Dropout and drop-in: the plain model when both are zero, closed forms otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from musterroll.kinship import Locus, MutationModel, Panel, Pedigree
from musterroll.kinship.dropout import dropout_evidence
from musterroll.kinship.likelihood import point_evidence

P = np.array([0.1, 0.2, 0.3, 0.4])
LOCUS = Locus("L1", ("1", "2", "3", "4"), P)
PO = Pedigree.from_columns(["A", "MO", "B"], ["0", "0", "A"], ["0", "0", "MO"], [1, 2, 1])


def test_with_both_rates_zero_the_evidence_is_the_plain_models() -> None:
    for seen in [(0, 0), (0, 2), (3, 3)]:
        np.testing.assert_array_equal(dropout_evidence(P, seen, dropout=0, dropin=0),
                                      point_evidence(4, seen))


def test_with_both_rates_zero_likelihoods_are_identical_on_a_pedigree() -> None:
    model = MutationModel.build("stepwise", LOCUS.alleles, rate=0.01, rate2=0, range_=0.1)
    panel = Panel([LOCUS], {"L1": model})
    profiles = {"A": {"L1": ("1", "2")}, "B": {"L1": ("3", "4")}}
    plain = panel.likelihoods(PO, profiles)
    zero = panel.likelihoods(PO, profiles, dropout={"B": 0.0}, dropin=0.0)
    assert zero.tolist() == plain.tolist()


def test_a_child_showing_one_allele_of_its_fathers_has_the_dropout_closed_form() -> None:
    d, (pa, pb) = 0.2, (0.1, 0.2)
    panel = Panel([LOCUS])
    lik = panel.likelihoods(PO, {"A": {"L1": ("1", "2")}, "B": {"L1": ("1", "1")}},
                            dropout={"B": d})[0]
    # Child a/a (1/2 p_a) keeps a unless both copies drop (1 - d^2); child a/x, x not a
    # (1/2 (1 - p_a)) and b/a (1/2 p_a) show only a when the other allele drops: d(1 - d).
    child = 0.5 * pa * (1 - d * d) + 0.5 * (1 - pa) * d * (1 - d) + 0.5 * pa * d * (1 - d)
    assert lik == pytest.approx(2 * pa * pb * child, rel=1e-12)


def test_a_child_showing_a_foreign_allele_has_the_dropin_closed_form() -> None:
    c, (pa, pb, py) = 0.05, (0.1, 0.2, 0.4)
    panel = Panel([LOCUS])
    lik = panel.likelihoods(PO, {"A": {"L1": ("1", "2")}, "B": {"L1": ("1", "4")}},
                            dropin=c)[0]
    # The father, typed too, is a/b seen as is, or a/a with b dropped in, or b/b with a
    # dropped in (then the child carries b, never lost: impossible).
    father_ab = 2 * pa * pb * ((1 - c) + c * (pa + pb))
    father_aa = pa * pa * c * pb
    # Child a/y (maternal y) is seen as is; child a/a (maternal a) needs y dropped in.
    from_a = py * ((1 - c) + c * (pa + py)) + pa * c * py
    assert lik == pytest.approx(father_ab * 0.5 * from_a + father_aa * from_a, rel=1e-12)


def test_rates_outside_zero_one_are_refused() -> None:
    with pytest.raises(ValueError, match="dropout"):
        dropout_evidence(P, (0, 1), dropout=1.5, dropin=0)
