"""`musterroll dna match` on synthetic remains and families written to files."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.kinship import Locus, MutationModel, Panel, Pedigree
from musterroll.kinship.genedrop import drop_genes
from musterroll.kinship.lr import missing_person_lr

PARENTS = Pedigree.from_columns(["R1", "R2", "MP"], ["0", "0", "R1"], ["0", "0", "R2"],
                                [1, 2, 1])


def _synthetic_loci(n_markers: int, rng: np.random.Generator) -> list[Locus]:
    loci = []
    for k in range(n_markers):
        freqs = rng.dirichlet(np.ones(8))
        loci.append(Locus(f"M{k}", tuple(str(a) for a in range(10, 18)), freqs / freqs.sum()))
    return loci


def _write_inputs(tmp_path: Path, n_families: int) -> tuple[list[Locus], dict]:
    rng = np.random.default_rng(3)
    loci = _synthetic_loci(15, rng)
    panel = Panel(loci)
    with (tmp_path / "freqs.txt").open("w") as fh:
        for locus in loci:
            fh.write(locus.name + "\n")
            fh.writelines(f"{a}\t{float(p)!r}\n" for a, p in zip(locus.alleles, locus.freqs,
                                                         strict=True))
    families, truth = {}, {}
    with (tmp_path / "remains.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sample", "sex", "marker", "genotype"])
        for j in range(n_families):
            profiles = drop_genes(PARENTS, panel, rng)
            families[f"F{j}"] = {
                "id": list(PARENTS.ids), "fid": ["0", "0", "R1"], "mid": ["0", "0", "R2"],
                "sex": [1, 2, 1], "missing": "MP",
                "genotypes": {locus.name: ["/".join(profiles[m][locus.name]) for m in
                                           ("R1", "R2")] + ["-/-"] for locus in loci},
            }
            if j % 2 == 0:  # half the families have their missing person among the remains
                truth[f"V{j}"] = f"F{j}"
                for locus in loci:
                    w.writerow([f"V{j}", 1, locus.name, "/".join(profiles["MP"][locus.name])])
    (tmp_path / "families.json").write_text(json.dumps(families))
    return loci, truth


def test_dna_match_proposes_the_true_missing_persons_and_no_other(tmp_path: Path) -> None:
    _, truth = _write_inputs(tmp_path, 20)
    result = CliRunner().invoke(app, [
        "dna", "match", "--remains", str(tmp_path / "remains.csv"),
        "--families", str(tmp_path / "families.json"), "--freqs", str(tmp_path / "freqs.txt"),
        "--out", str(tmp_path / "out"), "--mutation", "nomut"])
    assert result.exit_code == 0, result.output
    with (tmp_path / "out/proposals.csv").open() as fh:
        proposals = {r["sample"]: r["family"] for r in csv.DictReader(fh)}
    assert proposals == truth


def test_the_lr_matrix_equals_the_missing_person_lr_of_each_pair(tmp_path: Path) -> None:
    loci, _ = _write_inputs(tmp_path, 4)
    result = CliRunner().invoke(app, [
        "dna", "match", "--remains", str(tmp_path / "remains.csv"),
        "--families", str(tmp_path / "families.json"), "--freqs", str(tmp_path / "freqs.txt"),
        "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    families = json.loads((tmp_path / "families.json").read_text())
    remains: dict[str, dict] = {}
    with (tmp_path / "remains.csv").open() as fh:
        for r in csv.DictReader(fh):
            remains.setdefault(r["sample"], {})[r["marker"]] = tuple(r["genotype"].split("/"))
    models = {locus.name: MutationModel.build("stepwise", locus.alleles, rate=0.002,
                                              rate2=1e-6, range_=0.1) for locus in loci}
    panel = Panel(loci, models)
    with (tmp_path / "out/lr_matrix.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(remains) * len(families)
    for r in rows:
        fam = families[r["family"]]
        refs = {m: {name: tuple(col[i].split("/")) for name, col in fam["genotypes"].items()}
                for i, m in enumerate(fam["id"]) if m != "MP"}
        lr = missing_person_lr(PARENTS, "MP", refs, remains[r["sample"]], panel)
        assert math.isclose(float(r["log10LR"]), lr.log10_total, rel_tol=0, abs_tol=1e-9)


def test_a_typed_missing_person_is_refused_naming_the_family(tmp_path: Path) -> None:
    _write_inputs(tmp_path, 2)
    families = json.loads((tmp_path / "families.json").read_text())
    families["F1"]["genotypes"]["M0"][2] = "10/11"
    (tmp_path / "families.json").write_text(json.dumps(families))
    result = CliRunner().invoke(app, [
        "dna", "match", "--remains", str(tmp_path / "remains.csv"),
        "--families", str(tmp_path / "families.json"), "--freqs", str(tmp_path / "freqs.txt"),
        "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "family F1" in result.output and "MP is typed" in result.output
