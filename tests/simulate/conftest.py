"""A simulated war shared by the simulate tests (built once per session)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from musterroll.simulate import SimulationSummary, simulate_war

PEOPLE = 20_000


@pytest.fixture(scope="session")
def war(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SimulationSummary]:
    """A war of 20,000 people with civilians, seed 7."""
    out = tmp_path_factory.mktemp("war")
    return out, simulate_war(out, seed=7, people=PEOPLE, civilians=True)


@pytest.fixture(scope="session")
def manifest(war: tuple[Path, SimulationSummary]) -> dict[str, Any]:
    """The war's manifest.json."""
    data: dict[str, Any] = json.loads((war[0] / "manifest.json").read_text("utf-8"))
    return data
