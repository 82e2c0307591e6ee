"""Matching keys for one name field: a normal form, a script-free skeleton, a phonetic key.

Three keys, from strict to lossy:

- `normal_key`: the cleaned text, case-folded, ё read as е (Russian writes ё as е in most
  documents, so "Ковалёв" and "Ковалев" are one spelling).
- `skeleton_key`: the same name whatever the script and transliteration system. Cyrillic is
  first written in a fixed Latin form and then *every* Latin text goes through one parser
  that folds the choices transliteration systems make differently (y/i/j, h/g for г,
  kh/ch, ia/ya/ja, ts/tz, the German sch/tsch, French tch and Polish sz/cz). Because
  Cyrillic and Latin pass through the same parser, "Шевченко", "Shevchenko",
  "Schewtschenko" and "Ševčenko" all become `SevCenko`. Symbols: S ш, C ч, Z ж, X х, T ц; щ is `SC`.
- `phonetic_key`: the skeleton with vowels in classes (а/о as in Russian akanye; е/и/і/и as
  Ukrainian and Russian spell one sound with different letters), the hushing sibilants
  ш ч щ ж in one class (French "ch" is ш, English "ch" is ч), doubles collapsed.

All three are pure functions of the text and are cached: names repeat, so a million rows
hold a few hundred thousand distinct values at most.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import groupby

from musterroll.names.script import clean_text

__all__ = [
    "collapse_doubles",
    "fuzzy_limit",
    "levenshtein",
    "normal_key",
    "phonetic_key",
    "skeleton_key",
]

# A fixed Cyrillic-to-Latin table that only feeds the parser below; it is not a
# romanisation for people to read (see romanise.py for that). Ukrainian and Russian letters
# both appear: the skeleton does not need to know the language.
_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
        "ё": "e", "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "ii", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)
# Letters with diacritics used by scholarly systems (ISO 9, Czech/Polish-style), written
# as the digraphs the parser knows.
_DIACRITICS = str.maketrans(
    {
        "č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "ë": "e", "ê": "ie", "ï": "ii",
        "û": "iu", "â": "ia", "ì": "i", "ĭ": "i", "ȳ": "y", "ğ": "g", "ǵ": "g", "ė": "e",
        "ł": "l", "ś": "s", "ź": "z", "ż": "zh", "ń": "n", "ć": "ch", "ŭ": "u", "ü": "iu",
        "ö": "o", "ä": "a", "ß": "ss",
    }
)
# Longest first: the regex engine tries alternatives in order.
_LATIN_UNITS = {
    "schtsch": "SC", "shtch": "SC", "shch": "SC", "szcz": "SC", "tsch": "C", "sch": "S",
    "tch": "C", "sz": "S",
    "kh": "X", "zh": "Z", "ch": "C", "sh": "S", "cz": "C", "gh": "g", "ts": "T", "tz": "T",
    "ck": "k", "ph": "f", "ou": "u", "h": "g", "c": "k", "x": "ks", "w": "v", "y": "i",
    "j": "i", "q": "k",
}
_LATIN_RE = re.compile("|".join(sorted(_LATIN_UNITS, key=len, reverse=True)))
_NON_LETTER_RE = re.compile(r"[^a-z]")
_I_RUN_RE = re.compile(r"i{2,}")
# A glide before е is written by some systems (Yevhen, Grigor'yevich) and not by others
# (Evgenii, Grigorevich); the skeleton drops it.
_IE_RE = re.compile(r"ie")


@lru_cache(maxsize=500_000)
def normal_key(text: str) -> str:
    """Return the exact-match form of a name: cleaned, case-folded, ё as е.

    Args:
        text: a name field as received.
    Returns:
        The normal form; "" for text without letters.
    """
    text = clean_text(text).casefold().replace("ё", "е")
    return text if any(ch.isalpha() for ch in text) else ""


def _to_latin(text: str) -> str:
    text = text.casefold().translate(_CYRILLIC).translate(_DIACRITICS)
    if text.isascii():
        return text
    # Remaining combining marks (ALA-LC ligature ties, accents) carry nothing we match on.
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _skeleton_via_latin(lowered: str) -> str:
    latin = _NON_LETTER_RE.sub("", _to_latin(lowered))
    return _LATIN_RE.sub(lambda m: _LATIN_UNITS[m.group(0)], latin)


# The same skeleton, straight from Cyrillic (names are mostly Cyrillic, and this is the
# hot path): letter by letter, except where the Latin parser would read across two
# letters (т+с is "ts", read as ц; с+ч is "sch", read as ш; о+у is "ou", read as у).
# A test checks that both paths agree on random Cyrillic text.
_DIRECT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie",
        "ё": "e", "ж": "Z", "з": "z", "и": "i", "і": "i", "ї": "ii", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "X", "ц": "T", "ч": "C", "ш": "S", "щ": "SC", "ы": "i",
        "э": "e", "ю": "iu", "я": "ia",
    }
)
_CROSSING = {
    "тсч": "C", "цч": "C", "тс": "T", "тз": "T", "тч": "C", "тш": "Tg", "тщ": "TgC", "тж": "Tg",
    "сч": "S", "сз": "S", "сж": "Sg", "оу": "u",
}
_CROSSING_RE = re.compile("|".join(sorted(_CROSSING, key=len, reverse=True)))
_KEPT_CYRILLIC_RE = re.compile("[^а-щыэюяёєіїґ]")  # drops ь, ъ and every non-letter
_OTHER_LETTER_RE = re.compile(r"(?![а-яёєіїґ])[^\W\d_]")


def _skeleton_of_cyrillic(lowered: str) -> str:
    letters = _KEPT_CYRILLIC_RE.sub("", lowered)
    return _CROSSING_RE.sub(lambda m: _CROSSING[m.group(0)], letters).translate(_DIRECT)


def skeleton_key(text: str) -> str:
    """Return the script- and transliteration-free skeleton of a name.

    Args:
        text: a name in Cyrillic (Ukrainian or Russian) or Latin letters.
    Returns:
        A string over a-z and the symbols S C Z X T; "" when the text has no letters.
        Separators (spaces, hyphens, apostrophes) are dropped.
    """
    return _skeleton(text.casefold())


@lru_cache(maxsize=500_000)
def _skeleton(lowered: str) -> str:
    if _OTHER_LETTER_RE.search(lowered):
        skeleton = _skeleton_via_latin(lowered)
    else:
        skeleton = _skeleton_of_cyrillic(lowered)
    # Old-style "Ivanoff" is the same -ов ending.
    if skeleton.endswith(("off", "eff")):
        skeleton = skeleton[:-2] + "v"
    # Most names have neither run: skip the regex work for them.
    if "ii" in skeleton:
        skeleton = _I_RUN_RE.sub("i", skeleton)
    return _IE_RE.sub("e", skeleton) if "ie" in skeleton else skeleton


_PHONETIC = str.maketrans({"o": "a", "i": "e", "C": "S", "Z": "S"})
_GLIDE_O_RE = re.compile(r"(?<=[^aeiou])io")


@lru_cache(maxsize=500_000)
def phonetic_key(text: str) -> str:
    """Return a lossy sound key: vowel classes, one hushing sibilant, no doubles.

    Args:
        text: a name in any script.
    Returns:
        The key; "" when the text has no letters.
    """
    skeleton = skeleton_key(text)
    # "yo" after a consonant is ё, which documents write as е (Kovalyov = Ковалев).
    skeleton = _GLIDE_O_RE.sub("e", skeleton)
    return collapse_doubles(skeleton.translate(_PHONETIC))


def collapse_doubles(text: str) -> str:
    """Return `text` with each run of one repeated character written once."""
    return "".join(ch for ch, _ in groupby(text))


@lru_cache(maxsize=200_000)
def levenshtein(a: str, b: str) -> int:
    """Return the Levenshtein edit distance (insert, delete, substitute) of two strings.

    The same function as SQL `levenshtein` in DuckDB and Spark, so that Python and SQL
    comparison levels agree.
    """
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def fuzzy_limit(a: str, b: str) -> int:
    """Return the largest edit distance counted as `fuzzy` for two keys.

    One edit for short keys (at most 4 symbols), two for longer ones: two edits turn
    "Іван" into "Іра", a different name, but are also one swap of two letters ("Липві"
    for "Липів", which Levenshtein counts as two: Spark has no Damerau distance).
    """
    return 1 if min(len(a), len(b)) <= 4 else 2
