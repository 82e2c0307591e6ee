"""Simulated war DNA (simulate.dna): identifications by LR agree with the truth.

Issue 16's demo goal: at least 99% of the remains with typed relatives identified, no false
identification at the default threshold (LR 1e4). Synthetic frequencies, 22 markers.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.kinship import Locus, MutationModel, Panel
from musterroll.kinship.matching import family_lr_matrix, propose_per_sample
from musterroll.simulate.dna import simulate_dna, write_dna


def _panel(rng: np.random.Generator) -> Panel:
    loci = []
    for k in range(22):
        freqs = rng.dirichlet(np.full(10, 2.0))
        loci.append(Locus(f"S{k}", tuple(str(a) for a in range(8, 18)), freqs / freqs.sum()))
    models = {locus.name: MutationModel.build("stepwise", locus.alleles, rate=0.002,
                                              rate2=1e-6, range_=0.1) for locus in loci}
    return Panel(loci, models)


def _simulate(seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    panel = _panel(rng)
    n_people = 400
    sex = rng.integers(1, 3, size=n_people)
    bag_person = rng.choice(np.arange(250), size=300)  # some persons in several bags
    waiting = np.arange(250, 400)
    return panel, simulate_dna(bag_person, sex, waiting, panel, rng)


def test_identifications_agree_with_the_truth_and_none_is_false() -> None:
    panel, sim = _simulate(7)
    lr = family_lr_matrix(sim.remains, sim.families, panel, dropout=sim.dropout)
    proposals = propose_per_sample(sim.remains, sim.families, lr, threshold=1e4)
    truth = {s: sim.person_family.get(p) for s, p in sim.sample_person.items()}
    with_relatives = [s for s, f in truth.items() if f is not None]
    right = [p for p in proposals if truth[p.victim] == p.family]
    wrong = [p for p in proposals if truth[p.victim] != p.family]
    assert not wrong
    assert len(right) >= 0.99 * len(with_relatives)
    assert any(rate > 0 for rate in sim.dropout.values())  # degraded samples took part


def test_the_files_feed_dna_match(tmp_path: Path) -> None:
    panel, sim = _simulate(8)
    write_dna(tmp_path / "dna", sim)
    with (tmp_path / "freqs.txt").open("w") as fh:
        for locus in panel.loci:
            fh.write(locus.name + "\n")
            fh.writelines(f"{a}\t{float(p)!r}\n" for a, p in zip(locus.alleles, locus.freqs,
                                                                 strict=True))
    result = CliRunner().invoke(app, [
        "dna", "match", "--remains", str(tmp_path / "dna/remains.csv"),
        "--families", str(tmp_path / "dna/families.json"),
        "--freqs", str(tmp_path / "freqs.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    with (tmp_path / "dna/truth.csv").open() as fh:
        truth = {r["sample"]: r["family"] for r in csv.DictReader(fh)}
    with (tmp_path / "out/proposals.csv").open() as fh:
        proposals = list(csv.DictReader(fh))
    # One-to-one proposals (dvir's model): never a wrong family.
    assert proposals and all(truth[p["sample"]] == p["family"] for p in proposals)
