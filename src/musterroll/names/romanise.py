"""Romanisation for people to read: Ukrainian by the national standard, Russian by its own.

Ukrainian text is romanised by the table of Cabinet of Ministers of Ukraine resolution 55
of 27 January 2010 (translitua `UkrainianKMU`), the table of Ukrainian passports. Russian
text is romanised by the table of Russian international passports since 2014, which is
ICAO Doc 9303 (translitua `RussianICAO`). The language is read per word: a word with і ї є
ґ or the apostrophe is Ukrainian whatever the rest of the text says, so a Russian table is
never applied to Ukrainian letters (which would leave them in place: "Grigorіy"). A word
in letters common to both languages takes the language its given-name form has in the
data, else the language of the other words, else `default`.

Matching never uses these strings (keys.skeleton_key folds all systems); they are for
display, exports and searching in Latin-script systems.
"""

from __future__ import annotations

import re

from translitua import RussianICAO, UkrainianKMU, translit

from musterroll.names.given_names import given_name_language
from musterroll.names.script import clean_text, detect_language

__all__ = ["romanise", "text_language", "UKRAINIAN_TABLE", "RUSSIAN_TABLE"]

UKRAINIAN_TABLE = UkrainianKMU
RUSSIAN_TABLE = RussianICAO
_WORD_RE = re.compile(r"[^\W\d_]+(?:[\u02bc'\-][^\W\d_]+)*")


def _word_language(word: str) -> str:
    language = detect_language(word)
    if language == "cyrillic":
        return given_name_language(word) or "cyrillic"
    return language


def text_language(text: str, *, default: str = "uk") -> str:
    """Return "uk" or "ru" for a text, from the words whose language is settled.

    Args:
        text: a name or several; cleaned first.
        default: the answer when no word settles it, or words disagree ("uk" or "ru").
    Returns:
        "uk" or "ru".
    """
    found = {_word_language(w) for w in _WORD_RE.findall(clean_text(text))} & {"uk", "ru"}
    return found.pop() if len(found) == 1 else default


def _romanise_word(word: str, fallback: str) -> str:
    language = _word_language(word)
    if language in ("latin", "none"):
        return word
    if language == "cyrillic":
        language = fallback
    if language == "ru":
        return translit(word, RUSSIAN_TABLE)
    # Ukrainian first, then the Russian table for any Russian-only letter left ("mixed"
    # words such as "Григорьєв", or a Latin word with a stray Cyrillic letter).
    return translit(translit(word, UKRAINIAN_TABLE), RUSSIAN_TABLE)


def romanise(text: str, *, language: str | None = None, default: str = "uk") -> str:
    """Romanise a name: Ukrainian words by KMU 2010, Russian words by ICAO Doc 9303.

    Args:
        text: a name or full name in any script; cleaned first (apostrophes, look-alikes).
        language: "uk" or "ru" for words whose letters do not settle it; None to read it
            from the other words of the text, then `default`.
        default: "uk" or "ru", used when nothing else settles it.
    Returns:
        The text in Latin letters; Latin words are kept as they are.
    """
    text = clean_text(text)
    fallback = language or text_language(text, default=default)
    return _WORD_RE.sub(lambda m: _romanise_word(m.group(0), fallback), text)
