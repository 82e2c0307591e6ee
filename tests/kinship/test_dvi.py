"""DVI on small synthetic cases: ranking, dropping impossible pairings, assignment."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from musterroll.kinship.dvi import DviLikelihoods, joint_table
from musterroll.kinship.dvi_io import read_dvi_input
from musterroll.kinship.matching import best_assignment


def test_dropping_impossible_pairings_loses_no_possible_assignment_nor_its_rank(
    dna_dir: Path,
) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/example1_input.json")
    lik = DviLikelihoods(case, panel)
    full = joint_table(lik)
    pruned = joint_table(lik, drop_impossible=True)
    possible = [a for a, ll in zip(full.assignments, full.loglik, strict=True)
                if math.isfinite(ll)]
    kept = [a for a, ll in zip(pruned.assignments, pruned.loglik, strict=True)
            if math.isfinite(ll)]
    assert kept == possible
    assert len(pruned.assignments) < len(full.assignments)


def test_ties_are_ranked_by_the_assignment_with_nobody_last(dna_dir: Path) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/example1_input.json")
    table = joint_table(DviLikelihoods(case, panel))
    for k in range(1, len(table.assignments)):
        a, b = table.loglik[k - 1], table.loglik[k]
        assert a >= b - 1e-7 or not math.isfinite(b)
        if math.isfinite(a) and abs(a - b) <= 1e-7:
            key = [[(m == "*", m) for m in table.assignments[j]] for j in (k - 1, k)]
            assert key[0] <= key[1]


def test_a_victim_no_family_wants_is_assigned_nobody() -> None:
    log10_lr = np.array([[5.0, -1.0], [4.0, 1.0], [-2.0, -3.0]])
    # V1 and V2 both like F1: the matching gives F1 to V1 (5 > 4) and F2 to V2 (1 > 0).
    assert best_assignment(log10_lr) == [0, 1, -1]
    assert best_assignment(np.array([[-np.inf, -1.0]])) == [-1]


def test_a_family_with_a_loop_takes_part_in_dvi_with_its_missing_person_lr() -> None:
    from musterroll.kinship import (
        DviCase,
        Family,
        Locus,
        Panel,
        Pedigree,
        Victim,
        family_lr_matrix,
        lr_matrix,
        missing_person_lr,
    )

    locus = Locus("L", ("1", "2", "3"), np.array([0.2, 0.5, 0.3]))
    ped = Pedigree.from_columns(["F", "M1", "M2", "S", "D", "C"], ["0", "0", "0", "F", "F", "S"],
                                ["0", "0", "0", "M1", "M2", "D"], [1, 2, 2, 1, 2, 1])
    fam = Family("F1", ped, ("C",), {"S": {"L": ("1", "2")}, "D": {"L": ("1", "3")}})
    victim = Victim("V1", 1, {"L": ("1", "1")})
    panel = Panel([locus])
    ours = lr_matrix(DviLikelihoods(DviCase((victim,), (fam,), {"V1": ("*", "C")}), panel))
    expected = missing_person_lr(ped, "C", fam.references, victim.profile, panel).total
    assert ours[0, 0] == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="loop"):
        family_lr_matrix([victim], [fam], panel)
