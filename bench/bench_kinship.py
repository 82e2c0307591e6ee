"""Benchmark: DNA kinship and DVI speed against the targets of issue 16.

Prints CPU and wall seconds of this process (the machine is shared) for:

1. planecrash's joint DVI search (target < 1 s; dvir 539 s, 19,081 assignments);
2. icmp's joint DVI search (target < 1 s; dvir 107 s, 9,847 assignments);
3. 100 pairs x 5 hypotheses with the stepwise model (target < 2 s; R about 80 s), and
   one 6-person pedigree with 35 markers and the stepwise model (R 1.55 s);
4. 1,000 remains against 1,000 synthetic families of two or three typed relatives with 22
   markers: LR matrix and proposals (target < 60 s), with how many proposals are right;
5. a simulated war's bags of remains (some degraded) against its families
   (`simulate.dna`): how many of those with typed relatives are identified, how many wrong.

The reference inputs are read from shared/data/dna (only the Norwegian frequencies for
item 4, whose families are simulated here with a fixed seed). Run::

    .venv/bin/python bench/bench_kinship.py [--data ../shared/data/dna] [--seed 16]
        [--remains 1000] [--families 1000] [--skip-icmp] [--war 20000] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from musterroll.kinship import Panel, Pedigree, read_frequencies_json
from musterroll.kinship.dvi import DviLikelihoods, Family, Victim, joint_table
from musterroll.kinship.dvi_io import read_dvi_input
from musterroll.kinship.genedrop import drop_genes
from musterroll.kinship.lr import pairwise_lr
from musterroll.kinship.matching import (
    family_lr_matrix,
    propose_identifications,
    propose_per_sample,
)
from musterroll.kinship.reproduce import PAIR_HYPOTHESES, _read_pairs, variant_models

DATA = Path(os.environ.get("MUSTERROLL_DNA_DATA", Path(__file__).parents[2] / "shared/data/dna"))

# Reference configurations of a missing person MP: both parents, two full siblings, or a
# parent and a full sibling (the second parent untyped).
CONFIGS = {
    "parents": Pedigree.from_columns(["R1", "R2", "MP"], ["0", "0", "R1"], ["0", "0", "R2"],
                                     [1, 2, 1]),
    "two_sibs": Pedigree.from_columns(["FA", "MO", "MP", "R1", "R2"],
                                      ["0", "0", "FA", "FA", "FA"],
                                      ["0", "0", "MO", "MO", "MO"], [1, 2, 1, 1, 2]),
    "parent_sib": Pedigree.from_columns(["R1", "MO", "MP", "R2"], ["0", "0", "R1", "R1"],
                                        ["0", "0", "MO", "MO"], [1, 2, 1, 2]),
}


def timed(label: str, fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run fn, print CPU and wall seconds, return (result, cpu seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = fn()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label}: {cpu:.3f} s CPU, {wall:.3f} s wall")
    return result, cpu


def bench_joint(name: str, data: Path) -> float:
    case, panel, _, _ = read_dvi_input(data / f"dvi/{name}_input.json")

    def run() -> Any:
        return joint_table(DviLikelihoods(case, panel))

    table, cpu = timed(f"{name}: joint search (likelihoods + all assignments)", run)
    best = dict(zip(table.victims, table.assignments[0], strict=True))
    print(f"  {len(table.assignments)} assignments; best {best}")
    return cpu


def bench_pairs(data: Path) -> float:
    db = read_frequencies_json(data / "freqs/NorwegianFrequencies.json")
    pairs = _read_pairs(data / "pairs/genotypes.csv")
    peds_raw = json.loads((data / "pairs/pedigrees.json").read_text())
    peds = {h: Pedigree.from_mapping(peds_raw[h]) for h in PAIR_HYPOTHESES}
    loci = [db[m] for m in next(iter(pairs.values()))[1]]
    stepwise = {"rate": 0.002, "rate2": 1e-6, "range": 0.1}

    def run() -> int:
        panel = Panel(loci, variant_models("stepwise", loci, stepwise))
        n = 0
        for _, a, b in pairs.values():
            for ped in peds.values():
                pairwise_lr(ped, a, b, panel)
                n += 1
        return n

    _, cpu = timed(f"{len(pairs)} pairs x {len(peds)} hypotheses, stepwise, 22 markers", run)
    return cpu


def bench_big_pedigree(data: Path, seed: int) -> float:
    """A 6-person pedigree, 3 typed, all 35 markers, stepwise model (R: 1.55 s)."""
    db = read_frequencies_json(data / "freqs/NorwegianFrequencies.json")
    loci = list(db.values())
    stepwise = {"rate": 0.002, "rate2": 1e-6, "range": 0.1}
    panel = Panel(loci, variant_models("stepwise", loci, stepwise))
    ped = Pedigree.from_columns(["FA", "MO", "C1", "C2", "SP", "GC"],
                                ["0", "0", "FA", "FA", "0", "C1"],
                                ["0", "0", "MO", "MO", "0", "SP"], [1, 2, 1, 2, 2, 1])
    profiles = drop_genes(ped, panel, np.random.default_rng(seed))
    typed = {m: profiles[m] for m in ("MO", "C2", "GC")}
    _, cpu = timed("one 6-person pedigree, 3 typed, 35 markers, stepwise",
                   lambda: panel.likelihoods(ped, typed))
    return cpu


def synthetic_case(
    data: Path, n_remains: int, n_families: int, seed: int
) -> tuple[list[Victim], list[Family], Panel, dict[str, str]]:
    """Families with 2-3 typed relatives; 80% of the remains are their missing persons."""
    db = read_frequencies_json(data / "freqs/NorwegianFrequencies.json")
    panel = Panel(list(db.values())[:22])
    rng = np.random.default_rng(seed)
    families, victims, truth = [], [], {}
    names = list(CONFIGS)
    n_true = min(int(0.8 * n_remains), n_families)
    for j in range(n_families):
        ped = CONFIGS[names[j % len(names)]]
        profiles = drop_genes(ped, panel, rng)
        refs = {m: profiles[m] for m in ("R1", "R2") if m in profiles}
        families.append(Family(f"F{j}", ped, ("MP",), refs))
        if j < n_true:
            victims.append(Victim(f"V{j}", 1, profiles["MP"]))
            truth[f"V{j}"] = f"F{j}"
    single = Pedigree.from_columns(["X"], ["0"], ["0"], [1])
    for i in range(n_true, n_remains):
        victims.append(Victim(f"V{i}", 1, drop_genes(single, panel, rng)["X"]))
    return victims, families, panel, truth


def bench_matching(data: Path, n_remains: int, n_families: int, seed: int) -> float:
    victims, families, panel, truth = synthetic_case(data, n_remains, n_families, seed)

    def run() -> Any:
        lr = family_lr_matrix(victims, families, panel)
        return propose_identifications(victims, families, lr, threshold=1e4)

    proposals, cpu = timed(f"{n_remains} remains x {n_families} families, 22 markers: "
                           "LR matrix + proposals", run)
    right = sum(truth.get(p.victim) == p.family for p in proposals)
    print(f"  {len(proposals)} proposals at LR >= 1e4: {right} right, "
          f"{len(proposals) - right} wrong; {len(truth)} remains have a family")
    return cpu


def bench_war(data: Path, people: int, seed: int) -> float:
    """A simulated war's remains against its families (simulate.dna): accuracy and time."""
    from musterroll.simulate.dna import simulate_war_dna
    from musterroll.simulate.war import Names, World, draw_fates, draw_people, load_tables, to_day

    tables = load_tables()
    person_rng, fate_rng = (np.random.default_rng(s)
                            for s in np.random.SeedSequence(seed).spawn(2))
    crowd = draw_people(person_rng, tables, people, civilians=False)
    fates = draw_fates(fate_rng, tables, crowd)
    world = World(seed=seed, tables=tables, people=crowd, fates=fates,
                  names=Names(tables, crowd, fates), as_of=to_day(tables.as_of))
    db = read_frequencies_json(data / "freqs/NorwegianFrequencies.json")
    loci = list(db.values())[:22]
    panel = Panel(loci, variant_models("stepwise", loci, {"rate": 0.002, "rate2": 1e-6,
                                                          "range": 0.1}))
    sim = simulate_war_dna(world, panel)

    def run() -> Any:
        lr = family_lr_matrix(sim.remains, sim.families, panel, dropout=sim.dropout)
        return propose_per_sample(sim.remains, sim.families, lr, threshold=1e4)

    proposals, cpu = timed(f"war of {people} (seed {seed}): {len(sim.remains)} bags against "
                           f"{len(sim.families)} families", run)
    truth = {s: sim.person_family.get(p) for s, p in sim.sample_person.items()}
    with_relatives = sum(f is not None for f in truth.values())
    right = sum(truth[p.victim] == p.family for p in proposals)
    degraded = sum(r > 0 for r in sim.dropout.values())
    print(f"  {with_relatives} bags have typed relatives ({degraded} bags degraded): "
          f"{right} identified ({right / max(with_relatives, 1):.2%}), "
          f"{len(proposals) - right} wrong")
    return cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--remains", type=int, default=1000)
    parser.add_argument("--families", type=int, default=1000)
    parser.add_argument("--skip-icmp", action="store_true")
    parser.add_argument("--war", type=int, default=20000,
                        help="people of the simulated war whose remains are matched (0: skip)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    results = {"planecrash joint < 1 s": (bench_joint("planecrash", args.data), 1.0)}
    if not args.skip_icmp:
        results["icmp joint < 1 s"] = (bench_joint("icmp", args.data), 1.0)
    results["100 pairs x 5 hypotheses < 2 s"] = (bench_pairs(args.data), 2.0)
    results["6-person pedigree, 35 markers (R 1.55 s)"] = (
        bench_big_pedigree(args.data, args.seed), 1.55)
    results["1,000 x 1,000 matching < 60 s"] = (
        bench_matching(args.data, args.remains, args.families, args.seed), 60.0)
    if args.war:
        results["simulated war matching (no target)"] = (
            bench_war(args.data, args.war, 7), float("inf"))
    missed = [k for k, (cpu, target) in results.items() if cpu >= target]
    for key, (cpu, target) in results.items():
        print(f"{'ok ' if cpu < target else 'MISSED'} {key}: {cpu:.3f} s CPU")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
