"""What every list builder is handed: the people, their fates, their names in each script,
per-person coverage factors, and a generator per list derived from the run's seed."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from musterroll.simulate.fates import Fates
from musterroll.simulate.people import People, to_day
from musterroll.simulate.render import Names
from musterroll.simulate.tables import Tables

# Lists are snapshots taken on different days: days before the war's as-of day that each
# list was exported or published (absent: published on the as-of day itself).
SNAPSHOT_LAG = {"missing_persons_register": 14, "adversary_prisoner_list": 92,
                "adversary_registry_latin": 184, "burial_register": 31, "memorial_book": 61}


@dataclass
class SourceList:
    """One list as it will be written: its manifest entry and its rows.

    `columns` maps each header, in file order, to an object array of cell values (str,
    or int/float for JSON numbers); `person` gives each row's true person index.
    """

    name: str
    kind: str
    format: str  # csv, xlsx, jsonl
    language: str  # uk, ru, latin
    columns: dict[str, np.ndarray]
    person: np.ndarray
    encoding: str = "utf-8"
    delimiter: str | None = None
    mapping: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Columns of day numbers (None: no date) written as Excel date cells in XLSX.
    excel_dates: frozenset[str] = frozenset()
    published: int | None = None  # day number of the snapshot; None: the war's as-of day

    def __len__(self) -> int:
        return len(self.person)

    def ordered(self, *keys: np.ndarray) -> SourceList:
        """Return the list with rows sorted by keys (the last key is the primary one),
        as the list's keeper orders it; ties keep their order, so output is stable."""
        order = np.lexsort(keys) if keys else np.arange(len(self))
        return replace(self, person=self.person[order],
                       columns={k: v[order] for k, v in self.columns.items()})


@dataclass
class World:
    """The simulated war, as the list builders see it."""

    seed: int
    tables: Tables
    people: People
    fates: Fates
    names: Names
    as_of: int  # day number of publication

    def published(self, name: str) -> int:
        """Day number on which the list `name` was exported or published."""
        return self.as_of - SNAPSHOT_LAG.get(name, 0)

    def rng(self, purpose: str) -> np.random.Generator:
        """A generator for one purpose (one list), derived from the seed and the purpose's
        name, so adding a list never changes the others."""
        return np.random.default_rng([self.seed, zlib.crc32(purpose.encode())])

    def region_factor(self, idx: np.ndarray, factors: dict[str, float]) -> np.ndarray:
        """Per-person factor by home region (west, center, north, east, south)."""
        table = np.array([factors.get(o["region"], 1.0) for o in self.tables.oblasts])
        return table[self.people.oblast[idx]]

    def occupied(self, idx: np.ndarray) -> np.ndarray:
        """Share of each person's home oblast under occupation (0..1)."""
        table = np.array([float(o["occupied"]) for o in self.tables.oblasts])
        return table[self.people.oblast[idx]]

    def officer(self, idx: np.ndarray) -> np.ndarray:
        """Whether each person is an officer."""
        table = np.array([r["officer"] == "1" for r in self.tables.ranks] + [False])
        return table[self.people.rank[idx]]

    def year_factor(self, days: np.ndarray, factors: dict[int, float]) -> np.ndarray:
        """Per-row factor by the year of a day (coverage that changes over the war)."""
        years = (days.astype("datetime64[D]").astype("datetime64[Y]").astype(int) + 1970)
        out = np.ones(len(days))
        for year, f in factors.items():
            out[years == year] = f
        return out

    def day(self, iso: str) -> int:
        """Day number of an ISO date."""
        return to_day(dt.date.fromisoformat(iso))


def chosen(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """Bernoulli draws: True where a row is covered, with per-row probability p."""
    return rng.random(len(p)) < np.clip(p, 0.0, 1.0)


def lag(rng: np.random.Generator, n: int, median: float, sigma: float, least: int = 0
        ) -> np.ndarray:
    """Delays in days: at least `least`, log-normal around `median` (reporting lags)."""
    return (least + rng.lognormal(np.log(median), sigma, n)).astype(np.int32)
