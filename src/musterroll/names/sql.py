"""Comparison levels as plain data, and the SQL that binds them to DuckDB or Spark.

One table (`LEVEL_SPEC`) says, for each name part, which key columns must agree for each
level, from strict to loose. It is written once in SQL that DuckDB and Spark SQL both run
unchanged: only `=`, `IS NULL`, `levenshtein`, `least`, `length` and `CASE` (Splink's
comparison levels are SQL conditions on `<column>_l` and `<column>_r`). compare.py holds
the Python twin of each condition; a test runs both on the same pairs in DuckDB.

Levels, best first: `exact` (same normal form), `transliteration` (same name under any
transliteration system), `equivalent` (same given-name group; same father's group and sex;
same family name and no sex conflict), `phonetic` (same sound key), `fuzzy` (one or two
edits of the skeleton, or same family/father with the other sex, or an initial that
agrees), `different`. A `null` level comes first for a part missing on either side.

With `swapped=True` the surname and given-name comparisons take one more level after
`equivalent`: `swapped`, a surname typed in the given-name column and the given name in
the surname column (issue 14): each record's surname sounds like the other's given name
and the other way round (`SWAPPED_SQL`). `swapped_blocking_rule_sql()` is the candidate
rule that brings such pairs together.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = [
    "KINDS",
    "LEVELS",
    "LEVEL_SPEC",
    "SWAPPABLE",
    "SWAPPED_SQL",
    "Kind",
    "comparison_levels_sql",
    "level_case_sql",
    "splink_comparison",
    "swapped_blocking_rule_sql",
]

Kind = Literal["surname", "given", "patronymic"]
KINDS: tuple[Kind, ...] = ("surname", "given", "patronymic")
LEVELS = ("exact", "transliteration", "equivalent", "phonetic", "fuzzy", "different")

# Edits allowed on the skeleton: one for keys of at most four symbols, else two
# (keys.fuzzy_limit is the Python twin).
_FUZZY = (
    "levenshtein({p}_translit_l, {p}_translit_r) <= "
    "CASE WHEN least(length({p}_translit_l), length({p}_translit_r)) <= 4 THEN 1 ELSE 2 END"
)
# An initial ("Т.", "Yu.") agrees with a name that begins with its sound; weak evidence,
# so it counts as fuzzy.
_INITIAL = (
    "{p}_initial_only_l = {p}_initial_r OR {p}_initial_l = {p}_initial_only_r"
)
_NULL = "{p}_norm_l IS NULL OR {p}_norm_r IS NULL"
_EXACT = "{p}_norm_l = {p}_norm_r"
_TRANSLIT = "{p}_translit_l = {p}_translit_r"
_PHONETIC = "{p}_phonetic_l = {p}_phonetic_r"

# kind -> [(level, SQL condition with {p} for the column prefix)], in order. The last
# level, `different`, is Splink's ELSE.
LEVEL_SPEC: dict[str, list[tuple[str, str]]] = {
    "given": [
        ("null", _NULL),
        ("exact", _EXACT),
        ("transliteration", _TRANSLIT),
        (
            "equivalent",
            "{p}_group_l = {p}_group_r OR {p}_group_l = {p}_group_alt_r"
            " OR {p}_group_alt_l = {p}_group_r OR {p}_group_alt_l = {p}_group_alt_r",
        ),
        # Two names the data knows as different (Ігор, Єгор) are not a phonetic match.
        ("phonetic", f"{_PHONETIC} AND ({{p}}_group_l IS NULL OR {{p}}_group_r IS NULL)"),
        ("fuzzy", f"({_FUZZY}) OR {_INITIAL}"),
        ("different", "ELSE"),
    ],
    "patronymic": [
        ("null", _NULL),
        ("exact", _EXACT),
        ("transliteration", _TRANSLIT),
        ("equivalent", "{p}_group_l = {p}_group_r"),
        # Unknown fathers' names start with "~": only then may the sound decide.
        (
            "phonetic",
            f"{_PHONETIC} AND (substr({{p}}_father_l, 1, 1) = '~'"
            " OR substr({p}_father_r, 1, 1) = '~'"
            " OR {p}_father_l IS NULL OR {p}_father_r IS NULL)",
        ),
        ("fuzzy", f"({_FUZZY}) OR {{p}}_father_l = {{p}}_father_r OR {_INITIAL}"),
        ("different", "ELSE"),
    ],
    "surname": [
        ("null", _NULL),
        ("exact", _EXACT),
        ("transliteration", _TRANSLIT),
        (
            "equivalent",
            "{p}_family_l = {p}_family_r AND ({p}_sex_l IS NULL OR {p}_sex_r IS NULL"
            " OR {p}_sex_l = {p}_sex_r)",
        ),
        ("phonetic", _PHONETIC),
        ("fuzzy", f"({_FUZZY}) OR {{p}}_family_l = {{p}}_family_r"),
        ("different", "ELSE"),
    ],
}


# The surname of each record sounds like the given name of the other (the phonetic key
# follows from the skeleton, so equal skeletons are equal here too). On the columns of
# record.KEY_COLUMNS, whatever the prefix of the comparison it is put in.
SWAPPED_SQL = (
    "surname_phonetic_l = given_phonetic_r AND given_phonetic_l = surname_phonetic_r"
)
# Parts whose comparisons take the `swapped` level, and the level it follows.
SWAPPABLE: tuple[Kind, ...] = ("surname", "given")
_SWAPPED_AFTER = "equivalent"


def comparison_levels_sql(
    kind: Kind, *, prefix: str | None = None, swapped: bool = False
) -> list[tuple[str, str]]:
    """Return (level, SQL condition) pairs for one name part, best first.

    Args:
        kind: "surname", "given" or "patronymic".
        prefix: the column prefix in the table compared; default the kind itself, i.e.
            the columns of record.KEY_COLUMNS ("given_norm", "given_translit", ...).
        swapped: add the `swapped` level after `equivalent` (surname and given name only;
            ignored for the patronymic). Its condition reads the surname_* and given_*
            columns of record.KEY_COLUMNS whatever the prefix.
    Returns:
        Conditions on `<prefix>_<key>_l` and `<prefix>_<key>_r`; the first is the `null`
        level, the last is ("different", "ELSE").
    Raises:
        KeyError: for an unknown kind.
    """
    p = prefix or kind
    levels = [(level, sql.format(p=p)) for level, sql in LEVEL_SPEC[kind]]
    if swapped and kind in SWAPPABLE:
        at = [level for level, _ in levels].index(_SWAPPED_AFTER) + 1
        levels.insert(at, ("swapped", SWAPPED_SQL))
    return levels


def swapped_blocking_rule_sql() -> str:
    """Return a blocking rule (Splink's `l.`/`r.` form) pairing records whose surname and
    given name are swapped: an equi-join on the crossed phonetic keys."""
    return (
        "l.surname_phonetic = r.given_phonetic AND l.given_phonetic = r.surname_phonetic"
    )


def level_case_sql(kind: Kind, *, prefix: str | None = None, swapped: bool = False) -> str:
    """Return one SQL CASE expression that yields the level's name for a pair of rows."""
    whens = [
        f"WHEN {sql} THEN '{level}'"
        for level, sql in comparison_levels_sql(kind, prefix=prefix, swapped=swapped)
        if sql != "ELSE"
    ]
    return "CASE " + " ".join(whens) + " ELSE 'different' END"


def splink_comparison(
    kind: Kind, *, prefix: str | None = None, swapped: bool = False
) -> dict[str, Any]:
    """Return the comparison as the plain dict Splink's CustomComparison takes.

    Linkage binds it late: `splink.comparison_library.CustomComparison(**dict)`.
    `swapped` adds the `swapped` level (see `comparison_levels_sql`).
    """
    levels: list[dict[str, Any]] = []
    for level, sql in comparison_levels_sql(kind, prefix=prefix, swapped=swapped):
        entry: dict[str, Any] = {"sql_condition": sql, "label_for_charts": level}
        if level == "null":
            entry["is_null_level"] = True
        levels.append(entry)
    return {
        "output_column_name": prefix or kind,
        "comparison_levels": levels,
        "comparison_description": f"{kind} across scripts (musterroll.names)",
    }
