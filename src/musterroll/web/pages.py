"""Rendering pages: the Jinja environment and the context every template receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from musterroll.web.i18n import LANGUAGES, format_day, format_number, plural, translate

__all__ = ["TEMPLATES", "is_htmx", "render"]

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def is_htmx(request: Request) -> bool:
    """Return whether htmx sent the request (it then wants a fragment)."""
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, language: str, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """Render `template` with the language, translators, CSRF token and user.

    Templates get ``t(key, **values)`` (a message), ``tn(key, n, **values)`` (the plural
    form for `n`), ``num(value)`` and ``day(value)`` (a number and a date as the language
    writes them, through Babel).
    """

    def t(key: str, **values: object) -> str:
        return translate(language, key, **values)

    def tn(key: str, n: int, **values: object) -> str:
        return plural(language, key, n, **values)

    def num(value: float | int | None) -> str:
        return format_number(language, value)

    def day(value: object) -> str:
        return format_day(language, value)  # type: ignore[arg-type]

    base = {"lang": language, "languages": LANGUAGES, "t": t, "tn": tn, "num": num, "day": day,
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "user": context.pop("user", None)}
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)
