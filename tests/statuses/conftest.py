"""A small simulated war for the register tests, built once a session.

``war``: the simulation folder and a SQLite register holding every list of it except the
last exchange (both sides' lists, kept back for the exchange workflow), linked by the
truth (oracle linkage) and derived, so that status tests do not depend on linkage quality.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.statuses.evaluate import assign_true_persons
from musterroll.store import init_register, open_register

PEOPLE = 4000
SEED = 11


@dataclass
class War:
    """A simulated war and an oracle-linked, derived register of it."""

    folder: Path
    register: Path
    manifest: dict[str, Any]
    held_back: list[dict[str, Any]]  # both sides' lists of the last exchange

    @property
    def truth(self) -> Path:
        """The war's truth folder."""
        return self.folder / "truth"

    def copy_register(self, target: Path) -> str:
        """Copy the register to `target` and return its URL."""
        shutil.copy(self.register, target)
        return f"sqlite:///{target}"


def write_manifest(folder: Path, name: str, manifest: dict[str, Any],
                   sources: list[dict[str, Any]]) -> Path:
    """Write a manifest of some of a war's lists beside the war's own; return its path."""
    path = folder / name
    path.write_text(json.dumps(dict(manifest, sources=sources), ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="session")
def war(tmp_path_factory: pytest.TempPathFactory) -> War:
    """The shared war (see the module docstring)."""
    folder = tmp_path_factory.mktemp("war")
    simulate_war(folder, seed=SEED, people=PEOPLE)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    exchanges = sorted({s["exchange_id"] for s in manifest["sources"] if s["kind"] == "exchange"})
    last = exchanges[-1]
    held = [s for s in manifest["sources"] if s.get("exchange_id") == last]
    early = [s for s in manifest["sources"] if s.get("exchange_id") != last]
    path = write_manifest(folder, "manifest_early.json", manifest, early)
    register = folder / "register.db"
    url = f"sqlite:///{register}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, path)
        assign_true_persons(engine, folder / "truth")
        derive_statuses(engine)
    finally:
        engine.dispose()
    return War(folder, register, manifest, held)
