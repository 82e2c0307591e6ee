"""Open sources: obituaries in Latin letters (several romanisations, English exonyms,
nicknames and call signs) and a community memorial book in Ukrainian. Both depend on
the official notices: a published death is more often written about."""

from __future__ import annotations

import numpy as np

from musterroll.simulate import dirt
from musterroll.simulate.fates import KILLED
from musterroll.simulate.render import dates, join
from musterroll.simulate.world import SourceList, World, chosen, lag

# How an obituary spells a name, with shares: the 2010 standard most, then other
# Ukrainian systems, English exonyms, Russian passport style, nicknames.
# Share of prisoners whom an obituary wrongly reports killed (they went missing in a fight,
# comrades saw them fall); some come home in an exchange later, as happens in life.
FALSE_OBITUARY = 0.04
NAME_STYLES = {"uk_kmu2010": 0.42, "uk_passport2007": 0.07, "uk_bgn": 0.06, "english": 0.16,
               "ru_passport1997": 0.12, "nickname": 0.10, "uk_simple": 0.07}


def _dead(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Persons whose death is known (killed with the body recovered, or identified from
    remains, after missing in action or dying in captivity) and the day it was known."""
    f = world.fates
    idx = np.flatnonzero((f.fate == KILLED) | (f.identified >= 0))
    known = np.where(f.fate[idx] == KILLED, f.killed[idx], f.identified[idx])
    return idx, known


def _latin_names(world: World, rng: np.random.Generator, idx: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Full names given name first in Latin, each row in one style, and the style."""
    n, g = world.names, world.tables.given
    styles = list(NAME_STYLES)
    style = rng.choice(len(styles), len(idx), p=np.array(list(NAME_STYLES.values())))
    given = np.empty(len(idx), dtype=object)
    surname = np.empty(len(idx), dtype=object)
    for k, name in enumerate(styles):
        rows = np.flatnonzero(style == k)
        sub = idx[rows]
        if name.startswith("ru_"):
            given[rows] = n.romanised(n.given(sub, "ru"), name)
            surname[rows] = n.romanised(n.surname(sub, "ru"), name)
            continue
        system = name if name.startswith("uk_") else "uk_kmu2010"
        surname[rows] = n.romanised(n.surname(sub), system)
        if name == "english":
            given[rows] = n.given(sub, "en")
        elif name == "nickname":
            codes = world.people.given[sub]
            pick = rng.random(len(sub))
            given[rows] = [g.nicknames[c][int(u * len(g.nicknames[c]))]
                           for c, u in zip(codes.tolist(), pick.tolist(), strict=True)]
        else:
            given[rows] = n.romanised(n.given(sub), system)
    calls = np.array(world.tables.war["callsigns"], dtype=object)
    sign = np.where(rng.random(len(idx)) < 0.2, n.romanised(
        calls[rng.integers(0, len(calls), len(idx))], "uk_kmu2010"), "")
    quoted = np.array([f'"{s}"' if s else "" for s in sign.tolist()], dtype=object)
    return join(given, quoted, surname), np.array(styles, dtype=object)[style]


def obituaries(world: World, on_official: np.ndarray) -> SourceList:
    """Obituaries gathered from local news and social media (JSON Lines, Latin letters).

    Coverage depends on the official notice (dependence between lists), rank (officers
    are written about more), region (local press is stronger in the west) and period
    (attention fades as the war goes on). Often published before the official notice.

    Args:
        on_official: person indices on the official death notices.
    """
    rng, f, p, n = world.rng("obituaries"), world.fates, world.people, world.names
    idx, known = _dead(world)
    prob = (0.10 + 0.30 * np.isin(idx, on_official)) * np.where(world.officer(idx), 1.8, 1.0)
    prob *= world.region_factor(idx, {"west": 1.3, "center": 1.1, "east": 0.6, "south": 0.8})
    prob *= world.year_factor(f.killed[idx], {2022: 1.3, 2024: 0.85, 2025: 0.75})
    published = known + lag(rng, len(idx), 6, 1.0, least=1)
    alive = np.flatnonzero((f.captured >= 0) & (f.killed < 0))
    idx = np.concatenate([idx, alive])
    prob = np.concatenate([prob, np.full(len(alive), FALSE_OBITUARY)])
    published = np.concatenate([published, f.missing[alive] + lag(rng, len(alive), 20, 0.8, 3)])
    keep = chosen(rng, prob) & (published <= world.as_of)
    idx, published = idx[keep], published[keep]
    # Several outlets publish one death, each spelling the name its own way.
    again = dirt.pick(rng, len(idx), 0.12)
    idx = np.concatenate([idx, idx[again]])
    published = np.concatenate([published, published[again] + lag(rng, len(again), 3, 1.0)])
    idx, published = idx[published <= world.as_of], published[published <= world.as_of]
    m = len(idx)
    full_name, style = _latin_names(world, rng, idx)
    said = np.where(f.killed[idx] >= 0, f.killed[idx], f.missing[idx])  # the day of the fight
    death = dates(said, "iso")
    month = rng.random(m) < 0.15
    death[month] = dates(said[month], "ym")
    columns = {
        "full_name": full_name,
        "birth_date": np.where(rng.random(m) < 0.7, dates(p.birth[idx], "y", np.ones(m, bool)),
                               "").astype(object),
        "settlement": np.where(rng.random(m) < 0.7, n.romanised(
            n.settlement_moved(idx, rng, 0.08), "uk_kmu2010"), "").astype(object),
        "rank": np.where(rng.random(m) < 0.4, n.rank(idx, "en"), "").astype(object),
        "status": np.full(m, "killed", dtype=object),
        "event_date": death,
        "event_place": n.romanised(n.place(idx), "uk_kmu2010"),
        "reported_date": dates(published, "iso"),
    }
    out = SourceList("obituaries", "open_source", "jsonl", "latin", columns, idx,
                     extra={"date_format": "%Y-%m-%d", "full_name_order": "given_first",
                            "romanisation": sorted(set(style.tolist()))})
    return out.ordered(rng.random(m), published)


def memorial_book(world: World, on_official: np.ndarray, on_obituary: np.ndarray
                  ) -> SourceList:
    """A community memorial book in Ukrainian (UTF-8 CSV, Ukrainian headers), compiled by
    volunteers from official notices and obituaries, civilians included."""
    rng, f, p, n = world.rng("memorial_book"), world.fates, world.people, world.names
    idx, known = _dead(world)
    cut = world.published("memorial_book")
    idx = idx[known + 20 <= cut]  # volunteers add a name weeks after the death is known
    prob = 0.12 + 0.25 * np.isin(idx, on_obituary) + 0.15 * np.isin(idx, on_official)
    prob *= world.region_factor(idx, {"west": 1.2, "east": 0.7})
    idx = dirt.duplicate(rng, idx[chosen(rng, prob)], 0.01)
    m = len(idx)
    columns = {
        "Прізвище": n.surname(idx).copy(), "Ім'я": n.given(idx).copy(),
        "По батькові": n.patronymic(idx).copy(),
        "Дата народження": dates(p.birth[idx], "dmy", np.ones(m, bool)),
        "Дата загибелі": dates(f.killed[idx], "dmy"), "Місце загибелі": n.place(idx).copy(),
        "Населений пункт": n.settlement(idx).copy(), "Область": n.oblast(idx),
    }
    for col in ("Прізвище", "Ім'я", "По батькові", "Місце загибелі", "Населений пункт"):
        dirt.set_apostrophes(rng, columns[col], "'’", [0.5, 0.5])
        dirt.add_lookalikes(rng, columns[col], 0.004)
    dirt.add_typos(rng, columns["Прізвище"], 0.01)
    dirt.swap_columns(rng, columns["Прізвище"], columns["Ім'я"], 0.003)
    out = SourceList("memorial_book", "open_source", "csv", "uk", columns, idx,
                     encoding="utf-8", delimiter=",", published=cut,
                     extra={"date_format": "%d.%m.%Y", "default_status": "killed"})
    return out.ordered(rng.random(m), columns["Ім'я"].astype(str),
                       columns["Прізвище"].astype(str))
