"""Ukrainian, English and Russian: gettext catalogues, numbers, dates, plurals, the language.

The catalogues are gettext ``.po`` files beside this module (``i18n/uk.po``, ``en.po``,
``ru.po``), the format translators' tools read. A message id is a short key
(``person_records``), not English text, so that templates and code name a message once and
the English catalogue is a translation like the others. Messages fill ``{name}`` fields
(``str.format``). A message that depends on a number has plural forms (``msgid_plural``,
the same key; Ukrainian and Russian have three forms, English two), chosen by the
catalogue's ``Plural-Forms`` rule.

At run time each ``.po`` is read with Babel (``babel.messages.pofile``) and compiled in
memory (``babel.messages.mofile``) to a ``gettext.GNUTranslations``: no parser of our
own. A missing message falls back to English, then to the key itself, so a forgotten
translation shows up plainly instead of breaking a page (a test checks none is missing).

New messages arrive as JSON (key -> text, or key -> [plural forms]); add them with
``python -m musterroll.web.i18n_merge`` (see there).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

__all__ = ["LANGUAGES", "catalogue", "choose_language", "format_day", "format_number",
           "plural", "po_path", "read_catalogue", "translate"]

LANGUAGES: tuple[str, ...] = ("uk", "en", "ru")
_DIR = Path(__file__).parent / "i18n"
Text = str | tuple[str, ...]


def po_path(language: str, folder: Path = _DIR) -> Path:
    """Return the ``.po`` file of `language` in `folder` (the package's by default)."""
    return folder / f"{language}.po"


def read_catalogue(path: Path, language: str) -> Catalog:
    """Read the ``.po`` file at `path` (Babel's ``read_po``)."""
    with path.open("rb") as f:
        return read_po(f, locale=language, domain="musterroll")


@cache
def _translations(language: str) -> GNUTranslations:
    """The catalogue of `language`, compiled in memory to gettext's binary form."""
    compiled = BytesIO()
    write_mo(compiled, read_catalogue(po_path(language), language))
    compiled.seek(0)
    return GNUTranslations(compiled)


@cache
def catalogue(language: str) -> dict[str, Text]:
    """Return the translated messages of `language`: key -> text (a tuple for plurals)."""
    out: dict[str, Text] = {}
    for message in read_catalogue(po_path(language), language):
        key = str(message.id[0] if isinstance(message.id, tuple | list) else message.id)
        text = tuple(message.string) if isinstance(message.string, tuple | list) \
            else message.string
        if key and text and all(text):
            out[key] = text
    return out


def translate(language: str, key: str, **values: object) -> str:
    """Return the message `key` in `language`, with ``{name}`` fields filled from `values`."""
    for lang in (language, "en"):
        text = _translations(lang).gettext(key)
        if text != key:
            return text.format(**values) if values else text
    return key


def plural(language: str, key: str, n: int, **values: object) -> str:
    """Return the form of message `key` for the number `n`; ``{n}`` is `n` as `language`
    writes numbers, other fields come from `values`."""
    for lang in (language, "en"):
        text = _translations(lang).ngettext(key, key, n)
        if text != key:
            return text.format(n=format_number(lang, n), **values)
    return key


def format_number(language: str, value: float | int | None) -> str:
    """Return `value` as `language` writes numbers (``12 345`` in Ukrainian); "" for None."""
    return "" if value is None else format_decimal(value, locale=language)


def format_day(language: str, value: date | datetime | str | None) -> str:
    """Return a day as `language` writes it (``5 бер. 2024 р.``); "" for None.

    A string is read as an ISO date (a time after it is ignored); one that is not a date
    (a partial date as a list gave it, ``1990-05``) is returned as it is.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    return format_date(day, format="medium", locale=language)


def choose_language(query: str | None, cookie: str | None, accept: str | None,
                    default: str) -> str:
    """Pick the page language: ?lang=, then the lang cookie, then Accept-Language.

    Args:
        query: the ``lang`` query parameter, if any.
        cookie: the ``lang`` cookie, if any.
        accept: the Accept-Language header, e.g. ``uk-UA,uk;q=0.9,en;q=0.8``.
        default: the language when nothing above names a known one.
    """
    for wanted in (query, cookie):
        if wanted in LANGUAGES:
            return wanted
    ranked: list[tuple[float, int, str]] = []
    for k, part in enumerate((accept or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        code = tag.split("-")[0].lower()
        if code in LANGUAGES:
            ranked.append((-weight, k, code))
    return min(ranked)[2] if ranked else default
