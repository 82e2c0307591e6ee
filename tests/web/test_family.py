"""Family search (one strong match or nothing, rate-limited) and family reports."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from musterroll.store import read_audit
from musterroll.store.models import files_table, records_table, sources_table

from .conftest import csrf, login


def _search(client: TestClient, **query: Any) -> Any:
    response = client.post("/api/family/search", json=query,
                           headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("name", [
    ("Коваленко", "Олександр", "Петрович"),   # as on the list
    ("Коваленко", "Александр", "Петрович"),   # Russian given name
    ("Kovalenko", "Oleksandr", "Petrovych"),  # Latin, KMU 2010
    ("Kowalenko", "Alexander", None),         # other spelling, no patronymic
])
def test_a_relative_is_found_across_scripts(client: TestClient, name: tuple[str, ...]) -> None:
    surname, given, patronymic = name
    answer = _search(client, surname=surname, given_name=given, patronymic=patronymic,
                     birth_date="1990-05-12")
    assert answer["found"] is True
    # A random case code, the same for every search of the person; never the person id.
    assert re.fullmatch(r"MR-[A-Z0-9]{5}-[A-Z0-9]{5}", answer["reference"])
    again = _search(client, surname="Коваленко", given_name="Олександр",
                    birth_date="1990-05-12")
    assert again["reference"] == answer["reference"]


def test_captivity_is_never_told_to_a_search(client: TestClient) -> None:
    answer = _search(client, surname="Коваленко", given_name="Олександр",
                     patronymic="Петрович", birth_date="1990-05-12")
    assert answer["status"] == "missing"
    assert "captiv" not in str(answer) and "captured" not in str(answer)


def test_an_answer_names_at_most_one_person_and_nothing_of_the_record(
        client: TestClient) -> None:
    answer = _search(client, surname="Шевченко", given_name="Тарас", patronymic="Григорович",
                     birth_date="1985-03-09")
    assert set(answer) == {"found", "status", "reference", "sex", "report_only"}
    assert answer["status"] == "killed" and answer["sex"] == "m"


@pytest.mark.parametrize("query", [
    # Two persons share this name and birthday: neither is told about.
    {"surname": "Бондаренко", "given_name": "Іван", "patronymic": "Іванович",
     "birth_date": "1980-01-01"},
    # Right name, wrong birthday.
    {"surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-10"},
    # Right birthday, another given name (a partial match must not reveal the person).
    {"surname": "Шевченко", "given_name": "Петро", "birth_date": "1985-03-09"},
    # Another surname on a birthday the register knows.
    {"surname": "Бойко", "given_name": "Тарас", "birth_date": "1985-03-09"},
])
def test_no_single_strong_match_gets_the_same_empty_answer(client: TestClient,
                                                          query: dict[str, str]) -> None:
    assert _search(client, **query) == {"found": False, "status": None, "reference": None,
                                        "sex": None, "report_only": False}


def test_every_search_found_or_not_is_in_the_audit_log(client: TestClient,
                                                       engine: Engine) -> None:
    _search(client, surname="Шевченко", given_name="Тарас", birth_date="1985-03-09")
    _search(client, surname="Шевченко", given_name="Тарас", birth_date="1985-03-10")
    entries = read_audit(engine, action="family search")
    assert [(e["subject"], e["detail"]["outcome"]) for e in entries] == [
        ("person:2", "found"), (None, "none")]
    assert all(e["actor"].startswith("anonymous@") for e in entries)
    # The name's key is kept (attacks on a name show), never the birth date tried.
    assert entries[1]["detail"]["name"] == entries[0]["detail"]["name"]
    assert "1985" not in str(entries)


def test_searches_past_the_limit_get_429(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(search_rate_limit=3)
    token = csrf(client)
    query = {"surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09"}
    codes = [client.post("/api/family/search", json=query,
                         headers={"X-CSRF-Token": token}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    form = client.post("/family/search", data={**query, "csrf_token": token})
    assert form.status_code == 429
    assert int(form.headers["retry-after"]) >= 1


def test_the_form_answers_with_a_fragment_for_htmx(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/family/search", headers={"HX-Request": "true"}, data={
        "surname": "Shevchenko", "given_name": "Taras", "birth_date": "1985-03-09",
        "csrf_token": token})
    assert response.status_code == 200
    assert "search-found" in response.text and "<html" not in response.text


REPORT = {"surname": "Ткаченко", "given_name": "Марія", "patronymic": "Олегівна",
          "birth_date": "1995-07-21", "sex": "f", "missing_since": "2025-08-02",
          "place": "Покровськ", "contact": "+380 67 123 45 67", "relationship": "mother"}


def _family_records(engine: Engine) -> list[Any]:
    r, f, s = records_table.c, files_table.c, sources_table.c
    with engine.connect() as conn:
        return list(conn.execute(
            select(r.id, r.surname, r.status, r.birth_date, r.verbatim, s.kind, s.name,
                   f.sha256, f.path)
            .select_from(records_table.join(files_table, f.id == r.file_id)
                         .join(sources_table, s.id == r.source_id))
            .where(s.kind == "family_report")))


def test_a_report_waits_in_the_inbox_and_reaches_the_register_when_accepted(
        client: TestClient, engine: Engine) -> None:
    response = client.post("/api/family/report", json=REPORT,
                           headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["case_number"].startswith("FR-") and len(case["secret"]) >= 16
    assert _family_records(engine) == []  # nothing in the register yet
    assert read_audit(engine, action="family report")[0]["subject"] == \
        f"case:{case['case_number']}"
    login(client, "caseworker")
    inbox = client.get("/api/inbox").json()["reports"]
    assert [(r["case_number"], r["contact"], r["relationship"]) for r in inbox] == [
        (case["case_number"], "+380 67 123 45 67", "mother")]
    page = client.get("/inbox")
    assert page.status_code == 200 and "Ткаченко" in page.text and "мати" in page.text
    accepted = client.post(f"/api/inbox/{inbox[0]['id']}", json={"decision": "accept"},
                           headers={"X-CSRF-Token": csrf(client)})
    assert accepted.status_code == 200, accepted.text
    (row,) = _family_records(engine)
    assert (row.surname, row.status, row.birth_date) == ("Ткаченко", "missing", "1995-07-21")
    assert case["case_number"] in row.name and len(row.sha256) == 64
    assert "Покровськ" in row.verbatim and "+380" not in row.verbatim
    assert row.path == f"web report {case['case_number']}"  # no file written and read back
    again = client.post(f"/api/inbox/{inbox[0]['id']}", json={"decision": "accept"},
                        headers={"X-CSRF-Token": csrf(client)})
    assert again.status_code == 409
    assert client.get("/api/inbox").json()["reports"] == []


def test_a_rejected_report_never_reaches_the_register(client: TestClient,
                                                       engine: Engine) -> None:
    token = csrf(client)
    case = client.post("/api/family/report", json=REPORT,
                       headers={"X-CSRF-Token": token}).json()
    login(client, "caseworker")
    (report,) = client.get("/api/inbox").json()["reports"]
    token = csrf(client)
    bare = client.post(f"/api/inbox/{report['id']}", json={"decision": "reject"},
                       headers={"X-CSRF-Token": token})
    assert bare.status_code == 409  # a rejection says why
    form = client.post(f"/inbox/{report['id']}", data={
        "decision": "reject", "note": "a prank: the person is at home", "csrf_token": token})
    assert form.status_code == 200 and 'id="inbox-done"' in form.text
    assert _family_records(engine) == []
    assert read_audit(engine, action="family report reject")[0]["subject"] == \
        f"case:{case['case_number']}"
    client.post("/logout", data={"csrf_token": csrf(client)})
    back = client.post("/api/family/case", headers={"X-CSRF-Token": csrf(client)},
                       json={"case_number": case["case_number"], "secret": case["secret"]})
    assert back.json()["state"] == "rejected"


def test_the_inbox_is_for_caseworkers_only(client: TestClient) -> None:
    assert client.get("/api/inbox").status_code == 401
    login(client, "analyst")
    assert client.get("/api/inbox").status_code == 403
    assert client.post("/api/inbox/1", json={"decision": "accept"},
                       headers={"X-CSRF-Token": csrf(client)}).status_code == 403


def test_a_report_asks_how_to_reach_the_reporter_and_their_relationship(
        client: TestClient) -> None:
    token = csrf(client)
    for missing in ("contact", "relationship"):
        body = {k: v for k, v in REPORT.items() if k != missing}
        response = client.post("/api/family/report", json=body,
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 422, missing
    page = client.get("/family/report").text
    assert 'name="contact"' in page and 'name="relationship"' in page


def test_reports_past_the_daily_limit_get_429(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(report_daily_limit=2)
    token = csrf(client)
    codes = [client.post("/api/family/report", json=REPORT,
                         headers={"X-CSRF-Token": token}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_family_comes_back_with_its_case_number_and_secret(client: TestClient) -> None:
    token = csrf(client)
    case = client.post("/api/family/report", json=REPORT,
                       headers={"X-CSRF-Token": token}).json()
    back = client.post("/api/family/case", headers={"X-CSRF-Token": token},
                       json={"case_number": case["case_number"], "secret": case["secret"]})
    assert back.status_code == 200
    assert back.json()["case_number"] == case["case_number"]
    assert back.json()["linked"] is False and back.json()["state"] == "pending"
    lower = client.post("/api/family/case", headers={"X-CSRF-Token": token}, json={
        "case_number": case["case_number"].lower(), "secret": case["secret"].lower()})
    assert lower.status_code == 200  # copied by hand: case does not matter
    wrong = client.post("/api/family/case", headers={"X-CSRF-Token": token},
                        json={"case_number": case["case_number"], "secret": "guess"})
    assert wrong.status_code == 404


def test_a_logged_in_users_search_is_audited_under_their_name(client: TestClient,
                                                               engine: Engine) -> None:
    login(client, "family")
    _search(client, surname="Шевченко", given_name="Тарас", birth_date="1985-03-09")
    assert read_audit(engine, action="family search")[0]["actor"] == "family"


def test_past_the_limit_htmx_gets_a_message_to_show(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(search_rate_limit=1, default_language="en")
    token = csrf(client)
    query = {"surname": "Бойко", "given_name": "Тарас", "birth_date": "1985-03-09",
             "csrf_token": token}
    client.post("/family/search", data=query, headers={"HX-Request": "true"})
    response = client.post("/family/search", data=query, headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert 'id="error-429"' in response.text and "<html" not in response.text
    assert "wait a minute" in response.text


def test_concurrent_searches_on_one_search_thread_all_answer(client_factory) -> None:
    # Searches run on a pool of their own (search_threads); with one thread, twelve at once
    # queue for it and each still gets its own right answer. Six at once of one name that
    # is found do not reach the per-name limit (3 misses): only misses count.
    from concurrent.futures import ThreadPoolExecutor

    with client_factory(search_threads=1) as client:
        token = csrf(client)
        queries = [({"surname": "Коваленко", "given_name": "Олександр",
                     "birth_date": "1990-05-12"}, True),
                   ({"surname": "Шевченко", "given_name": "Петро",
                     "birth_date": "1985-03-09"}, False)] * 6

        def ask(query: dict[str, str]) -> bool:
            response = client.post("/api/family/search", json=query,
                                   headers={"X-CSRF-Token": token})
            assert response.status_code == 200, response.text
            return bool(response.json()["found"])

        with ThreadPoolExecutor(max_workers=6) as pool:
            found = list(pool.map(ask, [q for q, _ in queries]))
    assert found == [expected for _, expected in queries]
