"""The web app's one validated settings object, every field documented.

Values come from keyword arguments (the `musterroll serve` options), then environment
variables ``MUSTERROLL_<FIELD>`` (``MUSTERROLL_DB`` for the register, as the command line
reads it), then the defaults below. A test checks that every field has a description.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["DEFAULT_DB_URL", "WebSettings", "load_settings"]

DEFAULT_DB_URL = "sqlite:///musterroll.db"


class WebSettings(BaseModel):
    """Settings of `musterroll serve`; see each field's description."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db_url: str = Field(
        DEFAULT_DB_URL,
        description="Register URL (SQLAlchemy), the same as the command line's --db or "
        "$MUSTERROLL_DB. The register must be at the newest schema (`musterroll init`).",
    )
    secret_key: str = Field(
        "",
        repr=False,
        description="Key that signs CSRF tokens and keys analysts' pseudonyms "
        "($MUSTERROLL_SECRET_KEY, at least 16 characters). When unset, a random key is "
        "generated once and kept with the register's settings, so it survives restarts.",
    )
    search_rate_limit: int = Field(
        30, ge=1, le=10_000,
        description="Family searches (and reports) allowed per client per minute; past it "
        "the answer is 429. Low enough that no one can enumerate the register.",
    )
    search_threads: int = Field(
        4, ge=1, le=64,
        description="Threads family searches run on at once. A few keep the slowest "
        "searches fast under many clients (they share one process's GIL); more help only "
        "when the register's database answers slowly (a remote PostgreSQL).",
    )
    small_cell_threshold: int = Field(
        5, ge=1, le=1000,
        description="Public counts from 1 up to this number minus one are suppressed "
        "(shown as '<5'), so that no small group of persons can be singled out.",
    )
    analyst_k: int = Field(
        5, ge=5, le=1000,
        description="Each row analysts get is shared, on sex, birth band, region, status "
        "and quarter of the event, by at least this many persons (k-anonymity); rarer "
        "rows are coarsened or left out. At least 5.",
    )
    default_language: Literal["uk", "en"] = Field(
        "uk",
        description="Language of pages when neither ?lang= nor the browser's "
        "Accept-Language asks for Ukrainian or English.",
    )
    session_hours: int = Field(
        8, ge=1, le=24 * 30,
        description="Hours a login lasts before the user must log in again.",
    )
    https: bool = Field(
        False,
        description="Mark cookies Secure (sent over https only) and send "
        "Strict-Transport-Security. Set it whenever the app is served over https.",
    )
    trust_forwarded_for: bool = Field(
        False,
        description="Take the client's address for rate limiting from X-Forwarded-For "
        "(only behind a reverse proxy that sets it; otherwise clients could forge it).",
    )
    dashboard_points: int = Field(
        24, ge=2, le=240,
        description="Points (month ends) in the dashboard's counts-over-time chart.",
    )
    family_name_misses: int = Field(
        3, ge=1, le=10_000,
        description="Family searches for one name (however spelt, from any address) that "
        "may find nothing within family_name_hours; past it, that name is answered only "
        "through the report form. Stops guessing a birth date day by day.",
    )
    family_name_hours: int = Field(
        24, ge=1, le=24 * 365,
        description="The window, in hours, of family_name_misses.",
    )
    family_daily_searches: int = Field(
        100, ge=1, le=1_000_000,
        description="Family searches allowed per client address, and per browser session, "
        "in 24 hours (beside search_rate_limit per minute).",
    )
    report_daily_limit: int = Field(
        5, ge=1, le=10_000,
        description="Missing-person reports a client address may send in 24 hours.",
    )
    login_failures: int = Field(
        5, ge=1, le=1000,
        description="Failed logins in a row after which an account is locked.",
    )
    lockout_minutes: int = Field(
        15, ge=1, le=24 * 60,
        description="Minutes an account stays locked after login_failures failed logins.",
    )
    max_form_bytes: int = Field(
        1_048_576, ge=10_000, le=64 * 2**20,
        description="Largest request body accepted, in bytes (413 past it); uploads of "
        "lists have their own limit (64 MiB).",
    )
    office_name: str = Field(
        "", max_length=300,
        description="The office families should contact (shown with every answer); "
        "empty: the pages say that no office is configured yet.",
    )
    office_phone: str = Field("", max_length=100,
                              description="The office's telephone number, as dialled.")
    office_address: str = Field("", max_length=500,
                                description="The office's postal or street address.")
    office_hours: str = Field("", max_length=300,
                              description="When the office answers, e.g. Mon-Fri 9-18.")

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 16:
            raise ValueError("a secret key must have at least 16 characters")
        return value


def load_settings(**overrides: Any) -> WebSettings:
    """Build the settings from `overrides`, then ``MUSTERROLL_*`` variables, then defaults.

    Args:
        **overrides: field values; None values are ignored (an option not given).
    Returns:
        The validated settings.
    Raises:
        pydantic.ValidationError: a value is out of range or of the wrong type.
    """
    values: dict[str, Any] = {}
    for name in WebSettings.model_fields:
        env = "MUSTERROLL_DB" if name == "db_url" else f"MUSTERROLL_{name.upper()}"
        if os.environ.get(env):
            values[name] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return WebSettings.model_validate(values)
