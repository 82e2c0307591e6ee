"""Rendering pages: the Jinja environment and the context every template receives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from musterroll.web.i18n import LANGUAGES, translate

__all__ = ["TEMPLATES", "is_htmx", "render"]

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")


def is_htmx(request: Request) -> bool:
    """Return whether htmx sent the request (it then wants a fragment)."""
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, language: str, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """Render `template` with the language, translator, CSRF token and user."""

    def t(key: str, **values: object) -> str:
        return translate(language, key, **values)

    base = {"lang": language, "languages": LANGUAGES, "t": t,
            "csrf_token": getattr(request.state, "csrf_token", ""),
            "user": context.pop("user", None)}
    return TEMPLATES.TemplateResponse(request, template, {**base, **context},
                                      status_code=status_code)
