"""Issue 15's findings 3, 7 and 8, and the family answer's office and wording.

- 3: the signing key survives a restart (stored with the register's settings); a stale
  or missing CSRF token says the page has expired, not that the role may not.
- 7: failed logins, failed case look-ups and 401/403 refusals are audit-logged; an
  account locks after repeated failed logins.
- 8: a bad path is an error page in the user's language; validation errors never echo
  what was sent; a body over the limit is 413; an unknown person's linkage is 404; an
  import with no person in it fails and records no exchange.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from musterroll.casework.family_reports import accept_report
from musterroll.store import read_audit
from musterroll.store.models import files_table, sources_table
from musterroll.store.web_models import (
    family_reports_table,
    register_settings_table,
    web_users_table,
)
from musterroll.web import create_app, load_settings

from .conftest import PASSWORD, csrf, login

SECRET = "ABCD-EFGH-JKLM-NPQR"


def _app(engine: Engine, url: str, **settings: object) -> TestClient:
    return TestClient(create_app(load_settings(db_url=url, **settings), engine=engine))


# Finding 3 -------------------------------------------------------------------------------

def test_the_signing_key_survives_a_restart(engine: Engine, register_url: str) -> None:
    with _app(engine, register_url) as before:
        token = csrf(before)
        cookies = dict(before.cookies)
    with _app(engine, register_url) as after:  # a restart: a new process, no key given
        after.cookies.update(cookies)
        response = after.post("/api/family/search", headers={"X-CSRF-Token": token}, json={
            "surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09"})
    assert response.status_code == 200, response.text
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(register_settings_table)
                              ).scalar()
    assert stored == 1


def test_a_stale_csrf_token_says_the_page_expired(client: TestClient) -> None:
    csrf(client)
    page = client.post("/family/search?lang=uk", data={
        "surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09",
        "csrf_token": "a token signed before a key change"})
    assert page.status_code == 403
    assert "Сторінка застаріла" in page.text and "роль" not in page.text
    api = client.post("/api/family/search?lang=en", json={})
    assert api.status_code == 403 and "expired" in api.json()["message"]


# Finding 7 -------------------------------------------------------------------------------

def _try_login(client: TestClient, password: str) -> int:
    return client.post("/login", data={"name": "caseworker", "password": password,
                                       "csrf_token": csrf(client)},
                       follow_redirects=False).status_code


def test_failed_logins_are_audited_and_lock_the_account(client_factory, engine: Engine
                                                        ) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(login_failures=3, search_rate_limit=100)
    assert [_try_login(client, "wrong password") for _ in range(3)] == [401, 401, 401]
    failed = read_audit(engine, action="login failed")
    assert [line["detail"]["failures"] for line in failed] == [1, 2, 3]
    assert read_audit(engine, action="account locked")[0]["subject"].startswith("user:")
    assert _try_login(client, PASSWORD) == 401  # locked: even the right password
    assert read_audit(engine, action="login refused")[0]["detail"]["reason"] == "locked"
    with engine.begin() as conn:  # the while passes
        conn.execute(update(web_users_table).where(web_users_table.c.name == "caseworker")
                     .values(locked_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert _try_login(client, PASSWORD) == 303


def test_refusals_and_failed_case_look_ups_are_audited(client: TestClient,
                                                       engine: Engine) -> None:
    assert client.get("/api/persons/1").status_code == 401
    login(client, "analyst")
    assert client.get("/persons/1").status_code == 403
    refused = read_audit(engine, action="access refused")
    assert [(r["subject"], r["detail"]["code"], r["actor"]) for r in refused] == [
        ("path:/api/persons/1", 401, "anonymous@testclient"),
        ("path:/persons/1", 403, "analyst")]
    wrong = client.post("/api/family/case", headers={"X-CSRF-Token": csrf(client)},
                        json={"case_number": "FR-NOSUCHONE", "secret": SECRET})
    assert wrong.status_code == 404
    (line,) = read_audit(engine, action="family case refused")
    assert line["detail"] == {"case_number": "FR-NOSUCHONE"} and SECRET not in str(line)


# Finding 8 -------------------------------------------------------------------------------

def test_a_bad_person_id_is_an_error_page_in_the_users_language(client: TestClient) -> None:
    login(client, "caseworker")
    page = client.get("/persons/abc?lang=uk")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Такої сторінки немає." in page.text and '"detail"' not in page.text


def test_validation_errors_never_echo_a_secret(client: TestClient) -> None:
    token = csrf(client)
    for body in ({"secret": SECRET}, {"case_number": "X" * 30, "secret": SECRET},
                 {"case_number": "FR-1", "secret": SECRET, "extra": 1}):
        response = client.post("/api/family/case", headers={"X-CSRF-Token": token},
                               json=body)
        assert response.status_code == 422
        assert SECRET not in response.text and "X" * 30 not in response.text
        assert response.json()["detail"][0]["loc"][0] == "body"


def test_a_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    token = csrf(client)
    big = {"surname": "Ш" * 3_000_000, "given_name": "Тарас", "birth_date": "1985-03-09"}
    response = client.post("/api/family/search", headers={"X-CSRF-Token": token}, json=big)
    assert response.status_code == 413
    assert response.json()["detail"] == "the request is too large"
    form = client.post("/family/report", data={"note": "x" * 2_000_000,
                                               "csrf_token": token},
                       headers={"Accept-Language": "uk"})
    assert form.status_code == 413
    # a form is answered with a page in the reader's language, as every other error
    assert form.headers["content-type"].startswith("text/html")
    assert "Запит завеликий." in form.text and 'id="error-413"' in form.text
    assert form.headers["cache-control"] == "no-store"
    assert "content-security-policy" in form.headers


def test_the_linkage_of_an_unknown_person_is_404(client: TestClient) -> None:
    login(client, "caseworker")
    assert client.get("/api/persons/999999/linkage").status_code == 404
    assert client.get("/persons/999999/linkage").status_code == 404


def test_an_import_with_no_person_in_it_fails_and_records_no_exchange(
        client: TestClient, engine: Engine) -> None:
    login(client, "caseworker")
    with engine.connect() as conn:
        files_before = conn.execute(select(func.count()).select_from(files_table)).scalar()
    rows = "column_a,column_b\n1,2\n3,4\n"
    answer = client.post("/api/imports/exchange", headers={"X-CSRF-Token": csrf(client)},
                         data={"exchange_date": "2025-10-01", "side": "ru",
                               "exchange_id": "EX-EMPTY"},
                         files={"file": ("обмін.csv", rows.encode())})
    assert answer.status_code == 422, answer.text
    assert "обмін.csv" in answer.json()["detail"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(files_table)).scalar() == \
            files_before
        assert conn.execute(select(sources_table.c.id).where(
            sources_table.c.kind == "exchange")).first() is None


# The family's answer ---------------------------------------------------------------------

def test_the_answer_names_the_office_and_words_the_status_by_sex(
        client_factory, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(office_name="Служба розшуку Н-ської області",
                            office_phone="+380 44 000 00 00", office_hours="пн-пт 9-18")
    token = csrf(client)
    query = {"surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09",
             "csrf_token": token}
    page = client.post("/family/search?lang=uk", data=query).text
    assert "загинув" in page and "загинула" not in page
    assert "Служба розшуку Н-ської області" in page and "+380 44 000 00 00" in page
    # A woman: her report accepted, then found by a search, worded in the feminine.
    report = {"surname": "Ткаченко", "given_name": "Марія", "patronymic": "Олегівна",
              "birth_date": "1995-07-21", "sex": "f", "contact": "+380 67 1",
              "relationship": "sibling"}
    assert client.post("/api/family/report", json=report,
                       headers={"X-CSRF-Token": token}).status_code == 200
    with engine.connect() as conn:
        report_id = conn.execute(select(family_reports_table.c.id)).scalar_one()
    accept_report(engine, report_id, actor="caseworker")
    page = client.post("/family/search?lang=uk", data={
        "surname": "Ткаченко", "given_name": "Марія", "patronymic": "Олегівна",
        "birth_date": "1995-07-21", "csrf_token": token}).text
    assert "зникла безвісти" in page and 'id="search-found"' in page


def test_without_an_office_the_answer_says_none_is_configured(client: TestClient) -> None:
    page = client.post("/family/search?lang=uk", data={
        "surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09",
        "csrf_token": csrf(client)}).text
    assert 'id="office-unset"' in page and "не налаштовано" in page


def test_a_caseworker_finds_the_person_behind_a_familys_case_code(
        client: TestClient, engine: Engine) -> None:
    answer = client.post("/api/family/search", headers={"X-CSRF-Token": csrf(client)}, json={
        "surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09"}).json()
    code = answer["reference"]
    assert client.get("/api/cases", params={"code": code}).status_code == 401
    login(client, "caseworker")
    assert client.get("/api/cases", params={"code": code.lower()}).json() == {
        "code": code, "person_id": 2}
    page = client.get("/cases", params={"code": code}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/persons/2"
    assert client.get("/api/cases", params={"code": "MR-NOSUC-HCODE"}).status_code == 404
    assert [line["detail"]["person_id"] for line in read_audit(
        engine, action="case code lookup")] == [2, 2, None]
