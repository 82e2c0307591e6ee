"""The caseworker and analyst side on PostgreSQL: a linked register, pages, decision, import."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

from musterroll.store import open_register, read_audit
from musterroll.web import create_app, load_settings

from .conftest import PASSWORD, ROLES, csrf, login
from .linked import build_linked_register, held_back

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.mark.postgres
def test_the_caseworker_side_works_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    war = tmp_path / "war"
    build_linked_register(postgres_url, war, roles=ROLES, password=PASSWORD)
    engine = open_register(postgres_url)
    try:
        settings = load_settings(db_url=postgres_url, secret_key="postgres-test-secret-0123")
        with TestClient(create_app(settings, engine=engine)) as client:
            login(client, "caseworker")
            found = client.get("/api/persons", params={"q": "гребенюк"}).json()["persons"]
            assert found
            person = found[0]["person_id"]
            page = client.get(f"/persons/{person}")
            assert page.status_code == 200 and 'id="records-side-by-side"' in page.text
            assert client.get(f"/api/persons/{person}/linkage").json()["person_id"] == person
            items = client.get("/api/review", params={"limit": 200}).json()["items"]
            token = csrf(client)
            # A "different" on two records of one person splits it at once (casework.relink).
            item = next(i for i in items if i["kind"] == "pair"
                        and i["left"]["person_id"] == i["right"]["person_id"])
            decided = client.post(f"/api/review/{item['id']}", json={"decision": "different"},
                                  headers={"X-CSRF-Token": token})
            assert decided.status_code == 200, decided.text
            assert decided.json()["relinked"]
            right = client.get(f"/api/persons/{decided.json()['relinked'][-1]}").json()
            assert [r["id"] for r in right["records"]] == [item["right"]["id"]]
            assert right["status"] is not None
            assert 'id="review-decided"' in client.get(f"/review?decided={item['id']}").text
            entry = held_back(war)["exchange_ex045_ua"]
            path = war / entry["path"]
            imported = client.post("/api/imports/exchange", headers={"X-CSRF-Token": token},
                                   data={"exchange_date": entry["exchange_date"], "side": "ua",
                                         "exchange_id": entry["exchange_id"]},
                                   files={"file": (path.name, path.read_bytes())})
            assert imported.status_code == 200, imported.text
            assert imported.json()["rows"] == entry["rows"]
        with TestClient(create_app(settings, engine=engine)) as client:
            login(client, "analyst")
            data = client.get("/api/analyst/persons").json()
            assert data["total"] == len(data["persons"]) > 100
            assert client.get(f"/api/persons/{person}").status_code == 403
        actions = {a["action"] for a in read_audit(engine)}
        assert {"person search", "person view", "person linkage view", "review queue view",
                "analyst persons view"} <= actions
    finally:
        engine.dispose()
