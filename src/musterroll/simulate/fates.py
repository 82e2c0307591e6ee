"""True fates on a timeline from 2022-02-24: killed, missing, captured, released, found.

A fate is drawn first (alive, killed, missing and dead, captured, missing then found), then
its dates: the day of loss follows the war's intensity, the place follows the front, and
releases and identifications happen in batches (exchanges, repatriations of remains), so
whether a captured person has been released, or a dead one identified, by the day the
lists are published depends on the calendar, as in life.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from musterroll.simulate.people import People, settlement_names, to_day
from musterroll.simulate.tables import Tables

FATES = ["alive", "killed", "missing_killed_identified", "missing_killed",
         "captured_released", "captured", "found_alive", "captured_died"]
ALIVE, KILLED, MK_IDENTIFIED, MK, CAPTURED_RELEASED, CAPTURED, FOUND_ALIVE, CAPTURED_DIED = \
    range(8)

# Probability of each drawn fate (alive, killed, missing and dead, captured, missing then
# found alive). Of every hundred service members about 14 are lost. More of the dead go
# missing than come home as bodies, so the register of the missing outgrows the official
# count of the killed (70,000 ever entered against 55,000 killed, docs/DESIGN.md); the
# captured are fewer (thousands held, thousands exchanged).
FATE_P = {"soldier": [0.862, 0.050, 0.0, 0.065, 0.0, 0.016, 0.007],
          "civilian": [0.9495, 0.025, 0.0, 0.018, 0.0, 0.0065, 0.001]}
RECOVERED_SHARE = 0.62  # missing dead whose remains come home at some point
# Prisoners who die in captivity (documented deaths of Ukrainian prisoners run to hundreds
# against some ten thousand held); their bodies come back in repatriations.
DIED_IN_CAPTIVITY = 0.03
# Event names in the order of the day arrays of Fates (truth.write_events relies on it);
# events of one person on one day are written in this order.
EVENTS = ["missing", "captured", "released", "killed", "remains_recovered", "identified",
          "buried", "found_alive"]


@dataclass
class Remains:
    """Bags of repatriated remains: one person's remains can come in several bags."""

    person: np.ndarray
    batch: np.ndarray  # index into Fates.batches
    identified: np.ndarray  # day number the bag was identified, -1 not yet


@dataclass
class Fates:
    """Each person's true fate and the days of its events (-1 where none)."""

    fate: np.ndarray
    missing: np.ndarray
    captured: np.ndarray
    released: np.ndarray
    killed: np.ndarray
    recovered: np.ndarray
    identified: np.ndarray
    buried: np.ndarray
    found: np.ndarray
    place: np.ndarray  # index into place_names (war places, then settlements), -1 none
    exchange: np.ndarray  # index into exchanges, -1 none
    exchanges: np.ndarray  # day numbers of prisoner exchanges, ascending
    batches: np.ndarray  # day numbers of repatriations of remains, ascending
    place_names: list[str]
    place_names_ru: list[str]
    remains: Remains


def _calendar(start: int, end: int, rng: np.random.Generator, first: int, gaps: tuple[int, int]
              ) -> np.ndarray:
    """Days of recurring batches (exchanges, repatriations) from `first` to `end`."""
    days = [first]
    while days[-1] < end:
        days.append(days[-1] + int(rng.integers(*gaps)))
    return np.array([d for d in days if start <= d <= end], dtype=np.int32)


def _daily_weights(tables: Tables, column: str, rng: np.random.Generator) -> np.ndarray:
    """Intensity of losses per day of the war, from war.yaml, with monthly jitter."""
    start, end = to_day(tables.war_start), to_day(tables.as_of)
    days = np.arange(start, end + 1)
    weight = np.zeros(len(days))
    for step in tables.war["intensity"]:
        weight[days >= to_day(step["from"])] = float(step[column])
    month = (days - start) // 30
    return np.asarray(weight * rng.lognormal(0.0, 0.25, month.max() + 1)[month])


def _draw_days(rng: np.random.Generator, weights: np.ndarray, start: int, n: int) -> np.ndarray:
    """Draw n day numbers with the given daily weights."""
    cdf = np.cumsum(weights) / weights.sum()
    return (start + np.searchsorted(cdf, rng.random(n), side="right")).astype(np.int32)


def _draw_places(
    rng: np.random.Generator, tables: Tables, days: np.ndarray
) -> tuple[np.ndarray, list[str], list[str]]:
    """Place of loss for each day: a place where fighting was going on that day."""
    places = tables.war["places"]
    start = to_day(tables.war_start)
    span = to_day(tables.as_of) - start + 1
    grid = np.zeros((span, len(places)))
    for k, p in enumerate(places):
        grid[to_day(p["from"]) - start: to_day(p["to"]) - start + 1, k] = float(p["weight"])
    cdf = np.cumsum(grid, axis=1)
    cdf /= np.maximum(cdf[:, -1:], 1e-9)
    u = rng.random(len(days))
    idx = (cdf[days - start] < u[:, None]).sum(axis=1)
    return (np.minimum(idx, len(places) - 1).astype(np.int16),
            [p["uk"] for p in places], [p["ru"] for p in places])


def _civilians_at_home(rng: np.random.Generator, tables: Tables, people: People, f: Fates
                       ) -> None:
    """Most civilians are killed, lost or detained where they live (shelling, occupation),
    not on the front line: their place of loss becomes their home settlement."""
    home = np.flatnonzero(people.civilian & (f.fate != ALIVE))
    home = home[rng.random(len(home)) < 0.7]
    f.place[home] = len(f.place_names) + people.settlement[home]
    f.place_names = f.place_names + settlement_names(tables, "uk")
    f.place_names_ru = f.place_names_ru + settlement_names(tables, "ru")


def _next_batch(calendar: np.ndarray, target: np.ndarray, rng: np.random.Generator,
                keep: float) -> np.ndarray:
    """Index of the batch a case falls in: the first after `target`, sometimes a later one
    (not everyone is in the first exchange or repatriation after becoming eligible)."""
    idx = np.searchsorted(calendar, target) + rng.geometric(keep, len(target)) - 1
    return np.where(idx < len(calendar), idx, -1).astype(np.int32)


def draw_fates(rng: np.random.Generator, tables: Tables, people: People) -> Fates:
    """Draw every person's fate and its timeline.

    Args:
        rng: the run's generator for fates.
        tables: loaded tables (war.yaml gives intensities and places).
        people: the simulated people.
    Returns:
        Fates, with events after tables.as_of left out (they have not happened yet).
    """
    n = len(people)
    start, end = to_day(tables.war_start), to_day(tables.as_of)
    fate = np.empty(n, dtype=np.int8)
    for kind, mask in (("soldier", ~people.civilian), ("civilian", people.civilian)):
        rows = np.flatnonzero(mask)
        p = np.array(FATE_P[kind] + [0.0])
        fate[rows] = rng.choice(len(p), len(rows), p=p / p.sum())
    # Children are killed and lost under shelling but not taken as prisoners.
    child = people.birth > to_day(tables.war_start) - 16 * 365
    fate[child & np.isin(fate, (CAPTURED, FOUND_ALIVE))] = ALIVE
    none = np.full(n, -1, dtype=np.int32)
    f = Fates(fate=fate, missing=none.copy(), captured=none.copy(), released=none.copy(),
              killed=none.copy(), recovered=none.copy(), identified=none.copy(),
              buried=none.copy(), found=none.copy(), place=np.full(n, -1, dtype=np.int16),
              exchange=none.copy(),
              exchanges=_calendar(start, end, rng, start + 28, (12, 50)),
              batches=_calendar(start, end, rng, start + 100, (18, 45)),
              place_names=[], place_names_ru=[],
              remains=Remains(np.empty(0, np.int32), np.empty(0, np.int32),
                              np.empty(0, np.int32)))
    lost = np.flatnonzero(fate != ALIVE)
    day = np.zeros(n, dtype=np.int32)
    cap = fate[lost] == CAPTURED
    for rows, column in ((lost[~cap], "killed"), (lost[cap], "captured")):
        day[rows] = _draw_days(rng, _daily_weights(tables, column, rng), start, len(rows))
    f.place[lost], f.place_names, f.place_names_ru = _draw_places(rng, tables, day[lost])
    _civilians_at_home(rng, tables, people, f)
    _killed(rng, f, day)
    mk = np.flatnonzero(fate == MK)
    f.missing[mk] = f.killed[mk] = day[mk]
    died = _captured(rng, f, day, end)
    dead = np.concatenate([mk, died])
    back, batch = _recover(rng, f, dead, end)
    f.remains = _bags(rng, f, back, batch, end)
    found = np.flatnonzero(fate == FOUND_ALIVE)
    f.missing[found] = day[found]
    f.found[found] = np.minimum(day[found] + rng.geometric(0.08, len(found)), end)
    for days in (f.missing, f.captured, f.released, f.killed, f.recovered, f.identified,
                 f.buried, f.found):
        days[days > end] = -1  # not happened yet on the day the lists are published
    return f


def _killed(rng: np.random.Generator, f: Fates, day: np.ndarray) -> None:
    """Killed with the body recovered by own side: buried within days."""
    rows = np.flatnonzero(f.fate == KILLED)
    f.killed[rows] = day[rows]
    f.buried[rows] = day[rows] + 2 + rng.geometric(0.2, len(rows))


def _recover(rng: np.random.Generator, f: Fates, dead: np.ndarray, end: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Bring home the remains of some of the dead whose bodies the other side holds:
    each in a repatriation batch months later, identified by DNA, then buried.

    Returns:
        (persons recovered, index of their first batch).
    """
    back = dead[rng.random(len(dead)) < RECOVERED_SHARE]
    target = f.killed[back] + rng.lognormal(np.log(200), 0.8, len(back)).astype(np.int32)
    batch = _next_batch(f.batches, target, rng, 0.6)
    back, batch = back[batch >= 0], batch[batch >= 0]
    f.recovered[back] = f.batches[batch]
    lab = f.recovered[back] + 14 + rng.lognormal(np.log(100), 0.7, len(back)).astype(np.int32)
    done = lab <= end
    f.identified[back[done]] = lab[done]
    f.fate[back[done & (f.fate[back] == MK)]] = MK_IDENTIFIED
    buried = lab + 5 + rng.geometric(0.1, len(back))
    f.buried[back[done & (buried <= end)]] = buried[done & (buried <= end)]
    return back, batch


def _bags(rng: np.random.Generator, f: Fates, people: np.ndarray, batch: np.ndarray,
          end: int) -> Remains:
    """Split each recovered person's remains into bags: most in one, some in two or more,
    the later ones arriving in the same or a later repatriation and identified later."""
    count = np.minimum(rng.geometric(0.8, len(people)), 5)
    person = np.repeat(people, count)
    first = np.repeat(batch, count)
    order = np.arange(len(person)) - np.repeat(np.cumsum(count) - count, count)
    later = np.where(order > 0, rng.geometric(0.5, len(person)) - 1, 0)
    bag_batch = np.minimum(first + later, len(f.batches) - 1).astype(np.int32)
    lab = np.where(order > 0, f.batches[bag_batch] + 14 +
                   rng.lognormal(np.log(120), 0.7, len(person)).astype(np.int32),
                   f.identified[person])
    lab = np.maximum(lab, f.identified[person])
    identified = np.where((f.identified[person] >= 0) & (lab <= end), lab, -1)
    return Remains(person.astype(np.int32), bag_batch, identified.astype(np.int32))


def _captured(rng: np.random.Generator, f: Fates, day: np.ndarray, end: int) -> np.ndarray:
    """Missing, then captured; released in a later exchange if one has come by the end,
    or dead in captivity before it.

    Returns:
        the persons who died in captivity.
    """
    rows = np.flatnonzero(f.fate == CAPTURED)
    f.missing[rows] = f.captured[rows] = day[rows]
    death = day[rows] + rng.lognormal(np.log(250), 0.8, len(rows)).astype(np.int32)
    dies = (rng.random(len(rows)) < DIED_IN_CAPTIVITY) & (death <= end)
    died = rows[dies]
    f.killed[died], f.fate[died] = death[dies], CAPTURED_DIED
    rows = rows[~dies]
    target = day[rows] + 30 + rng.lognormal(np.log(420), 0.8, len(rows)).astype(np.int32)
    ex = _next_batch(f.exchanges, target, rng, 0.5)
    out = ex >= 0
    f.exchange[rows[out]] = ex[out]
    f.released[rows[out]] = f.exchanges[ex[out]]
    f.fate[rows[out]] = CAPTURED_RELEASED
    return died


def day_to_date(day: int) -> dt.date:
    """Return the date of a day number."""
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))
