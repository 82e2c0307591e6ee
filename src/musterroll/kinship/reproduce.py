"""Reproduce the R reference answers from a folder laid out like `shared/data/dna`.

`reproduce(in_dir, out_dir)` reads whichever inputs it finds (`freqs/*.json`,
`mutation/stepwise_matrices.json` for the stepwise parameters, `pairs/pedigrees.json` and
`pairs/genotypes.csv`, `mp/cases.json`, `dvi/*_input.json`) and writes the answers in the
reference's files and columns (`pairs/lr_total.csv`, `pairs/lr_per_marker.csv`,
`mp/lr_total.csv`, `dvi/*_output.json`), for the mutation variants `nomut`, `stepwise`
(the parameters of the mutation folder, one model for both sexes) and `stepwise_sex`
(female 0.001, male 0.004, rate2 1e-6, range 0.1).

Numbers are written with 15 significant digits as R writes them; LR = 0 has log10LR
`-Inf`; a 0/0 likelihood ratio (the reference family inconsistent without mutation) is
`NA`, never a number.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from musterroll.kinship.alleles import (
    FrequencyError,
    Genotype,
    Locus,
    parse_genotype,
    read_frequencies_json,
)
from musterroll.kinship.dvi_io import reproduce_dvi
from musterroll.kinship.lr import LikelihoodRatio, missing_person_lr, pairwise_lr
from musterroll.kinship.mutation import MutationModel
from musterroll.kinship.panel import Panel
from musterroll.kinship.pedigree import Pedigree

__all__ = ["VARIANTS", "SEX_SPECIFIC", "reproduce", "format_number", "variant_models"]

VARIANTS = ("nomut", "stepwise", "stepwise_sex")
SEX_SPECIFIC = {"female": 0.001, "male": 0.004, "rate2": 1e-6, "range": 0.1}
_DEFAULT_STEPWISE = {"rate": 0.002, "rate2": 1e-6, "range": 0.1}
PAIR_HYPOTHESES = ("PO", "FS", "HS", "GP", "FC")


def format_number(x: float) -> str:
    """A number as R's write.csv writes it: 15 significant digits, Inf, -Inf, NA."""
    if math.isnan(x):
        return "NA"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    return f"{x:.15g}"


def variant_models(
    variant: str, loci: Iterable[Locus], stepwise: Mapping[str, float]
) -> dict[str, MutationModel] | None:
    """Mutation models by marker for a variant name (None for `nomut`)."""
    if variant == "nomut":
        return None
    if variant == "stepwise":
        return {locus.name: MutationModel.build(
            "stepwise", locus.alleles, rate=stepwise["rate"], rate2=stepwise["rate2"],
            range_=stepwise["range"]) for locus in loci}
    if variant == "stepwise_sex":
        return {locus.name: MutationModel.build(
            "stepwise", locus.alleles, rate=SEX_SPECIFIC["female"],
            male_rate=SEX_SPECIFIC["male"], rate2=SEX_SPECIFIC["rate2"],
            range_=SEX_SPECIFIC["range"]) for locus in loci}
    raise ValueError(f"unknown variant {variant!r}; use one of {VARIANTS}")


def reproduce(
    in_dir: str | Path, out_dir: str | Path, *, variants: Sequence[str] = VARIANTS
) -> list[Path]:
    """Write the answers for every input found in `in_dir` into `out_dir`; return the files.

    Raises FileNotFoundError when `in_dir` holds none of the inputs.
    """
    in_dir, out_dir = Path(in_dir), Path(out_dir)
    written: list[Path] = []
    db = _read_database(in_dir)
    stepwise = _stepwise_params(in_dir)
    if db is not None and (in_dir / "pairs/pedigrees.json").exists():
        written += _reproduce_pairs(in_dir, out_dir, db, stepwise, variants)
    if db is not None and (in_dir / "mp/cases.json").exists():
        written += _reproduce_mp(in_dir, out_dir, db, stepwise, variants)
    dvi_dir = in_dir / "dvi"
    for path in sorted(dvi_dir.glob("*_input.json")) if dvi_dir.is_dir() else []:
        written.append(reproduce_dvi(path, out_dir / "dvi"))
    if not written:
        raise FileNotFoundError(f"{in_dir}: no inputs found (freqs/, pairs/, mp/, dvi/)")
    return written


def _read_database(in_dir: Path) -> dict[str, Locus] | None:
    files = sorted((in_dir / "freqs").glob("*.json")) if (in_dir / "freqs").is_dir() else []
    return read_frequencies_json(files[0]) if files else None


def _stepwise_params(in_dir: Path) -> dict[str, float]:
    path = in_dir / "mutation/stepwise_matrices.json"
    if not path.exists():
        return dict(_DEFAULT_STEPWISE)
    params = json.loads(path.read_text(encoding="utf-8")).get("params", {})
    return {k: float(params.get(k, v)) for k, v in _DEFAULT_STEPWISE.items()}


def _read_pairs(path: Path) -> dict[str, tuple[str, dict[str, Genotype], dict[str, Genotype]]]:
    pairs: dict[str, tuple[str, dict[str, Genotype], dict[str, Genotype]]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row_no, row in enumerate(csv.DictReader(fh), start=2):
            try:
                pid, rel, marker = row["pair_id"], row["true_rel"], row["marker"]
                where = f"{path}:{row_no}"
                a = parse_genotype(row["A"], where=f"{where} field A")
                b = parse_genotype(row["B"], where=f"{where} field B")
            except KeyError as exc:
                raise FrequencyError(f"{path}: missing column {exc}") from exc
            entry = pairs.setdefault(pid, (rel, {}, {}))
            entry[1][marker] = a
            entry[2][marker] = b
    return pairs


def _panel_loci(db: Mapping[str, Locus], markers: Iterable[str], source: str) -> list[Locus]:
    missing = [m for m in markers if m not in db]
    if missing:
        raise FrequencyError(f"{source}: markers {missing} are not in the frequency database")
    return [db[m] for m in markers]


def _reproduce_pairs(
    in_dir: Path, out_dir: Path, db: Mapping[str, Locus], stepwise: Mapping[str, float],
    variants: Sequence[str],
) -> list[Path]:
    peds_raw = json.loads((in_dir / "pairs/pedigrees.json").read_text(encoding="utf-8"))
    peds = {h: Pedigree.from_mapping(peds_raw[h]) for h in PAIR_HYPOTHESES if h in peds_raw}
    pairs = _read_pairs(in_dir / "pairs/genotypes.csv")
    markers = list(next(iter(pairs.values()))[1]) if pairs else []
    loci = _panel_loci(db, markers, str(in_dir / "pairs/genotypes.csv"))
    totals, per_marker = [], []
    for variant in variants:
        panel = Panel(loci, variant_models(variant, loci, stepwise))
        for pid, (rel, a, b) in pairs.items():
            for hyp, ped in peds.items():
                try:
                    lr = pairwise_lr(ped, a, b, panel)
                except FrequencyError as exc:
                    raise FrequencyError(f"{in_dir / 'pairs/genotypes.csv'}: pair {pid}: "
                                         f"{exc}") from exc
                totals.append([pid, rel, variant, hyp, format_number(lr.total),
                               format_number(lr.log10_total)])
                per_marker += [[pid, variant, m, hyp, format_number(v)]
                               for m, v in zip(lr.markers, lr.per_marker, strict=True)]
    out = out_dir / "pairs"
    return [
        _write_csv(out / "lr_total.csv",
                   ["pair_id", "true_rel", "variant", "hyp", "LR", "log10LR"], totals),
        _write_csv(out / "lr_per_marker.csv", ["pair_id", "variant", "marker", "hyp", "LR"],
                   per_marker),
    ]


def _case_profiles(case: Mapping[str, Any], source: str) -> tuple[Pedigree, dict, list[str]]:
    ped_raw = case["ped"]
    ped = Pedigree.from_mapping(ped_raw)
    genotypes = ped_raw.get("genotypes", {})
    profiles: dict[str, dict[str, Genotype]] = {member: {} for member in ped.ids}
    for marker, column in genotypes.items():
        for member, text in zip(ped.ids, column, strict=True):
            profiles[member][marker] = parse_genotype(
                text, where=f"{source}: member {member} marker {marker}")
    return ped, profiles, list(genotypes)


def _reproduce_mp(
    in_dir: Path, out_dir: Path, db: Mapping[str, Locus], stepwise: Mapping[str, float],
    variants: Sequence[str],
) -> list[Path]:
    path = in_dir / "mp/cases.json"
    cases = json.loads(path.read_text(encoding="utf-8"))["cases"]
    panels: dict[tuple[str, tuple[str, ...]], Panel] = {}
    rows = []
    for case_id, case in cases.items():
        ped, profiles, markers = _case_profiles(case, f"{path} case {case_id}")
        poi = profiles.pop("MP")
        references = {m: g for m, g in profiles.items() if any(v is not None for v in g.values())}
        for variant in variants:
            key = (variant, tuple(markers))
            if key not in panels:
                loci = _panel_loci(db, markers, f"{path} case {case_id}")
                panels[key] = Panel(loci, variant_models(variant, loci, stepwise))
            start = time.process_time()
            try:
                lr: LikelihoodRatio = missing_person_lr(ped, "MP", references, poi,
                                                        panels[key])
            except FrequencyError as exc:
                raise FrequencyError(f"{path}: case {case_id}: {exc}") from exc
            seconds = time.process_time() - start
            rows.append([case_id, case.get("config", ""), case.get("truth", ""), variant,
                         format_number(lr.total), format_number(lr.log10_total),
                         format_number(seconds)])
    return [_write_csv(out_dir / "mp/lr_total.csv",
                       ["case_id", "config", "truth", "variant", "LR", "log10LR", "seconds"],
                       rows)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path
