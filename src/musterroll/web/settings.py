"""The web app's one validated settings object, every field documented.

Values come from keyword arguments (the `musterroll serve` options), then environment
variables ``MUSTERROLL_<FIELD>`` (``MUSTERROLL_DB`` for the register, as the command line
reads it), then the defaults below. A test checks that every field has a description.
"""

from __future__ import annotations

import os
import secrets
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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
        default_factory=lambda: secrets.token_urlsafe(32),
        min_length=16,
        repr=False,
        description="Key that signs CSRF tokens ($MUSTERROLL_SECRET_KEY). Random per "
        "process when unset: forms open before a restart must then be reloaded.",
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
