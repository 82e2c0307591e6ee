"""Names across scripts: clean-up, romanisation, matching keys, equivalence, comparison.

The surface other stages use:

- `parse_full_name(text) -> ParsedName` and `parse_full_names(column)` (vectorised);
- `name_keys(surname, given_name, patronymic, sex) -> dict` and `name_keys_frame(table)`
  (vectorised) for the key columns `KEY_COLUMNS` that linkage compares;
- `comparison_levels_sql(kind)`, `level_case_sql(kind)`, `splink_comparison(kind)`: the
  levels exact / transliteration / equivalent / phonetic / fuzzy / different as SQL for
  DuckDB and Spark, and `compare(a, b, kind)`, their Python twin; with `swapped=True`
  a `swapped` level for surname and given name typed in each other's columns, and
  `swapped_blocking_rule_sql()` to bring such records together;
- `nominative_name(surname, given_name, patronymic)`: a name written in a grammatical
  case ("Бондарчука Василя Івановича") in the nominative; the key functions apply it;
- `romanise(text)`, `clean_text`, `detect_language`, and the given-name groups.
"""

from musterroll.names.compare import LEVEL_RANK, Comparison, compare, compare_keys, is_swapped
from musterroll.names.frame import name_keys_frame, parse_full_names
from musterroll.names.given_names import NameGroup, load_groups, resolve_given_group
from musterroll.names.keys import normal_key, phonetic_key, skeleton_key
from musterroll.names.morphology import nominative_name
from musterroll.names.parse import ParsedName, parse_full_name
from musterroll.names.patronymics import Patronymic, read_patronymic
from musterroll.names.record import KEY_COLUMNS, name_keys, normalise_sex
from musterroll.names.romanise import romanise
from musterroll.names.script import (
    APOSTROPHE,
    clean_text,
    detect_language,
    detect_script,
    fold_yo,
    normalise_apostrophes,
    repair_lookalikes,
)
from musterroll.names.sql import (
    KINDS,
    LEVEL_SPEC,
    LEVELS,
    SWAPPED_SQL,
    comparison_levels_sql,
    level_case_sql,
    splink_comparison,
    swapped_blocking_rule_sql,
)
from musterroll.names.surnames import SurnameForm, read_surname

__all__ = [
    "APOSTROPHE",
    "KEY_COLUMNS",
    "KINDS",
    "LEVELS",
    "LEVEL_RANK",
    "LEVEL_SPEC",
    "Comparison",
    "NameGroup",
    "ParsedName",
    "Patronymic",
    "SWAPPED_SQL",
    "SurnameForm",
    "clean_text",
    "compare",
    "compare_keys",
    "comparison_levels_sql",
    "detect_language",
    "detect_script",
    "fold_yo",
    "is_swapped",
    "level_case_sql",
    "load_groups",
    "name_keys",
    "name_keys_frame",
    "normal_key",
    "normalise_apostrophes",
    "normalise_sex",
    "nominative_name",
    "parse_full_name",
    "parse_full_names",
    "phonetic_key",
    "read_patronymic",
    "read_surname",
    "repair_lookalikes",
    "resolve_given_group",
    "romanise",
    "skeleton_key",
    "splink_comparison",
    "swapped_blocking_rule_sql",
]
