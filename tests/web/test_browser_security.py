"""Browser: after a logout, the Back button must not show a person's data again.

Pages with personal data carry ``Cache-Control: no-store`` (issue 15, finding 2): Chromium
then keeps no copy (neither its HTTP cache nor the back/forward cache), and Back asks the
server again, which refuses the logged-out browser.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD
from .test_browser import (  # noqa: F401  (fixtures, shared with the other browser tests)
    CHROMIUM,
    _forget_errors,
    browser,
    page,
    server,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed"),
]


def test_back_after_logout_shows_no_person_data(page: Any) -> None:  # noqa: F811
    page.goto("/login")
    page.fill("input[name=name]", "caseworker")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button")
    page.wait_for_selector("text=caseworker (працівник)")
    response = page.goto("/persons/1")
    assert response.status == 200 and "Коваленко" in page.content()
    assert response.headers["cache-control"] == "no-store"
    page.click("header form button")  # log out
    page.wait_for_selector("a[href='/login']")
    _forget_errors(page)
    page.go_back()
    page.wait_for_load_state()
    _forget_errors(page)  # the refused page answers 401, which Chromium logs
    assert "Коваленко" not in page.content()
    assert page.locator("#error-401").count() == 1
