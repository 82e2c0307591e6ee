"""Ukrainian and English: a small message catalogue and the choice of language.

The catalogues are JSON files beside this module (``i18n/uk.json``, ``i18n/en.json``),
one key per message. A missing key falls back to English, then to the key itself, so a
forgotten translation shows up plainly instead of breaking a page.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

__all__ = ["LANGUAGES", "choose_language", "catalogue", "translate"]

LANGUAGES: tuple[str, ...] = ("uk", "en")
_DIR = Path(__file__).parent / "i18n"


@cache
def catalogue(language: str) -> dict[str, str]:
    """Return the messages of `language` (one of ``LANGUAGES``)."""
    return json.loads((_DIR / f"{language}.json").read_text(encoding="utf-8"))


def translate(language: str, key: str, **values: object) -> str:
    """Return the message `key` in `language`, with ``{name}`` fields filled from `values`."""
    text = catalogue(language).get(key) or catalogue("en").get(key) or key
    return text.format(**values) if values else text


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
