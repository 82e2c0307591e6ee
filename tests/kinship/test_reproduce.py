"""`musterroll dna reproduce` recomputes R's reference answers from the inputs alone.

The inputs of shared/data/dna are copied without the answers into a temporary folder; the
command writes the answers; every figure is compared with R's: log10 LRs to 1e-9 (the
reference frequencies are rounded to 10 decimals, which alone moves log10 LRs by up to
5e-10), LR = 0 exactly where R has it, NA exactly where R has it.
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from musterroll.cli import app

TOL = 1e-9
INPUTS = ["freqs", "mutation", "pairs/pedigrees.json", "pairs/genotypes.csv", "mp/cases.json",
          "dvi/example1_input.json", "dvi/example2_input.json", "dvi/planecrash_input.json",
          "dvi/icmp_input.json"]


@pytest.fixture(scope="module")
def answers(dna_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the command once on a copy of the inputs; return the output folder."""
    work = tmp_path_factory.mktemp("dna")
    for name in INPUTS:
        src, dst = dna_dir / name, work / "in" / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copyfile(src, dst)
    result = CliRunner().invoke(app, ["dna", "reproduce", str(work / "in"), str(work / "out")])
    assert result.exit_code == 0, result.output
    return work / "out"


def _rows(path: Path, key: list[str]) -> dict[tuple[str, ...], dict[str, str]]:
    with path.open(newline="") as fh:
        return {tuple(r[k] for k in key): r for r in csv.DictReader(fh)}


def _log10(text: str) -> float:
    return math.log10(float(text)) if float(text) > 0 else -math.inf


def _compare(ref: dict, ours: dict, field: str, *, log: bool) -> tuple[int, float]:
    """Count and largest log10 difference; asserts zeros and NAs match exactly."""
    worst = 0.0
    for key, row in ref.items():
        assert key in ours, f"no answer for {key}"
        want, got = row[field], ours[key][field]
        if want in ("NA", "-Inf", "Inf") or got in ("NA", "-Inf", "Inf") or float(want) == 0:
            assert got == want or float(got) == float(want), f"{key}: {got} != {want}"
            continue
        a, b = (float(want), float(got)) if log else (_log10(want), _log10(got))
        worst = max(worst, abs(a - b))
    return len(ref), worst


def test_every_pairwise_total_log10_lr_agrees_with_forrel(dna_dir: Path, answers: Path) -> None:
    key = ["pair_id", "variant", "hyp"]
    n, worst = _compare(_rows(dna_dir / "pairs/lr_total.csv", key),
                        _rows(answers / "pairs/lr_total.csv", key), "log10LR", log=True)
    assert n == 1000 and worst < TOL


def test_every_pairwise_per_marker_lr_agrees_with_forrel(dna_dir: Path, answers: Path) -> None:
    key = ["pair_id", "variant", "marker", "hyp"]
    n, worst = _compare(_rows(dna_dir / "pairs/lr_per_marker.csv", key),
                        _rows(answers / "pairs/lr_per_marker.csv", key), "LR", log=False)
    assert n == 22000 and worst < TOL


def test_inconsistent_pairs_without_mutation_have_lr_zero_as_in_r(
    dna_dir: Path, answers: Path
) -> None:
    ours = _rows(answers / "pairs/lr_total.csv", ["pair_id", "variant", "hyp"])
    zero = [k for k, r in ours.items() if r["log10LR"] == "-Inf"]
    assert zero and all(k[1] == "nomut" for k in zero)
    assert all(ours[(k[0], "stepwise", k[2])]["log10LR"] != "-Inf" for k in zero)


def test_every_missing_person_lr_agrees_with_forrel(dna_dir: Path, answers: Path) -> None:
    key = ["case_id", "variant"]
    n, worst = _compare(_rows(dna_dir / "mp/lr_total.csv", key),
                        _rows(answers / "mp/lr_total.csv", key), "log10LR", log=True)
    assert n == 200 and worst < TOL


def test_the_sex_specific_variant_is_written_and_differs_from_one_rate(answers: Path) -> None:
    ours = _rows(answers / "pairs/lr_total.csv", ["pair_id", "variant", "hyp"])
    sexed = {k: r for k, r in ours.items() if k[1] == "stepwise_sex"}
    assert len(sexed) == 500
    assert any(r["LR"] != ours[(k[0], "stepwise", k[2])]["LR"] for k, r in sexed.items())


def test_dvi_answers_are_written_with_dvirs_keys(dna_dir: Path, answers: Path) -> None:
    import json

    for name in ("example1", "example2", "planecrash", "icmp"):
        ours = json.loads((answers / f"dvi/{name}_output.json").read_text())
        ref = json.loads((dna_dir / f"dvi/{name}_output.json").read_text())
        for key in ("LRmatrix", "exclusionMatrix", "dviJoint", "dviJoint_nrow", "Bmarginal"):
            assert key in ours, f"{name}: no {key}"
        assert ours["dviJoint_nrow"] == ref["dviJoint_nrow"]


def test_a_folder_without_inputs_fails_with_a_message(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["dna", "reproduce", str(tmp_path), str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no inputs found" in result.output


def test_an_allele_missing_from_the_database_names_file_pair_and_marker(
    dna_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "in/pairs").mkdir(parents=True)
    shutil.copytree(dna_dir / "freqs", tmp_path / "in/freqs")
    shutil.copyfile(dna_dir / "pairs/pedigrees.json", tmp_path / "in/pairs/pedigrees.json")
    (tmp_path / "in/pairs/genotypes.csv").write_text(
        "pair_id,true_rel,marker,A,B\nP1,PO,TH01,9.3/99,6/7\n")
    result = CliRunner().invoke(app, ["dna", "reproduce", str(tmp_path / "in"),
                                      str(tmp_path / "out"), "--variants", "nomut"])
    assert result.exit_code == 2
    assert "pair P1" in result.output and "TH01" in result.output and "'99'" in result.output
