"""The caseworker and analyst pages speak Ukrainian, English and Russian: no message key shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from musterroll.store.models import CANONICAL_FIELDS
from musterroll.web.i18n import catalogue

from . import caseworker

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "musterroll" / "web" / "templates"
MINE = ("persons.html", "person.html", "_linkage.html", "linkage.html", "review.html",
        "imports.html", "analyst.html")
# A key that reached the page untranslated looks like one of these.
KEY = re.compile(r"\b(?:persons?|review|imports?|linkage|analyst|field|event|reason|"
                 r"constraint|lineage|decision|provenance|published|status)_[a-z_]+\b")


def test_every_literal_key_of_the_templates_is_in_both_catalogues() -> None:
    for name in MINE:
        for key in re.findall(r"""\bt\(["']([a-z_]+)["']""", (TEMPLATES / name).read_text()):
            if key.endswith("_"):  # a prefix: t("status_" ~ status)
                continue
            for language in ("uk", "en", "ru"):
                assert key in catalogue(language), (name, key, language)


@pytest.mark.parametrize("language", ["uk", "en", "ru"])
def test_no_page_shows_a_message_key(as_role: Client, language: str) -> None:
    client = as_role("admin")
    items = client.get("/api/review").json()["items"]
    person = items[0]["records"][0]["person_id"]
    pages = ["/persons", "/persons?q=Гребенюк", f"/persons/{person}",
             f"/persons/{person}/linkage", "/review", "/imports", "/analyst"]
    for path in pages:
        html = client.get(path, params={"lang": language}).text
        text = re.sub(r"<[^>]+>", " ", html)  # the words a reader sees
        # Canonical field names may be a file's own headers, shown as received.
        leaked = set(KEY.findall(text)) - set(CANONICAL_FIELDS)
        assert not leaked, (path, language, leaked)
        assert f'<html lang="{language}">' in html
