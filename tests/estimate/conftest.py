"""Fixtures of the estimation tests: the published reference tables and R's figures."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from musterroll.estimate import CaptureTable, read_tables

REFERENCE = json.loads((Path(__file__).parent / "data/reference.json").read_text())
DATA = Path(os.environ.get("MUSTERROLL_MSE_DATA", Path(__file__).parents[3] / "shared/data/mse"))


@pytest.fixture(scope="session")
def reference_table() -> Callable[[str], CaptureTable]:
    """Load a published table by name; skip when the shared data are absent."""
    if not DATA.exists():
        pytest.skip(f"reference tables not found at {DATA} (set MUSTERROLL_MSE_DATA)")

    def load(name: str) -> CaptureTable:
        return read_tables(DATA / f"{name}.csv")[0]

    return load


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The folder of the published tables."""
    if not DATA.exists():
        pytest.skip(f"reference tables not found at {DATA} (set MUSTERROLL_MSE_DATA)")
    return DATA
