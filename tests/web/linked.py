"""A register built as a user builds one: `musterroll simulate`, ingest, link, derive.

Used by the caseworker, review, import and analyst tests: unlike the hand-made register of
``conftest.build_register`` its persons come from real linkage, so it has persons of
several records, a review queue and linkage explanations. The last exchange's list and
the identification reports are held back, to be imported through the browser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from musterroll.linkage.run import link_register
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.store import init_register, open_register
from musterroll.web import add_user

PEOPLE = 1000
SEED = 3
HELD_BACK = ("exchange_ex045_ua", "identification_reports")


def held_back(war: Path) -> dict[str, dict[str, Any]]:
    """Return the manifest entries of the lists left out of the register, by name."""
    manifest = json.loads((war / "manifest.json").read_text("utf-8"))
    return {s["name"]: s for s in manifest["sources"] if s["name"] in HELD_BACK}


def build_linked_register(url: str, war: Path, *, roles: tuple[str, ...],
                          password: str) -> None:
    """Simulate a war into `war`, ingest all lists but ``HELD_BACK``, link and derive."""
    simulate_war(war, seed=SEED, people=PEOPLE)
    manifest = json.loads((war / "manifest.json").read_text("utf-8"))
    kept = [s for s in manifest["sources"] if s["name"] not in HELD_BACK]
    early = war / "manifest_early.json"
    early.write_text(json.dumps(dict(manifest, sources=kept), ensure_ascii=False), "utf-8")
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, early)
        link_register(engine)
        derive_statuses(engine)
        for role in roles:
            add_user(engine, role, role, password)
    finally:
        engine.dispose()
