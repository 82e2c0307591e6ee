"""Browser tests of the dashboard and the analysts' page on a phone and a laptop.

Debian's Chromium on `musterroll serve` with the simulated, linked register
(``linked.py``), the fixtures of ``test_browser.py`` (a console error fails a test). At
390 and 1366 px wide, with every table of chart data opened, the page must not scroll
sideways: wide tables scroll inside their own region. Screenshots go to
test-artifacts/web/.
"""

from __future__ import annotations

from typing import Any

import pytest

from . import test_browser

# The caseworkers' browser tests serve the linked register and log in the same way.
from .test_browser_caseworker import _log_in, register_template  # noqa: F401 - a fixture

pytestmark = test_browser.pytestmark
browser, page, server = test_browser.browser, test_browser.page, test_browser.server
_shot = test_browser._shot

WIDTHS = (390, 1366)


def _sideways(page: Any) -> int:
    """Pixels the page scrolls sideways, with every <details> open."""
    page.eval_on_selector_all("details", "all => all.forEach(d => { d.open = true; })")
    return int(page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_fits_the_screen(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/?lang=uk")
    for chart in ("#chart-known", "#chart-event", "#chart-learnt"):
        assert page.locator(f"{chart} polyline, {chart} circle").count() >= 1, chart
    assert page.locator("#by-oblast tbody tr").count() > 10
    oblast_map = page.locator("#oblast-map svg[role=img]")
    assert oblast_map.locator("path").count() == 27  # 24 oblasts, Kyiv, Crimea, Sevastopol
    assert oblast_map.bounding_box()["width"] <= width  # type: ignore[index]
    assert _sideways(page) == 0
    assert page.locator("#table-event").is_visible()
    _shot(page, f"dashboard-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_analysts_page_fits_the_screen(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    _log_in(page, "analyst")
    page.goto("/analyst?lang=uk")
    assert page.locator("#analyst-persons tbody tr").count() >= 5
    assert _sideways(page) == 0
    _shot(page, f"analyst-{width}")
