"""The web app on PostgreSQL: login, person data, family search and report, dashboard."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from musterroll.store import open_register, read_audit
from musterroll.web import create_app, load_settings

from .conftest import build_register, csrf, login

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.mark.postgres
def test_the_app_works_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    build_register(postgres_url, tmp_path)
    engine = open_register(postgres_url)
    try:
        settings = load_settings(db_url=postgres_url)  # the key stored in the register
        with TestClient(create_app(settings, engine=engine)) as client:
            assert client.get("/api/persons/1").status_code == 401
            data = client.get("/api/dashboard").json()
            assert data["counts"]["killed"] == 14 and data["counts"]["captured"] is None
            token = csrf(client)
            answer = client.post("/api/family/search", headers={"X-CSRF-Token": token}, json={
                "surname": "Kovalenko", "given_name": "Oleksandr", "birth_date": "1990-05-12"})
            found = answer.json()
            assert (found["found"], found["status"], found["sex"]) == (True, "missing", "m")
            assert found["reference"].startswith("MR-")
            report = client.post("/api/family/report", headers={"X-CSRF-Token": token}, json={
                "surname": "Ткаченко", "given_name": "Марія", "birth_date": "1995-07-21",
                "contact": "+380 67 123 45 67", "relationship": "sibling"})
            assert report.status_code == 200
            login(client, "caseworker")
            assert client.get("/api/persons/1").status_code == 200
            (waiting,) = client.get("/api/inbox").json()["reports"]
            accepted = client.post(f"/api/inbox/{waiting['id']}", json={"decision": "accept"},
                                   headers={"X-CSRF-Token": csrf(client)})
            assert accepted.status_code == 200, accepted.text
            assert accepted.json()["new_person"] is True
        actions = {a["action"] for a in read_audit(engine)}
        assert {"family search", "family report", "login", "person view",
                "family report accept", "link-only match"} <= actions
    finally:
        engine.dispose()
