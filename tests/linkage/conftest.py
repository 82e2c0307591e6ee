"""A small simulated war in a register, shared by the linkage tests (built once a session).

``war``: the simulation folder (truth and lists) with a register holding every list but
the memorial book (so that a test can ingest "one more list" and link again), and the
settings trained by a first link run (later runs reuse them and skip training).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from musterroll.linkage.run import LinkResult, link_register
from musterroll.linkage.settings import LinkSettings
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.store import init_register, open_register

PEOPLE = 8000
SEED = 5
LATER_LIST = "memorial_book"


@dataclass
class War:
    """A simulated war and a linked register of it."""

    folder: Path
    register: Path  # linked once, without LATER_LIST
    later_manifest: Path  # manifest of LATER_LIST alone
    first: LinkResult
    trained: LinkSettings
    later_list: str = LATER_LIST

    def copy_register(self, target: Path) -> str:
        """Copy the linked register to `target` and return its URL."""
        shutil.copy(self.register, target)
        return f"sqlite:///{target}"


def _split_manifest(folder: Path) -> tuple[Path, Path]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    early = dict(manifest, sources=[s for s in manifest["sources"] if s["name"] != LATER_LIST])
    later = dict(manifest, sources=[s for s in manifest["sources"] if s["name"] == LATER_LIST])
    paths = folder / "manifest_early.json", folder / "manifest_later.json"
    for path, content in zip(paths, (early, later), strict=True):
        path.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    return paths


@pytest.fixture(scope="session")
def war(tmp_path_factory: pytest.TempPathFactory) -> War:
    """Simulate a small war, ingest all lists but one, link once."""
    folder = tmp_path_factory.mktemp("war")
    simulate_war(folder, seed=SEED, people=PEOPLE)
    early, later = _split_manifest(folder)
    register = folder / "register.db"
    url = f"sqlite:///{register}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, early)
        first = link_register(engine)
    finally:
        engine.dispose()
    return War(folder=folder, register=register, later_manifest=later, first=first,
               trained=first.settings)
