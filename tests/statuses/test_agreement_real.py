"""Done-when with the real linkage: statuses agree with the truth for 99% (slow)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from musterroll.linkage.run import link_register
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.statuses.evaluate import score_statuses
from musterroll.store import init_register, open_register


@pytest.mark.slow
def test_statuses_agree_with_the_truth_through_the_real_linkage(tmp_path: Path) -> None:
    simulate_war(tmp_path / "war", seed=21, people=12000)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, tmp_path / "war" / "manifest.json")
        link_register(engine)
        derive_statuses(engine)
        scores = score_statuses(engine, tmp_path / "war" / "truth")
    finally:
        engine.dispose()
        shutil.rmtree(tmp_path / "war", ignore_errors=True)
    assert scores.measured > 800
    assert scores.agreement >= 0.99, scores.as_dict()
