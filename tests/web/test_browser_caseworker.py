"""Browser tests of the caseworker and analyst side: Debian's Chromium on `musterroll serve`.

The same server, browser and page fixtures as ``test_browser.py`` (a console error fails a
test, so a CSP breach does too), on the simulated, linked register of ``linked.py``.
Screenshots go to test-artifacts/web/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from . import test_browser
from .conftest import PASSWORD
from .linked import held_back

pytestmark = test_browser.pytestmark
browser, page, server = test_browser.browser, test_browser.page, test_browser.server
_shot = test_browser._shot


@pytest.fixture(scope="module")
def register_template(linked_template: Path) -> Path:
    """The server of this module serves the linked register."""
    return linked_template


def _log_in(page: Any, role: str) -> None:
    page.goto("/login?lang=en")
    page.fill("input[name=name]", role)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button")
    page.wait_for_selector(f"text={role} ({role})")


def test_a_caseworker_finds_a_person_and_reads_the_page(page: Any) -> None:
    _log_in(page, "caseworker")
    page.click("nav a[href='/persons']")
    page.fill("input[name=q]", "Гребенюк")
    page.click("#persons-form button")
    page.wait_for_selector("#persons-found")
    _shot(page, "caseworker-person-search")
    page.click("#persons-found tbody a >> nth=0")
    page.wait_for_selector("#records-side-by-side")
    # The records side by side: a column per record after the fields' column.
    assert page.locator("#records-side-by-side thead th").count() >= 3
    page.wait_for_selector("#linkage-done")  # the explanation, swapped in by htmx
    assert page.locator("table.linkage").count() >= 1
    _shot(page, "caseworker-person-page")


def test_a_caseworker_makes_a_review_decision(page: Any) -> None:
    _log_in(page, "caseworker")
    page.goto("/review")
    page.wait_for_selector("section.review-item")
    first = page.locator("section.review-item").first
    item = first.get_attribute("id")
    assert page.locator("mark.diff").count() >= 1
    _shot(page, "caseworker-review-queue")
    first.locator("input[name=note]").fill("checked in the browser test")
    first.locator("button[value=same]").click()
    page.wait_for_selector("#review-decided")
    assert page.locator(f"#{item}").count() == 0
    _shot(page, "caseworker-review-decided")


def test_a_caseworker_imports_an_exchange_list(page: Any, register_template: Path) -> None:
    war = register_template.parent / "war"
    entry = held_back(war)["exchange_ex045_ua"]
    _log_in(page, "caseworker")
    page.goto("/imports")
    form = page.locator("#exchange-form")
    form.locator("input[name=file]").set_input_files(str(war / entry["path"]))
    form.locator("input[name=exchange_date]").fill(entry["exchange_date"])
    form.locator("select[name=side]").select_option("ua")
    form.locator("input[name=exchange_id]").fill(entry["exchange_id"])
    form.locator("button").click()
    page.wait_for_selector("#import-report")
    assert "1 rows = 1 accepted" in page.inner_text("#import-rows")
    assert entry["exchange_id"] in page.inner_text("#import-report")
    _shot(page, "caseworker-import-exchange")


def test_an_analyst_sees_pseudonyms_only(page: Any) -> None:
    _log_in(page, "analyst")
    page.click("nav a[href='/analyst']")
    page.wait_for_selector("#analyst-persons tbody tr")
    assert page.locator("nav a[href='/persons']").count() == 0
    _shot(page, "analyst-persons")


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (sideways scrolling)."""
    return int(page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("width", [390, 1366])
def test_family_and_person_pages_fit_the_window(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 900})
    _log_in(page, "caseworker")
    page.goto("/persons?q=Гребенюк&lang=uk")
    page.wait_for_selector("#persons-found")
    person = page.locator("#persons-found tbody a >> nth=0").get_attribute("href")
    pages = ["/family", "/family/report", "/family/case", "/persons",
             "/persons?q=Гребенюк", person, f"{person}/linkage"]
    for path in pages:
        for language in ("uk", "en", "ru"):
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
            page.wait_for_load_state("networkidle")
            assert _overflow(page) <= 0, (path, language, width, _overflow(page))
        _shot(page, f"fit-{width}-{path.strip('/').replace('/', '-').split('?')[0] or 'home'}")
