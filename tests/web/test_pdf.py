"""A family's PDF extract: its own report and status, in Ukrainian, nothing of anyone else."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine, select, update

from musterroll.casework.family_reports import accept_report
from musterroll.statuses import derive_statuses
from musterroll.store import read_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.store.web_models import family_reports_table
from musterroll.web.extract_pdf import FONT_DIR

from .conftest import csrf

REPORT = {"surname": "Ткаченко", "given_name": "Марія", "patronymic": "Олегівна",
          "birth_date": "1995-07-21", "sex": "f", "missing_since": "2025-08-02",
          "place": "Покровськ", "note": "Їхала евакуаційним автобусом",
          "contact": "+380 67 000 00 00", "relationship": "mother"}


def _report(client: TestClient, token: str) -> dict[str, str]:
    response = client.post("/api/family/report", json=REPORT, headers={"X-CSRF-Token": token})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _extract(client: TestClient, token: str, case: dict[str, str], **headers: str) -> Any:
    return client.post("/api/family/case/extract", headers={"X-CSRF-Token": token, **headers},
                       json={"case_number": case["case_number"], "secret": case["secret"]})


def test_the_extract_holds_the_report_in_ukrainian(client: TestClient, engine: Engine) -> None:
    token = csrf(client)
    case = _report(client, token)
    response = _extract(client, token, case, **{"Accept-Language": "uk"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert f'filename="musterroll-{case["case_number"]}.pdf"' in \
        response.headers["content-disposition"]
    text = _text(response.content)
    for expected in ("Витяг із реєстру", case["case_number"], "Ткаченко", "Марія",
                     "Олегівна", "1995-07-21", "жіноча", "Покровськ",
                     "Їхала евакуаційним автобусом", "2025-08-02", "Що відомо реєстру зараз"):
        assert expected in text, (expected, text)
    assert case["secret"] not in text  # the secret is never printed
    entries = read_audit(engine, action="family case extract")
    assert [e["subject"] for e in entries] == [f"case:{case['case_number']}"]


def test_the_extract_shows_the_status_a_family_may_know_and_no_one_else(
        client: TestClient, engine: Engine) -> None:
    token = csrf(client)
    case = _report(client, token)
    with engine.connect() as conn:
        report = conn.execute(select(family_reports_table.c.id).where(
            family_reports_table.c.case_number == case["case_number"])).scalar_one()
    record = accept_report(engine, report, actor="caseworker").record_id
    with engine.begin() as conn:
        # Linkage put the family's record in person 1 (Коваленко, captured, Харківська).
        conn.execute(update(person_records_table).where(
            person_records_table.c.record_id == record).values(person_id=1))
    derive_statuses(engine)
    text = _text(_extract(client, token, case, **{"Accept-Language": "en"}).content)
    assert "Extract from the register" in text and "Ткаченко" in text
    assert "missing (search continues)" in text  # captivity reads as missing
    for other in ("Коваленко", "Олександр", "Харківська", "captured", "P-1", "+380"):
        assert other not in text


def test_a_wrong_secret_gets_no_extract(client: TestClient) -> None:
    token = csrf(client)
    case = _report(client, token)
    wrong = _extract(client, token, {**case, "secret": "AAAA-AAAA-AAAA-AAAA"})
    assert wrong.status_code == 404 and not wrong.content.startswith(b"%PDF")
    form = client.post("/family/case/extract", data={
        "case_number": case["case_number"], "secret": "nope", "csrf_token": token})
    assert form.status_code == 404 and "case-none" in form.text


def test_the_extract_needs_the_csrf_token_and_is_rate_limited(client_factory) -> None:  # type: ignore[no-untyped-def]
    client = client_factory(search_rate_limit=2)
    token = csrf(client)
    case = _report(client, token)  # the first of two allowed requests
    no_token = client.post("/api/family/case/extract", json={
        "case_number": case["case_number"], "secret": case["secret"]})
    assert no_token.status_code == 403
    assert _extract(client, token, case).status_code == 200
    assert _extract(client, token, case).status_code == 429


def test_the_case_page_offers_the_pdf_through_a_form(client: TestClient) -> None:
    token = csrf(client)
    case = _report(client, token)
    page = client.post("/family/case", data={**case, "csrf_token": token})
    assert 'action="/family/case/extract"' in page.text
    pdf = client.post("/family/case/extract", data={**case, "csrf_token": token})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_font_ships_with_its_licence() -> None:
    assert (FONT_DIR / "DejaVuSans.ttf").stat().st_size > 100_000
    assert "Bitstream" in (FONT_DIR / "DejaVuSans.LICENSE.txt").read_text(encoding="utf-8")
