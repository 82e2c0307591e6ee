"""Errors as people read them: a page (or an htmx fragment) for browsers, JSON for /api/.

Every answer is in the user's language: pages say it in words; JSON keeps FastAPI's
``detail`` (clients match on it) and adds ``message`` in the user's language. A request
that does not validate never echoes what was sent (a family's secret, a password): the
errors name the field and the problem only. A path that does not parse (``/persons/abc``)
is a page that does not exist (404); a stale or missing CSRF token says that the page has
expired and should be reloaded, not that the role may not see it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from musterroll.web.i18n import choose_language, translate
from musterroll.web.pages import is_htmx, render
from musterroll.web.security import CsrfExpired

__all__ = ["handle_http_error", "handle_validation_error"]

KNOWN = (401, 403, 404, 413, 422, 429)


def _language(request: Request) -> str:
    settings = request.app.state.settings
    return choose_language(request.query_params.get("lang"), request.cookies.get("lang"),
                           request.headers.get("accept-language"), settings.default_language)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/static/"))


def _page(request: Request, status: int, code: str,
          headers: Mapping[str, str] | None = None) -> Response:
    template = "_error.html" if is_htmx(request) else "error.html"
    response = render(request, template, _language(request), status_code=status, code=code)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _message_key(exc: HTTPException) -> str:
    if isinstance(exc, CsrfExpired):
        return "expired"
    return str(exc.status_code) if exc.status_code in KNOWN else "0"


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Render `exc` as ``error.html`` (``_error.html`` for htmx); JSON under /api/."""
    assert isinstance(exc, HTTPException)
    code = _message_key(exc)
    if _is_api(request):
        body = {"detail": exc.detail,
                "message": translate(_language(request), f"error_{code}")}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
    return _page(request, exc.status_code, code, exc.headers)


def _clean(error: dict[str, Any]) -> dict[str, Any]:
    """One validation error without the value sent (it may be a secret) or its context."""
    return {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")),
            "type": str(error.get("type", ""))}


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    """A request that does not validate: 404 for a bad path, else 422; never echo input."""
    assert isinstance(exc, RequestValidationError)
    errors = [_clean(e) for e in exc.errors()]
    in_path = any(e["loc"][:1] == ["path"] for e in errors)
    status = 404 if in_path and not _is_api(request) else 422
    if _is_api(request):
        return JSONResponse({"detail": errors,
                             "message": translate(_language(request), f"error_{status}")},
                            status_code=status)
    return _page(request, status, str(status))
