"""The web settings: one validated object, every setting documented, read like the CLI."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from musterroll.web.settings import WebSettings, load_settings


def test_every_setting_has_help_text() -> None:
    for name, field in WebSettings.model_fields.items():
        assert field.description and len(field.description) > 20, name


def test_register_url_comes_from_musterroll_db_like_the_command_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSTERROLL_DB", "sqlite:///elsewhere.db")
    monkeypatch.setenv("MUSTERROLL_SEARCH_RATE_LIMIT", "7")
    settings = load_settings()
    assert settings.db_url == "sqlite:///elsewhere.db"
    assert settings.search_rate_limit == 7
    assert load_settings(db_url="sqlite:///given.db").db_url == "sqlite:///given.db"


def test_defaults_are_those_of_the_issue() -> None:
    settings = WebSettings()
    assert settings.search_rate_limit == 30
    assert settings.small_cell_threshold == 5
    assert settings.default_language == "uk"


def test_a_bad_value_is_refused() -> None:
    with pytest.raises(ValidationError):
        load_settings(search_rate_limit=0)
    with pytest.raises(ValidationError):
        load_settings(default_language="de")


def test_the_secret_key_is_not_shown_in_the_settings_repr() -> None:
    assert "abcdefghijklmnopqrstuvwxyz" not in repr(load_settings(
        secret_key="abcdefghijklmnopqrstuvwxyz"))
