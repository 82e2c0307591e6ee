"""Fixtures of the kinship tests: R's reference answers in shared/data/dna (read only)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(os.environ.get("MUSTERROLL_DNA_DATA", Path(__file__).parents[3] / "shared/data/dna"))


@pytest.fixture(scope="session")
def dna_dir() -> Path:
    """The folder of R's reference answers; skip when absent."""
    if not DATA.exists():
        pytest.skip(f"DNA reference answers not found at {DATA} (set MUSTERROLL_DNA_DATA)")
    return DATA
