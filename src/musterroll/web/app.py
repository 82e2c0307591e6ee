"""The application factory: settings, register, middleware, routes, static assets."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.types import Scope

from musterroll import __version__
from musterroll.store import open_register
from musterroll.web import (
    routes_analyst,
    routes_auth,
    routes_dna,
    routes_family,
    routes_imports,
    routes_inbox,
    routes_persons,
    routes_public,
    routes_review,
)
from musterroll.web.deps import protect_csrf
from musterroll.web.errors import handle_http_error, handle_validation_error
from musterroll.web.i18n import LANGUAGES
from musterroll.web.imports import MAX_UPLOAD_BYTES
from musterroll.web.ratelimit import NameMisses, RateLimiter
from musterroll.web.security import (
    CSRF_COOKIE,
    BodyLimit,
    csrf_token_for,
    new_token,
    security_headers,
    signing_key,
)
from musterroll.web.settings import WebSettings

__all__ = ["create_app"]

STATIC = Path(__file__).parent / "static"


def _guard(settings: WebSettings) -> Callable[..., Awaitable[Response]]:
    """Middleware: CSRF cookie and token, security headers, language cookie, no-store.

    Nothing but the static assets may be kept by a browser or a shared cache: pages hold
    personal data (a person's record, a family's answer), and after a logout the Back
    button must fetch the page again (and be refused), not show the stored copy.
    """
    headers = security_headers(https=settings.https)

    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]
                    ) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE)
        fresh = cookie is None
        value = cookie or new_token()
        key = request.app.state.settings.secret_key  # the register's key once started
        request.state.csrf_token = csrf_token_for(key, value)
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="strict",
                                secure=settings.https, path="/")
        lang = request.query_params.get("lang")
        if lang in LANGUAGES:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="strict",
                                secure=settings.https, path="/")
        response.headers.update(headers)
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return guard


def _too_large(settings: WebSettings) -> Callable[[Scope], Awaitable[Response]]:
    """The 413 of ``BodyLimit`` as every other error: a page in the user's language for a
    form, JSON under /api/. It is answered outside the app's middleware, so it carries
    the security headers and ``no-store`` itself."""
    headers = security_headers(https=settings.https)

    async def answer(scope: Scope) -> Response:
        refused = HTTPException(413, "the request is too large")
        response = await handle_http_error(Request(scope), refused)
        response.headers.update(headers)
        response.headers["Cache-Control"] = "no-store"
        return response

    return answer


def create_app(settings: WebSettings, *, engine: Engine | None = None,
               clock: Callable[[], float] = time.monotonic) -> FastAPI:
    """Build the web app.

    Args:
        settings: the validated settings.
        engine: an open register; by default ``open_register(settings.db_url)`` at start
            (which refuses a register not at the newest schema) and disposed at the end.
        clock: the rate limits' clock (seconds); tests play days of requests with their own.
    Returns:
        The FastAPI application (serve it with uvicorn).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = engine is None
        app.state.search_threads = None  # made in this event loop at the first search
        # A pool as large as the server's worker threads (anyio's 40): a connection opened
        # past the pool is closed on return, and SQLite's setup of each new one was a
        # tenth of a family search's time under 20 clients (bench/bench_web_search.py).
        app.state.engine = (open_register(settings.db_url, pool_size=20, max_overflow=20)
                            if own else engine)
        app.state.settings = _with_key(settings, app.state.engine)
        try:
            yield
        finally:
            if own:
                app.state.engine.dispose()

    app = FastAPI(title="musterroll", version=__version__, lifespan=lifespan,
                  description="Public counts, family search and reports, caseworkers' "
                  "person data. Unsafe methods need the X-CSRF-Token of GET /api/csrf.",
                  dependencies=[Depends(protect_csrf)],
                  # FastAPI's /docs and /redoc load their scripts from a CDN: off (no CDN,
                  # works offline, strict CSP). The description stays at /openapi.json.
                  docs_url=None, redoc_url=None)
    app.state.settings = settings if engine is None else _with_key(settings, engine)
    app.state.engine = engine
    _limiters(app, settings, clock)
    app.middleware("http")(_guard(settings))
    app.add_middleware(BodyLimit, limit=settings.max_form_bytes, exempt=("/api/imports/",
                       "/imports/"), exempt_limit=MAX_UPLOAD_BYTES + 2**20,
                       answer=_too_large(settings))
    app.add_exception_handler(HTTPException, handle_http_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (routes_public, routes_family, routes_auth, routes_persons,
                   routes_review, routes_imports, routes_analyst, routes_dna, routes_inbox):
        app.include_router(module.router)
    return app


def _with_key(settings: WebSettings, engine: Engine) -> WebSettings:
    """The settings with the signing key: the one given, else the register's stored one."""
    return settings.model_copy(update={"secret_key": signing_key(engine, settings.secret_key)})


def _limiters(app: FastAPI, settings: WebSettings, clock: Callable[[], float]) -> None:
    """The app's rate limits, all on one clock (see ``web.ratelimit``)."""
    day = 24 * 3600.0
    state = app.state
    state.search_limiter = RateLimiter(settings.search_rate_limit, clock=clock)
    state.login_limiter = RateLimiter(settings.search_rate_limit, clock=clock)
    state.daily_limiter = RateLimiter(settings.family_daily_searches, day, clock=clock)
    state.session_limiter = RateLimiter(settings.family_daily_searches, day, clock=clock)
    state.name_misses = NameMisses(settings.family_name_misses,
                                   settings.family_name_hours * 3600.0, clock=clock)
    state.report_limiter = RateLimiter(settings.report_daily_limit, day, clock=clock)
