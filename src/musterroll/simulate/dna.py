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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from musterroll.kinship.dvi import Family, Victim
from musterroll.kinship.genedrop import drop_genes
from musterroll.kinship.panel import Panel
from musterroll.kinship.pedigree import Pedigree

if TYPE_CHECKING:
    from musterroll.simulate.world import World

__all__ = ["SimulatedDna", "simulate_dna", "simulate_war_dna", "write_dna"]

_CONFIGS = {
    "parents": (["R1", "R2", "MP"], ["0", "0", "R1"], ["0", "0", "R2"], [1, 2, 0]),
    "two_sibs": (["FA", "MO", "MP", "R1", "R2"], ["0", "0", "FA", "FA", "FA"],
                 ["0", "0", "MO", "MO", "MO"], [1, 2, 0, 1, 2]),
    "parent_sib": (["R1", "MO", "MP", "R2"], ["0", "0", "R1", "R1"], ["0", "0", "MO", "MO"],
                   [1, 2, 0, 2]),
}


@dataclass
class SimulatedDna:
    """Remains' samples, reference families, and the truth of which is whose."""

    remains: list[Victim]
    families: list[Family]
    sample_person: dict[str, int]
    person_family: dict[int, str]
    dropout: dict[str, float]


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
    configs = list(_CONFIGS)
    for person in persons:
        config = configs[int(rng.integers(len(configs)))]
        ped = _family(config, int(sex[person]))
        profiles = drop_genes(ped, panel, rng)
        genomes[person] = profiles["MP"]
        if rng.random() < reference_share:
            refs = {m: profiles[m] for m in ("R1", "R2")}
            fid = f"P{person}"
            families.append(Family(fid, ped, ("MP",), refs))
            person_family[person] = fid
    remains, sample_person, rates = [], {}, {}
    for k, person in enumerate(bag_person.tolist()):
        sample = f"B{k + 1}"
        degraded = rng.random() < degraded_share
        profile = _degrade(genomes[person], dropout, rng) if degraded else genomes[person]
        remains.append(Victim(sample, int(sex[person]), profile))
        sample_person[sample] = person
        rates[sample] = dropout if degraded else 0.0
    return SimulatedDna(remains, families, sample_person, person_family, rates)


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
        w.writerow(["sample", "sex", "marker", "genotype"])
        for v in sim.remains:
            for marker, g in v.profile.items():
                w.writerow([v.id, v.sex, marker, "-/-" if g is None else "/".join(g)])
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
    (out / "families.json").write_text(json.dumps(families), encoding="utf-8")
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sample", "person", "family", "dropout"])
        for sample, person in sim.sample_person.items():
            w.writerow([sample, person, sim.person_family.get(person, ""),
                        sim.dropout[sample]])
    return [out / "remains.csv", out / "families.json", out / "truth.csv"]
