"""Read one cell's value: dates (full or partial), statuses, sex, identifiers, text clean-up.

Each ``parse_*`` returns the normalised value, None for an empty cell, or raises
``ValueError`` whose message says what was expected and what was found (the caller adds
the file, row and column, keeps the cell verbatim and leaves the field empty). A parser
may instead return ``Doubtful``: a value that is kept as written, with a warning (a phone
number that cannot be read as one).

A date that is a real calendar date is never refused for being implausible (born in
1812, dated next year): the caller warns about it (``IMPLAUSIBLE_BEFORE``), since the
same list may carry the typo in one field and the truth in the others (issue 14).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import NamedTuple

import phonenumbers

from musterroll.names import clean_text
from musterroll.sources.vocabulary import fold_label, month_words, status_words

__all__ = [
    "DATE_FORMATS_HELP",
    "IMPLAUSIBLE_BEFORE",
    "Doubtful",
    "clean_value",
    "parse_date",
    "parse_document_number",
    "parse_email",
    "parse_phone",
    "parse_postcode",
    "parse_sex",
    "parse_status",
]

DATE_FORMATS_HELP = (
    "a date as dd.mm.yyyy, yyyy-mm-dd, yyyymmdd, mm.yyyy, yyyy-mm, yyyy, an Excel serial, "
    "or with a month name (12 березня 1990, 12 марта 1990 г., March 1990)"
)
IMPLAUSIBLE_BEFORE = "1850"  # a date before this year is kept with a warning

_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DMY_RE = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
# "1990-02-01 00:00:00" from spreadsheets, "1990-02-01T00:00:00Z" from JSON.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YMD_RE = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})" + _TIME)
# FEBRL and many exports write yyyymmdd; a spreadsheet may make it a number ("19081209.0").
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?")
_MY_RE = re.compile(r"(\d{1,2})[./-](\d{4})")
_YM_RE = re.compile(r"(\d{4})[./-](\d{1,2})")
# "1990", "1990 р.", "1990р", "1990 г.", "1990 year" (the suffix means "year" in UA/RU).
_Y_RE = re.compile(r"(\d{4})\s*(?:р|рік|року|г|год|года|y|year)?\.?")
# The same suffix after a full or partial date: "12.03.1985 р.", "03.1985 г.".
_YEAR_SUFFIX_RE = re.compile(r"(?<=\d)\s*(?:р|рік|року|г|год|года)\.?$")
# Excel's day numbers: five digits (1927-05-19 to 2173-10-14), a fraction is the time.
_SERIAL_RE = re.compile(r"([1-9]\d{4})(?:\.\d+)?")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+")
# Words around a worded date that say nothing: "р."/"г." (year), "у"/"в" (in), "12th".
_DATE_NOISE = frozenset(
    ("р", "рік", "року", "г", "год", "года", "y", "year", "у", "в", "во", "of", "the",
     "st", "nd", "rd", "th")
)  # fmt: skip
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_DOCUMENT_JOINERS = re.compile(r"[\s\-–—./№#]+")
_PHONE_REGIONS = ("UA", "RU")  # UA by default; "8 916 ..." is a Russian domestic number

_SEX = {
    "M": ("m", "male", "man", "м", "ч", "чол", "чоловік", "чоловіча", "чоловічий", "муж",
          "мужской", "мужчина", "1"),
    "F": ("f", "female", "woman", "ж", "жін", "жінка", "жіноча", "жіночий", "жен",
          "женский", "женщина", "2"),
}  # fmt: skip
_SEX_WORDS = {fold_label(word): code for code, words in _SEX.items() for word in words}


class Doubtful(NamedTuple):
    """A value kept as written although it could not be read as expected; a warning."""

    value: str
    message: str


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


def _full(year: int, month: int, day: int, text: str) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueError(f"expected a real calendar date, found {text!r} ({exc})") from exc


def _month(year: int, month: int, text: str) -> str:
    if year < 1:
        raise ValueError(f"expected a real year, found {text!r}")
    if not 1 <= month <= 12:
        raise ValueError(f"expected a month between 1 and 12, found {text!r}")
    return f"{year:04d}-{month:02d}"


def _worded_date(text: str) -> str | None:
    """Read a date with a month name: day, month and year in any order, or month and year.

    Returns None when the text is not such a date (no month word, an unknown word, or
    numbers that are not a day and a four-digit year).
    """
    tokens = [t for t in _TOKEN_RE.findall(text.casefold()) if t not in _DATE_NOISE]
    words = [t for t in tokens if not t.isdigit()]
    numbers = [t for t in tokens if t.isdigit()]
    if len(words) != 1 or (month := month_words().get(fold_label(words[0]))) is None:
        return None
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(numbers) != len(years) + len(days) or len(days) > 1:
        return None
    if not days:
        return _month(int(years[0]), month, text)
    return _full(int(years[0]), month, int(days[0]), text)


def _ascii_digits(text: str) -> str:
    """Write the digits of any script (Arabic-Indic, fullwidth, ...) that ``\\d`` matches
    as 0-9, so that a date is stored in ISO form and compared as one."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def parse_date(text: str) -> str | None:
    """Parse a date that may be partial into ISO text.

    Args:
        text: ``dd.mm.yyyy`` (also with / or -), ``yyyy-mm-dd`` (a time part is dropped),
            ``yyyymmdd``, ``mm.yyyy``, ``yyyy-mm``, ``yyyy`` (optionally "р."/"г."), an
            Excel serial day number (five digits, e.g. ``44927`` = 2023-01-01), or a date
            with a Ukrainian, Russian or English month name in any case form
            (``12 березня 1990``, ``12 марта 1990 г.``, ``березень 1990``,
            ``March 12, 1990``, ``12-Mar-1990``).
    Returns:
        ``"yyyy-mm-dd"``, ``"yyyy-mm"`` or ``"yyyy"``; None for an empty cell. An
        implausible but real date (year 1700, next year) is returned as it is.
    Raises:
        ValueError: none of the forms above, or not a real calendar date.
    """
    written = text.strip()
    if not written:
        return None
    value = _YEAR_SUFFIX_RE.sub("", written)
    if not value.isascii():
        value = _ascii_digits(value)  # issue 19: a year in Arabic-Indic digits
    if m := _DMY_RE.fullmatch(value):
        return _full(int(m[3]), int(m[2]), int(m[1]), value)
    if m := _YMD_RE.fullmatch(value):
        return _full(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _COMPACT_RE.fullmatch(value):
        return _full(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _MY_RE.fullmatch(value):
        return _month(int(m[2]), int(m[1]), value)
    if m := _YM_RE.fullmatch(value):
        return _month(int(m[1]), int(m[2]), value)
    if m := _Y_RE.fullmatch(value.lower()):
        return _month(int(m[1]), 1, value)[:4]
    if m := _SERIAL_RE.fullmatch(value):
        return (_EXCEL_EPOCH + timedelta(days=int(m[1]))).isoformat()
    if not value.isdigit() and (worded := _worded_date(value)) is not None:
        return worded
    raise ValueError(f"expected {DATE_FORMATS_HELP}, found {written!r}")


def parse_phone(text: str) -> str | Doubtful | None:
    """Normalise a phone number to E.164 (``+380501234567``) with ``phonenumbers``.

    A number without a country code is read as Ukrainian, else as Russian ("8 916 ...").
    Returns:
        The E.164 text; ``Doubtful`` (the cleaned text as written, with a warning) when
        it is not a valid number; None for an empty cell.
    """
    cleaned = clean_value(text)
    if cleaned is None:
        return None
    for region in _PHONE_REGIONS:
        try:
            number = phonenumbers.parse(cleaned, region)
        except phonenumbers.NumberParseException:
            break
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Doubtful(
        cleaned, f"expected a phone number (Ukrainian unless it has a country code), "
        f"found {cleaned!r}; kept as written"
    )


def parse_email(text: str) -> str | None:
    """Lower-case an e-mail address after a loose check (one @, a dot in the domain).

    Raises:
        ValueError: not shaped like an e-mail address.
    """
    value = text.strip().removeprefix("mailto:").strip()
    if not value:
        return None
    if not _EMAIL_RE.fullmatch(value):
        raise ValueError(f"expected an e-mail address (name@domain.tld), found {value!r}")
    return value.lower()


def parse_document_number(text: str) -> str | None:
    """Normalise a document number (passport, ID card, military ticket): upper case, no gaps.

    "кв 123456", "КВ-123456" and "КВ №123456" all become "КВ123456"; letters that look
    alike across scripts are repaired as in names (``clean_value``).
    Raises:
        ValueError: no digit in it ("немає", "-"): not a number.
    """
    cleaned = clean_value(text)
    if cleaned is None:
        return None
    if not any(c.isdigit() for c in cleaned):
        raise ValueError(f"expected a document number with digits, found {cleaned!r}")
    return _DOCUMENT_JOINERS.sub("", cleaned).upper()


def parse_postcode(text: str) -> str | None:
    """Normalise a postcode: upper case, single spaces ("03150", "SW1A 1AA")."""
    cleaned = clean_value(text)
    return None if cleaned is None else cleaned.upper()


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
