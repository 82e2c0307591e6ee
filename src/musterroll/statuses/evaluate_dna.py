"""Measure the register's DNA proposals against a simulated war's truth (issue 16).

A proposal is right when the sample's true person (``dna/truth.csv``) is among the true
persons of the register person it names (through that person's records and
``truth/rows.csv``): so it measures the kinship match and the linkage of the case together.
Read-only; for tests and the figures in the issue.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from musterroll.statuses.evaluate import _truth_rows
from musterroll.store.dna_models import dna_proposals_table
from musterroll.store.linkage_models import person_records_table

__all__ = ["DnaScores", "score_dna"]


@dataclass
class DnaScores:
    """Agreement of DNA proposals with the truth."""

    samples: int
    with_relatives: int  # samples whose true person's family gave references
    proposed: int  # samples with a proposal (not rejected)
    right: int  # ... whose proposed person is the sample's true person
    wrong: int
    threshold: float | None

    @property
    def identified_share(self) -> float:
        """Share of the samples with typed relatives identified rightly."""
        return self.right / self.with_relatives if self.with_relatives else float("nan")

    def as_dict(self) -> dict[str, Any]:
        """Return the scores as a JSON-serialisable dict."""
        return {**asdict(self), "identified_share": round(self.identified_share, 5)}


def _read_truth(war_dir: Path) -> dict[str, tuple[int, bool]]:
    """Sample -> (true person number as in truth ids P0000042 -> 42, has a family)."""
    path = war_dir / "dna" / "truth.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["sample"]: (int(r["person"]) + 1, bool(r["family"]))
                for r in csv.DictReader(fh)}


def score_dna(engine: Engine, war_dir: Path) -> DnaScores:
    """Score the stored proposals (not rejected) against the war in `war_dir`.

    Raises:
        FileNotFoundError: the war has no ``dna/truth.csv`` or ``truth/rows.csv``.
    """
    truth = _read_truth(war_dir)
    rows = _truth_rows(engine, war_dir / "truth")
    true_of_record = dict(zip(rows["record_id"].tolist(),
                              rows["person_id"].str[1:].astype(int).tolist(), strict=True))
    p, link = dna_proposals_table.c, person_records_table.c
    with engine.connect() as conn:
        proposals = conn.execute(select(p.sample, p.person_id, p.threshold)
                                 .where(p.status != "rejected")).all()
        members: dict[int, set[int]] = {}
        for record_id, person_id in conn.execute(select(link.record_id, link.person_id)):
            if record_id in true_of_record:
                members.setdefault(int(person_id), set()).add(true_of_record[record_id])
    verdicts: dict[str, bool] = {}
    for sample, person_id, _ in proposals:
        right = sample in truth and truth[sample][0] in members.get(int(person_id), set())
        verdicts[sample] = verdicts.get(sample, True) and right
    right_n = sum(verdicts.values())
    return DnaScores(
        samples=len(truth), with_relatives=sum(f for _, f in truth.values()),
        proposed=len(verdicts), right=right_n, wrong=len(verdicts) - right_n,
        threshold=min((t for _, _, t in proposals), default=None))
