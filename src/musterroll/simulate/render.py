"""Turn codes into the strings a list shows: dates in a list's format, names in a script.

Strings are looked up in small tables by code (a date string per day, a name per table
row) rather than formatted row by row, which keeps a million-person war fast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from musterroll.simulate.fates import Fates
from musterroll.simulate.people import EPOCH, People, settlement_names, to_day
from musterroll.simulate.spelling import romanise
from musterroll.simulate.tables import Tables

FIRST_DAY = to_day(dt.date(1900, 1, 1))
LAST_DAY = to_day(dt.date(2030, 12, 31))
DATE_STYLES = {"iso": "%Y-%m-%d", "dmy": "%d.%m.%Y", "ym": "%Y-%m", "my": "%m.%Y", "y": "%Y"}


def _date_table(style: str) -> np.ndarray:
    """Every day from 1900 to 2030 formatted in one style."""
    fmt = DATE_STYLES[style]
    start = EPOCH + dt.timedelta(days=FIRST_DAY)
    out = np.empty(LAST_DAY - FIRST_DAY + 1, dtype=object)
    out[:] = [(start + dt.timedelta(days=i)).strftime(fmt) for i in range(len(out))]
    return out


_DATE_TABLES: dict[str, np.ndarray] = {}


def dates(days: np.ndarray, style: str, valid: np.ndarray | None = None) -> np.ndarray:
    """Format day numbers as strings.

    Args:
        days: day numbers (days since 1970-01-01).
        style: a key of DATE_STYLES ("iso", "dmy", "ym", "my", "y").
        valid: where false the string is empty; default: days >= 0 (event days, which all
            fall in the war; birth days pass valid explicitly).
    Returns:
        an object array of strings.
    """
    if style not in _DATE_TABLES:
        _DATE_TABLES[style] = _date_table(style)
    ok = days >= 0 if valid is None else valid
    out = _DATE_TABLES[style][np.clip(days, FIRST_DAY, LAST_DAY) - FIRST_DAY]
    return np.where(ok, out, "").astype(object)


def join(*columns: np.ndarray, sep: str = " ") -> np.ndarray:
    """Join string columns row by row, skipping empty parts."""
    out = np.empty(len(columns[0]), dtype=object)
    out[:] = [sep.join(p for p in parts if p) for parts in zip(*columns, strict=True)]
    return out


def _unique_map(values: np.ndarray, func: object) -> np.ndarray:
    """Apply a str -> str function to each distinct value once and spread the results."""
    uniq, inverse = np.unique(values.astype(str), return_inverse=True)
    mapped = np.empty(len(uniq), dtype=object)
    mapped[:] = [func(u) for u in uniq.tolist()]  # type: ignore[operator]
    return mapped[inverse]


@dataclass
class Names:
    """Names, places and particulars of the people, in each script a list may use."""

    tables: Tables
    people: People
    fates: Fates
    _settlements: dict[str, np.ndarray] = field(default_factory=dict)

    def surname(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Surnames in their gender form; script "uk" or "ru"."""
        table = self.tables.surnames.uk if script == "uk" else self.tables.surnames.ru
        return table[self.people.sex[idx], self.people.surname[idx]]

    def given(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Given names; script "uk", "ru" or "en" (English exonym)."""
        g = self.tables.given
        return {"uk": g.uk, "ru": g.ru, "en": g.en}[script][self.people.given[idx]]

    def patronymic(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Patronymics from the father's name, with the ending of the person's sex."""
        g = self.tables.given
        table = g.patronymic_uk if script == "uk" else g.patronymic_ru
        return table[self.people.sex[idx], self.people.father[idx]]

    def settlement(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Home settlement names; script "uk" or "ru"."""
        if script not in self._settlements:
            self._settlements[script] = np.array(settlement_names(self.tables, script),
                                                 dtype=object)
        return self._settlements[script][self.people.settlement[idx]]

    def oblast(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Home oblast names as they stand (Харківська, Харьковская, м. Київ); script
        "colloquial" gives the region as families name it (Харківщина, Буковина)."""
        names = np.array([o[script] for o in self.tables.oblasts], dtype=object)
        return names[self.people.oblast[idx]]

    def oblast_styled(self, idx: np.ndarray, rng: np.random.Generator,
                      shares: dict[str, float]) -> np.ndarray:
        """Oblast names in mixed styles, per row: "bare" (Харківська), "obl" (Харківська
        обл.), "full" (Харківська область), "colloquial" (Харківщина).

        Args:
            shares: share of each style on this list.
        """
        bare, colloquial = self.oblast(idx), self.oblast(idx, "colloquial")
        styles = list(shares)
        pick = rng.choice(len(styles), len(idx), p=np.array(list(shares.values())) /
                          sum(shares.values()))
        out = bare.copy()
        for k, style in enumerate(styles):
            rows = np.flatnonzero(pick == k)
            if style == "colloquial":
                out[rows] = colloquial[rows]
            elif style in ("obl", "full"):
                suffix = " обл." if style == "obl" else " область"
                out[rows] = [b if b[0] in "мА" and b[:2] in ("м.", "АР") else b + suffix
                             for b in bare[rows].tolist()]
        return out

    def settlement_moved(self, idx: np.ndarray, rng: np.random.Generator, share: float
                         ) -> np.ndarray:
        """Home settlements where `share` of rows give another city: where the person
        lived or worked lately, not where registered (conflicting evidence, as in life)."""
        names = self.settlement(idx).copy()
        rows = np.flatnonzero(rng.random(len(idx)) < share)
        cities = np.array([s["uk"] for s in self.tables.settlements], dtype=object)
        weight = np.array([float(s["weight"]) for s in self.tables.settlements])
        names[rows] = cities[rng.choice(len(cities), len(rows), p=weight / weight.sum())]
        return names

    def settlement_typed(self, idx: np.ndarray, rng: np.random.Generator, share: float
                         ) -> np.ndarray:
        """Home settlements with their type written before them in `share` of rows
        (м. Харків, с. Михайлівка), as official registers write them."""
        names = self.settlement(idx).copy()
        cities = len(self.tables.settlements)
        rows = np.flatnonzero(rng.random(len(idx)) < share)
        kind = np.where(self.people.settlement[idx[rows]] < cities, "м. ", "с. ")
        names[rows] = [k + n for k, n in zip(kind.tolist(), names[rows].tolist(), strict=True)]
        return names

    def rank(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Military ranks; empty for civilians. script "uk", "ru" or "en"."""
        names = np.array([r[script] for r in self.tables.ranks] + [""], dtype=object)
        return names[self.people.rank[idx]]

    def unit(self, idx: np.ndarray) -> np.ndarray:
        """Unit numbers (А1234); empty for civilians."""
        names = np.array(self.people.unit_names + [""], dtype=object)
        return names[self.people.unit[idx]]

    def place(self, idx: np.ndarray, script: str = "uk") -> np.ndarray:
        """Place of loss (where killed, went missing or was captured); empty if none."""
        f = self.fates
        names = np.array((f.place_names if script == "uk" else f.place_names_ru) + [""],
                         dtype=object)
        return names[f.place[idx]]

    @staticmethod
    def romanised(values: np.ndarray, system: str) -> np.ndarray:
        """Romanise Cyrillic strings in a named system (see spelling.romanise)."""
        return _unique_map(values, lambda s: romanise(s, system))
