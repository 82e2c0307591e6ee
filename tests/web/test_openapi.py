"""Schemathesis against the generated OpenAPI description: no server errors, and every
response conforms to the schema (status codes, content types, bodies)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from musterroll.store import open_register
from musterroll.web import create_app, load_settings
from musterroll.web.security import CSRF_COOKIE, csrf_token_for

SECRET = "schemathesis-secret-key-0123"
COOKIE = "schemathesis-cookie"


@pytest.fixture(scope="module")
def api_engine(register_template: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Engine]:
    target = tmp_path_factory.mktemp("openapi") / "register.db"
    shutil.copy(register_template, target)
    engine = open_register(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def _run_operation(operation) -> None:  # type: ignore[no-untyped-def]
    headers = {"X-CSRF-Token": csrf_token_for(SECRET, COOKIE),
               "Cookie": f"{CSRF_COOKIE}={COOKIE}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(headers=headers)

    run()


def test_the_api_keeps_its_openapi_promises(api_engine: Engine) -> None:
    # Driven by hand rather than by schemathesis' pytest plugin, which does not run under
    # this pytest version (it reads a private attribute of pytest's test items).
    # A high search limit: the fuzzer sends many searches; 429 is tested elsewhere.
    web = load_settings(db_url=str(api_engine.url), secret_key=SECRET, search_rate_limit=10_000)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(web, engine=api_engine))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:
        _run_operation(operation)
