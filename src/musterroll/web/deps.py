"""Typed dependencies: settings, register, user, language, CSRF and rate limits.

Routes receive these through ``Depends``; tests override them with
``app.dependency_overrides`` (e.g. a user without logging in). The cheap ones are
``async``: FastAPI runs a plain ``def`` dependency on a worker thread, and those hops were
a good part of a family search's time under load (bench/bench_web_search.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from musterroll.store.audit import append_audit
from musterroll.web.auth import User, session_user
from musterroll.web.i18n import choose_language
from musterroll.web.ratelimit import RateLimiter
from musterroll.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    CsrfExpired,
    is_valid_csrf,
)
from musterroll.web.settings import WebSettings

__all__ = [
    "CurrentUser",
    "Language",
    "Register",
    "Settings",
    "client_address",
    "current_user",
    "get_engine",
    "get_language",
    "get_settings",
    "audit_refusal",
    "protect_csrf",
    "require_role",
    "search_limit",
]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def get_settings(request: Request) -> WebSettings:
    """Return the app's settings."""
    settings: WebSettings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    """Return the engine on the register."""
    engine: Engine = request.app.state.engine
    return engine


Settings = Annotated[WebSettings, Depends(get_settings)]
Register = Annotated[Engine, Depends(get_engine)]


async def current_user(request: Request, engine: Register) -> User | None:
    """Return the logged-in user, or None for the public (no database work then)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return await run_in_threadpool(session_user, engine, token)


CurrentUser = Annotated[User | None, Depends(current_user)]


async def get_language(request: Request, settings: Settings) -> str:
    """Return the page language (?lang=, lang cookie, Accept-Language, default)."""
    return choose_language(request.query_params.get("lang"), request.cookies.get("lang"),
                           request.headers.get("accept-language"), settings.default_language)


Language = Annotated[str, Depends(get_language)]


def require_role(*roles: str) -> Callable[..., Awaitable[User]]:
    """Return a dependency that lets through only users with one of `roles`.

    Anonymous requests get 401 (log in), logged-in users of another role 403; both
    refusals are audit-logged (``access refused``: who, which path, which code).
    """

    async def dependency(request: Request, engine: Register, settings: Settings,
                         user: CurrentUser) -> User:
        if user is None:
            await run_in_threadpool(audit_refusal, engine, request, settings, None, 401)
            raise HTTPException(401, "log in to see this", headers={"WWW-Authenticate":
                                                                     "Cookie"})
        if user.role not in roles:
            await run_in_threadpool(audit_refusal, engine, request, settings, user, 403)
            raise HTTPException(403, "your role may not see this")
        return user

    return dependency


def audit_refusal(engine: Engine, request: Request, settings: WebSettings,
                  user: User | None, code: int) -> None:
    """Append an ``access refused`` line: who was refused what, and with which code."""
    actor = user.name if user else f"anonymous@{client_address(request, settings)}"
    with engine.begin() as conn:
        append_audit(conn, action="access refused", subject=f"path:{request.url.path}",
                     actor=actor, detail={"code": code, "method": request.method,
                                          "role": user.role if user else "public"})


async def protect_csrf(request: Request, settings: Settings) -> None:
    """Refuse (403) an unsafe request without the CSRF token of its csrf cookie.

    Applied to every route of the app; safe methods pass.
    """
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(("application/x-www-form-urlencoded",
                                                 "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not is_valid_csrf(settings.secret_key, request.cookies.get(CSRF_COOKIE), sent):
        raise CsrfExpired


def client_address(request: Request, settings: WebSettings) -> str:
    """Return the client's address, from X-Forwarded-For only behind a trusted proxy."""
    if settings.trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


async def search_limit(request: Request, settings: Settings) -> None:
    """Count one family search of this client; 429 with Retry-After past the limit."""
    limiter: RateLimiter = request.app.state.search_limiter
    wait = limiter.hit(client_address(request, settings))
    if wait is not None:
        raise HTTPException(429, "too many searches; wait a minute",
                            headers={"Retry-After": str(max(1, round(wait)))})
