"""DNA pages (issue 16): the forensic role alone sees and decides proposals; all audited.

On the linked register of ``linked.py`` (identification reports held back, so the
remains' persons are still sought), with the war's DNA imported and matched.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from musterroll.statuses.dna import import_dna_manifest, match_register
from musterroll.store import read_audit
from musterroll.store.status_models import statuses_table
from musterroll.web import add_user

from .caseworker import ANONYMOUS, TestClient, role_clients
from .conftest import PASSWORD, csrf

OTHER_ROLES = ("family", "analyst", "caseworker", "admin", ANONYMOUS)
DNA_URLS = ("/dna", "/api/dna/proposals", "/dna/proposals/1", "/api/dna/proposals/1")


@pytest.fixture
def dna_engine(linked_template: Path, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the linked register with a forensic user and the war's DNA matched."""
    import shutil

    from musterroll.store import open_register

    shutil.copy(linked_template, tmp_path / "dna.db")
    engine = open_register(f"sqlite:///{tmp_path / 'dna.db'}")
    add_user(engine, "forensic", "forensic", PASSWORD)
    import_dna_manifest(engine, linked_template.parent / "war" / "manifest.json")
    match_register(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def client_as(dna_engine: Engine) -> Iterator[Callable[[str], TestClient]]:
    """A client logged in as a role's user (``anonymous``: not logged in)."""
    yield from role_clients(dna_engine)


def _status(engine: Engine, person_id: int) -> tuple[str, str | None]:
    st = statuses_table.c
    with engine.connect() as conn:
        row = conn.execute(select(st.status, st.substatus).where(
            st.person_id == person_id, st.valid_to.is_(None))).one()
    return row.status, row.substatus


def test_the_forensic_role_confirms_a_proposal_on_the_page_and_the_person_is_identified(
        client_as: Callable[[str], TestClient], dna_engine: Engine) -> None:
    client = client_as("forensic")
    page = client.get("/dna")
    assert page.status_code == 200 and 'id="dna-proposals"' in page.text
    proposals = client.get("/api/dna/proposals", params={"status": "proposed"}).json()
    sought = [p for p in proposals["proposals"]
              if _status(dna_engine, p["person_id"])[0] == "missing"]
    assert sought
    chosen = sought[0]
    detail = client.get(f"/dna/proposals/{chosen['id']}")
    assert detail.status_code == 200 and chosen["sample"] in detail.text
    assert 'id="dna-decide"' in detail.text
    assert any(f"({word})" in detail.text for word in ("father", "mother", "brother", "sister"))
    decided = client.post(f"/dna/proposals/{chosen['id']}", data={
        "decision": "confirm", "note": "reviewed", "csrf_token": csrf(client)},
        follow_redirects=False)
    assert decided.status_code == 303
    assert _status(dna_engine, chosen["person_id"]) == ("killed", "identified")
    again = client.post(f"/api/dna/proposals/{chosen['id']}",
                        json={"decision": "confirm"},
                        headers={"X-CSRF-Token": csrf(client)})
    assert again.status_code == 409
    actions = [(a["action"], a["actor"]) for a in read_audit(dna_engine)]
    for action in ("dna proposals view", "dna proposal view", "dna confirm"):
        assert (action, "forensic") in actions


def test_a_rejection_through_the_api_needs_a_note(client_as: Callable[[str], TestClient]
                                                  ) -> None:
    client = client_as("forensic")
    first = client.get("/api/dna/proposals").json()["proposals"][0]
    token = csrf(client)
    bare = client.post(f"/api/dna/proposals/{first['id']}", json={"decision": "reject"},
                       headers={"X-CSRF-Token": token})
    assert bare.status_code == 409 and "note" in bare.json()["detail"]
    done = client.post(f"/api/dna/proposals/{first['id']}",
                       json={"decision": "reject", "note": "contaminated"},
                       headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json()["event_id"] is None


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_every_other_role_and_the_anonymous_are_refused_genetic_data(
        client_as: Callable[[str], TestClient], dna_engine: Engine, role: str) -> None:
    client = client_as(role)
    for url in DNA_URLS:
        response = client.get(url, follow_redirects=False)
        expected = (401, 303) if role == ANONYMOUS else (403,)
        assert response.status_code in expected, (role, url, response.status_code)
        assert "log10" not in response.text
    if role != ANONYMOUS:
        posted = client.post("/api/dna/proposals/1", json={"decision": "confirm"},
                             headers={"X-CSRF-Token": csrf(client)})
        assert posted.status_code == 403
    assert not [a for a in read_audit(dna_engine) if a["action"].startswith("dna proposal")]


def test_no_public_page_shows_genetic_data(client_as: Callable[[str], TestClient]) -> None:
    client = client_as(ANONYMOUS)
    for url in ("/", "/api/dashboard", "/family"):
        text = client.get(url).text
        assert "dna_proposals" not in text and "log10" not in text
    spec = json.dumps(client.get("/openapi.json").json())
    assert "/api/dna/proposals" in spec  # described, but refused without the role (above)
