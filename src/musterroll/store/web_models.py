"""The web app's tables: users, sessions and families' reports.

- ``web_users``: one account per person who logs in, with a role and an argon2 hash of the
  password (never the password).
- ``web_sessions``: one row per login; the cookie holds a random token and only its sha256
  is stored, so a copy of the database cannot be replayed as a session.
- ``family_reports``: a missing-person report sent through the web app: its case number,
  an argon2 hash of the secret the family comes back with, and the one-row list ingested
  for it (the record itself is in ``records``, written by the sources stage).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from musterroll.store.models import Base, BigId, records_table

__all__ = [
    "ROLES",
    "FamilyReport",
    "WebSession",
    "WebUser",
    "family_reports_table",
    "web_sessions_table",
    "web_users_table",
]

# Least to most privileged; "public" needs no account and is never stored. "forensic"
# stands apart: it alone sees genetic data (DNA profiles and proposals, web.routes_dna),
# which not even an admin sees (special-category data, docs/DESIGN.md's privacy model).
ROLES: tuple[str, ...] = ("family", "analyst", "caseworker", "forensic", "admin")


class WebUser(Base):
    """An account: name, role, argon2 password hash."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A login: the sha256 of the cookie's token, its user, and when it expires."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FamilyReport(Base):
    """A family's missing-person report: case number, secret hash, the list it became."""

    __tablename__ = "family_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(200))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"))
    record_id: Mapped[int | None] = mapped_column(BigId)
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


web_users_table = cast(Table, WebUser.__table__)
web_sessions_table = cast(Table, WebSession.__table__)
family_reports_table = cast(Table, FamilyReport.__table__)

# The family search looks records up by birth date first (a million records, 100 ms);
# declared here because the web app is what needs it (migration 0009 creates it).
Index("ix_records_birth_date", records_table.c.birth_date)
