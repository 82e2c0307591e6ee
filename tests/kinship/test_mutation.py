"""Mutation matrices equal R pedmut's, and lumping is exact where allowed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from musterroll.kinship.mutation import (
    MutationError,
    MutationModel,
    is_always_lumpable,
    lump_matrix,
    mutation_matrix,
)


def test_stepwise_matrices_equal_pedmuts_for_every_marker_of_the_panel(dna_dir: Path) -> None:
    ref = json.loads((dna_dir / "mutation/stepwise_matrices.json").read_text())
    p = ref["params"]
    assert len(ref["markers"]) == 22
    for marker in ref["markers"]:
        ours = mutation_matrix("stepwise", marker["alleles"], rate=p["rate"],
                               rate2=p["rate2"], range_=p["range"])
        np.testing.assert_allclose(ours, np.array(marker["matrix"]), rtol=0, atol=1e-12)


def test_sex_specific_proportional_matrices_equal_dvirs_planecrash(dna_dir: Path) -> None:
    data = json.loads((dna_dir / "dvi/planecrash_input.json").read_text())
    for locus in data["loci"]:
        for sex in ("female", "male"):
            spec = locus["mutmod"][sex]
            ours = mutation_matrix(spec["model"], locus["alleles"], afreq=locus["afreq"],
                                   rate=spec["rate"], rate2=spec["rate2"],
                                   range_=spec["range"])
            np.testing.assert_allclose(ours, np.array(spec["matrix"]), rtol=0, atol=1e-12)


def test_a_microvariant_mutates_to_integer_alleles_at_rate2_only() -> None:
    alleles = ["14", "15", "15.3", "16"]
    m = mutation_matrix("stepwise", alleles, rate=0.01, rate2=0.001, range_=0.5)
    assert m[2, 2] == pytest.approx(1 - 0.001)
    assert m[2, [0, 1, 3]] == pytest.approx([0.001 / 3] * 3)
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    assert m[0, 1] / m[0, 3] == pytest.approx(2.0)  # one step twice as likely as two


def test_stepwise_refuses_alleles_that_are_not_numbers() -> None:
    with pytest.raises(MutationError, match="numeric"):
        mutation_matrix("stepwise", ["A", "B"], rate=0.01)


def test_equal_and_proportional_lump_exactly_and_stepwise_does_not() -> None:
    freqs = np.array([0.1, 0.2, 0.3, 0.4])
    equal = mutation_matrix("equal", list("1234"), rate=0.01)
    prop = mutation_matrix("proportional", list("1234"), afreq=freqs, rate=0.01)
    step = mutation_matrix("stepwise", list("1234"), rate=0.01, rate2=0, range_=0.1)
    assert is_always_lumpable(equal) and is_always_lumpable(prop)
    assert not is_always_lumpable(step)
    lumped = lump_matrix(prop, [0])
    assert lumped is not None
    np.testing.assert_allclose(lumped.sum(axis=1), 1.0)
    assert lumped[0, 1] == pytest.approx(prop[0, 1:].sum())
    assert lump_matrix(step, [0]) is None


def test_a_sex_specific_model_gives_fathers_their_own_rate() -> None:
    model = MutationModel.build("equal", list("123"), rate=0.001, male_rate=0.004)
    assert model.female[0, 0] == pytest.approx(0.999)
    assert model.male[0, 0] == pytest.approx(0.996)
