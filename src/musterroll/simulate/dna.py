"""DNA for the simulated war: relatives' reference profiles and the remains' profiles.

For the persons whose remains come home (one profile per bag: a person's remains can come
in several bags), and for some of the missing whose remains have not (families waiting
with nobody to match), a family of two or three typed relatives is simulated with the
missing person by gene dropping through the pedigree with mutation (`kinship.genedrop`):
both parents, two full siblings, or a parent and a full sibling. Some families never gave
references. Some bags are degraded: each allele drops out with the given probability (a
heterozygote may show one allele, a sample may lose a marker).

The files are those `musterroll dna match` reads (`kinship.files`): `dna/remains.csv`,
`dna/families.json`, and the truth `dna/truth.csv` (bag, person, family or empty,
dropout rate). Every draw comes from the generator handed in.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from musterroll.kinship.alleles import Locus
from musterroll.kinship.dvi import Family, Victim
from musterroll.kinship.genedrop import drop_genes
from musterroll.kinship.mutation import MutationModel
from musterroll.kinship.panel import Panel
from musterroll.kinship.pedigree import Pedigree

if TYPE_CHECKING:
    from collections.abc import Sequence

    from musterroll.simulate.world import SourceList, World

__all__ = [
    "CASE_LISTS",
    "RELATIONSHIPS",
    "SimulatedDna",
    "simulate_dna",
    "simulate_war_dna",
    "synthetic_panel",
    "write_dna",
    "write_war_dna",
]

_CONFIGS = {
    "parents": (["R1", "R2", "MP"], ["0", "0", "R1"], ["0", "0", "R2"], [1, 2, 0]),
    "two_sibs": (["FA", "MO", "MP", "R1", "R2"], ["0", "0", "FA", "FA", "FA"],
                 ["0", "0", "MO", "MO", "MO"], [1, 2, 0, 1, 2]),
    "parent_sib": (["R1", "MO", "MP", "R2"], ["0", "0", "R1", "R1"], ["0", "0", "MO", "MO"],
                   [1, 2, 0, 2]),
}


# Each configuration's typed relatives, by their relationship to the missing person.
RELATIONSHIPS = {
    "parents": {"R1": "father", "R2": "mother"},
    "two_sibs": {"R1": "brother", "R2": "sister"},
    "parent_sib": {"R1": "father", "R2": "sister"},
}
# Lists whose row a family's references are filed against (the case of the missing
# person), most likely first: a family gives references where it reported the person.
CASE_LISTS = ("missing_persons_register", "family_reports", "official_missing_notices")
# Stepwise mutation as `musterroll dna match` assumes by default (kinship.reproduce).
_STEPWISE = {"rate": 0.002, "rate2": 1e-6, "range": 0.1}


@dataclass
class SimulatedDna:
    """Remains' samples, reference families, and the truth of which is whose."""

    remains: list[Victim]
    families: list[Family]
    sample_person: dict[str, int]
    person_family: dict[int, str]
    dropout: dict[str, float]
    configs: dict[str, str] = field(default_factory=dict)  # family -> RELATIONSHIPS key
    cases: dict[str, tuple[str, int]] = field(default_factory=dict)  # family -> (list, row)


def _family(config: str, sex: int) -> Pedigree:
    ids, fid, mid, sexes = _CONFIGS[config]
    return Pedigree.from_columns(ids, fid, mid, [s if s else sex for s in sexes])


def _degrade(profile: dict, rate: float, rng: np.random.Generator) -> dict:
    out = {}
    for marker, (a, b) in profile.items():
        keep = [x for x in (a, b) if rng.random() >= rate] if a != b else (
            [a] if rng.random() >= rate * rate else [])
        if len(keep) == 2:
            out[marker] = (a, b)
        elif len(keep) == 1:
            out[marker] = (keep[0], keep[0])
    return out


def simulate_dna(
    bag_person: np.ndarray,
    sex: np.ndarray,
    waiting: np.ndarray,
    panel: Panel,
    rng: np.random.Generator,
    *,
    reference_share: float = 0.85,
    degraded_share: float = 0.3,
    dropout: float = 0.15,
) -> SimulatedDna:
    """Simulate references and remains.

    Args:
        bag_person: person index of each bag of remains.
        sex: each person's sex (1 male, 2 female), indexed by person.
        waiting: persons missing with no remains home (families without a match).
        panel: markers, frequencies and mutation models to simulate with.
        rng: the generator of every draw.
        reference_share: share of persons whose family gave references.
        degraded_share: share of bags with dropout; dropout: its per-allele rate.
    """
    persons = np.unique(np.concatenate([bag_person, waiting])).tolist()
    genomes: dict[int, dict] = {}
    families: list[Family] = []
    person_family: dict[int, str] = {}
    family_config: dict[str, str] = {}
    configs = list(_CONFIGS)
    for person in persons:
        config = configs[int(rng.integers(len(configs)))]
        ped = _family(config, int(sex[person]))
        profiles = drop_genes(ped, panel, rng)
        genomes[person] = profiles["MP"]
        if rng.random() < reference_share:
            refs = {m: profiles[m] for m in ("R1", "R2")}
            fid = f"F{len(families) + 1:05d}"  # a lab number: nothing of the truth
            families.append(Family(fid, ped, ("MP",), refs))
            person_family[person] = fid
            family_config[fid] = config
    remains, sample_person, rates = [], {}, {}
    for k, person in enumerate(bag_person.tolist()):
        sample = f"B{k + 1}"
        degraded = rng.random() < degraded_share
        profile = _degrade(genomes[person], dropout, rng) if degraded else genomes[person]
        remains.append(Victim(sample, int(sex[person]), profile))
        sample_person[sample] = person
        rates[sample] = dropout if degraded else 0.0
    return SimulatedDna(remains, families, sample_person, person_family, rates, family_config)


def simulate_war_dna(world: World, panel: Panel, **options: float) -> SimulatedDna:
    """`simulate_dna` for a simulated war: its repatriated bags and its missing."""
    fates = world.fates
    bag_person = np.asarray(fates.remains.person)
    still_missing = np.flatnonzero((fates.missing >= 0) & (fates.recovered < 0))
    sex = np.asarray(world.people.sex).astype(int) + 1  # the war codes 0 male, 1 female
    return simulate_dna(bag_person, sex, still_missing, panel, world.rng("dna"), **options)


def _text(g: tuple[str, str] | None) -> str:
    return "-/-" if g is None else "/".join(g)


def write_dna(out_dir: str | Path, sim: SimulatedDna) -> list[Path]:
    """Write `remains.csv`, `families.json` and `truth.csv` into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "remains.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        # `dropout`: the lab's estimate of the sample's per-allele dropout (0: not
        # degraded); readers that do not know the column ignore it.
        w.writerow(["sample", "sex", "marker", "genotype", "dropout"])
        for v in sim.remains:
            for marker, g in v.profile.items():
                w.writerow([v.id, v.sex, marker, "-/-" if g is None else "/".join(g),
                            sim.dropout.get(v.id, 0.0)])
    families = {}
    for fam in sim.families:
        ped = fam.pedigree
        markers = sorted({m for p in fam.references.values() for m in p})
        families[fam.id] = {
            "id": list(ped.ids), "fid": [ped.ids[f] if f >= 0 else "0" for f in ped.father],
            "mid": [ped.ids[m] if m >= 0 else "0" for m in ped.mother], "sex": list(ped.sex),
            "missing": fam.missing[0],
            "genotypes": {m: [_text(fam.references.get(i, {}).get(m)) for i in ped.ids]
                          for m in markers},
        }
        if fam.id in sim.configs:
            families[fam.id]["relationship"] = RELATIONSHIPS[sim.configs[fam.id]]
        if fam.id in sim.cases:
            source, row = sim.cases[fam.id]
            families[fam.id]["case"] = {"list": source, "row": row}
    (out / "families.json").write_text(json.dumps(families), encoding="utf-8")
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sample", "person", "family", "dropout"])
        for sample, person in sim.sample_person.items():
            w.writerow([sample, person, sim.person_family.get(person, ""),
                        sim.dropout[sample]])
    return [out / "remains.csv", out / "families.json", out / "truth.csv"]


def synthetic_panel(rng: np.random.Generator, *, markers: int = 22) -> Panel:
    """A synthetic panel: `markers` STR-like markers of 10 alleles (8..17), Dirichlet
    frequencies, stepwise mutation (rate 0.002, rate2 1e-6, range 0.1)."""
    loci = []
    for k in range(markers):
        freqs = rng.dirichlet(np.full(10, 2.0))
        loci.append(Locus(f"STR{k + 1:02d}", tuple(str(a) for a in range(8, 18)),
                          freqs / freqs.sum()))
    models = {locus.name: MutationModel.build(
        "stepwise", locus.alleles, rate=_STEPWISE["rate"], rate2=_STEPWISE["rate2"],
        range_=_STEPWISE["range"]) for locus in loci}
    return Panel(loci, models)


def _case_rows(sources: Sequence[SourceList]) -> dict[int, tuple[str, int]]:
    """Each person's first row (1-based) in the first of `CASE_LISTS` that has one."""
    cases: dict[int, tuple[str, int]] = {}
    by_name = {s.name: s for s in sources}
    for name in CASE_LISTS:
        if name not in by_name:
            continue
        for row, person in enumerate(by_name[name].person.tolist(), start=1):
            cases.setdefault(int(person), (name, row))
    return cases


def _filed(sim: SimulatedDna, cases: dict[int, tuple[str, int]]) -> SimulatedDna:
    """Keep the families whose missing person has a case on a list (a family gives
    references where it reported the person), each with its case."""
    person_of = {fid: p for p, fid in sim.person_family.items()}
    kept = [f for f in sim.families if person_of[f.id] in cases]
    kept_ids = {f.id for f in kept}
    return replace(
        sim, families=kept,
        person_family={p: f for p, f in sim.person_family.items() if f in kept_ids},
        configs={f: c for f, c in sim.configs.items() if f in kept_ids},
        cases={f.id: cases[person_of[f.id]] for f in kept})


def _write_frequencies(path: Path, panel: Panel) -> None:
    data = {locus.name: {"alleles": list(locus.alleles),
                         "freq": [float(p) for p in locus.freqs]} for locus in panel.loci}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def write_war_dna(world: World, sources: Sequence[SourceList], out_dir: str | Path
                  ) -> list[Path]:
    """Simulate a war's DNA and write it into `out_dir`: `remains.csv`, `families.json`
    (each family with its relationships and its case: list and row), `frequencies.json`
    and `truth.csv`. Draws only from the war's "dna" generators, so the lists are
    unchanged. Returns the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    panel = synthetic_panel(world.rng("dna_frequencies"))
    sim = _filed(simulate_war_dna(world, panel), _case_rows(sources))
    written = write_dna(out, sim)
    _write_frequencies(out / "frequencies.json", panel)
    return [*written[:2], out / "frequencies.json", written[2]]
