"""Caseworkers' person pages and search on a simulated, linked register; all audited."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from musterroll.store import read_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.web.i18n import translate

from . import caseworker
from .caseworker import ANONYMOUS

# The caseworker module's fixtures, under their names so that pytest finds them here.
as_role, linked_engine = caseworker.as_role, caseworker.linked_engine

Client = Callable[[str], Any]


def _biggest_person(engine: Engine) -> int:
    m = person_records_table.c
    with engine.connect() as conn:
        return int(conn.execute(select(m.person_id).group_by(m.person_id)
                                .order_by(func.count().desc(), m.person_id).limit(1))
                   .scalar_one())


@pytest.mark.parametrize("path", ["/persons?q=a", "/persons/1", "/persons/1/linkage",
                                  "/api/persons?q=a", "/api/persons/1",
                                  "/api/persons/1/linkage"])
def test_person_routes_refuse_the_public_and_other_roles(as_role: Client, path: str) -> None:
    assert as_role(ANONYMOUS).get(path).status_code == 401
    for role in ("family", "analyst"):
        assert as_role(role).get(path).status_code == 403


def test_a_person_page_shows_every_record_with_provenance_and_is_audited(
        as_role: Client, linked_engine: Engine) -> None:
    person = _biggest_person(linked_engine)
    client = as_role("caseworker")
    data = client.get(f"/api/persons/{person}").json()
    assert len(data["records"]) >= 3
    for record in data["records"]:
        provenance = record["provenance"]
        assert provenance["source"] and provenance["file"] and provenance["row"] >= 1
        assert len(provenance["sha256"]) == 64 and provenance["version"] >= 1
        assert record["original"], "the row as received"
    assert data["status"] and data["history"]
    page = client.get(f"/persons/{person}")
    assert page.status_code == 200
    for record in data["records"]:
        assert f'id="record-{record["id"]}"' in page.text
        assert record["provenance"]["file"] in page.text
    assert "<script>" not in page.text and "style=" not in page.text
    views = [v for v in read_audit(linked_engine, action="person view")
             if v["subject"] == f"person:{person}"]
    assert [(v["actor"], v["detail"]["via"]) for v in views] == [("caseworker", "api"),
                                                                 ("caseworker", "page")]


def test_the_linkage_explanation_weighs_each_comparison_of_each_pair(
        as_role: Client, linked_engine: Engine) -> None:
    person = _biggest_person(linked_engine)
    client = as_role("admin")
    data = client.get(f"/api/persons/{person}/linkage").json()
    assert data["pairs"]
    for pair in data["pairs"]:
        assert {c["comparison"] for c in pair["comparisons"]} >= {"surname", "birth_date"}
    fragment = client.get(f"/persons/{person}/linkage", headers={"HX-Request": "true"})
    assert 'id="linkage-done"' in fragment.text and "<html" not in fragment.text
    first = data["pairs"][0]
    assert f"{first['record_id_l']}" in fragment.text
    # Every line is shown, whatever its keys (a frequency adjustment brings its own), its
    # level in words (Ukrainian by default), not the model's code.
    for line in first["comparisons"]:
        level = translate("uk", "match_level_" + line["level"].replace(" ", "_"))
        assert f"<td>{html.escape(level)}</td>" in fragment.text
    extra = {k for line in first["comparisons"] for k in line} - {"comparison", "level",
                                                                 "match_weight"}
    first_table = fragment.text.split("</table>")[0]
    assert first_table.count("<th scope=\"col\"") == 3 + len(extra)
    page = client.get(f"/persons/{person}/linkage")
    assert "<html" in page.text
    assert len(read_audit(linked_engine, action="person linkage view")) == 3


def test_an_unknown_person_is_404(as_role: Client) -> None:
    client = as_role("caseworker")
    assert client.get("/api/persons/987654").status_code == 404
    assert client.get("/persons/987654").status_code == 404


def test_search_by_name_finds_the_person_across_scripts_and_is_audited(
        as_role: Client, linked_engine: Engine) -> None:
    person = _biggest_person(linked_engine)
    client = as_role("caseworker")
    records = client.get(f"/api/persons/{person}").json()["records"]
    cyrillic = next(r for r in records if r["surname"] and r["surname"][0] > "z")
    answer = client.get("/api/persons", params={"q": cyrillic["surname"].lower()}).json()
    assert person in [p["person_id"] for p in answer["persons"]]
    page = client.get("/persons", params={"q": f"{cyrillic['surname']} "
                                               f"{cyrillic['given_name'][:3]}"})
    assert f'href="/persons/{person}"' in page.text
    by_id = client.get("/api/persons", params={"q": str(records[0]["id"])}).json()
    assert [p["person_id"] for p in by_id["persons"]] == [person]
    by_reference = client.get("/api/persons", params={"q": f"P-{person}"}).json()
    assert [p["person_id"] for p in by_reference["persons"]] == [person]
    searches = read_audit(linked_engine, action="person search")
    assert len(searches) == 4 and all(s["actor"] == "caseworker" for s in searches)
    assert searches[0]["subject"] == f"query:{cyrillic['surname'].lower()}"


def test_a_search_without_words_finds_nobody(as_role: Client) -> None:
    client = as_role("caseworker")
    assert client.get("/api/persons", params={"q": " , "}).json()["persons"] == []
    assert client.get("/api/persons", params={"q": "%_%"}).json()["persons"] == []
    assert client.get("/persons").status_code == 200
