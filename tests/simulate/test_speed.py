"""A million people simulate whole (slow); the time it takes is bench/bench_simulate.py's."""

from __future__ import annotations

from pathlib import Path

import pytest

from musterroll.simulate import simulate_war


@pytest.mark.slow
def test_a_million_people_simulate_with_plausible_lists(tmp_path: Path) -> None:
    summary = simulate_war(tmp_path, seed=7, people=1_000_000)
    assert 0.25 < summary.rows_per_person < 0.5
