"""The linkage model as plain data: comparisons, blocking rules, training plan, thresholds.

Nothing here imports Splink or a database. ``default_settings()`` builds the settings
from ``musterroll.names`` (the name levels) and from this module's own levels for dates,
places, unit, service number and sex; ``LinkSettings.to_dict()`` / ``from_dict()`` save
and load them beside each run (JSON), with the trained m and u values once there are any.
``musterroll.linkage.backends`` binds them to Splink for DuckDB or Spark, in one place.

All SQL is written in the dialect DuckDB and Spark SQL share (``=``, ``IS NULL``,
``levenshtein``, ``abs``, ``CASE``), on Splink's ``<column>_l`` / ``<column>_r`` names;
blocking rules on ``l.<column>`` / ``r.<column>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from musterroll.names import comparison_levels_sql, swapped_blocking_rule_sql

__all__ = [
    "BLOCKING_RULES",
    "SMALL_REGISTER_RULES",
    "LinkSettings",
    "Thresholds",
    "default_comparisons",
    "default_settings",
    "fit_to_data",
    "rule_columns",
]

# Which rule finds which true pairs is measured by musterroll.linkage.blocking.recall;
# together they miss a small share of true pairs (see bench/bench_linkage.py). A rule on a
# column the register does not hold is dropped for that run (`fit_to_data`).
BLOCKING_RULES: tuple[str, ...] = (
    # Every rule pins a birth date, a birth year or an event day where it can: without
    # them a common name (Мельник Олександр) makes blocks of a thousand records at 1M.
    # Same surname skeleton and given name (or its initial) and birth year.
    "l.surname_translit = r.surname_translit AND l.given_initial = r.given_initial"
    " AND l.birth_year = r.birth_year",
    # ... or the same given name in another form (Kolya for Mykola: other initials).
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND l.birth_year = r.birth_year",
    # ... or a nickname the name's second group holds (Bill: Robert or William).
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group_alt",
    "l.surname_translit = r.surname_translit AND l.given_group_alt = r.given_group",
    # ... and where either record has no birth date at all (obituaries, families), by the
    # name's group or, for names outside the project's tables, its skeleton.
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND (l.birth_year IS NULL OR r.birth_year IS NULL)",
    "l.surname_translit = r.surname_translit AND l.given_translit = r.given_translit"
    " AND (l.birth_year IS NULL OR r.birth_year IS NULL)",
    # A mistyped surname or given name: the other name and the whole birth date agree.
    "l.given_group = r.given_group AND l.birth_date = r.birth_date",
    "l.given_translit = r.given_translit AND l.birth_date = r.birth_date",
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
    # A mistyped surname and no birth date: the given name, the surname's first letter
    # and the day of the event, the home or the unit.
    "l.given_group = r.given_group AND l.event_day = r.event_day"
    " AND l.surname_initial = r.surname_initial",
    "l.surname_initial = r.surname_initial AND l.event_day = r.event_day"
    " AND l.settlement_key = r.settlement_key",
    "l.given_group = r.given_group AND l.unit_key = r.unit_key"
    " AND l.surname_initial = r.surname_initial",
    # The surname typed in the given-name column and the given name in the surname's
    # (both ways round: a rule on l and r sees each pair in one order only).
    swapped_blocking_rule_sql(),
    "l.surname_translit = r.given_translit AND l.birth_year = r.birth_year",
    "l.given_translit = r.surname_translit AND l.birth_year = r.birth_year",
    # Both names mistyped or swapped: the birth date and where the person lives.
    "l.birth_date = r.birth_date AND l.settlement_key = r.settlement_key",
    "l.birth_date = r.birth_date AND l.postcode_key = r.postcode_key",
    # A wrong or missing birth date: where the person lives.
    "l.surname_phonetic = r.surname_phonetic AND l.given_initial = r.given_initial"
    " AND l.settlement_key = r.settlement_key",
    "l.surname_phonetic = r.surname_phonetic AND l.postcode_key = r.postcode_key",
    "l.given_translit = r.given_translit AND l.postcode_key = r.postcode_key",
    "l.address_key = r.address_key AND l.given_initial = r.given_initial",
    # Identifiers, and identifiers with one typo: an edit leaves one half whole (a half
    # alone, АА99, makes blocks of thousands at a million records: the initials narrow it).
    "l.service_key = r.service_key",
    "l.service_head = r.service_head AND l.surname_initial = r.surname_initial"
    " AND l.given_initial = r.given_initial",
    "l.service_tail = r.service_tail AND l.surname_initial = r.surname_initial"
    " AND l.given_initial = r.given_initial",
    "l.document_key = r.document_key",
    "l.document_head = r.document_head AND l.surname_initial = r.surname_initial"
    " AND l.given_initial = r.given_initial",
    "l.document_tail = r.document_tail AND l.surname_initial = r.surname_initial"
    " AND l.given_initial = r.given_initial",
    "l.phone_key = r.phone_key",
    "l.email_key = r.email_key",
    "l.unit_key = r.unit_key AND l.surname_phonetic = r.surname_phonetic",
)

# On a small register (`LinkSettings.small_register`) one field is enough to block on:
# the blocks stay small and the pairs these reach, with every name and date mistyped or
# swapped, are found too. On a big one they would make blocks of thousands.
SMALL_REGISTER_RULES: tuple[str, ...] = (
    "l.birth_date = r.birth_date",
    "l.surname_translit = r.surname_translit",
    "l.postcode_key = r.postcode_key",
    "l.address_key = r.address_key",
    "l.settlement_key = r.settlement_key AND l.given_initial = r.given_initial",
)

# Rules under which EM may train the other comparisons (each leaves out what it blocks
# on). `fit_to_data` keeps those whose columns most records hold.
TRAINING_RULES: tuple[str, ...] = (
    "l.birth_date = r.birth_date AND l.given_group = r.given_group",
    "l.surname_translit = r.surname_translit AND l.birth_date = r.birth_date",
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND l.patronymic_group = r.patronymic_group",
    "l.birth_date = r.birth_date AND l.given_translit = r.given_translit",
    "l.surname_translit = r.surname_translit AND l.given_translit = r.given_translit",
    "l.service_key = r.service_key",
    "l.document_key = r.document_key",
    "l.postcode_key = r.postcode_key AND l.birth_year = r.birth_year",
)

# Rules that surely find matches, for the prior probability that two records match.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.surname_translit = r.surname_translit AND l.given_group = r.given_group"
    " AND l.birth_date = r.birth_date",
    "l.surname_translit = r.surname_translit AND l.given_translit = r.given_translit"
    " AND l.birth_date = r.birth_date",
    "l.service_key = r.service_key",
    "l.document_key = r.document_key",
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


# The day of the event a list records (killed, missing, captured ...): lists of one status
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
_STATUS_GROUP_LEVELS: list[tuple[str, str]] = [
    ("null", "status_group_l IS NULL OR status_group_r IS NULL"),
    ("both_dead", "status_group_l = 'dead' AND status_group_r = 'dead'"),
    ("same_group", "status_group_l = status_group_r"),
    ("dead_and_missing", "(status_group_l = 'dead' AND status_group_r = 'missing')"
     " OR (status_group_l = 'missing' AND status_group_r = 'dead')"),
    ("missing_and_captive", "(status_group_l = 'missing' AND status_group_r = 'captive')"
     " OR (status_group_l = 'captive' AND status_group_r = 'missing')"),
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


def _identifier_levels(prefix: str) -> list[tuple[str, str]]:
    """Exact; one edit or two digits transposed (the same characters, two edits); else.

    A typo in a service or document number is weak evidence against a pair, not a veto.
    """
    key = f"{prefix}_key"
    return [
        ("null", f"{key}_l IS NULL OR {key}_r IS NULL"),
        ("exact", f"{key}_l = {key}_r"),
        ("one_edit", f"levenshtein({key}_l, {key}_r) <= 1"
         f" OR ({prefix}_sorted_l = {prefix}_sorted_r AND levenshtein({key}_l, {key}_r) = 2)"),
        ("different", "ELSE"),
    ]


# An address's words sorted (address_key: lines or parts in another order) and its
# letters run together (address_compact: a space typed inside a word).
_ADDRESS_LEVELS: list[tuple[str, str]] = [
    ("null", "address_key_l IS NULL OR address_key_r IS NULL"),
    ("exact", "address_key_l = address_key_r OR address_compact_l = address_compact_r"),
    ("one_edit", "levenshtein(address_key_l, address_key_r) <= 1"
     " OR levenshtein(address_compact_l, address_compact_r) <= 2"),
    ("few_edits", "levenshtein(address_key_l, address_key_r) <= 3"
     " OR levenshtein(address_compact_l, address_compact_r) <= 4"),
    ("different", "ELSE"),
]

_PHONE_LEVELS: list[tuple[str, str]] = [
    ("null", "phone_key_l IS NULL OR phone_key_r IS NULL"),
    ("exact", "phone_key_l = phone_key_r"),
    # The same subscriber number under another area or country code.
    ("same_subscriber", "phone_tail_l = phone_tail_r"),
    ("different", "ELSE"),
]

_EMAIL_LEVELS: list[tuple[str, str]] = [
    ("null", "email_key_l IS NULL OR email_key_r IS NULL"),
    ("exact", "email_key_l = email_key_r"),
    ("same_mailbox_name", "email_local_l = email_local_r"),
    ("different", "ELSE"),
]


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
        _comparison("surname", comparison_levels_sql("surname", swapped=True),
                    "surname across scripts and grammatical cases (musterroll.names), exact"
                    " and transliteration levels adjusted for the surname's frequency; a"
                    " level for surname and given name typed in each other's columns",
                    tf_columns={"exact": "surname_norm", "transliteration": "surname_translit"}),
        # The swap is one event weighed once, in the surname: a swapped pair's given names
        # compare "different" or better on their own.
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
                    "home settlement", tf_columns={"exact": "settlement_key"}),
        _comparison("birth_place", _simple_levels("birth_place_key", fuzzy=True),
                    "place of birth", tf_columns={"exact": "birth_place_key"}),
        _comparison("address", _ADDRESS_LEVELS,
                    "street address: its words in any order, or its letters without spaces"),
        _comparison("house_number", _simple_levels("address_numbers"),
                    "the numbers in the address (house, flat)",
                    tf_columns={"exact": "address_numbers"}),
        _comparison("postcode", _identifier_levels("postcode"), "postcode: exact, one typo"
                    " or two digits transposed", tf_columns={"exact": "postcode_key"}),
        _comparison("phone", _PHONE_LEVELS, "phone number (E.164)"),
        _comparison("email", _EMAIL_LEVELS, "e-mail address"),
        _comparison("occupation", _simple_levels("occupation_key"), "occupation or trade",
                    tf_columns={"exact": "occupation_key"}),
        _comparison("service_number", _identifier_levels("service"),
                    "service number: exact, one typo or transposition, different"),
        _comparison("document_number", _identifier_levels("document"),
                    "document number (passport, ID card, military ticket)"),
        _comparison("sex", _simple_levels("sex_key"),
                    "sex (given, or read from the names): a conflict is strong evidence"
                    " against, not a veto"),
        _comparison("event", _EVENT_LEVELS, "day (and place) of the event the list records"),
        _comparison("status", _STATUS_GROUP_LEVELS,
                    "what each list says happened (its status group)"),
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
    # ... and a lone record joins another lone record only at or above this weight.
    best_link_pair: float = 0.0
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
        "sex": 0.005, "event": 0.05, "birth_place": 0.05, "address": 0.05,
        "postcode": 0.05, "house_number": 0.05, "phone": 0.05, "email": 0.05, "occupation": 0.1,
        "document_number": 0.01,
    })
    # Values for levels the data cannot train (no pair of records with service numbers
    # on both sides in training): {comparison: {level: [m, u]}}.
    fallback: dict[str, dict[str, list[float]]] = field(default_factory=lambda: {
        "service_number": {"exact": [0.97, 1e-7], "one_edit": [0.02, 1e-6],
                           "different": [0.01, 0.999999]},
        "document_number": {"exact": [0.97, 1e-7], "one_edit": [0.02, 1e-6],
                            "different": [0.01, 0.999999]},
    })
    # Comparisons whose m is held at its `fallback` values while EM trains the others.
    # Service numbers are copied from documents: a true pair rarely disagrees, so in a
    # small register EM drives m of "different" to exactly 0.0, which Splink 5 refuses
    # mid-training ("m_probability value 0.0 is below the minimum"); the typo rate is known.
    fixed_m: list[str] = field(default_factory=lambda: ["service_number", "document_number"])
    # A training rule is used only where every column it blocks on is held by at least
    # this share of records: on a sparse column EM sees too few pairs to learn from.
    training_min_share: float = 0.3
    # A register of at most this many records is small: EM trains under every rule its
    # columns support (each comparison's m the median over more sessions) and
    # SMALL_REGISTER_RULES block too. On a bigger one each EM session and broad block
    # costs minutes, so the fewest training rules are used.
    small_register: int = 50_000
    small_register_rules: list[str] = field(
        default_factory=lambda: list(SMALL_REGISTER_RULES))
    # Trained parameters: {"lambda": p, "m": {comparison: [..]}, "u": {comparison: [..]}},
    # each list aligned with the comparison's levels (null level None).
    parameters: dict[str, Any] | None = None
    # How the settings were fitted to the register's columns and what training could not
    # do (`fit_to_data`, `train_model`): shown by `link --json`, kept beside the run.
    fit: dict[str, Any] | None = None

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


_LEFT_COLUMN_RE = re.compile(r"\b(\w+)_l\b")
_RULE_EQUALITY_RE = re.compile(r"\bl\.(\w+)\s*=\s*r\.(\w+)")


def comparison_columns(comparison: dict[str, Any]) -> set[str]:
    """The feature columns whose presence a comparison needs: those of its null level."""
    return set(_LEFT_COLUMN_RE.findall(comparison["levels"][0]["sql"]))


def rule_columns(rule: str) -> set[str]:
    """The columns a rule requires equal on both sides (``l.x = r.x``).

    A column a rule only tests for absence (``l.birth_year IS NULL``) is not required:
    on a register without birth dates that rule blocks on the rest.
    """
    return {column for pair in _RULE_EQUALITY_RE.findall(rule) for column in pair}


def _held(columns: set[str], shares: Mapping[str, float], least: float) -> bool:
    return all(shares.get(column, 0.0) >= least and shares.get(column, 0.0) > 0
               for column in columns)


def comparison_inputs(comparison: dict[str, Any]) -> set[str]:
    """Every feature column a comparison's levels read (EM cannot train it under a rule
    that blocks on any of them)."""
    return {column for level in comparison["levels"]
            for column in _LEFT_COLUMN_RE.findall(level["sql"])}


def _trains(rule: str, comparison: dict[str, Any]) -> bool:
    return not comparison_inputs(comparison) & rule_columns(rule)


def _trainable(comparisons: list[dict[str, Any]], rules: list[str]) -> set[str]:
    """Comparisons some rule leaves free to train (EM cannot train what it blocks on)."""
    return {c["name"] for c in comparisons if any(_trains(rule, c) for rule in rules)}


def _fewest_training_rules(comparisons: list[dict[str, Any]], rules: list[str],
                           least: int = 3) -> list[str]:
    """The rules, in order, that each train a comparison no earlier rule trains, topped
    up to `least` rules: every EM session costs a pass over millions of pairs, and each
    comparison's m is the median over the sessions that trained it."""
    chosen: list[str] = []
    covered: set[str] = set()
    for rule in rules:
        new = _trainable(comparisons, [rule]) - covered
        if new:
            chosen.append(rule)
            covered |= new
    extra = [rule for rule in rules if rule not in chosen]
    return [rule for rule in rules if rule in chosen + extra[: max(0, least - len(chosen))]]


def fit_to_data(settings: LinkSettings, shares: Mapping[str, float], records: int
                ) -> LinkSettings:
    """Keep the comparisons and rules the register's columns can support.

    Args:
        settings: the full settings (untrained).
        shares: feature column -> share of records holding a value (0..1).
        records: how many records the register holds.
    Returns:
        The fitted settings: no comparison on an absent column, no blocking or prior
        rule on one, and training rules only on columns most records hold.
    Raises:
        ValueError: the records hold no name and no identifier to link on.
    """
    comparisons = [c for c in settings.comparisons
                   if _held(comparison_columns(c), shares, 0.0)]
    names = {c["name"] for c in comparisons}
    if not names & {"surname", "given", "service_number", "document_number"}:
        raise ValueError("the records hold no surname, given name, service number or "
                         "document number to link on: map a name column at ingest "
                         "(ingest --map 'COLUMN=surname')")
    small = records <= settings.small_register
    candidates = settings.blocking_rules + (settings.small_register_rules if small else [])
    blocking = [r for r in candidates if _held(rule_columns(r), shares, 0.0)]
    dropped = len(candidates) - len(blocking)
    blocking = blocking or _fallback_blocking(comparisons)
    training = [r for r in settings.training_rules
                if _held(rule_columns(r), shares, settings.training_min_share)]
    if not small:
        training = _fewest_training_rules(comparisons, training)
    prior = [r for r in settings.deterministic_rules if _held(rule_columns(r), shares, 0.0)]
    fit = {
        "dropped_comparisons": [c["name"] for c in settings.comparisons
                                if c["name"] not in names],
        "dropped_blocking_rules": dropped,
        "untrained_comparisons": sorted(names - _trainable(comparisons, training)),
    }
    return replace(
        settings, comparisons=comparisons, blocking_rules=blocking,
        training_rules=training, deterministic_rules=prior or blocking[:1], fit=fit,
    )


def _fallback_blocking(comparisons: list[dict[str, Any]]) -> list[str]:
    """Block on each name's skeleton and identifier alone, when no rule fits the data."""
    columns = {"surname": "surname_translit", "given": "given_translit",
               "service_number": "service_key", "document_number": "document_key"}
    return [f"l.{columns[c['name']]} = r.{columns[c['name']]}"
            for c in comparisons if c["name"] in columns]
