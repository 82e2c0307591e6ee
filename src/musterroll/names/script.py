"""Unicode clean-up of name text: apostrophes, Latin look-alikes inside Cyrillic words.

Lists typed on mixed keyboards carry Latin letters that look Cyrillic ("Iванов" with a
Latin I, "Kовальов" with a Latin K). They sort and match as different strings, so they are
repaired inside words that are otherwise Cyrillic. Words that are wholly Latin are left
alone: "Ivanov" is a transliteration, not a typo.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["APOSTROPHE", "normalise_apostrophes", "repair_lookalikes", "clean_text"]

# The Ukrainian apostrophe is written in at least five ways; U+02BC (modifier letter
# apostrophe) is the one the 2010 orthography and Unicode recommend for letters.
APOSTROPHE = "\u02bc"
_APOSTROPHE_FORMS = "'\u2019\u2018\u0060\u00b4\u02b9\u02bb\u02bc\u2032"
_APOSTROPHE_RE = re.compile(f"[{re.escape(_APOSTROPHE_FORMS)}]")

# Latin letters whose glyphs are indistinguishable from Cyrillic ones in common fonts.
_LATIN_TO_CYRILLIC = str.maketrans(
    {
        "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "I": "І", "K": "К", "M": "М",
        "O": "О", "P": "Р", "T": "Т", "X": "Х", "Y": "У",
        "a": "а", "c": "с", "e": "е", "i": "і", "o": "о", "p": "р", "x": "х", "y": "у",
    }
)
_WORD_RE = re.compile(r"[^\W\d_]+(?:[\u02bc'\-][^\W\d_]+)*")


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def normalise_apostrophes(text: str) -> str:
    """Return `text` with every apostrophe form replaced by U+02BC."""
    return _APOSTROPHE_RE.sub(APOSTROPHE, text)


_LOOKALIKES = frozenset("ABCEHIKMOPTXYaceiopxy")


def _repair_word(match: re.Match[str]) -> str:
    word = match.group(0)
    latin = {ch for ch in word if ch.isascii() and ch.isalpha()}
    # Repair only a word that has a Cyrillic letter and whose Latin letters are all
    # look-alikes. A wholly Latin word is a transliteration ("Ivanov"), and a Latin word
    # with a stray Cyrillic letter ("Grigorіy") cannot be made Cyrillic by swapping glyphs.
    if not latin or not latin <= _LOOKALIKES or not any(_is_cyrillic(ch) for ch in word):
        return word
    return word.translate(_LATIN_TO_CYRILLIC)


def repair_lookalikes(text: str) -> str:
    """Replace Latin look-alike letters inside Cyrillic words by their Cyrillic twins.

    Args:
        text: any text; wholly Latin words are left unchanged.
    Returns:
        The text with, in each word that has a Cyrillic letter and no Latin letter but
        look-alikes, Latin A B C E H I K M O P T X Y (and
        lower-case a c e i o p x y) replaced by the Cyrillic letters they look like.
    """
    return _WORD_RE.sub(_repair_word, text)


def clean_text(text: str) -> str:
    """Normalise a name field for matching: NFC, one apostrophe, look-alikes, spaces.

    The verbatim value is never replaced by this; it is kept beside the cleaned one.
    """
    text = unicodedata.normalize("NFC", text)
    text = normalise_apostrophes(text)
    text = repair_lookalikes(text)
    return " ".join(text.split())
