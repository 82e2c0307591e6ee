"""The second generator of capture histories draws the designs it says it draws."""

from __future__ import annotations

import numpy as np

from musterroll.estimate import chapman
from musterroll.estimate.designs import (
    PUBLISHED_CLASSES,
    STRESS_KINDS,
    Design,
    draw_table,
    random_design,
)


def test_random_designs_stay_in_their_ranges():
    rng = np.random.default_rng(1)
    designs = [random_design(rng) for _ in range(300)]
    assert {d.kind for d in designs} == {"classes", "referrals", "both"}  # no stress design
    assert {d.n_lists for d in designs if d.kind == "referrals"} == {3, 4, 5, 6}
    assert all(500 <= d.total <= 100_000 for d in designs)
    assert all(d.referrals for d in designs if d.kind != "classes")
    assert not any(d.referrals for d in designs if d.kind == "classes")
    published = {name: (shares, probs) for name, shares, probs in PUBLISHED_CLASSES}
    classes = [d for d in designs if d.kind != "referrals"]
    assert {d.source for d in classes} == set(published)
    assert all((d.shares, d.probs) == published[d.source] for d in classes)
    assert all(d.n_lists == 5 for d in classes)


def test_the_published_classes_are_manrique_vallier_and_hrdags():
    name, shares, probs = PUBLISHED_CLASSES[0]
    assert name == "manrique-vallier-2016" and shares == (0.9, 0.1)
    assert probs[0] == (0.033, 0.033, 0.099, 0.132, 0.033)
    assert all(abs(sum(s) - 1) < 1e-12 for _, s, _ in PUBLISHED_CLASSES)
    assert all(len(p) == len(s) for _, s, p in PUBLISHED_CLASSES)


def test_the_stress_design_is_drawn_only_when_asked():
    rng = np.random.default_rng(2)
    for kind in STRESS_KINDS:
        design = random_design(rng, kind=kind)
        assert design.kind == kind and design.source == ""
        hard, easy = design.probs[1], design.probs[0]
        # every list sees the hidden class 3 to 6 times less
        assert all(3 <= e / h <= 6 for e, h in zip(easy, hard, strict=True))
        assert bool(design.referrals) == (kind == "hidden_referrals")


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
