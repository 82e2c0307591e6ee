"""One missing person per family: the fast LR matrix and the exact best assignment."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from musterroll.kinship.dvi_io import read_dvi_input
from musterroll.kinship.matching import (
    best_assignment,
    family_lr_matrix,
    propose_identifications,
    top_assignments,
)
from musterroll.kinship.pedigree import singleton


def _reference(dna_dir: Path, name: str) -> dict:
    return json.loads((dna_dir / f"dvi/{name}_output.json").read_text())


def test_planecrash_lr_matrix_by_genotype_distributions_equals_dvirs(dna_dir: Path) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/planecrash_input.json")
    ours = family_lr_matrix(case.victims, case.families, panel)
    ref = np.array(_reference(dna_dir, "planecrash")["LRmatrix"]["values"], dtype=float)
    np.testing.assert_array_equal(ref == 0, np.isneginf(ours))
    pos = ref > 0
    assert np.max(np.abs(ours[pos] - np.log10(ref[pos]))) < 1e-9


def test_planecrash_hungarian_assignment_is_dvirs_best_joint_assignment(
    dna_dir: Path,
) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/planecrash_input.json")
    choice = best_assignment(family_lr_matrix(case.victims, case.families, panel))
    ours = {v.id: "*" if j < 0 else case.families[j].missing[0]
            for v, j in zip(case.victims, choice, strict=True)}
    best = _reference(dna_dir, "planecrash")["dviJoint"][0]
    assert ours == {v.id: best[v.id] for v in case.victims}


def test_proposals_are_the_undisputed_pairs_above_the_threshold(dna_dir: Path) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/planecrash_input.json")
    lr = family_lr_matrix(case.victims, case.families, panel)
    proposals = propose_identifications(case.victims, case.families, lr, threshold=1e4)
    undisputed = {(r["Sample"], r["Missing"]) for r in _reference(dna_dir, "planecrash")
                  ["dviSolve_PM"] if r["Conclusion"] == "Undisputed"}
    assert {(p.victim, p.missing) for p in proposals} == undisputed
    assert all(p.competitors == 0 and 0.99 < p.posterior <= 1 for p in proposals)


def test_the_200_best_assignments_by_murty_are_dvirs_joint_table(dna_dir: Path) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/planecrash_input.json")
    lr = family_lr_matrix(case.victims, case.families, panel)
    top = top_assignments(lr, 200)
    ref = _reference(dna_dir, "planecrash")["dviJoint"]
    best = top[0][0]
    # dvir's LR column is the best assignment's likelihood over this one's.
    for (score, _), row in zip(top, ref, strict=True):
        assert 10 ** (best - score) == pytest.approx(row["LR"], rel=1e-6)
    names = [m for f in case.families for m in f.missing]
    ours = {tuple("*" if j < 0 else names[j] for j in choice) for _, choice in top[:150]}
    theirs = {tuple(row[v.id] for v in case.victims) for row in ref[:150]}
    assert ours == theirs


def test_with_dropout_the_matrix_equals_the_peeled_family_with_the_dropout_model(
    dna_dir: Path,
) -> None:
    case, panel, _, _ = read_dvi_input(dna_dir / "dvi/planecrash_input.json")
    victims, families = case.victims[:3], case.families[:2]
    rates = {victims[0].id: 0.3, victims[2].id: 0.1}
    ours = family_lr_matrix(victims, families, panel, dropout=rates, dropin=0.02)
    for i, v in enumerate(victims):
        for j, fam in enumerate(families):
            m = fam.missing[0]
            d, c = {m: rates.get(v.id, 0.0)}, {m: 0.02}  # the references are clean
            num = panel.likelihoods(fam.pedigree, {**fam.references, m: v.profile},
                                    dropout=d, dropin=c)
            den = (panel.likelihoods(fam.pedigree, fam.references)
                   * panel.likelihoods(singleton(m), {m: v.profile}, dropout=d, dropin=c))
            assert ours[i, j] == pytest.approx(float(np.sum(np.log10(num / den))), abs=1e-9)
    # With neither, the matrix is the plain one to the last bit.
    zero = family_lr_matrix(victims, families, panel, dropout={v.id: 0.0 for v in victims})
    np.testing.assert_array_equal(zero, family_lr_matrix(victims, families, panel))
