"""The review queue in the browser's and the API's hands: side by side, decisions bind."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, select

from musterroll.linkage.review import open_items
from musterroll.linkage.run import link_register
from musterroll.store import read_audit
from musterroll.store.linkage_models import decisions_table, person_records_table

from . import caseworker
from .caseworker import ANONYMOUS
from .conftest import csrf

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]


def _person_of(engine: Engine, record_id: int) -> int:
    m = person_records_table.c
    with engine.connect() as conn:
        return int(conn.execute(select(m.person_id).where(m.record_id == record_id))
                   .scalar_one())


def _first(engine: Engine, kind: str) -> dict[str, Any]:
    return next(i for i in open_items(engine, limit=500) if i["kind"] == kind)


@pytest.mark.parametrize(("method", "path"), [("get", "/review"), ("get", "/api/review"),
                                              ("post", "/api/review/1"),
                                              ("post", "/review/1")])
def test_review_refuses_the_public_and_other_roles(as_role: Client, method: str,
                                                   path: str) -> None:
    for role, code in ((ANONYMOUS, 401), ("family", 403), ("analyst", 403)):
        client = as_role(role)
        headers = {"X-CSRF-Token": csrf(client)}
        response = getattr(client, method)(path, headers=headers, **(
            {"json": {"decision": "same"}} if method == "post" else {}))
        assert response.status_code == code, (role, path)


def test_the_queue_page_shows_records_side_by_side_with_differences_marked(
        as_role: Client, linked_engine: Engine) -> None:
    client = as_role("caseworker")
    items = client.get("/api/review").json()["items"]
    assert items and items == sorted(items, key=lambda i: -i["priority"])
    page = client.get("/review")
    assert page.status_code == 200
    first = items[0]
    section = page.text.split(f'id="item-{first["id"]}"')[1].split("</section>")[0]
    for record in first["records"]:
        assert f"{record['id']}" in section
    assert '<mark class="diff">' in page.text
    together = {r["person_id"] for r in first["records"]}
    if len(together) == 1:  # one person of the last run: its explanation is a click away
        assert f'href="/persons/{together.pop()}/linkage"' in section
    assert "style=" not in page.text and "<script>" not in page.text
    views = read_audit(linked_engine, action="review queue view")
    assert [v["detail"]["via"] for v in views] == ["api", "page"]


def test_a_decision_needs_the_csrf_token(as_role: Client, linked_engine: Engine) -> None:
    item = _first(linked_engine, "pair")
    client = as_role("caseworker")
    assert client.post(f"/api/review/{item['id']}", json={"decision": "same"}
                       ).status_code == 403
    assert client.post(f"/review/{item['id']}", data={"decision": "same"}).status_code == 403
    assert read_audit(linked_engine, action="link decision") == []


def _decide_pair_by_form(as_role: Client, engine: Engine, decision: str,
                         together: bool) -> dict[str, Any]:
    item = next(i for i in open_items(engine, limit=500) if i["kind"] == "pair"
                and (i["left"]["person_id"] == i["right"]["person_id"]) == together)
    client = as_role("caseworker")
    response = client.post(f"/review/{item['id']}", data={
        "decision": decision, "note": "checked the unit", "csrf_token": csrf(client)},
        follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/review?decided={item['id']}&relinked=")
    assert 'id="review-decided"' in client.get(response.headers["location"]).text
    assert item["id"] not in [i["id"] for i in open_items(engine, limit=500)]
    (line,) = read_audit(engine, action="link decision")
    assert line["actor"] == "caseworker" and line["detail"]["decision"] == decision
    return item


def test_a_same_decision_from_the_form_leaves_the_queue_and_binds_relinking(
        as_role: Client, linked_engine: Engine) -> None:
    # A must-link: the next run keeps the records together and never asks again.
    item = _decide_pair_by_form(as_role, linked_engine, "same", together=True)
    link_register(linked_engine)
    left, right = item["left"]["id"], item["right"]["id"]
    assert _person_of(linked_engine, left) == _person_of(linked_engine, right)
    assert (left, right) not in [(i["record_id_l"], i["record_id_r"])
                                 for i in open_items(linked_engine, limit=500)]


def test_a_different_decision_from_the_form_binds_relinking(
        as_role: Client, linked_engine: Engine) -> None:
    # One person of the last run: "different" must split it at the next run.
    item = _decide_pair_by_form(as_role, linked_engine, "different", together=True)
    link_register(linked_engine)
    left, right = item["left"]["id"], item["right"]["id"]
    assert _person_of(linked_engine, left) != _person_of(linked_engine, right)
    # The person page follows the split.
    before = item["left"]["person_id"]
    lineage = as_role("caseworker").get(f"/api/persons/{before}").json()["lineage"]
    split = [line for line in lineage if line["action"] == "person split"]
    assert split and {_person_of(linked_engine, left),
                      _person_of(linked_engine, right)} <= set(split[-1]["into"])
    page = as_role("caseworker").get(f"/persons/{before}").text
    lineage_html = page.split('id="person-lineage"')[1].split("</section>")[0]
    for into in split[-1]["into"]:
        assert f'href="/persons/{into}"' in lineage_html


def test_a_cluster_split_from_the_api_writes_binding_pair_decisions(
        as_role: Client, linked_engine: Engine) -> None:
    item = _first(linked_engine, "cluster")
    ids = [r["id"] for r in item["records"]]
    client = as_role("admin")
    headers = {"X-CSRF-Token": csrf(client)}
    groups = [ids[:1], ids[1:]]
    answer = client.post(f"/api/review/{item['id']}", headers=headers,
                         json={"decision": "split", "groups": groups, "note": "two people"})
    assert answer.status_code == 200, answer.text
    assert {k: v for k, v in answer.json().items() if k != "relinked"} == {
        "item_id": item["id"], "decision": "split", "reviewer": "admin"}
    d = decisions_table.c
    with linked_engine.connect() as conn:
        words = {(a, b): w for a, b, w in conn.execute(
            select(d.record_id_l, d.record_id_r, d.decision))}
    for other in ids[1:]:
        assert words[tuple(sorted((ids[0], other)))] == "different"
    again = client.post(f"/api/review/{item['id']}", headers=headers,
                        json={"decision": "same"})
    assert again.status_code == 409 and "open" in again.json()["detail"]


def test_a_cluster_split_from_the_form_reads_the_groups(
        as_role: Client, linked_engine: Engine) -> None:
    item = _first(linked_engine, "cluster")
    ids = [r["id"] for r in item["records"]]
    client = as_role("caseworker")
    form = {"decision": "split", "csrf_token": csrf(client)}
    form |= {f"group_{i}": "1" for i in ids} | {f"group_{ids[-1]}": "2"}
    response = client.post(f"/review/{item['id']}", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    (line,) = read_audit(linked_engine, action="link cluster decision")
    assert line["detail"]["groups"] == [ids[:-1], ids[-1:]]


def test_a_wrong_decision_is_refused_with_the_reason(as_role: Client,
                                                     linked_engine: Engine) -> None:
    item = _first(linked_engine, "pair")
    client = as_role("caseworker")
    token = csrf(client)
    page = client.post(f"/review/{item['id']}", data={"decision": "split",
                                                      "csrf_token": token})
    assert page.status_code == 409 and 'id="review-error"' in page.text
    assert re.search(r"pair", page.text)
    headers = {"X-CSRF-Token": token}
    assert client.post("/api/review/999999", headers=headers,
                       json={"decision": "same"}).status_code == 404
    assert client.post(f"/api/review/{item['id']}", headers=headers,
                       json={"decision": "maybe"}).status_code == 422
