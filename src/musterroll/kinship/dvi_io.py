"""Read dvir-style DVI inputs (`dvi/*_input.json`) and write dvir's answers as JSON.

The input holds victims (`pm`), reference families (`am`) with `-/-` for untyped
members, the missing persons, loci with allele frequencies and mutation model parameters
per sex, the candidate pairings (null: sex-consistent ones) and the truth if known. The
output has the keys of dvir's reference output: `LRmatrix`, `exclusionMatrix`, `dviJoint`
(first 200 rows), `dviJoint_nrow`, `Bmarginal`, `dviSolve_AM` and `dviSolve_PM` (the
conclusions, `conclusions.py`), and CPU seconds of each step.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from musterroll.kinship.alleles import Genotype, Locus, parse_genotype
from musterroll.kinship.conclusions import solve
from musterroll.kinship.dvi import (
    NOBODY,
    DviCase,
    DviLikelihoods,
    Family,
    JointTable,
    Victim,
    exclusion_matrix,
    joint_table,
    lr_matrix,
    posterior_pairings,
    sex_consistent_pairings,
)
from musterroll.kinship.mutation import MutationModel, mutation_matrix
from musterroll.kinship.panel import Panel
from musterroll.kinship.pedigree import Pedigree

__all__ = ["read_dvi_input", "solve_dvi", "reproduce_dvi", "JOINT_ROWS"]

JOINT_ROWS = 200


def _loci_and_models(
    data: list[Mapping[str, Any]],
) -> tuple[list[Locus], dict[str, MutationModel]]:
    """Loci and, where given, sex-specific mutation models rebuilt from their parameters."""
    loci, models = [], {}
    for entry in data:
        locus = Locus(entry["name"], tuple(str(a) for a in entry["alleles"]),
                      np.asarray(entry["afreq"], dtype=float))
        loci.append(locus)
        spec = entry.get("mutmod")
        if spec:
            mats = {}
            for sex in ("female", "male"):
                s = spec[sex]
                mats[sex] = mutation_matrix(s["model"], locus.alleles, afreq=locus.freqs,
                                            rate=s.get("rate") or 0.0,
                                            rate2=s.get("rate2") or 0.0,
                                            range_=s.get("range") or 0.1,
                                            matrix=s.get("matrix") if s["model"] == "custom"
                                            else None)
            models[locus.name] = MutationModel(female=mats["female"], male=mats["male"],
                                               model=spec["female"]["model"])
    return loci, models


def _profiles(ped: Pedigree, genotypes: Mapping[str, Any], source: str) -> dict[str, dict]:
    out: dict[str, dict[str, Genotype]] = {}
    for marker, column in genotypes.items():
        column = [column] if isinstance(column, str) else column
        for member, text in zip(ped.ids, column, strict=True):
            g = parse_genotype(text, where=f"{source}: {member} {marker}")
            if g is not None:
                out.setdefault(member, {})[marker] = g
    return out


def read_dvi_input(path: str | Path) -> tuple[DviCase, Panel, Panel, dict[str, str] | None]:
    """Read a dvir-style input: the case, its panel, the panel without mutation, the truth."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    loci, models = _loci_and_models(data["loci"])
    victims = []
    for name, entry in data["pm"].items():
        ped = Pedigree.from_mapping(entry)
        profile = _profiles(ped, entry["genotypes"], f"{path} pm {name}").get(name, {})
        victims.append(Victim(name, int(entry["sex"]), profile))
    missing = set(data["missing"])
    families = []
    for name, entry in data["am"].items():
        ped = Pedigree.from_mapping(entry)
        families.append(Family(
            name, ped, tuple(m for m in data["missing"] if m in ped.ids),
            _profiles(ped, entry["genotypes"], f"{path} am {name}")))
    if missing - {m for f in families for m in f.missing}:
        raise ValueError(f"{path}: missing persons in no family: "
                         f"{sorted(missing - {m for f in families for m in f.missing})}")
    pairings = data.get("pairings") or sex_consistent_pairings(victims, families)
    case = DviCase(tuple(victims), tuple(families),
                   {v: tuple(p) for v, p in pairings.items()})
    return case, Panel(loci, models), Panel(loci), data.get("truth")


def _matrix_json(rows: list[str], cols: list[str], values: NDArray[np.float64],
                 *, integer: bool = False) -> dict[str, Any]:
    def cell(x: float) -> Any:
        if math.isnan(x):
            return None
        return int(x) if integer else float(x)

    return {"rows": rows, "cols": cols,
            "values": [[cell(x) for x in row] for row in values]}


def _joint_json(table: JointTable, missing: list[str], limit: int) -> list[dict[str, Any]]:
    lr = table.lr_best_against
    out = []
    for row, ll, r in zip(table.assignments[:limit], table.loglik[:limit], lr[:limit],
                          strict=False):
        entry: dict[str, Any] = dict(zip(table.victims, row, strict=True))
        # JSON has no infinities: an impossible assignment has null, as dvir's output has.
        entry["loglik"] = float(ll) if math.isfinite(ll) else None
        entry["LR"] = float(r) if math.isfinite(r) else None
        inverse = {m: v for v, m in zip(table.victims, row, strict=True) if m != NOBODY}
        entry.update({m: inverse.get(m, NOBODY) for m in missing})
        out.append(entry)
    return out


def solve_dvi(path: str | Path) -> dict[str, Any]:
    """Compute dvir's answers for one input file; return them as the output JSON object."""
    path = Path(path)
    case, panel, nomut, truth = read_dvi_input(path)
    victims = [v.id for v in case.victims]
    missing = list(case.missing)
    out: dict[str, Any] = {"name": path.name.removesuffix("_input.json"), "truth": truth}
    t = time.process_time()
    lik = DviLikelihoods(case, panel)
    lrm = lr_matrix(lik)
    out["pairwiseLR_s"] = time.process_time() - t
    out["LRmatrix"] = _matrix_json(victims, missing, lrm)
    t = time.process_time()
    excl = exclusion_matrix(case, nomut)
    out["exclusion_s"] = time.process_time() - t
    out["exclusionMatrix"] = _matrix_json(victims, missing, excl, integer=True)
    t = time.process_time()
    table = joint_table(lik)
    out["dviJoint_s"] = time.process_time() - t
    out["dviJoint_nrow"] = len(table.assignments)
    out["dviJoint"] = _joint_json(table, missing, JOINT_ROWS)
    out["Bmarginal"] = _matrix_json(victims, [*missing, NOBODY],
                                    posterior_pairings(table, missing))
    out["family_likelihoods_computed"] = lik.cached
    t = time.process_time()
    conclusions = solve(case, panel, nomut)
    out["dviSolve_s"] = time.process_time() - t
    out["dviSolve_AM"] = conclusions.am
    out["dviSolve_PM"] = conclusions.pm
    return out


def reproduce_dvi(path: str | Path, out_dir: str | Path) -> Path:
    """Solve one `<name>_input.json` and write `<name>_output.json` into `out_dir`."""
    path, out_dir = Path(path), Path(out_dir)
    result = solve_dvi(path)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / path.name.replace("_input.json", "_output.json")
    target.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return target
