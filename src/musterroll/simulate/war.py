"""Simulate a war end to end: people, fates, the lists, the truth files and the manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from musterroll import __version__
from musterroll.simulate import lists_adversary as adversary
from musterroll.simulate import lists_family, lists_official, lists_open, lists_remains, truth
from musterroll.simulate.dna import write_war_dna
from musterroll.simulate.fates import FATES, day_to_date, draw_fates
from musterroll.simulate.people import draw_people, to_day
from musterroll.simulate.render import Names
from musterroll.simulate.tables import load_tables
from musterroll.simulate.world import SourceList, World
from musterroll.simulate.writers import sha256, write_list

FORMAT = "musterroll-simulation/1"
Progress = Callable[[str, float], None]  # (what is being done, share done 0..1)


@dataclass(frozen=True)
class ListSummary:
    """One written list, as the summary reports it."""

    name: str
    kind: str
    format: str
    encoding: str
    language: str
    rows: int


@dataclass(frozen=True)
class SimulationSummary:
    """What simulate_war wrote."""

    out_dir: Path
    seed: int
    people: int
    civilians: bool
    lists: list[ListSummary] = field(default_factory=list)
    fates: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        """Data rows over all lists."""
        return sum(s.rows for s in self.lists)

    @property
    def rows_per_person(self) -> float:
        """List rows per simulated person (to size a scenario by records)."""
        return self.rows / max(self.people, 1)


def build_lists(world: World) -> list[SourceList]:
    """Build every list of the war, in manifest order."""
    official = lists_official.official_death_notices(world)
    family = lists_family.family_reports(world)
    prisoners = adversary.adversary_prisoner_list(world)
    obits = lists_open.obituaries(world, official.person)
    return [
        official,
        lists_official.official_missing_notices(world),
        lists_official.missing_persons_register(world, family.person),
        family,
        prisoners,
        adversary.adversary_registry_latin(world, prisoners.person),
        *adversary.exchange_lists(world),
        lists_remains.identification_reports(world),
        lists_remains.burial_register(world),
        obits,
        lists_open.memorial_book(world, official.person, obits.person),
    ]


def _manifest_entry(source: SourceList, path: Path, out_dir: Path, as_of: str) -> dict:
    """The manifest entry of one written list (docs/simulation-format.md)."""
    published = as_of if source.published is None else day_to_date(source.published).isoformat()
    return {
        "name": source.name, "kind": source.kind,
        "path": path.relative_to(out_dir).as_posix(), "format": source.format,
        "encoding": source.encoding if source.format != "xlsx" else None,
        "delimiter": source.delimiter if source.format == "csv" else None,
        "language": source.language, "published": published, "rows": len(source),
        "sha256": sha256(path), "mapping": source.mapping, **source.extra,
    }


def _dna_entry(paths: list[Path], out_dir: Path) -> dict[str, dict[str, str]]:
    """The manifest's `dna` entry: each DNA file (remains, families, frequencies, truth)
    with its path and sha256, for `musterroll dna import --manifest`."""
    roles = ("remains", "families", "frequencies", "truth")
    return {role: {"path": p.relative_to(out_dir).as_posix(), "sha256": sha256(p)}
            for role, p in zip(roles, paths, strict=True)}


def simulate_war(
    out_dir: Path | str, *, seed: int, people: int, civilians: bool = False,
    progress: Progress | None = None,
) -> SimulationSummary:
    """Simulate a war and write its lists, truth files and manifest into out_dir.

    Args:
        out_dir: directory to write (created; files of an earlier run are overwritten).
        seed: the seed; the same seed, people and civilians give byte-identical files.
        people: number of simulated people (service members, and civilians if asked).
        civilians: simulate civilians too (a quarter of the people).
        progress: called with (step, share done) as the work advances.
    Returns:
        SimulationSummary: the lists written, their rows, and people by true fate.
    Raises:
        ValueError: people is not positive or seed is negative.
    """
    if people <= 0 or seed < 0:
        raise ValueError(f"people must be positive and seed non-negative (got {people}, {seed})")
    report = progress or (lambda step, done: None)
    out = Path(out_dir)
    (out / "lists").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    tables = load_tables()
    report("people", 0.0)
    root = np.random.SeedSequence(seed)
    person_rng, fate_rng = (np.random.default_rng(s) for s in root.spawn(2))
    crowd = draw_people(person_rng, tables, people, civilians=civilians)
    report("fates", 0.1)
    fates = draw_fates(fate_rng, tables, crowd)
    world = World(seed=seed, tables=tables, people=crowd, fates=fates,
                  names=Names(tables, crowd, fates), as_of=to_day(tables.as_of))
    report("lists", 0.2)
    sources = build_lists(world)
    as_of = tables.as_of.isoformat()
    entries = []
    for k, source in enumerate(sources):
        report(f"writing {source.name}", 0.4 + 0.4 * k / len(sources))
        entries.append(_manifest_entry(source, write_list(source, out / "lists"), out, as_of))
    report("truth", 0.8)
    truth.write_rows(out / "truth" / "rows.csv", sources, people)
    truth.write_persons(out / "truth" / "persons.csv", world.names, fates)
    truth.write_events(out / "truth" / "events.csv", world.names, fates)
    report("dna", 0.9)
    dna = _dna_entry(write_war_dna(world, sources, out / "dna"), out)
    manifest = {"format": FORMAT, "generator": f"musterroll {__version__}", "seed": seed,
                "people": people, "civilians": civilians,
                "war_start": tables.war_start.isoformat(), "as_of": as_of, "sources": entries,
                "dna": dna}
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    report("done", 1.0)
    counts = np.bincount(fates.fate, minlength=len(FATES))
    return SimulationSummary(
        out_dir=out, seed=seed, people=people, civilians=civilians,
        lists=[ListSummary(s.name, s.kind, s.format, s.encoding if s.format != "xlsx" else "",
                           s.language, len(s)) for s in sources],
        fates={name: int(c) for name, c in zip(FATES, counts, strict=True)},
    )
