"""Family search (one strong match or nothing, rate-limited) and family reports."""

from __future__ import annotations

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
    assert answer["reference"] == "P-1"


def test_captivity_is_never_told_to_a_search(client: TestClient) -> None:
    answer = _search(client, surname="Коваленко", given_name="Олександр",
                     patronymic="Петрович", birth_date="1990-05-12")
    assert answer["status"] == "missing"
    assert "captiv" not in str(answer) and "captured" not in str(answer)


def test_an_answer_names_at_most_one_person_and_nothing_of_the_record(
        client: TestClient) -> None:
    answer = _search(client, surname="Шевченко", given_name="Тарас", patronymic="Григорович",
                     birth_date="1985-03-09")
    assert set(answer) == {"found", "status", "reference"}
    assert answer["status"] == "killed"


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
    assert _search(client, **query) == {"found": False, "status": None, "reference": None}


def test_a_found_search_is_in_the_audit_log(client: TestClient, engine: Engine) -> None:
    _search(client, surname="Шевченко", given_name="Тарас", birth_date="1985-03-09")
    entries = read_audit(engine, action="family search")
    assert [e["subject"] for e in entries] == ["person:2"]
    assert entries[0]["actor"].startswith("anonymous@")


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
          "place": "Покровськ"}


def test_a_report_becomes_a_record_of_a_family_report_source(client: TestClient,
                                                              engine: Engine) -> None:
    response = client.post("/api/family/report", json=REPORT,
                           headers={"X-CSRF-Token": csrf(client)})
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["case_number"].startswith("FR-") and len(case["secret"]) >= 16
    r, f, s = records_table.c, files_table.c, sources_table.c
    with engine.connect() as conn:
        row = conn.execute(
            select(r.surname, r.status, r.birth_date, r.verbatim, s.kind, s.name, f.sha256)
            .select_from(records_table.join(files_table, f.id == r.file_id)
                         .join(sources_table, s.id == r.source_id))
            .where(s.kind == "family_report")).one()
    assert (row.surname, row.status, row.birth_date) == ("Ткаченко", "missing", "1995-07-21")
    assert case["case_number"] in row.name and len(row.sha256) == 64
    assert "Покровськ" in row.verbatim
    assert read_audit(engine, action="family report")[0]["subject"] == \
        f"case:{case['case_number']}"


def test_a_family_comes_back_with_its_case_number_and_secret(client: TestClient) -> None:
    token = csrf(client)
    case = client.post("/api/family/report", json=REPORT,
                       headers={"X-CSRF-Token": token}).json()
    back = client.post("/api/family/case", headers={"X-CSRF-Token": token},
                       json={"case_number": case["case_number"], "secret": case["secret"]})
    assert back.status_code == 200
    assert back.json()["case_number"] == case["case_number"]
    assert back.json()["linked"] is False
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
    # queue for it and each still gets its own right answer.
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
