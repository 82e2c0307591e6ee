"""Analysts see pseudonymised persons only: no names, numbers, settlements or full dates,
no captive, and no row that fewer than k persons share (k-anonymity, finding 4)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, select

from musterroll.statuses import derive_statuses
from musterroll.statuses.workflow import add_event
from musterroll.store import read_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table
from musterroll.store.status_models import events_table, statuses_table
from musterroll.web import load_settings
from musterroll.web.analyst import analyst_persons, month, pseudonym, release_tag
from musterroll.web.kanon import QUASI_IDENTIFIERS, birth_band, k_anonymous, quarter, region

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


def _release(client: Any) -> dict[str, Any]:
    """Every page of the analysts' release, joined."""
    first = client.get("/api/analyst/persons", params={"limit": 1000}).json()
    persons = list(first["persons"])
    while len(persons) < first["total"]:
        page = client.get("/api/analyst/persons",
                          params={"limit": 1000, "offset": len(persons)}).json()
        persons += page["persons"]
    return {**first, "persons": persons}


def test_the_pseudonymised_persons_hold_nothing_that_names_anyone(
        as_role: Client, linked_engine: Engine) -> None:
    data = _release(as_role("analyst"))
    assert data["total"] == len(data["persons"]) > 20
    text = json.dumps(data, ensure_ascii=False)
    r = records_table.c
    with linked_engine.connect() as conn:
        rows = conn.execute(select(r.surname, r.given_name, r.service_number, r.settlement,
                                   r.unit, r.oblast)).all()
    secrets = {v for row in rows for v in row if v and len(v) >= 4}
    assert not [v for v in secrets if f'"{v}"' in text or f" {v}" in text]
    assert not re.search(r'"\d{4}-\d\d(-\d\d)?"', text)  # no month, no day
    periods = {p["event_period"] for p in data["persons"]} - {None, "*"}
    assert periods and all(re.fullmatch(r"\d{4}(-Q[1-4])?", v) for v in periods)
    person = data["persons"][0]
    assert set(person) == {"pseudonym", *QUASI_IDENTIFIERS}
    assert len({p["pseudonym"] for p in data["persons"]}) == data["total"]
    assert sum(1 for p in data["persons"] if p["status"] == "killed") >= 5


def _captives(engine: Engine) -> set[int]:
    """Persons with captivity in their status history or on any of their records."""
    st, e, m = statuses_table.c, events_table.c, person_records_table.c
    captivity = ("captivity_confirmed", "released")
    with engine.connect() as conn:
        ever = conn.execute(select(st.person_id).where(
            (st.substatus == "captivity_confirmed") | (st.status == "released"))).scalars()
        evidence = conn.execute(select(m.person_id).join(
            events_table, e.record_id == m.record_id).where(e.kind.in_(captivity))).scalars()
        return {int(i) for i in [*ever, *evidence]}


def test_the_release_is_k_anonymous_and_holds_no_captive(
        as_role: Client, linked_engine: Engine) -> None:
    """Finding 4: on the simulated war no combination of quasi-identifiers in the
    released rows is shared by fewer than k persons, and no captive is a row."""
    data = _release(as_role("analyst"))
    assert data["k"] == 5
    combinations = Counter(tuple(p[q] for q in QUASI_IDENTIFIERS) for p in data["persons"])
    assert min(combinations.values()) >= 5, combinations.most_common()[-3:]
    captives = _captives(linked_engine)
    with linked_engine.connect() as conn:
        persons = set(conn.execute(select(person_records_table.c.person_id)).scalars())
    assert len(captives) >= 5  # the simulated war has prisoners to leave out
    released = {p["pseudonym"] for p in data["persons"]}
    tag = release_tag(linked_engine, 5)
    assert not released & {pseudonym(SECRET, i, tag) for i in captives}
    assert data["withheld"] == len(persons) - data["total"] >= len(captives)
    # Most persons stay useful: a status and at least one other value not hidden.
    assert data["total"] >= (len(persons) - len(captives)) // 2


def _hidden(data: dict[str, Any]) -> int:
    return sum(1 for p in data["persons"] for q in QUASI_IDENTIFIERS if p[q] == "*")


def test_k_is_a_setting_and_a_larger_k_coarsens_more(linked_engine: Engine) -> None:
    five = analyst_persons(linked_engine, SECRET, k=5, limit=1000)
    twenty = analyst_persons(linked_engine, SECRET, k=20, limit=1000)
    combinations = Counter(tuple(p[q] for q in QUASI_IDENTIFIERS) for p in twenty["persons"])
    assert min(combinations.values()) >= 20
    assert _hidden(twenty) / twenty["total"] > _hidden(five) / five["total"]
    assert load_settings(analyst_k=12).analyst_k == 12
    with pytest.raises(ValidationError):
        load_settings(analyst_k=2)


def test_rows_are_generalised_then_coarsened_then_left_out() -> None:
    assert (birth_band(1987), quarter("2024-05-17"), quarter("2024"), region("kha")) == (
        "1980-1989", "2024-Q2", "2024", "east")
    row = {"status": "killed", "sex": "m", "birth_years": "1980-1989", "region": "east",
           "event_period": "2024-Q2"}
    rows = [dict(row, pseudonym=str(i)) for i in range(5)]
    lone = dict(row, pseudonym="x", event_period="2024-Q3")
    stranger = dict(row, pseudonym="y", status="missing")
    released = k_anonymous([*rows, lone, stranger], 5)
    assert [r["pseudonym"] for r in released] == ["0", "1", "2", "3", "4"]
    # Coarsened to the year, the lone row joins five others of 2024.
    year = [dict(row, pseudonym=str(i), event_period="2024") for i in range(5)]
    released = k_anonymous([*year, lone], 5)
    assert len(released) == 6 and {r["event_period"] for r in released} == {"2024"}


def test_pages_of_persons_and_the_audit(as_role: Client, linked_engine: Engine) -> None:
    client = as_role("analyst")
    first = client.get("/api/analyst/persons", params={"limit": 5}).json()
    second = client.get("/api/analyst/persons", params={"limit": 5, "offset": 5}).json()
    assert not {p["pseudonym"] for p in first["persons"]} & {
        p["pseudonym"] for p in second["persons"]}
    # One request no longer hands out the whole register.
    assert client.get("/api/analyst/persons", params={"limit": 10_000}).status_code == 422
    page = client.get("/analyst", params={"limit": 5})
    assert page.status_code == 200 and page.text.count("<code>") >= 5
    assert 'href="/analyst?offset=5&amp;limit=5"' in page.text
    views = read_audit(linked_engine, action="analyst persons view")
    assert [(v["actor"], v["detail"]["via"]) for v in views] == [
        ("analyst", "api"), ("analyst", "api"), ("analyst", "page")]


def test_pseudonyms_depend_on_the_key_and_the_release_and_months_cut_days() -> None:
    one, two = "key one 0123456789", "key two 0123456789"
    assert pseudonym(one, 7, "r1") != pseudonym(two, 7, "r1")
    assert pseudonym(one, 7, "r1") == pseudonym(one, 7, "r1")
    assert pseudonym(one, 7, "r1") != pseudonym(one, 7, "r2")
    assert (month("2024-03-15"), month("2024"), month(None)) == ("2024-03", "2024", None)


def test_the_kept_release_follows_a_new_derivation(as_role: Client,
                                                    linked_engine: Engine) -> None:
    client = as_role("analyst")
    before = {p["pseudonym"]: p for p in _release(client)["persons"]}
    st = statuses_table.c
    with linked_engine.connect() as conn:
        killed = conn.execute(select(st.person_id).where(
            st.valid_to.is_(None), st.status == "killed")).scalars().all()
    tag = release_tag(linked_engine, 5)
    person = next(int(i) for i in killed if pseudonym(SECRET, int(i), tag) in before)
    add_event(linked_engine, person_id=person, kind="found_alive", event_date="2025-01-01",
              note="came home", known_on="2025-01-02")
    derive_statuses(linked_engine)
    after = {p["pseudonym"]: p for p in _release(client)["persons"]}
    new_tag = release_tag(linked_engine, 5)
    assert new_tag != tag
    row = after.get(pseudonym(SECRET, person, new_tag))
    assert row is None or row["status"] != "killed"
    # No pseudonym survives into the next release, which coarsens differently: rows of
    # the two releases cannot be joined to narrow anyone down.
    assert not set(before) & set(after)
