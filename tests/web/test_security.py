"""Security headers, cookies and CSRF on every unsafe request."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import PASSWORD, csrf

SEARCH = {"surname": "Шевченко", "given_name": "Тарас", "patronymic": "Григорович",
          "birth_date": "1985-03-09"}


def test_every_page_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/family", "/login", "/api/dashboard", "/static/htmx.min.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_and_no_outside_asset(client: TestClient) -> None:
    html = client.get("/").text
    assert "<script>" not in html and "<script " in html
    assert 'src="/static/htmx.min.js"' in html
    assert "cdn" not in html.lower() and 'src="http' not in html


def test_cookies_are_httponly_and_samesite_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie


def test_cookies_are_secure_when_served_over_https(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(https=True)
    response = client.get("/")
    assert "secure" in response.headers["set-cookie"].lower()
    assert "max-age" in response.headers["strict-transport-security"]


def test_a_post_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/")
    assert client.post("/api/family/search", json=SEARCH).status_code == 403
    assert client.post("/family/search", data=SEARCH).status_code == 403
    assert client.post("/login", data={"name": "admin", "password": PASSWORD}).status_code == 403
    assert client.post("/logout").status_code == 403


def test_a_post_with_a_wrong_or_foreign_token_is_refused(client: TestClient,
                                                          client_factory) -> None:  # type: ignore[no-untyped-def]
    other = client_factory()
    foreign = csrf(other)
    csrf(client)
    for token in ("0" * 64, foreign):
        response = client.post("/api/family/search", json=SEARCH,
                               headers={"X-CSRF-Token": token})
        assert response.status_code == 403


def test_a_post_with_the_token_passes(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/api/family/search", json=SEARCH, headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    form = client.post("/family/search", data={**SEARCH, "csrf_token": token})
    assert form.status_code == 200
