"""Security primitives: argon2 hashes, CSRF tokens, session tokens, response headers.

CSRF uses a signed double-submit token: the ``csrf`` cookie holds a random value and every
unsafe request (form or API) must carry ``HMAC(secret_key, cookie)`` in the form field
``csrf_token`` or the ``X-CSRF-Token`` header. A page from another site can neither read
the cookie (HttpOnly, SameSite=Strict) nor compute the signature (OWASP CSRF cheat sheet,
"signed double-submit cookie").

The signing key is either given (``MUSTERROLL_SECRET_KEY``) or generated once and kept in
the register's ``register_settings`` (``signing_key``): a restart must not turn every open
form into a refusal. A request body past the configured size is refused with 413 before
any route reads it (``BodyLimit``), worded as the app words its errors (a page for a form,
JSON under /api/).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from musterroll.store.web_models import register_settings_table

__all__ = [
    "BodyLimit",
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "CsrfExpired",
    "csrf_token_for",
    "hash_secret",
    "hash_token",
    "is_valid_csrf",
    "new_token",
    "security_headers",
    "signing_key",
    "verify_secret",
]

SIGNING_KEY_SETTING = "web.signing_key"
SESSION_COOKIE = "musterroll_session"
CSRF_COOKIE = "musterroll_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_hasher = PasswordHasher()
# Verifying against this when a user does not exist costs the same time as a real check,
# so response times do not tell which user names exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def hash_secret(secret: str) -> str:
    """Return the argon2id hash of a password or family secret."""
    return _hasher.hash(secret)


def verify_secret(stored: str | None, secret: str) -> bool:
    """Return whether `secret` matches the argon2 hash `stored` (None: no such user)."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, secret) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """Return a fresh random token for a cookie (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Return the sha256 of a session token: only this is stored in the register."""
    return hashlib.sha256(token.encode()).hexdigest()


def csrf_token_for(secret_key: str, cookie_value: str) -> str:
    """Return the CSRF token that forms and API calls must send for this cookie value."""
    return hmac.new(secret_key.encode(), cookie_value.encode(), hashlib.sha256).hexdigest()


def is_valid_csrf(secret_key: str, cookie_value: str | None, sent: str | None) -> bool:
    """Return whether `sent` is the CSRF token of `cookie_value` (constant time)."""
    if not cookie_value or not sent:
        return False
    return hmac.compare_digest(csrf_token_for(secret_key, cookie_value), sent)


def security_headers(*, https: bool) -> dict[str, str]:
    """Return the headers every response carries.

    The CSP allows scripts and styles from this origin only: no inline script, no CDN
    (htmx is served from /static). SVG charts use presentation attributes, which CSP
    does not govern, so no inline style is needed either.
    """
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; object-src 'none'"
        ),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


class CsrfExpired(HTTPException):
    """A form or API call without the CSRF token of its cookie: the page has expired.

    Its own class so that the error page says "reload the page", not "your role may not".
    """

    def __init__(self) -> None:
        super().__init__(403, "the page has expired: reload it and send again")


def signing_key(engine: Engine, given: str) -> str:
    """Return the key that signs CSRF tokens: `given`, else the register's stored one.

    The first start on a register generates a random key and stores it; every later
    start (or a second process) reads the same one. Two processes starting at once both
    try to store; the loser reads the winner's key.
    """
    if given:
        return given
    table = register_settings_table
    query = select(table.c.value).where(table.c.name == SIGNING_KEY_SETTING)
    with engine.connect() as conn:
        stored = conn.execute(query).scalar()
    if stored:
        return str(stored)
    try:
        with engine.begin() as conn:
            conn.execute(insert(table).values(name=SIGNING_KEY_SETTING,
                                              value=secrets.token_urlsafe(32),
                                              updated_at=datetime.now(UTC)))
    except IntegrityError:
        pass  # another process stored one first: use it
    with engine.connect() as conn:
        return str(conn.execute(query).scalar())


class BodyLimit:
    """ASGI middleware: refuse (413) a request body larger than `limit` bytes.

    The declared Content-Length is checked first; a body sent without one (chunked) is
    counted as it arrives. Paths under `exempt` (list uploads) have `exempt_limit`.
    """

    def __init__(self, app: ASGIApp, *, limit: int, exempt: tuple[str, ...] = (),
                 exempt_limit: int = 0,
                 answer: Callable[[Scope], Awaitable[Response]] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.exempt_limit = exempt_limit
        self.answer = answer  # the refusal as the app words its errors; None: plain JSON

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        limit = self.exempt_limit if path.startswith(self.exempt) and self.exempt else \
            self.limit
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.answer is None:
            await _too_large(send)
            return
        response = await self.answer(scope)
        await response(scope, receive, send)


class _TooLarge(Exception):
    """A body without Content-Length grew past the limit while being read."""


async def _too_large(send: Send) -> None:
    body: Any = json.dumps({"detail": "the request is too large"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": body})
