"""Surnames: one family name across Ukrainian and Russian forms and across the sexes.

Ковальов (Ukrainian) and Ковалёв/Ковалев (Russian) are one family name; so are Хмельницький
and Хмельницкий, Григорʼєв and Григорьев. Іванов and Іванова, Ковальський and Ковальська
are one family name borne by a man and by a woman: the family key is the same, the sex
read from the ending differs, and comparison reports that as a conflict rather than as a
match (the same family is not the same person).

The family key works on the skeleton (keys.py), so it serves Latin spellings as well:
Kowalski, Kowalska, Kovalskyi and Ковальська share it. Gendered endings read: -ський/-ська
(-ский/-ская/-ской), -ов/-ова and -ев/-єва (-ёв), -чий/-ча and -ний/-на (Осадчий/Осадча,
Чорний/Чорна), Russian -ая as Ukrainian -а; -ин/-іна joins the family without a sex
(Щербина is either). Not read: other adjectival pairs (-кий/-ка: Скрипка is a noun).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from musterroll.names.keys import collapse_doubles, skeleton_key

__all__ = ["SurnameForm", "has_surname_ending", "read_surname"]

# Adjectival -ський/-цький/-зький and Russian -ский/-ской/-ская, Polish -ski/-ska.
# On the skeleton: T is ц, S is ш, C is ч.
_ADJECTIVAL_RE = re.compile(r"(?<=[sTzSC])k(aia|a|oi|i)$")
# Possessive -ов/-ев/-ьов/-єв and -ин/-ін, with the feminine -а.
_POSSESSIVE_RE = re.compile(r"(?<=[^aeiou])i?[oe]v(a)?$")
_IN_RE = re.compile(r"(?<=[^aeiou])ina?$")
# Adjectival -чий/-ча and -ний/-на (Осадчий/Осадча, Чорний/Чорна, Russian Черный). Not -кий
# or -ка: -ка is far more often a noun surname of either sex (Скрипка, Сорока).
_PLAIN_ADJECTIVAL_RE = re.compile(r"(?:(?<=C)|(?<=[^aeiou]n))([ia])$")
# Ukrainian і and и stand where Russian writes е or и (Білоус/Белоус, Сірко/Серко).
_FOLD_E = str.maketrans({"e": "i"})
# Surname endings, on the skeleton (C ч, T ц): Ukrainian -енко -ук -юк -чук -ак -як -ишин,
# the possessive and adjectival -ов -ев -ін -ський -цький in both sexes, -ич.
_SURNAME_ENDING_RE = re.compile(
    r"(enko|uk|ak|Sin|ov|ova|ev|eva|in|ina|ski|ska|skaia|skoi|Tki|Tka|Tkaia|zki|zka|"
    r"iC|ko|iuk|dze|ian|ets|eT)$"
)


def has_surname_ending(skeleton: str) -> bool:
    """Return True when a skeleton key (keys.skeleton_key) ends like a surname."""
    return bool(_SURNAME_ENDING_RE.search(skeleton))


@dataclass(frozen=True)
class SurnameForm:
    """A surname's family key and the sex its ending shows, if any.

    Attributes:
        family: one key for the Ukrainian and Russian forms and both sexes.
        sex: "m" or "f" when the ending is gendered (-ов/-ова, -ський/-ська), else None.
    """

    family: str
    sex: str | None


def _gendered(skeleton: str) -> tuple[str, str | None]:
    match = _ADJECTIVAL_RE.search(skeleton)
    if match:
        sex = "f" if match.group(1) in ("a", "aia") else "m"
        return skeleton[: match.start()] + "ki", sex
    russian_feminine = skeleton.endswith("aia")
    if russian_feminine:
        # Russian feminine -ая/-яя is Ukrainian -а (Гайовая = Гайова).
        skeleton = skeleton[:-2]
    match = _POSSESSIVE_RE.search(skeleton)
    if match:
        return skeleton[: match.start()] + "ov", "f" if match.group(1) else "m"
    match = _PLAIN_ADJECTIVAL_RE.search(skeleton)
    if match:
        return skeleton[: match.start()] + "i", "m" if match.group(1) == "i" else "f"
    match = _IN_RE.search(skeleton)
    if match:
        # -ина is also a plain Ukrainian ending for both sexes (Щербина, Калина), so it
        # joins the family of -ин without saying anything about sex.
        return skeleton[: match.start()] + "in", None
    return skeleton, "f" if russian_feminine else None


@lru_cache(maxsize=500_000)
def read_surname(text: str) -> SurnameForm:
    """Return the family key and the sex shown by a surname's ending.

    Args:
        text: a surname in any script. A double surname ("Петренко-Коваль") is one key.
    Returns:
        A SurnameForm; family "" for text without letters. The family key folds е into
        і/и and doubled letters into one (Олейник/Олійник, Lissenko/Лисенко).
    """
    stem, sex = _gendered(skeleton_key(text))
    # Western spellings double a consonant to keep it voiceless (Lissenko for Лисенко).
    return SurnameForm(family=collapse_doubles(stem.translate(_FOLD_E)), sex=sex)
