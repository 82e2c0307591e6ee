"""Names across scripts: clean-up, romanisation, matching keys, equivalence, comparison."""

from musterroll.names.parse import ParsedName, parse_full_name
from musterroll.names.script import (
    APOSTROPHE,
    clean_text,
    detect_language,
    detect_script,
    fold_yo,
    normalise_apostrophes,
    repair_lookalikes,
)

__all__ = [
    "APOSTROPHE",
    "ParsedName",
    "clean_text",
    "detect_language",
    "detect_script",
    "fold_yo",
    "normalise_apostrophes",
    "parse_full_name",
    "repair_lookalikes",
]
