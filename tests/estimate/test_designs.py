"""The second generator of capture histories draws the designs it says it draws."""

from __future__ import annotations

import numpy as np

from musterroll.estimate import chapman
from musterroll.estimate.designs import Design, draw_table, random_design


def test_random_designs_stay_in_their_ranges():
    rng = np.random.default_rng(1)
    designs = [random_design(rng) for _ in range(300)]
    assert {d.kind for d in designs} == {"classes", "referrals", "both"}
    assert {d.n_lists for d in designs} == {3, 4, 5, 6}
    assert all(500 <= d.total <= 100_000 for d in designs)
    assert all(d.referrals for d in designs if d.kind != "classes")
    assert all(len(d.shares) == 2 for d in designs if d.kind != "referrals")


def test_independent_homogeneous_lists_give_chapman_the_truth():
    design = Design(kind="referrals", total=50_000, shares=(1.0,), probs=((0.3, 0.2),))
    table = draw_table(design, np.random.default_rng(2))
    result = chapman(table)
    assert result.lower <= 50_000 <= result.upper
    assert table.observed < 50_000


def test_a_referral_makes_the_second_list_overlap_the_first_more():
    plain = Design(kind="referrals", total=20_000, shares=(1.0,), probs=((0.3, 0.2),))
    referred = Design(kind="referrals", total=20_000, shares=(1.0,), probs=((0.3, 0.2),),
                      referrals=((0, 1, 0.5),))
    overlap = [draw_table(d, np.random.default_rng(3)).cells()[3] for d in (plain, referred)]
    # on list 1, a person is on list 2 with 1 - 0.8 x 0.5 = 0.6 instead of 0.2
    assert 2.7 < overlap[1] / overlap[0] < 3.3


def test_a_hard_to_see_class_makes_chapman_fall_short():
    # heterogeneity common to both lists: the hard-to-see are missed by both, and an
    # estimate that assumes everyone equally catchable lies below the truth
    design = Design(kind="classes", total=50_000, shares=(0.6, 0.4),
                    probs=((0.4, 0.4), (0.05, 0.05)))
    result = chapman(draw_table(design, np.random.default_rng(4)))
    assert result.upper < 50_000
