"""Accounts and logins: create users, check passwords, open and close sessions.

Passwords are stored as argon2id hashes; a session cookie holds a random token of which
only the sha256 is stored (``web_sessions``). Every failed login is audit-logged, and after
a number of failures in a row the account locks for a while (``locked_until``), whatever
address the guesses come from (the per-address limit alone lets a botnet guess on).
Roles, least to most privileged: family, analyst (pseudonymised data), caseworker, admin;
"public" is anyone without a login.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from musterroll.store.audit import append_audit
from musterroll.store.web_models import ROLES, web_sessions_table, web_users_table
from musterroll.web.security import hash_secret, hash_token, new_token, verify_secret

__all__ = ["ROLES", "User", "UserError", "add_user", "authenticate", "end_session",
           "open_session", "session_user"]


class UserError(ValueError):
    """A user that cannot be created (bad role, name taken, short password)."""


@dataclass(frozen=True)
class User:
    """A logged-in user as routes see it."""

    id: int
    name: str
    role: str


def add_user(engine: Engine, name: str, role: str, password: str, *,
             actor: str = "musterroll") -> int:
    """Create an account and return its id.

    Args:
        engine: an open register.
        name: the login name (unique, 1-200 characters, no surrounding spaces).
        role: one of ``ROLES``.
        password: at least 12 characters; only its argon2 hash is stored.
        actor: who creates it, for the audit log.
    Raises:
        UserError: the role is unknown, the name empty or taken, the password too short.
    """
    name = name.strip()
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if not name or len(name) > 200:
        raise UserError("a user name must have 1 to 200 characters")
    if len(password) < 12:
        raise UserError("a password must have at least 12 characters")
    with engine.begin() as conn:
        taken = conn.execute(select(web_users_table.c.id)
                             .where(web_users_table.c.name == name)).first()
        if taken is not None:
            raise UserError(f"user {name!r} exists already")
        result = conn.execute(insert(web_users_table).values(
            name=name, role=role, password_hash=hash_secret(password), disabled=False,
            created_at=datetime.now(UTC)))
        user_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        append_audit(conn, action="user add", subject=f"user:{user_id}", actor=actor,
                     detail={"name": name, "role": role})
    return user_id


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; they were written in UTC.
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def authenticate(engine: Engine, name: str, password: str, *, max_failures: int = 5,
                 lockout: timedelta = timedelta(minutes=15),
                 client: str = "unknown") -> User | None:
    """Return the user if `password` is theirs and the account is enabled and unlocked.

    A failure is audit-logged (``login failed``, with the client's address); the
    `max_failures`-th failure in a row locks the account for `lockout` (``account
    locked``). While locked, even the right password is refused (``login refused``).
    """
    u = web_users_table.c
    with engine.connect() as conn:
        row = conn.execute(select(web_users_table).where(u.name == name.strip())).first()
    right = verify_secret(None if row is None else row.password_hash, password)
    now = datetime.now(UTC)
    locked = row is not None and (_aware(row.locked_until) or now) > now
    if right and row is not None and not row.disabled and not locked:
        if row.failed_logins:
            with engine.begin() as conn:
                conn.execute(update(web_users_table).where(u.id == row.id)
                             .values(failed_logins=0, locked_until=None))
        return User(id=row.id, name=row.name, role=row.role)
    with engine.begin() as conn:
        _record_failure(conn, row, name.strip()[:200], client, locked=locked,
                        max_failures=max_failures, until=now + lockout)
    return None


def _record_failure(conn: Connection, row: Any, name: str, client: str, *, locked: bool,
                    max_failures: int, until: datetime) -> None:
    """Audit a failed login; count it against the account and lock it at the limit."""
    detail = {"name": name, "client": client}
    if row is None:
        append_audit(conn, action="login failed", subject=None, actor=f"anonymous@{client}",
                     detail=detail)
        return
    subject = f"user:{row.id}"
    if locked:
        append_audit(conn, action="login refused", subject=subject,
                     actor=f"anonymous@{client}", detail={**detail, "reason": "locked"})
        return
    failures = (row.failed_logins or 0) + 1
    append_audit(conn, action="login failed", subject=subject, actor=f"anonymous@{client}",
                 detail={**detail, "failures": failures})
    values: dict[str, Any] = {"failed_logins": failures}
    if failures >= max_failures:
        values = {"failed_logins": 0, "locked_until": until}
        append_audit(conn, action="account locked", subject=subject,
                     detail={"until": until.isoformat(), "failures": failures})
    conn.execute(update(web_users_table).where(web_users_table.c.id == row.id).values(values))


def open_session(engine: Engine, user: User, *, hours: int) -> str:
    """Record a login of `user` for `hours`; return the token for the session cookie."""
    token = new_token()
    now = datetime.now(UTC)
    with engine.begin() as conn:
        # Expired sessions are worthless; forget them as new ones open.
        conn.execute(delete(web_sessions_table).where(web_sessions_table.c.expires_at < now))
        conn.execute(insert(web_sessions_table).values(
            token_hash=hash_token(token), user_id=user.id, created_at=now,
            expires_at=now + timedelta(hours=hours)))
        append_audit(conn, action="login", subject=f"user:{user.id}", actor=user.name)
    return token


def session_user(engine: Engine, token: str | None) -> User | None:
    """Return the user of a live session token, or None (no token, expired, disabled)."""
    if not token:
        return None
    s, u = web_sessions_table.c, web_users_table.c
    query = (select(u.id, u.name, u.role, u.disabled, s.expires_at)
             .select_from(web_sessions_table.join(web_users_table, u.id == s.user_id))
             .where(s.token_hash == hash_token(token)))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None or row.disabled:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= datetime.now(UTC):
        return None
    return User(id=row.id, name=row.name, role=row.role)


def end_session(engine: Engine, token: str | None, user: User | None) -> None:
    """Forget a session (logout); the cookie's token is then worthless."""
    if not token:
        return
    with engine.begin() as conn:
        conn.execute(delete(web_sessions_table)
                     .where(web_sessions_table.c.token_hash == hash_token(token)))
        if user is not None:
            append_audit(conn, action="logout", subject=f"user:{user.id}", actor=user.name)
