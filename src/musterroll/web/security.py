"""Security primitives: argon2 hashes, CSRF tokens, session tokens, response headers.

CSRF uses a signed double-submit token: the ``csrf`` cookie holds a random value and every
unsafe request (form or API) must carry ``HMAC(secret_key, cookie)`` in the form field
``csrf_token`` or the ``X-CSRF-Token`` header. A page from another site can neither read
the cookie (HttpOnly, SameSite=Strict) nor compute the signature (OWASP CSRF cheat sheet,
"signed double-submit cookie").
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "csrf_token_for",
    "hash_secret",
    "hash_token",
    "is_valid_csrf",
    "new_token",
    "security_headers",
    "verify_secret",
]

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
