"""The dashboard shows a stored estimate beside its documented count, with its caveats."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine

from musterroll.estimate import CaptureTable, chapman
from musterroll.estimate.store import save_estimate


def _store_an_estimate(engine: Engine) -> None:
    # Two lists: 60 on both, 40 on the first only, 30 on the second only (cell 0 unseen).
    table = CaptureTable.from_cells(["A", "B"], np.array([0, 40, 30, 60]))
    result = chapman(table)
    result.warnings.append("a caveat the public must be able to read")
    save_estimate(engine, result, metric="killed")


def _page(client_factory, lang: str) -> str:  # type: ignore[no-untyped-def]
    # The app's lifespan installs the hook that reads stored estimates: run it.
    with client_factory() as client:
        return str(client.get(f"/?lang={lang}").text)


def test_the_page_shows_documented_estimate_interval_and_caveats(client_factory,
                                                                   engine) -> None:
    _store_an_estimate(engine)
    page = _page(client_factory, "en")
    table = page[page.index('id="estimates"'):page.index("</table>", page.index('id="estimates"'))]
    assert ">130<" in table  # documented: 40 + 30 + 60, its own column
    assert "(95% interval)" in table and "chapman" in table
    caveats = page[page.index('id="estimate-caveats"'):]
    assert "a caveat the public must be able to read" in caveats
    # computed from the stored figures (method, documented and estimated counts)
    assert "chapman assumes two lists" in caveats and "of the estimated total" in caveats
    assert 'id="no-estimate"' not in page


def test_ukrainian_page_labels_the_columns(client_factory, engine) -> None:
    _store_an_estimate(engine)
    page = _page(client_factory, "uk")
    assert "Задокументовано" in page and "інтервал 95%" in page


def test_an_unconverged_estimate_is_not_shown_as_a_number(client_factory, engine) -> None:
    table = CaptureTable.from_cells(["A", "B"], np.array([0, 40, 30, 60]))
    result = chapman(table)
    result.estimate, result.converged = 4321.0, False  # as a chain stopped short would be
    result.warnings.append("NOT CONVERGED (R-hat 1.200 > 1.01): run longer")
    save_estimate(engine, result, metric="killed")
    page = _page(client_factory, "en")
    start = page.index('id="estimates"')
    table_html = page[start:page.index("</table>", start)]
    assert "4,321" not in table_html and "not converged" in table_html
    assert "run longer" in page[page.index('id="estimate-caveats"'):]
