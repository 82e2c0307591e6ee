"""Clients on the linked register (``linked.py``) for the caseworker-side tests."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient
from sqlalchemy import Engine

from musterroll.store import open_register
from musterroll.web import create_app, load_settings

from .conftest import login

SECRET = "caseworker-test-secret-0123456789"
ANONYMOUS = "anonymous"


@pytest.fixture
def linked_engine(linked_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a private copy of the linked register."""
    target = tmp_path / "linked.db"
    shutil.copy(linked_template, target)
    engine = open_register(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def role_clients(engine: Engine) -> Iterator[Callable[[str], TestClient]]:
    """Yield a maker of clients on `engine` logged in as a role's user (``anonymous``: not
    logged in); close them all afterwards. Fixtures yield from it."""
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        settings = load_settings(db_url=str(engine.url), secret_key=SECRET)
        client = TestClient(create_app(settings, engine=engine), base_url="http://testserver")
        clients.append(client)
        if role != ANONYMOUS:
            login(client, role)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def as_role(linked_engine: Engine) -> Iterator[Callable[[str], TestClient]]:
    """Make a client logged in as the user of a role (``anonymous``: not logged in)."""
    yield from role_clients(linked_engine)
