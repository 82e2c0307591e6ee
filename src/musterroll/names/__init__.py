"""Names across scripts: clean-up, romanisation, matching keys, equivalence, comparison."""

from musterroll.names.script import APOSTROPHE, clean_text, normalise_apostrophes, repair_lookalikes

__all__ = ["APOSTROPHE", "clean_text", "normalise_apostrophes", "repair_lookalikes"]
