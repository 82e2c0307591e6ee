"""The issue's speed requirement: a million people in under two minutes (slow)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from musterroll.simulate import simulate_war


@pytest.mark.slow
def test_a_million_people_take_under_two_minutes(tmp_path: Path) -> None:
    start = time.perf_counter()
    summary = simulate_war(tmp_path, seed=7, people=1_000_000)
    assert time.perf_counter() - start < 120
    assert 0.25 < summary.rows_per_person < 0.5
