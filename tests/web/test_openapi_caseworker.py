"""Schemathesis past the login: the caseworkers' and analysts' API on the linked register.

``test_openapi.py`` drives every operation anonymously, so the person, review, import and
analyst operations only ever answer 401 there; here the same checks run with a session
of a caseworker (and of an analyst for the analysts' operations).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from sqlalchemy import Engine, select

from musterroll.store import open_register
from musterroll.store.web_models import web_users_table
from musterroll.web import create_app, load_settings
from musterroll.web.auth import User, open_session
from musterroll.web.security import CSRF_COOKIE, SESSION_COOKIE, csrf_token_for

SECRET = "schemathesis-caseworker-secret-0123"
COOKIE = "schemathesis-cookie"
TAGS = {"caseworker": ("persons", "review", "imports"), "analyst": ("analyst",)}


@pytest.fixture(scope="module")
def api_engine(linked_template: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Engine]:
    target = tmp_path_factory.mktemp("openapi-caseworker") / "register.db"
    shutil.copy(linked_template, target)
    engine = open_register(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def _session(engine: Engine, role: str) -> str:
    u = web_users_table.c
    with engine.connect() as conn:
        row = conn.execute(select(u.id, u.name, u.role).where(u.name == role)).one()
    return open_session(engine, User(id=row.id, name=row.name, role=row.role), hours=1)


@pytest.mark.parametrize("role", sorted(TAGS))
def test_the_logged_in_api_keeps_its_openapi_promises(api_engine: Engine, role: str) -> None:
    web = load_settings(db_url=str(api_engine.url), secret_key=SECRET)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(web, engine=api_engine))
    operations = [op for op in (r.ok() for r in schema.get_all_operations())
                  if set(op.tags or ()) & set(TAGS[role])]
    assert len(operations) >= (7 if role == "caseworker" else 1)
    headers = {"X-CSRF-Token": csrf_token_for(SECRET, COOKIE),
               "Cookie": f"{CSRF_COOKIE}={COOKIE}; "
                         f"{SESSION_COOKIE}={_session(api_engine, role)}"}
    for operation in operations:
        # An import's file is schema-valid whatever its bytes; one that is not a readable
        # list is refused with 422 and the reason, which that check would call a failure.
        excluded = [positive_data_acceptance] if "imports" in (operation.tags or ()) else []

        _run(operation, headers, excluded)


def _run(operation: Any, headers: dict[str, str], excluded: list[Any]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=10, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call_and_validate(headers=headers, excluded_checks=excluded)
        assert response.status_code not in (401, 403), operation.path

    run()
