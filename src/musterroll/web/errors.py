"""Errors as people read them: a page (or an htmx fragment) for browsers, JSON for /api/."""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from musterroll.web.i18n import choose_language
from musterroll.web.pages import is_htmx, render

__all__ = ["handle_http_error"]

KNOWN = (401, 403, 404, 422, 429)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Render `exc` as ``error.html`` (``_error.html`` for htmx); JSON under /api/."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
        return await http_exception_handler(request, exc)
    settings = request.app.state.settings
    language = choose_language(request.query_params.get("lang"), request.cookies.get("lang"),
                               request.headers.get("accept-language"),
                               settings.default_language)
    code = exc.status_code if exc.status_code in KNOWN else 0
    template = "_error.html" if is_htmx(request) else "error.html"
    response = render(request, template, language, status_code=exc.status_code, code=code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response
