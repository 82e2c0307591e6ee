"""The public dashboard: aggregates only, small cells suppressed, a JSON twin, two languages."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from musterroll.sources import IngestOptions, ingest_file
from musterroll.web.i18n import format_number

from .conftest import NAMED


def test_the_dashboard_shows_no_personal_data(client: TestClient) -> None:
    html = client.get("/").text + client.get("/api/dashboard").text
    for surname, _given, patronymic, *_ in NAMED:
        assert surname not in html and patronymic not in html
    assert "1990-05-12" not in html and "Петренко" not in html


def test_small_cells_are_suppressed_on_the_page_and_in_json(client: TestClient) -> None:
    data = client.get("/api/dashboard").json()
    assert data["counts"]["captured"] is None  # one person: suppressed
    assert data["counts"]["killed"] == 14 and data["counts"]["missing_now"] == 8
    # All casualties: the killed and the missing, and the captive and released besides.
    assert data["counts"]["casualties"] >= 14 + 8
    assert all(v is None or v == 0 or v >= 5
               for values in data["series"]["metrics"].values() for v in values)
    assert "&lt;5" in client.get("/").text


def test_the_page_and_its_json_twin_show_the_same_counts(client: TestClient) -> None:
    data = client.get("/api/dashboard").json()
    html = client.get("/?lang=en").text
    assert f'<div class="figure">{data["counts"]["killed"]}</div>' in html
    assert "Killed" in html
    assert f'<div class="figure">{data["counts"]["casualties"]}</div>' in html
    assert "Killed, missing, captive or released (not found alive)" in html


def test_without_an_estimate_the_dashboard_says_so(client: TestClient) -> None:
    assert all(v is None for v in client.get("/api/dashboard").json()["estimates"].values())
    assert 'id="no-estimate"' in client.get("/").text


def test_official_claims_stand_beside_the_register(client: TestClient) -> None:
    claims = client.get("/api/dashboard").json()["claims"]
    assert any(c["metric"] == "killed" and c["value"] == 55000 for c in claims)
    # numbers as the reader's language writes them (Babel): 55 000 in Ukrainian
    assert format_number("uk", 55000) in client.get("/?lang=uk").text
    assert format_number("uk", 55000) != "55,000"
    assert "55,000" in client.get("/?lang=en").text


def test_language_from_query_cookie_or_accept_language(client: TestClient) -> None:
    assert "Documented counts" in client.get("/", headers={"Accept-Language": "en-GB"}).text
    assert "Задокументовані" in client.get("/", headers={"Accept-Language": "uk"}).text
    assert "Documented counts" in client.get("/?lang=en").text
    assert "Documented counts" in client.get("/").text  # the lang cookie stays
    assert "Задокументовані" in client.get("/?lang=uk").text


def test_every_message_has_both_languages() -> None:
    from musterroll.web.i18n import catalogue

    assert set(catalogue("uk")) == set(catalogue("en"))


def test_the_openapi_description_lists_the_json_twins(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/dashboard", "/api/family/search", "/api/family/report",
                 "/api/family/case", "/api/persons/{person_id}", "/api/me", "/api/csrf"):
        assert path in paths


def test_no_page_loads_assets_from_a_cdn(client: TestClient) -> None:
    # FastAPI's own /docs would load Swagger UI from a CDN: it is switched off.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    for path in ("/", "/family", "/family/report", "/family/case", "/login"):
        html = client.get(path).text
        assert "//cdn" not in html and 'src="http' not in html and 'src="//' not in html


def test_errors_are_pages_for_people_and_json_for_the_api(client: TestClient) -> None:
    page = client.get("/no/such/page?lang=en")
    assert page.status_code == 404 and "There is no such page." in page.text
    api = client.get("/api/no/such/thing?lang=uk")
    assert api.status_code == 404
    assert api.json() == {"detail": "Not Found", "message": "Такої сторінки немає."}


def test_the_dashboard_says_when_evidence_is_newer_than_the_counts(
        client: TestClient, engine: Engine, tmp_path: Path) -> None:
    assert client.get("/api/dashboard").json()["stale"] is False
    listing = tmp_path / "later.csv"
    listing.write_text("surname,given_name,birth_date,status\nТкаченко,Марія,1995-07-21,"
                       "missing\n", encoding="utf-8")
    ingest_file(engine, listing, source="later", options=IngestOptions(kind="official"))
    assert client.get("/api/dashboard").json()["stale"] is True
    assert 'id="stale"' in client.get("/").text
