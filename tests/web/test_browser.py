"""Browser tests: Debian's Chromium driven by Playwright against `musterroll serve`.

The tests start the server themselves on a free loopback port and save a screenshot of
each page under test-artifacts/web/. A page that breaks the CSP (an inline script or
style, an outside asset) logs a console error, and every test fails on one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from musterroll.web.dashboard import PUBLIC_METRICS

from .conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Console errors per page (by id), checked when the page closes.
CONSOLE_ERRORS: dict[int, list[str]] = {}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at "
                       "/usr/bin/chromium (apt-get install chromium; .ci/run does)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on port {port} within {seconds} s")


@pytest.fixture(scope="module")
def server(register_template: Path, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[str]:
    """`musterroll serve` on a copy of the test register; yields its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    target = folder / "register.db"
    target.write_bytes(register_template.read_bytes())
    port = _free_port()
    env = {**os.environ, "MUSTERROLL_SECRET_KEY": "browser-test-secret-0123456789"}
    # The installed console script, as a user runs it.
    command = [str(Path(sys.executable).parent / "musterroll"), "--db", f"sqlite:///{target}",
               "serve", "--port", str(port)]
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    """A fresh page (own cookies); fails the test on any console error."""
    context = browser.new_context(base_url=server, locale="uk-UA")
    page = context.new_page()
    errors = CONSOLE_ERRORS.setdefault(id(page), [])
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    del CONSOLE_ERRORS[id(page)]
    assert errors == []


def _forget_errors(page: Any) -> None:
    """Drop console errors a test provoked on purpose (a 401 page logs one)."""
    CONSOLE_ERRORS[id(page)].clear()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_dashboard_shows_counts_a_chart_and_claims(page: Any) -> None:
    page.goto("/")
    assert page.locator("#counts .card").count() == len(PUBLIC_METRICS)
    assert page.locator("svg polyline").count() >= 1
    assert page.locator("#claims tbody tr").count() >= 3
    _shot(page, "dashboard-uk")
    page.click("a.lang >> text=EN")
    page.wait_for_selector("text=Documented counts")
    _shot(page, "dashboard-en")


def test_a_family_search_answers_in_place_through_htmx(page: Any) -> None:
    page.goto("/family")
    page.fill("input[name=surname]", "Kovalenko")
    page.fill("input[name=given_name]", "Oleksandr")
    page.fill("input[name=birth_date]", "1990-05-12")
    page.click("#search-form button")
    page.wait_for_selector("#search-found")
    assert page.url.endswith("/family")  # htmx swapped the answer in, no navigation
    _shot(page, "family-search-found")
    page.fill("input[name=surname]", "Бондаренко")
    page.fill("input[name=given_name]", "Іван")
    page.fill("input[name=birth_date]", "1980-01-01")
    page.click("#search-form button")
    page.wait_for_selector("#search-none")
    _shot(page, "family-search-none")


def test_a_family_reports_a_missing_person_and_comes_back(page: Any) -> None:
    page.goto("/family/report")
    page.fill("input[name=surname]", "Ткаченко")
    page.fill("input[name=given_name]", "Марія")
    page.fill("input[name=birth_date]", "1995-07-21")
    page.select_option("select[name=sex]", "f")
    page.fill("input[name=contact]", "+380 67 123 45 67")
    page.select_option("select[name=relationship]", "mother")
    page.click("#report-form button")
    page.wait_for_selector("#report-done")
    _shot(page, "family-report-done")
    case = page.inner_text("#case-number")
    secret = page.inner_text("#case-secret")
    page.goto("/family/case")
    page.fill("input[name=case_number]", case)
    page.fill("input[name=secret]", secret)
    page.click("#case-form button")
    page.wait_for_selector("#case-found")
    assert "чекає" in page.inner_text("#case-state")  # in the inbox until accepted
    _shot(page, "family-case")
    # The extract downloads as a PDF whose text reads back in Ukrainian.
    with page.expect_download() as download:
        page.click("#extract-form button")
    pdf = ARTIFACTS / "family-extract.pdf"
    download.value.save_as(str(pdf))
    from pypdf import PdfReader

    text = PdfReader(str(pdf)).pages[0].extract_text()
    assert "Витяг із реєстру" in text and case in text
    assert "Ткаченко" in text and "Марія" in text and secret not in text


def test_login_and_logout(page: Any) -> None:
    page.goto("/login")
    page.fill("input[name=name]", "caseworker")
    page.fill("input[name=password]", "a wrong password")
    page.click("#login-form button")
    page.wait_for_selector("#login-failed")
    _forget_errors(page)  # the failed login answers 401, which Chromium logs
    page.fill("input[name=name]", "caseworker")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button")
    page.wait_for_selector("text=caseworker (працівник)")
    _shot(page, "logged-in")
    response = page.request.get("/api/persons/1")
    assert response.status == 200
    page.click("header form button")
    page.wait_for_selector("a[href='/login']")
    assert page.request.get("/api/persons/1").status == 401
