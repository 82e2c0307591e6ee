"""The linkage model as plain data: comparisons, blocking rules, training plan, thresholds.

Nothing here imports Splink or a database. ``default_settings()`` builds the settings
from ``musterroll.names`` (the name levels) and from this module's own levels for dates,
places, unit, service number and sex; ``LinkSettings.to_dict()`` / ``from_dict()`` save
and load them beside each run (JSON), with the trained m and u values once there are any.
``musterroll.linkage.engines`` binds them to Splink for DuckDB or Spark, in one place.

All SQL is written in the dialect DuckDB and Spark SQL share (``=``, ``IS NULL``,
``levenshtein``, ``abs``, ``CASE``), on Splink's ``<column>_l`` / ``<column>_r`` names;
blocking rules on ``l.<column>`` / ``r.<column>``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from musterroll.names import comparison_levels_sql

__all__ = [
    "BLOCKING_RULES",
    "LinkSettings",
    "Thresholds",
    "default_comparisons",
    "default_settings",
]

# Which rule finds which true pairs is measured by musterroll.linkage.blocking.recall;
# together they miss a small share of true pairs (see bench/bench_linkage.py).
BLOCKING_RULES: tuple[str, ...] = (
    # Every rule pins a birth date, a birth year or an event day where it can: without
    # them a common name (Мельник Олександр) makes blocks of a thousand records at 1M.
    # Same surname skeleton and given name (or its initial) and birth year.
    "l.surname_translit = r.surname_translit AND l.given_initial = r.given_initial"
    " AND l.birth_year = r.birth_year",
    # ... or the same given name in another form (Kolya for Mykola: other initials).
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND l.birth_year = r.birth_year",
    # ... and where either record has no birth date at all (obituaries, families).
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND (l.birth_year IS NULL OR r.birth_year IS NULL)",
    # A mistyped surname or given name: the other name and the whole birth date agree.
    "l.given_group = r.given_group AND l.birth_date = r.birth_date",
    "l.surname_translit = r.surname_translit AND l.birth_date = r.birth_date",
    "l.patronymic_father = r.patronymic_father AND l.birth_date = r.birth_date",
    # Sound keys across scripts (Latin lists) with the birth year.
    "l.surname_phonetic = r.surname_phonetic AND l.given_phonetic = r.given_phonetic"
    " AND l.birth_year = r.birth_year",
    # A wrong or missing birth date: the day of death (or of loss of contact) agrees.
    "l.surname_phonetic = r.surname_phonetic AND l.event_day = r.event_day",
    # A wrong or missing birth date: the full name's family, given group and father.
    "l.surname_family = r.surname_family AND l.given_group = r.given_group"
    " AND l.patronymic_father = r.patronymic_father",
    "l.surname_family = r.surname_family AND l.birth_year = r.birth_year"
    " AND l.birth_month = r.birth_month",
    "l.service_key = r.service_key",
    "l.unit_key = r.unit_key AND l.surname_phonetic = r.surname_phonetic",
)

# Rules under which EM trains the other comparisons (each leaves out what it blocks on).
TRAINING_RULES: tuple[str, ...] = (
    "l.birth_date = r.birth_date AND l.given_group = r.given_group",
    "l.surname_translit = r.surname_translit AND l.birth_date = r.birth_date",
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND l.patronymic_group = r.patronymic_group",
)

# Rules that surely find matches, for the prior probability that two records match.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND l.birth_date = r.birth_date",
    "l.service_key = r.service_key",
)

_FULL = "birth_date_l IS NOT NULL AND birth_date_r IS NOT NULL"
_DATE_LEVELS: list[tuple[str, str]] = [
    ("null", "birth_year_l IS NULL OR birth_year_r IS NULL"),
    ("exact", "birth_date_l = birth_date_r"),
    # Clerks swap day and month (03.05 for 05.03).
    ("day_month_swapped", f"{_FULL} AND birth_year_l = birth_year_r"
     " AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r"),
    # One mistyped digit of the day, month or year.
    ("one_digit", f"{_FULL} AND levenshtein(birth_date_l, birth_date_r) = 1"),
    # Partial dates: as far as both go, they agree.
    ("year_month_partial", "birth_year_l = birth_year_r AND birth_month_l = birth_month_r"
     " AND (birth_day_l IS NULL OR birth_day_r IS NULL)"),
    ("year_partial", "birth_year_l = birth_year_r"
     " AND (birth_month_l IS NULL OR birth_month_r IS NULL)"),
    # The year off by one, the day and month right (1989 for 1990).
    ("year_off_one", f"{_FULL} AND birth_month_l = birth_month_r"
     " AND birth_day_l = birth_day_r AND abs(birth_year_l - birth_year_r) = 1"),
    ("same_year", "birth_year_l = birth_year_r"),
    ("different", "ELSE"),
]


# The day of the event a list records (killed, missing, captured ...): lists of one fate
# agree on it to the day or nearly (a family may know the day of lost contact only roughly).
_EVENT_LEVELS: list[tuple[str, str]] = [
    ("null", "event_day_l IS NULL OR event_day_r IS NULL"),
    ("same_day_place", "event_day_l = event_day_r AND event_place_key_l = event_place_key_r"),
    ("same_day", "event_day_l = event_day_r"),
    ("within_7_days", "abs(event_day_l - event_day_r) <= 7"),
    ("within_60_days", "abs(event_day_l - event_day_r) <= 60"),
    ("different", "ELSE"),
]


# What the two lists say happened: a list of the dead and an obituary share far more
# persons than two random records do; EM learns by how much.
_FATE_LEVELS: list[tuple[str, str]] = [
    ("null", "fate_l IS NULL OR fate_r IS NULL"),
    ("both_dead", "fate_l = 'dead' AND fate_r = 'dead'"),
    ("same_fate", "fate_l = fate_r"),
    ("dead_and_missing", "(fate_l = 'dead' AND fate_r = 'missing')"
     " OR (fate_l = 'missing' AND fate_r = 'dead')"),
    ("missing_and_captive", "(fate_l = 'missing' AND fate_r = 'captive')"
     " OR (fate_l = 'captive' AND fate_r = 'missing')"),
    ("other", "ELSE"),
]


def _simple_levels(column: str, *, fuzzy: bool = False) -> list[tuple[str, str]]:
    levels = [
        ("null", f"{column}_l IS NULL OR {column}_r IS NULL"),
        ("exact", f"{column}_l = {column}_r"),
    ]
    if fuzzy:
        levels.append(("one_edit", f"levenshtein({column}_l, {column}_r) <= 1"))
    return levels + [("different", "ELSE")]


def _comparison(name: str, levels: list[tuple[str, str]], description: str,
                tf_columns: dict[str, str] | None = None) -> dict[str, Any]:
    out = []
    for label, sql in levels:
        level: dict[str, Any] = {"label": label, "sql": sql}
        if tf_columns and label in tf_columns:
            level["tf_column"] = tf_columns[label]
        out.append(level)
    return {"name": name, "description": description, "levels": out}


def default_comparisons() -> list[dict[str, Any]]:
    """Return the comparisons: name levels from musterroll.names, then the other fields.

    Returns:
        A list of {"name", "description", "levels": [{"label", "sql", "tf_column"?}]};
        the first level of each is the null level, the last ("different") is ELSE.
    """
    return [
        _comparison("surname", comparison_levels_sql("surname"),
                    "surname across scripts (musterroll.names), exact and transliteration"
                    " levels adjusted for the surname's frequency",
                    tf_columns={"exact": "surname_norm", "transliteration": "surname_translit"}),
        _comparison("given", comparison_levels_sql("given"),
                    "given name across scripts and diminutives (musterroll.names), adjusted"
                    " for the name's frequency",
                    tf_columns={"exact": "given_norm", "transliteration": "given_translit"}),
        _comparison("patronymic", comparison_levels_sql("patronymic"),
                    "patronymic across scripts (musterroll.names)"),
        _comparison("birth_date", _DATE_LEVELS,
                    "birth date: partial dates, swapped day and month, one-digit typos"),
        _comparison("unit", _simple_levels("unit_key"), "military unit number"),
        _comparison("oblast", _simple_levels("oblast_key"), "home oblast"),
        _comparison("settlement", _simple_levels("settlement_key", fuzzy=True),
                    "home settlement"),
        _comparison("service_number", _simple_levels("service_key", fuzzy=True),
                    "service number"),
        _comparison("sex", _simple_levels("sex_key"), "sex (given, or read from the names)"),
        _comparison("event", _EVENT_LEVELS, "day (and place) of the event the list records"),
        _comparison("fate", _FATE_LEVELS, "what each list says happened (its status group)"),
    ]


@dataclass
class Thresholds:
    """Match weights (log2 Bayes factors) that clustering and review use."""

    # Pairs below this weight are not kept at all after scoring.
    keep: float = -8.0
    # Pairs at or above this weight join two clusters at once (if no constraint forbids).
    strong: float = 6.0
    # Pairs between `keep` and `strong` join two clusters only when the clusters' average
    # link (unscored pairs counting as `absent`) reaches `average`.
    average: float = 2.0
    absent: float = -10.0
    # A record left alone joins its best candidate at or above `best_link` when no other
    # candidate comes within `best_margin`.
    best_link: float = -4.0
    best_margin: float = 5.0
    # Pairs and clusters whose decision rests on a weight inside this band go to review.
    review_low: float = 2.0
    review_high: float = 10.0


@dataclass
class LinkSettings:
    """Everything that decides a linkage run, as plain data (saved beside each run)."""

    comparisons: list[dict[str, Any]] = field(default_factory=default_comparisons)
    blocking_rules: list[str] = field(default_factory=lambda: list(BLOCKING_RULES))
    training_rules: list[str] = field(default_factory=lambda: list(TRAINING_RULES))
    deterministic_rules: list[str] = field(default_factory=lambda: list(DETERMINISTIC_RULES))
    deterministic_recall: float = 0.7
    u_max_pairs: float = 1.5e6
    em_max_pairs: float = 2e6
    seed: int = 1
    thresholds: Thresholds = field(default_factory=Thresholds)
    # Source kinds whose lists are deduplicated by the publisher: two records of one such
    # list are two people (a cannot-link in clustering).
    dedup_kinds: list[str] = field(default_factory=lambda: ["official"])
    # Least m of each comparison's "different" level: EM on lists that rarely disagree
    # learns m near 0 and then one wrong field vetoes a match; lists do get units, oblasts
    # and settlements wrong (where a family lives now, a clerk's slip).
    m_floor: dict[str, float] = field(default_factory=lambda: {
        "surname": 0.005, "given": 0.005, "patronymic": 0.005, "birth_date": 0.005,
        "unit": 0.05, "oblast": 0.05, "settlement": 0.05, "service_number": 0.01,
        "sex": 0.005, "event": 0.05,
    })
    # Values for levels the data cannot train (no pair of records with service numbers
    # on both sides in training): {comparison: {level: [m, u]}}.
    fallback: dict[str, dict[str, list[float]]] = field(default_factory=lambda: {
        "service_number": {"exact": [0.97, 1e-7], "one_edit": [0.02, 1e-6],
                           "different": [0.01, 0.999999]},
    })
    # Comparisons whose m is held at its `fallback` values while EM trains the others.
    # Service numbers are copied from documents: a true pair rarely disagrees, so in a
    # small register EM drives m of "different" to exactly 0.0, which Splink 5 refuses
    # mid-training ("m_probability value 0.0 is below the minimum"); the typo rate is known.
    fixed_m: list[str] = field(default_factory=lambda: ["service_number"])
    # Trained parameters: {"lambda": p, "m": {comparison: [..]}, "u": {comparison: [..]}},
    # each list aligned with the comparison's levels (null level None).
    parameters: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkSettings:
        """Build settings from `to_dict()` output (unknown keys raise TypeError)."""
        data = dict(data)
        data["thresholds"] = Thresholds(**data.get("thresholds", {}))
        return cls(**data)

    def save(self, path: Path) -> None:
        """Write the settings as JSON to `path`."""
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1), "utf-8")

    @classmethod
    def load(cls, path: Path) -> LinkSettings:
        """Read settings written by `save`."""
        return cls.from_dict(json.loads(path.read_text("utf-8")))


def default_settings(**overrides: Any) -> LinkSettings:
    """Return the default settings, with any field replaced by keyword."""
    return LinkSettings(**overrides)
