"""Read one cell's value: dates (full or partial), statuses, sex, and text clean-up.

Each ``parse_*`` returns the normalised value, None for an empty cell, or raises
``ValueError`` whose message says what was expected and what was found (the caller adds
the file, row and column).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from musterroll.names import clean_text
from musterroll.sources.vocabulary import fold_label, status_words

__all__ = [
    "DATE_FORMATS_HELP",
    "clean_value",
    "parse_date",
    "parse_sex",
    "parse_status",
]

DATE_FORMATS_HELP = "a date as dd.mm.yyyy, yyyy-mm-dd, mm.yyyy, yyyy-mm, yyyy or an Excel serial"

_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DMY_RE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # "1990-02-01 00:00:00" from spreadsheets
_YMD_RE = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})" + _TIME)
_MY_RE = re.compile(r"(\d{1,2})[./-](\d{4})")
_YM_RE = re.compile(r"(\d{4})[./-](\d{1,2})")
# "1990", "1990 р.", "1990р", "1990 г.", "1990 year" (the suffix means "year" in UA/RU).
_Y_RE = re.compile(r"(\d{4})\s*(?:р|рік|року|г|год|года|y|year)?\.?")
_SERIAL_RE = re.compile(r"(\d{5})(?:\.0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_MIN_YEAR, _MAX_YEAR = 1850, 2100

_SEX = {
    "M": ("m", "male", "man", "м", "ч", "чол", "чоловік", "чоловіча", "чоловічий", "муж",
          "мужской", "мужчина", "1"),
    "F": ("f", "female", "woman", "ж", "жін", "жінка", "жіноча", "жіночий", "жен",
          "женский", "женщина", "2"),
}  # fmt: skip
_SEX_WORDS = {fold_label(word): code for code, words in _SEX.items() for word in words}


def clean_value(text: str) -> str | None:
    """Clean a text cell: control characters out, then ``names.clean_text``; None if empty.

    Control characters (NUL among them) are removed because no database column should
    hold them; the verbatim row keeps them, escaped in its JSON.
    """
    if text.isascii() and text.isprintable() and "'" not in text and "`" not in text:
        # Fast path (service numbers, Latin text): nothing for clean_text to do but spaces.
        return " ".join(text.split()) or None
    cleaned = clean_text(_CONTROL_RE.sub("", text))
    return cleaned or None


def _check_year(year: int, text: str) -> None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"expected a year between {_MIN_YEAR} and {_MAX_YEAR}, found {text!r}")


def _full(year: int, month: int, day: int, text: str) -> str:
    _check_year(year, text)
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueError(f"expected a real calendar date, found {text!r} ({exc})") from exc


def _month(year: int, month: int, text: str) -> str:
    _check_year(year, text)
    if not 1 <= month <= 12:
        raise ValueError(f"expected a month between 1 and 12, found {text!r}")
    return f"{year:04d}-{month:02d}"


def _ascii_digits(text: str) -> str:
    """Write the digits of any script (Arabic-Indic, fullwidth, ...) that ``\\d`` matches
    as 0-9, so that a date is stored in ISO form and compared as one."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def parse_date(text: str) -> str | None:
    """Parse a date that may be partial into ISO text.

    Args:
        text: ``dd.mm.yyyy`` (also with / or -), ``yyyy-mm-dd`` (a time part is dropped),
            ``mm.yyyy``, ``yyyy-mm``, ``yyyy`` (optionally "р."/"г."), or an Excel serial
            day number (five digits, e.g. ``44927`` = 2023-01-01).
    Returns:
        ``"yyyy-mm-dd"``, ``"yyyy-mm"`` or ``"yyyy"``; None for an empty cell.
    Raises:
        ValueError: none of the forms above, or not a real calendar date.
    """
    value = text.strip()
    if not value:
        return None
    if not value.isascii():
        value = _ascii_digits(value)  # issue 19: a year in Arabic-Indic digits
    if m := _DMY_RE.fullmatch(value):
        return _full(int(m[3]), int(m[2]), int(m[1]), value)
    if m := _YMD_RE.fullmatch(value):
        return _full(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _MY_RE.fullmatch(value):
        return _month(int(m[2]), int(m[1]), value)
    if m := _YM_RE.fullmatch(value):
        return _month(int(m[1]), int(m[2]), value)
    if m := _Y_RE.fullmatch(value.lower()):
        _check_year(int(m[1]), value)
        return m[1]
    if m := _SERIAL_RE.fullmatch(value):
        day = _EXCEL_EPOCH + timedelta(days=int(m[1]))
        _check_year(day.year, value)
        return day.isoformat()
    raise ValueError(f"expected {DATE_FORMATS_HELP}, found {value!r}")


def parse_status(text: str) -> str | None:
    """Map a status word (Ukrainian, Russian, English; any case) to a canonical status.

    Returns:
        One of the canonical statuses, or None for an empty cell.
    Raises:
        ValueError: the word is not in ``data/statuses.yaml``.
    """
    key = fold_label(text)
    if not key:
        return None
    status = status_words().get(key)
    if status is None:
        raise ValueError(
            "expected a status word (a canonical status, or e.g. загинув, зник безвісти, "
            f"в полоні, погиб, KIA, MIA, POW: sources/data/statuses.yaml), found {text.strip()!r}"
        )
    return status


def parse_sex(text: str) -> str | None:
    """Map a sex cell (ч/ж, м/ж, male/female, M/F, 1/2, ...) to ``"M"`` or ``"F"``.

    Returns:
        ``"M"``, ``"F"`` or None for an empty cell.
    Raises:
        ValueError: an unrecognised value.
    """
    key = fold_label(text)
    if not key:
        return None
    code = _SEX_WORDS.get(key)
    if code is None:
        raise ValueError(f"expected a sex (ч/м/male/M or ж/female/F), found {text.strip()!r}")
    return code
