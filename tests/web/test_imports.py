"""Exchange and repatriation imports from the browser: the CLI's functions, reports, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from musterroll.store import read_audit
from musterroll.store.models import files_table, quarantine_table, records_table

from . import caseworker
from .caseworker import ANONYMOUS
from .conftest import csrf
from .linked import held_back

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]


@pytest.fixture
def war(linked_template: Path) -> Path:
    """The simulation folder of the linked register (its held-back lists)."""
    return linked_template.parent / "war"


def _exchange(war: Path) -> tuple[Path, dict[str, Any]]:
    entry = held_back(war)["exchange_ex045_ua"]
    return war / entry["path"], entry


def _count(engine: Engine, table: Any, file_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)
                                .where(table.c.file_id == file_id)).scalar_one())


@pytest.mark.parametrize(("method", "path"), [("get", "/imports"),
                                              ("post", "/imports/exchange"),
                                              ("post", "/imports/repatriation"),
                                              ("post", "/api/imports/exchange"),
                                              ("post", "/api/imports/repatriation")])
def test_imports_refuse_the_public_and_other_roles(as_role: Client, method: str,
                                                   path: str) -> None:
    for role, code in ((ANONYMOUS, 401), ("family", 403), ("analyst", 403)):
        client = as_role(role)
        extra = ({"headers": {"X-CSRF-Token": csrf(client)},
                  "files": {"file": ("x.csv", b"surname\nX\n")}} if method == "post" else {})
        assert getattr(client, method)(path, **extra).status_code == code, (role, path)


def test_an_exchange_list_imported_from_the_form_is_reported_and_audited(
        as_role: Client, linked_engine: Engine, war: Path) -> None:
    path, entry = _exchange(war)
    client = as_role("caseworker")
    assert 'id="exchange-form"' in client.get("/imports").text
    page = client.post("/imports/exchange", data={
        "exchange_date": entry["exchange_date"], "side": "ua", "exchange_id": "EX045",
        "csrf_token": csrf(client)}, files={"file": (path.name, path.read_bytes())})
    assert page.status_code == 200, page.text
    assert 'id="import-report"' in page.text and path.name in page.text
    with linked_engine.connect() as conn:
        stored = conn.execute(select(files_table).order_by(files_table.c.id.desc())).first()
    assert stored is not None and stored.meta["exchange_id"] == "EX045"
    assert _count(linked_engine, records_table, stored.id) == entry["rows"]
    assert any(line["actor"] == "caseworker" for line in read_audit(linked_engine))


def test_an_exchange_list_through_the_api_reports_as_the_cli_does(
        as_role: Client, linked_engine: Engine, war: Path) -> None:
    path, entry = _exchange(war)
    client = as_role("admin")
    answer = client.post("/api/imports/exchange", headers={"X-CSRF-Token": csrf(client)},
                         data={"exchange_date": entry["exchange_date"], "side": "ua",
                               "exchange_id": "EX045"},
                         files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["exchange_id"] == "EX045" and report["side"] == "ua"
    assert report["rows"] == report["accepted"] + report["quarantined"] == entry["rows"]
    assert report["matched"] + report["created"] >= 1
    assert report["file"] == path.name and len(report["sha256"]) == 64


def test_identification_reports_import_with_bags_and_batches(
        as_role: Client, linked_engine: Engine, war: Path) -> None:
    entry = held_back(war)["identification_reports"]
    path = war / entry["path"]
    client = as_role("caseworker")
    answer = client.post("/api/imports/repatriation", headers={"X-CSRF-Token": csrf(client)},
                         files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["rows"] == entry["rows"] and report["bags"] >= 1 and report["batches"]
    page = client.post("/imports/repatriation", data={"csrf_token": csrf(client)},
                       files={"file": (path.name, path.read_bytes())})
    assert page.status_code == 200 and 'id="import-report"' in page.text


def test_unreadable_rows_are_kept_and_named_by_row_and_reason(
        as_role: Client, linked_engine: Engine) -> None:
    rows = ("surname;given_name;birth_date\nКоваль;Петро;1990-01-02\n;;\n"
            "Мороз;Іван;1985-13-45\n")
    client = as_role("caseworker")
    answer = client.post("/api/imports/exchange", headers={"X-CSRF-Token": csrf(client)},
                         data={"exchange_date": "2025-10-01", "side": "ru"},
                         files={"file": ("../../обмін 1.csv", rows.encode())})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["file"] == "обмін 1.csv"  # the name only, never a path
    assert report["rows"] == report["accepted"] + report["quarantined"]
    stored = _count(linked_engine, quarantine_table, report["file_id"])
    assert stored == report["quarantined"] == len(report["quarantined_rows"]) >= 1
    assert all(q["row"] >= 1 and q["reason"] for q in report["quarantined_rows"])
    page = client.post("/imports/exchange", data={
        "exchange_date": "2025-10-02", "side": "ru", "csrf_token": csrf(client)},
        files={"file": ("обмін 2.csv", rows.encode() + b"\n")})
    assert 'id="import-quarantined"' in page.text


def test_a_file_that_cannot_be_read_is_refused_naming_the_file(as_role: Client) -> None:
    client = as_role("caseworker")
    token = csrf(client)
    answer = client.post("/api/imports/exchange", headers={"X-CSRF-Token": token},
                         data={"exchange_date": "2025-10-01", "side": "ru"},
                         files={"file": ("list.xlsx", b"not a workbook")})
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "list.xlsx" in detail and "musterroll-import-" not in detail
    page = client.post("/imports/exchange", data={"exchange_date": "2025-10-01",
                                                  "side": "ru", "csrf_token": token},
                       files={"file": ("list.csv", b"")})
    assert page.status_code == 422 and 'id="import-error"' in page.text
    assert "list.csv" in page.text
    bad_day = client.post("/imports/exchange", data={"exchange_date": "01.10.2025",
                                                     "side": "ru", "csrf_token": token},
                          files={"file": ("list.csv", b"surname\nX\n")})
    assert bad_day.status_code == 422 and "YYYY-MM-DD" in bad_day.text


def test_an_import_needs_the_csrf_token(as_role: Client, war: Path) -> None:
    path, entry = _exchange(war)
    client = as_role("caseworker")
    answer = client.post("/api/imports/exchange", data={
        "exchange_date": entry["exchange_date"], "side": "ua"},
        files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 403
    form = client.post("/imports/exchange", data={
        "exchange_date": entry["exchange_date"], "side": "ua"},
        files={"file": (path.name, path.read_bytes())})
    assert form.status_code == 403
