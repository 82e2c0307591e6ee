"""The web app's tables: users, sessions and families' reports.

- ``web_users``: one account per person who logs in, with a role and an argon2 hash of the
  password (never the password).
- ``web_sessions``: one row per login; the cookie holds a random token and only its sha256
  is stored, so a copy of the database cannot be replayed as a session.
- ``family_reports``: a missing-person report sent through the web app: its case number,
  an argon2 hash of the secret the family comes back with, what the family wrote
  (``reported``), how to reach them and their relationship. It waits (``pending``) in the
  caseworkers' inbox; once accepted it has a record in ``records`` (written through the
  sources stage, ``casework.family_reports``); a rejected one never does (migration 0017).
- ``register_settings``: the register's own settings (the web app's signing key).
- ``person_case_codes``: the random code a family is given for a person found by a
  search, never the internal person id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from musterroll.store.models import Base, BigId, records_table

__all__ = [
    "ROLES",
    "REPORT_STATES",
    "FamilyReport",
    "PersonCaseCode",
    "RegisterSetting",
    "WebSession",
    "WebUser",
    "family_reports_table",
    "person_case_codes_table",
    "register_settings_table",
    "web_sessions_table",
    "web_users_table",
]

# Least to most privileged; "public" needs no account and is never stored. "forensic"
# stands apart: it alone sees genetic data (DNA profiles and proposals, web.routes_dna),
# which not even an admin sees (special-category data, docs/DESIGN.md's privacy model).
ROLES: tuple[str, ...] = ("family", "analyst", "caseworker", "forensic", "admin")
# A family's report waits in the inbox until a caseworker accepts or rejects it.
REPORT_STATES: tuple[str, ...] = ("pending", "accepted", "rejected")


class WebUser(Base):
    """An account: name, role, argon2 password hash."""

    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A login: the sha256 of the cookie's token, its user, and when it expires."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FamilyReport(Base):
    """A family's missing-person report: case number, secret hash, what it says, its state."""

    __tablename__ = "family_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    source_name: Mapped[str] = mapped_column(String(200))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"))
    record_id: Mapped[int | None] = mapped_column(BigId)
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(10), default="pending",
                                       server_default="accepted", index=True)
    reported: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    contact: Mapped[str | None] = mapped_column(Text)
    relationship: Mapped[str | None] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str | None] = mapped_column(Text)


class RegisterSetting(Base):
    """One of the register's own settings, by name (e.g. the web app's signing key)."""

    __tablename__ = "register_settings"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonCaseCode(Base):
    """The random code families are given for a person (never the person id)."""

    __tablename__ = "person_case_codes"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    person_id: Mapped[int] = mapped_column(BigId, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


web_users_table = cast(Table, WebUser.__table__)
web_sessions_table = cast(Table, WebSession.__table__)
family_reports_table = cast(Table, FamilyReport.__table__)
register_settings_table = cast(Table, RegisterSetting.__table__)
person_case_codes_table = cast(Table, PersonCaseCode.__table__)

# The family search looks records up by birth date first (a million records, 100 ms);
# declared here because the web app is what needs it (migration 0009 creates it).
Index("ix_records_birth_date", records_table.c.birth_date)
