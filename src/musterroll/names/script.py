"""Unicode clean-up of name text: apostrophes, Latin look-alikes inside Cyrillic words.

Lists typed on mixed keyboards carry Latin letters that look Cyrillic ("Iванов" with a
Latin I, "Kовальов" with a Latin K). They sort and match as different strings, so they are
repaired inside words that are otherwise Cyrillic. Words that are wholly Latin are left
alone: "Ivanov" is a transliteration, not a typo.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

__all__ = [
    "APOSTROPHE",
    "Language",
    "Script",
    "clean_text",
    "detect_language",
    "detect_script",
    "fold_yo",
    "normalise_apostrophes",
    "repair_lookalikes",
]

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


# Text that cleaning leaves unchanged: words wholly of (precomposed) Cyrillic letters or
# wholly of ASCII letters, hyphens inside words, single spaces between. Most names are.
_CYRILLIC_WORD = "[А-ЯЁЄІЇҐа-яёєіїґ]+(?:-[А-ЯЁЄІЇҐа-яёєіїґ]+)*"
_ASCII_WORD = "[A-Za-z]+(?:-[A-Za-z]+)*"
_PLAIN_WORD = f"(?:{_CYRILLIC_WORD}|{_ASCII_WORD})"
_CLEAN_RE = re.compile(f"{_PLAIN_WORD}(?: {_PLAIN_WORD})*")


def clean_text(text: str) -> str:
    """Normalise a name field for matching: NFC, one apostrophe, look-alikes, spaces.

    The verbatim value is never replaced by this; it is kept beside the cleaned one.
    """
    return text if _CLEAN_RE.fullmatch(text) else _clean_slowly(text)


def _clean_slowly(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = normalise_apostrophes(text)
    text = repair_lookalikes(text)
    return " ".join(text.split())


# Letters that only one of the two languages uses. A token with one of them is settled;
# a token with neither ("Петро", "Коваленко") is plain Cyrillic and takes the language of
# its neighbours or of the name lists (see romanise.py).
_UKRAINIAN_ONLY = frozenset("іїєґІЇЄҐ" + APOSTROPHE)
_RUSSIAN_ONLY = frozenset("ыэъёЫЭЪЁ")

Script = Literal["cyrillic", "latin", "mixed", "none"]
Language = Literal["uk", "ru", "cyrillic", "latin", "mixed", "none"]


_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_NON_CYRILLIC_LETTER_RE = re.compile(r"(?![\u0400-\u04ff])[^\W\d_]")


def detect_script(token: str) -> Script:
    """Return the script of a token's letters.

    Args:
        token: one word; non-letters are ignored.
    Returns:
        "cyrillic", "latin", "mixed" (letters of both, e.g. "Grigorіy"), or "none".
    """
    cyrillic = bool(_CYRILLIC_RE.search(token))
    latin = bool(_NON_CYRILLIC_LETTER_RE.search(token))
    if cyrillic and latin:
        return "mixed"
    return "cyrillic" if cyrillic else "latin" if latin else "none"


def detect_language(token: str) -> Language:
    """Return the language of a token from its letters alone.

    Args:
        token: one word, best after `clean_text` (apostrophes unified, look-alikes fixed).
    Returns:
        "uk" (has і ї є ґ or the apostrophe), "ru" (has ы э ъ ё), "cyrillic" (Cyrillic with
        neither), "latin", "mixed" (Latin and Cyrillic letters, or letters of both
        languages such as "Григорьєв"), or "none" (no letters).
    """
    script = detect_script(token)
    if script != "cyrillic":
        # The apostrophe is not a letter, so a Latin word with one is still Latin.
        return script
    letters = set(token)
    uk, ru = bool(letters & _UKRAINIAN_ONLY), bool(letters & _RUSSIAN_ONLY)
    if uk and ru:
        return "mixed"
    return "uk" if uk else "ru" if ru else "cyrillic"


def fold_yo(text: str) -> str:
    """Return `text` with ё read as е, as most Russian documents write it."""
    return text.replace("ё", "е").replace("Ё", "Е")
