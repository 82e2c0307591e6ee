"""Analysts see pseudonymised persons only: no names, numbers, settlements or full dates."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select

from musterroll.store import read_audit
from musterroll.store.models import records_table
from musterroll.web.analyst import month, pseudonym

from . import caseworker
from .caseworker import ANONYMOUS, SECRET

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]


@pytest.mark.parametrize("path", ["/analyst", "/api/analyst/persons"])
def test_analyst_data_refuses_the_public_families_and_caseworkers(as_role: Client,
                                                                  path: str) -> None:
    assert as_role(ANONYMOUS).get(path).status_code == 401
    for role in ("family", "caseworker"):
        assert as_role(role).get(path).status_code == 403
    assert as_role("admin").get(path).status_code == 200


def test_analysts_still_get_403_on_person_data(as_role: Client) -> None:
    client = as_role("analyst")
    for path in ("/api/persons/1", "/persons/1", "/api/persons?q=a", "/api/review"):
        assert client.get(path).status_code == 403


def test_the_pseudonymised_persons_hold_nothing_that_names_anyone(
        as_role: Client, linked_engine: Engine) -> None:
    client = as_role("analyst")
    data = client.get("/api/analyst/persons", params={"limit": 10_000}).json()
    assert data["total"] == len(data["persons"]) > 100
    text = json.dumps(data, ensure_ascii=False)
    r = records_table.c
    with linked_engine.connect() as conn:
        rows = conn.execute(select(r.surname, r.given_name, r.service_number, r.settlement,
                                   r.unit)).all()
        oblasts = set(conn.execute(select(r.oblast).distinct()).scalars())
    # A city of oblast rank (Kyiv) is both a settlement and an oblast: the oblast is kept.
    secrets = {v for row in rows for v in row if v and len(v) >= 4} - oblasts
    assert not [v for v in secrets if f'"{v}"' in text or f" {v}" in text]
    assert not re.search(r"\d{4}-\d\d-\d\d", text)  # dates at month precision at most
    person = data["persons"][0]
    assert set(person) >= {"pseudonym", "status", "sex", "birth_year", "oblast", "lists"}
    assert len({p["pseudonym"] for p in data["persons"]}) == data["total"]
    assert person["pseudonym"] == pseudonym(SECRET, 1)
    assert sum(1 for p in data["persons"] if p["status"] == "killed") >= 5  # none suppressed


def test_pages_of_persons_and_the_audit(as_role: Client, linked_engine: Engine) -> None:
    client = as_role("analyst")
    first = client.get("/api/analyst/persons", params={"limit": 5}).json()
    second = client.get("/api/analyst/persons", params={"limit": 5, "offset": 5}).json()
    assert not {p["pseudonym"] for p in first["persons"]} & {
        p["pseudonym"] for p in second["persons"]}
    page = client.get("/analyst", params={"limit": 5})
    assert page.status_code == 200 and page.text.count("<code>") >= 5
    assert 'href="/analyst?offset=5&amp;limit=5"' in page.text
    views = read_audit(linked_engine, action="analyst persons view")
    assert [(v["actor"], v["detail"]["via"]) for v in views] == [
        ("analyst", "api"), ("analyst", "api"), ("analyst", "page")]


def test_pseudonyms_depend_on_the_key_and_months_cut_days() -> None:
    assert pseudonym("key one 0123456789", 7) != pseudonym("key two 0123456789", 7)
    assert pseudonym("key one 0123456789", 7) == pseudonym("key one 0123456789", 7)
    assert (month("2024-03-15"), month("2024"), month(None)) == ("2024-03", "2024", None)
