"""Agreement with R: compare `musterroll dna reproduce` answers with the reference folder.

Prints, per file, how many figures were compared and the largest difference: log10 LRs
(pairs, per marker and total; missing person), LR = 0 and NA matching exactly, the
stepwise mutation matrices, and for each DVI dataset the LR and exclusion matrices, the
joint log-likelihoods (first 200 rows, in order), the posterior pairing probabilities
and the conclusions. Run::

    .venv/bin/musterroll dna reproduce IN_DIR OUT_DIR   # IN_DIR: the inputs only
    .venv/bin/python bench/kinship_agreement.py OUT_DIR [--data ../shared/data/dna]
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from pathlib import Path

import numpy as np

from musterroll.kinship.mutation import mutation_matrix

DATA = Path(os.environ.get("MUSTERROLL_DNA_DATA", Path(__file__).parents[2] / "shared/data/dna"))


def _log10(text: str) -> float:
    x = float(text)
    return math.log10(x) if x > 0 else -math.inf


def compare_csv(ref: Path, ours: Path, key: list[str], field: str, *, log: bool) -> str:
    with ref.open() as fh:
        want = {tuple(r[k] for k in key): r[field] for r in csv.DictReader(fh)}
    with ours.open() as fh:
        got = {tuple(r[k] for k in key): r[field] for r in csv.DictReader(fh)}
    worst, special, bad = 0.0, 0, 0
    for k, w in want.items():
        g = got.get(k)
        if g is None:
            bad += 1
            continue
        if w in ("NA", "-Inf", "Inf") or g in ("NA", "-Inf", "Inf") or float(w) == 0:
            special += 1
            same = w == g or ("NA" not in (w, g) and _log10(w) == _log10(g))
            bad += not same
            continue
        a, b = (float(w), float(g)) if log else (_log10(w), _log10(g))
        worst = max(worst, abs(a - b))
    return (f"{ref.relative_to(ref.parents[1])}: {len(want)} figures, max |d log10 LR| "
            f"{worst:.2e}, {special} zero/NA matched, {bad} disagreeing")


def compare_matrices(data: Path) -> str:
    ref = json.loads((data / "mutation/stepwise_matrices.json").read_text())
    p = ref["params"]
    worst = max(
        float(np.max(np.abs(mutation_matrix("stepwise", m["alleles"], rate=p["rate"],
                                            rate2=p["rate2"], range_=p["range"])
                            - np.array(m["matrix"]))))
        for m in ref["markers"])
    return f"mutation/stepwise_matrices.json: {len(ref['markers'])} matrices, max |d| {worst:.1e}"


def _matrix(x: dict) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in x["values"]],
                    dtype=float)


def compare_dvi(ref_path: Path, ours_path: Path) -> str:
    ref, ours = json.loads(ref_path.read_text()), json.loads(ours_path.read_text())
    a, b = _matrix(ours["LRmatrix"]), _matrix(ref["LRmatrix"])
    pos = b > 0
    lr = float(np.max(np.abs(np.log10(a[pos]) - np.log10(b[pos])))) if pos.any() else 0.0
    same_zero_na = bool(np.array_equal(np.isnan(a), np.isnan(b)) and
                        np.array_equal(a == 0, b == 0))
    excl = bool(np.array_equal(np.nan_to_num(_matrix(ours["exclusionMatrix"]), nan=-1),
                               np.nan_to_num(_matrix(ref["exclusionMatrix"]), nan=-1)))
    ll = [(x["loglik"], y["loglik"]) for x, y in zip(ours["dviJoint"], ref["dviJoint"],
                                                      strict=True)]
    finite = [abs(x - y) for x, y in ll if x is not None and y is not None]
    post = float(np.max(np.abs(_matrix(ours["Bmarginal"]) - _matrix(ref["Bmarginal"]))))
    concl = 0
    total = 0
    for table, key in (("dviSolve_AM", "Missing"), ("dviSolve_PM", "Sample")):
        mine = {r[key]: r["Conclusion"] for r in ours[table]}
        for r in ref[table]:
            total += 1
            concl += mine.get(r[key]) == r["Conclusion"]
    return (f"dvi/{ref_path.name}: LR matrix {int(pos.sum())} positive, max |d log10| "
            f"{lr:.1e}, zeros/NA same {same_zero_na}; exclusion matrix same {excl}; "
            f"joint rows {len(ll)} (of {ref['dviJoint_nrow']} vs {ours['dviJoint_nrow']}), "
            f"max |d loglik| {max(finite, default=0):.1e}; posteriors max |d| {post:.1e}; "
            f"conclusions {concl}/{total} same")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    d, o = args.data, args.out
    print(compare_matrices(d))
    print(compare_csv(d / "pairs/lr_total.csv", o / "pairs/lr_total.csv",
                      ["pair_id", "variant", "hyp"], "log10LR", log=True))
    print(compare_csv(d / "pairs/lr_per_marker.csv", o / "pairs/lr_per_marker.csv",
                      ["pair_id", "variant", "marker", "hyp"], "LR", log=False))
    print(compare_csv(d / "mp/lr_total.csv", o / "mp/lr_total.csv", ["case_id", "variant"],
                      "log10LR", log=True))
    for ref in sorted((d / "dvi").glob("*_output.json")):
        if (o / "dvi" / ref.name).exists():
            print(compare_dvi(ref, o / "dvi" / ref.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
