"""Person data only for caseworkers and admins, each view in the audit log."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from musterroll.store import read_audit

from .conftest import login

PERSON = "/api/persons/1"


def test_anonymous_requests_for_person_data_get_401(client: TestClient) -> None:
    assert client.get(PERSON).status_code == 401


@pytest.mark.parametrize("role", ["family", "analyst"])
def test_roles_without_person_access_get_403(client: TestClient, role: str) -> None:
    login(client, role)
    assert client.get(PERSON).status_code == 403


@pytest.mark.parametrize("role", ["caseworker", "admin"])
def test_caseworkers_and_admins_see_a_person_and_the_view_is_audited(
        client: TestClient, engine: Engine, role: str) -> None:
    login(client, role)
    response = client.get(PERSON)
    assert response.status_code == 200
    assert response.json()["status"] == "missing"
    views = read_audit(engine, action="person view")
    assert [(v["actor"], v["subject"]) for v in views] == [(role, "person:1")]
    assert views[0]["at"] is not None


def test_an_unknown_person_is_404_for_a_caseworker(client: TestClient) -> None:
    login(client, "caseworker")
    assert client.get("/api/persons/999999").status_code == 404


def test_overriding_the_user_dependency_works_for_tests(client: TestClient) -> None:
    from musterroll.web.auth import User
    from musterroll.web.deps import current_user

    client.app.dependency_overrides[current_user] = lambda: User(1, "x", "admin")  # type: ignore[attr-defined]
    assert client.get(PERSON).status_code == 200
