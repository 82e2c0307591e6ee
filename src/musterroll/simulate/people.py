"""Draw the simulated people: names, sex, birth, home, unit, rank, service number.

Everything is a numpy array of codes indexing the tables (tables.py); strings are made
only when a list or truth file is written, so a million people cost little memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from musterroll.simulate.tables import Tables

EPOCH = dt.date(1970, 1, 1)
CIVILIAN_SHARE = 0.25  # of people, when civilians are simulated
FEMALE_SHARE_SOLDIERS = 0.07  # women among service members (about 1 in 14 in the forces)
CITY_SHARE = 0.68  # the rest come from villages
UNITS_GLOBAL = 320  # brigades and battalions recruiting across the country
UNITS_LOCAL = 6  # territorial units per oblast
LOCAL_UNIT_SHARE = 0.35
# Service numbers: a pair of letters and six digits, unique per person by construction.
SERVICE_PREFIXES = ["АА", "АВ", "ВА", "ЕА", "КА", "НА", "ОА"]
SERVICE_SPACE = len(SERVICE_PREFIXES) * 1_000_000
SERVICE_STEP = 1_000_003  # prime, coprime with SERVICE_SPACE: i -> i*step+offset is 1:1


def to_day(date: dt.date) -> int:
    """Return a date as days since 1970-01-01 (the day numbers used throughout)."""
    return (date - EPOCH).days


@dataclass
class People:
    """The simulated people, one entry per person in every array."""

    sex: np.ndarray  # int8, 0 male 1 female
    given: np.ndarray  # index into tables.given
    father: np.ndarray  # index into tables.given (male rows): the patronymic's source
    surname: np.ndarray  # index into tables.surnames
    birth: np.ndarray  # day number
    oblast: np.ndarray  # index into tables.oblasts
    settlement: np.ndarray  # index into settlement_names (cities first, then villages)
    unit: np.ndarray  # index into unit_names, -1 for civilians
    rank: np.ndarray  # index into tables.ranks, -1 for civilians
    service: np.ndarray  # service number code, -1 for civilians
    civilian: np.ndarray  # bool
    unit_names: list[str]

    def __len__(self) -> int:
        return len(self.sex)


def _pick(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """Draw n indices with probabilities p (inverse-CDF, fast for large n)."""
    cdf = np.cumsum(p / p.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(p) - 1)


def _draw_births(rng: np.random.Generator, civilian: np.ndarray, war_start: int) -> np.ndarray:
    """Birth day numbers: service members aged 18-60 at the war's start (mean about 37,
    as the mobilised are), civilians of every age."""
    n = len(civilian)
    age = np.where(civilian, 90 * rng.beta(1.6, 1.8, n), 18 + 42 * rng.beta(2.0, 2.6, n))
    return (war_start - np.round(age * 365.25) - rng.integers(0, 365, n)).astype(np.int32)


def _draw_home(
    rng: np.random.Generator, tables: Tables, civilian: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Home oblast and settlement; civilians at risk live mostly near the front."""
    n = len(civilian)
    weight = np.array([float(o["weight"]) for o in tables.oblasts])
    front = np.array([o["region"] in ("east", "south") for o in tables.oblasts])
    oblast = np.where(
        civilian, _pick(rng, weight * np.where(front, 4.0, 0.5), n), _pick(rng, weight, n)
    ).astype(np.int16)
    codes = [o["code"] for o in tables.oblasts]
    city_of = np.array([codes.index(s["oblast"]) for s in tables.settlements])
    city_w = np.array([float(s["weight"]) for s in tables.settlements])
    settlement = np.empty(n, dtype=np.int32)
    for k in range(len(codes)):
        rows = np.flatnonzero(oblast == k)
        cities = np.flatnonzero(city_of == k)
        settlement[rows] = cities[_pick(rng, city_w[cities], len(rows))]
    village_w = np.array([float(v["weight"]) for v in tables.villages])
    in_village = (rng.random(n) > CITY_SHARE) & (oblast != codes.index("kyc"))  # Kyiv city
    villages = len(tables.settlements) + _pick(rng, village_w, int(in_village.sum()))
    settlement[in_village] = villages
    return oblast, settlement


def _draw_units(
    rng: np.random.Generator, oblast: np.ndarray, n_oblasts: int
) -> tuple[np.ndarray, list[str]]:
    """Unit index per person and the unit numbers (в/ч А1234 style, drawn per war)."""
    total = UNITS_GLOBAL + UNITS_LOCAL * n_oblasts
    numbers = rng.choice(np.arange(100, 10000), total, replace=False)
    letters = np.where(rng.random(total) < 0.85, "А", "В")
    names = [f"{a}{d:04d}" for a, d in zip(letters, numbers, strict=True)]
    n = len(oblast)
    size = 1.0 / np.arange(1, UNITS_GLOBAL + 1) ** 0.6  # brigades differ in size and losses
    unit = _pick(rng, size, n)
    local = rng.random(n) < LOCAL_UNIT_SHARE
    unit[local] = UNITS_GLOBAL + oblast[local] * UNITS_LOCAL + rng.integers(
        0, UNITS_LOCAL, int(local.sum())
    )
    return unit.astype(np.int32), names


def draw_people(rng: np.random.Generator, tables: Tables, n: int, *, civilians: bool) -> People:
    """Draw n people with Ukrainian names, birth dates, homes and military particulars.

    Args:
        rng: the run's generator for people.
        tables: loaded tables.
        n: number of people.
        civilians: when true, CIVILIAN_SHARE of them are civilians (no unit, rank or
            service number; both sexes equally; homes near the front).
    Returns:
        People.
    """
    civilian = rng.random(n) < (CIVILIAN_SHARE if civilians else 0.0)
    sex = (rng.random(n) < np.where(civilian, 0.52, FEMALE_SHARE_SOLDIERS)).astype(np.int8)
    g = tables.given
    birth = _draw_births(rng, civilian, to_day(tables.war_start))
    older = birth < to_day(dt.date(1965, 1, 1))
    given = np.empty(n, dtype=np.int16)
    for s in (0, 1):
        for era, weight in ((False, g.weight), (True, g.older_weight)):
            rows = np.flatnonzero((sex == s) & (older == era))
            given[rows] = _pick(rng, np.where(g.sex == s, weight, 0.0), len(rows))
    father = _pick(rng, g.father_weight, n).astype(np.int16)
    surname = _pick(rng, tables.surnames.weight, n).astype(np.int32)
    oblast, settlement = _draw_home(rng, tables, civilian)
    unit, unit_names = _draw_units(rng, oblast, len(tables.oblasts))
    rank_w = np.array([float(r["weight"]) for r in tables.ranks])
    rank = _pick(rng, rank_w, n).astype(np.int8)
    offset = int(rng.integers(0, SERVICE_SPACE))
    service = ((np.arange(n, dtype=np.int64) * SERVICE_STEP + offset) % SERVICE_SPACE)
    unit[civilian], rank[civilian], service[civilian] = -1, -1, -1
    return People(sex=sex, given=given, father=father, surname=surname, birth=birth,
                  oblast=oblast, settlement=settlement, unit=unit, rank=rank,
                  service=service, civilian=civilian, unit_names=unit_names)


def settlement_names(tables: Tables, column: str = "uk") -> list[str]:
    """Return settlement names in the index order used by People.settlement.

    Args:
        column: "uk" for Ukrainian, "ru" for the Russian name.
    """
    return [s[column] for s in tables.settlements] + [v[column] for v in tables.villages]


def service_numbers(codes: np.ndarray) -> np.ndarray:
    """Format service number codes (АВ123456); -1 gives an empty string."""
    out = np.empty(len(codes), dtype=object)
    for i, c in enumerate(codes.tolist()):
        out[i] = "" if c < 0 else f"{SERVICE_PREFIXES[c // 1_000_000]}{c % 1_000_000:06d}"
    return out
