"""The simulator's hand-made tables (data/*.csv, data/*.yaml), loaded once into arrays.

Given names carry their Russian form, English exonym, diminutives and patronymics;
surnames are the common ones with Zipf-like weights plus a long tail generated from stems
and suffixes, each in both gender forms and in Russian spelling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import yaml

from musterroll.simulate.datafiles import StrArray, obj, read, read_rows
from musterroll.simulate.surnames import Surnames, load_surnames


@dataclass(frozen=True)
class GivenNames:
    """Given names of both sexes in one table (male rows first)."""

    uk: StrArray
    ru: StrArray
    en: StrArray
    sex: np.ndarray  # 0 male, 1 female
    weight: np.ndarray  # within-sex probabilities, people born from about 1965
    older_weight: np.ndarray  # within-sex probabilities, people born before about 1965
    father_weight: np.ndarray  # probabilities of being a father's name (male rows only)
    patronymic_uk: StrArray  # shape (2, n): [sex of child, father's name]
    patronymic_ru: StrArray
    diminutives: list[list[str]]
    nicknames: list[list[str]]


@dataclass(frozen=True)
class Tables:
    """Every hand-made table the simulator draws from."""

    given: GivenNames
    surnames: Surnames
    oblasts: list[dict[str, str]]
    settlements: list[dict[str, str]]
    villages: list[dict[str, str]]
    ranks: list[dict[str, str]]
    war: dict[str, Any]

    @property
    def war_start(self) -> dt.date:
        """First day of the war (2022-02-24)."""
        return dt.date.fromisoformat(str(self.war["war_start"]))

    @property
    def as_of(self) -> dt.date:
        """The day the simulated lists are published up to."""
        return dt.date.fromisoformat(str(self.war["as_of"]))


def _load_given() -> GivenNames:
    """Load male and female given names into one table."""
    male, female = read_rows("given_names_male.csv"), read_rows("given_names_female.csv")
    rows = male + female
    sex = np.array([0] * len(male) + [1] * len(female), dtype=np.int8)
    weight = np.array([float(r["weight"]) for r in rows])
    for s in (0, 1):
        weight[sex == s] /= weight[sex == s].sum()
    fathers = np.array([float(r.get("father_weight") or 0) for r in rows])
    # Men born before 1965 carry their fathers' generation's names; women their own column.
    older = np.array([float(r.get("older_weight") or r.get("father_weight") or 0)
                      for r in rows])
    for s in (0, 1):
        older[sex == s] /= older[sex == s].sum()
    patr_uk = np.empty((2, len(rows)), dtype=object)
    patr_ru = np.empty((2, len(rows)), dtype=object)
    for i, r in enumerate(rows):
        patr_uk[0, i], patr_uk[1, i] = r.get("patr_m_uk", ""), r.get("patr_f_uk", "")
        patr_ru[0, i], patr_ru[1, i] = r.get("patr_m_ru", ""), r.get("patr_f_ru", "")
    return GivenNames(
        uk=obj([r["uk"] for r in rows]),
        ru=obj([r["ru"] for r in rows]),
        en=obj([r["en"] for r in rows]),
        sex=sex,
        weight=weight,
        older_weight=older,
        father_weight=fathers / fathers.sum(),
        patronymic_uk=patr_uk,
        patronymic_ru=patr_ru,
        diminutives=[r["diminutives_uk"].split("|") for r in rows],
        nicknames=[r["nicknames_latin"].split("|") for r in rows],
    )


@cache
def load_tables() -> Tables:
    """Load every table once per process.

    Returns:
        the Tables; loading takes well under a second.
    """
    war = yaml.safe_load(read("war.yaml"))
    return Tables(
        given=_load_given(),
        surnames=load_surnames(),
        oblasts=read_rows("oblasts.csv"),
        settlements=read_rows("settlements.csv"),
        villages=read_rows("villages.csv"),
        ranks=read_rows("ranks.csv"),
        war=war,
    )
