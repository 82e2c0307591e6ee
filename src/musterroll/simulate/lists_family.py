"""Families' missing-person reports: several relatives may report one person, each in
their own words: diminutives (Сашко for Олександр), typos, partial or wrong birth dates,
the unit and place as the family heard them."""

from __future__ import annotations

import numpy as np

from musterroll.simulate import dirt
from musterroll.simulate.fates import FOUND_ALIVE
from musterroll.simulate.render import dates
from musterroll.simulate.world import SourceList, World, chosen, lag

NAME = "family_reports"


def _reports(world: World, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Persons reported and the day of each report (one row per relative who reported)."""
    f = world.fates
    idx = np.flatnonzero(f.missing >= 0)
    prob = 0.8 * (1 - 0.5 * world.occupied(idx))
    prob[f.fate[idx] == FOUND_ALIVE] *= 0.5  # found within days: fewer families report
    idx = idx[chosen(rng, prob)]
    count = np.minimum(1 + rng.poisson(0.45, len(idx)), 4)
    rows = np.repeat(idx, count)
    day = f.missing[rows] + lag(rng, len(rows), 12, 1.0, least=1)
    found = f.found[rows]
    ok = (day <= world.as_of) & ((found < 0) | (day < found))
    return rows[ok], day[ok]


def _unit_as_heard(rng: np.random.Generator, units: np.ndarray) -> np.ndarray:
    """Unit numbers as families write them (в/ч А1234, А1234, А 1234) or not at all."""
    style = rng.integers(0, 4, len(units))
    out = np.empty(len(units), dtype=object)
    for i, (u, s) in enumerate(zip(units.tolist(), style.tolist(), strict=True)):
        out[i] = "" if not u or s == 3 else ("в/ч " + u, u, u[0] + " " + u[1:])[s]
    return out


def _missing_day_as_heard(rng: np.random.Generator, days: np.ndarray, first: int,
                          reported: np.ndarray) -> np.ndarray:
    """The day contact was lost, as the family knows it: exact, a few days off (never
    before the war's first day nor after the report), or the month alone."""
    shift = np.where(rng.random(len(days)) < 0.2, rng.integers(-5, 6, len(days)), 0)
    out = dates(np.clip(days + shift, first, reported - 1), "dmy")
    month = rng.random(len(days)) < 0.1
    out[month] = dates(days[month], "my")
    return out


# What families write in the note: most only that contact was lost; some of those whose
# relative is held have seen a video or heard from a released comrade.
NOTES = ["", "зв'язок втрачено", "не виходить на зв'язок", "після бойового виходу",
         "поранений, далі невідомо"]
NOTES_WEIGHTS = [0.45, 0.3, 0.12, 0.08, 0.05]
CAPTIVITY_NOTES = ["бачили на відео в полоні", "побратими кажуть, що в полоні",
                   "ймовірно в полоні"]


def _notes(rng: np.random.Generator, captured: np.ndarray) -> np.ndarray:
    """Free-text notes; a quarter of reports about prisoners say they may be held."""
    out = np.array(NOTES, dtype=object)[rng.choice(len(NOTES), len(captured),
                                                   p=NOTES_WEIGHTS)]
    rows = np.flatnonzero(captured & (rng.random(len(captured)) < 0.25))
    out[rows] = np.array(CAPTIVITY_NOTES, dtype=object)[
        rng.integers(0, len(CAPTIVITY_NOTES), len(rows))]
    return out


def _outcomes(world: World, rng: np.random.Generator, idx: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """The outcome a hotline writes when a family tells it the person was found (most
    do, within days; the hotline then closes every report of that person), and its day."""
    f = world.fates
    persons = np.unique(idx[f.found[idx] >= 0])
    told = f.found[persons] + lag(rng, len(persons), 3, 0.8)
    told[~chosen(rng, np.full(len(persons), 0.7)) | (told > world.as_of)] = -1
    day = np.full(len(idx), -1)
    rows = np.isin(idx, persons)
    day[rows] = told[np.searchsorted(persons, idx[rows])]
    outcome = np.where(day >= 0, np.where(world.people.sex[idx] == 1, "знайшлася",
                                          "знайшовся"), "").astype(object)
    return outcome, dates(day, "dmy")


def _russian_speakers(world: World, rng: np.random.Generator, idx: np.ndarray
                      ) -> np.ndarray:
    """Rows written by Russian-speaking relatives (more in the east and south), who write
    the name as they say it: Сергей Александрович, often Ковалев for Ковальов."""
    share = world.region_factor(idx, {"east": 0.3, "south": 0.2, "center": 0.05,
                                      "north": 0.04, "west": 0.01})
    return np.flatnonzero(rng.random(len(idx)) < share)


def family_reports(world: World) -> SourceList:
    """Reports by relatives to an NGO hotline, kept in a spreadsheet (XLSX).

    Ukrainian headers; the report date is an Excel date cell, other dates are typed text
    (so partial dates survive). Diminutives in 12% of rows, a typo in a few percent of
    names, partial birth dates, mixed apostrophes, Latin look-alikes, impossible dates.
    When a family says the person was found, the hotline closes the reports: outcome
    "знайшовся" and the day it closed them.
    """
    rng, p, n, f = world.rng(NAME), world.people, world.names, world.fates
    idx, day = _reports(world, rng)
    m = len(idx)
    given = n.given(idx).copy()
    dirt.swap_some(rng, given, world.tables.given.diminutives, p.given[idx], 0.12)
    patronymic = n.patronymic(idx).copy()
    surname = n.surname(idx).copy()
    russian = _russian_speakers(world, rng, idx)
    given[russian], patronymic[russian] = n.given(idx[russian], "ru"), n.patronymic(
        idx[russian], "ru")
    respelt = russian[rng.random(len(russian)) < 0.5]
    surname[respelt] = [s.replace("ё", "е") for s in n.surname(idx[respelt], "ru").tolist()]
    patronymic[rng.random(m) < 0.08] = ""
    rel = world.tables.war["relations"]
    w = np.array(world.tables.war["relation_weights"], dtype=float)
    columns = {
        "Прізвище": surname, "Ім'я": given, "По батькові": patronymic,
        "Дата народження": dirt.partial_dates(rng, p.birth[idx],
                                              {"dmy": 0.78, "y": 0.1, "my": 0.05, "": 0.07}),
        "Область": n.oblast_styled(idx, rng, {"bare": 0.35, "obl": 0.35, "colloquial": 0.2,
                                              "full": 0.1}),
        "Населений пункт": n.settlement_moved(idx, rng, 0.06),
        "Військова частина": _unit_as_heard(rng, n.unit(idx)),
        "Звання": np.where(rng.random(m) < 0.5, n.rank(idx), "").astype(object),
        "Дата зникнення": _missing_day_as_heard(rng, f.missing[idx], world.day("2022-02-24"), day),
        "Місце зникнення": np.where(rng.random(m) < 0.6, n.place(idx), "").astype(object),
        "Заявник (ким доводиться)": np.array(rel, dtype=object)[
            rng.choice(len(rel), m, p=w / w.sum())],
        "Дата звернення": day,
        "Примітка": _notes(rng, (f.captured[idx] >= 0) & (f.captured[idx] < day)),
    }
    for col, rate in (("Прізвище", 0.04), ("Ім'я", 0.02), ("По батькові", 0.03),
                      ("Населений пункт", 0.02)):
        dirt.add_typos(rng, columns[col], rate)
        dirt.set_apostrophes(rng, columns[col], "'’ʼ`", [0.5, 0.3, 0.1, 0.1])
        dirt.add_lookalikes(rng, columns[col], 0.005)
    names = [columns["Прізвище"], columns["Ім'я"], columns["По батькові"]]
    dirt.swap_columns(rng, names[0], names[1], 0.004)
    dirt.capitalise_rows(rng, names, 0.01)
    for column in names:
        dirt.sloppy_spacing(rng, column, 0.01)
    dirt.misdate(rng, columns["Дата народження"], 0.03)
    dirt.impossible_dates(rng, columns["Дата народження"], 0.002)
    dirt.blank(rng, columns["Прізвище"], 0.001)
    typed = dirt.pick(rng, m, 0.3)  # "с. Петрівка", "м. Суми" as some families write
    columns["Населений пункт"][typed] = n.settlement_typed(idx[typed], rng, 1.0)
    columns["Результат"], columns["Дата закриття"] = _outcomes(world, rng, idx)
    out = SourceList(NAME, "family_report", "xlsx", "uk", columns, idx,
                     extra={"date_format": "%d.%m.%Y", "default_status": "missing"},
                     excel_dates=frozenset({"Дата звернення"}))
    return out.ordered(rng.random(m), day)
