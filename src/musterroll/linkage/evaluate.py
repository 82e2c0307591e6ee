"""Measure a linkage against the truth: pairwise and B-cubed precision, recall and F1.

Every issue that links records measures itself with this module, so that figures are
comparable. A linkage is a table of (source, row, person_id); the truth is the simulator's
truth/rows.csv with the true person of every row. Pairwise scores count pairs of records
put together; B-cubed scores average, over records, how much of each record's predicted
cluster is its true cluster (Bagga and Baldwin 1998), which weighs big clusters less.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["LinkageFileError", "LinkageScores", "read_linkage", "read_truth", "score_linkage"]

KEY = ["source", "row"]


class LinkageFileError(ValueError):
    """A linkage or truth file that cannot be used; the message names file, row and field."""


@dataclass(frozen=True)
class LinkageScores:
    """Scores of one linkage against the truth."""

    records: int
    true_persons: int
    predicted_persons: int
    unlinked_records: int  # truth rows absent from the linkage, scored as singletons
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    cluster_precision: float  # B-cubed
    cluster_recall: float
    cluster_f1: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _read_table(path: Path, required: list[str], what: str) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LinkageFileError(f"{path}: cannot read the {what} as CSV: {exc}") from exc
    missing = [column for column in required if column not in table.columns]
    if missing:
        raise LinkageFileError(
            f"{path}: the {what} lacks column(s) {', '.join(missing)}; "
            f"found {', '.join(table.columns) or 'no header'}"
        )
    rows = pd.to_numeric(table["row"], errors="coerce")
    bad = rows.isna() | (rows < 1) | (rows != rows.round())
    if bad.any():
        first = int(np.flatnonzero(bad.to_numpy())[0])
        raise LinkageFileError(
            f"{path}, data row {first + 1}, field 'row': expected a whole number >= 1, "
            f"found {table['row'].iloc[first]!r}"
        )
    table["row"] = rows.astype(np.int64)
    duplicated = table.duplicated(KEY)
    if duplicated.any():
        first = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise LinkageFileError(
            f"{path}, data row {first + 1}: record ({table['source'].iloc[first]}, "
            f"row {table['row'].iloc[first]}) appears twice; each record belongs to one person"
        )
    return table[[*KEY, "person_id"]]


def read_truth(truth_dir: Path) -> pd.DataFrame:
    """Read `truth_dir/rows.csv` (or `truth_dir/truth/rows.csv`): source, row, person_id."""
    path = truth_dir / "rows.csv"
    if not path.exists():
        path = truth_dir / "truth" / "rows.csv"
    if not path.exists():
        raise LinkageFileError(f"{truth_dir}: no rows.csv here nor in truth/ (a simulated war?)")
    return _read_table(path, [*KEY, "person_id"], "truth")


def read_linkage(path: Path) -> pd.DataFrame:
    """Read a linkage CSV with at least person_id, source, row."""
    return _read_table(path, [*KEY, "person_id"], "linkage")


def score_linkage(truth: pd.DataFrame, linkage: pd.DataFrame) -> LinkageScores:
    """Score `linkage` against `truth`, both with columns source, row, person_id.

    Truth rows missing from the linkage count as records left alone (singletons), so an
    incomplete linkage is penalised in recall, not ignored.

    Raises:
        LinkageFileError: the linkage names a record the truth does not know.
    """
    merged = truth.merge(linkage, on=KEY, how="outer", suffixes=("_true", "_pred"),
                         indicator=True)
    unknown = merged[merged["_merge"] == "right_only"]
    if len(unknown):
        first = unknown.iloc[0]
        raise LinkageFileError(
            f"the linkage names {len(unknown)} record(s) the truth does not know, "
            f"e.g. source {first['source']!r} row {first['row']}"
        )
    unlinked = merged["person_id_pred"].isna()
    # A record the linkage left out is its own person: a key no other record shares.
    merged.loc[unlinked, "person_id_pred"] = "\x00unlinked:" + merged.loc[unlinked, "source"] \
        + ":" + merged.loc[unlinked, "row"].astype(str)
    true_id = pd.factorize(merged["person_id_true"])[0]
    pred_id = pd.factorize(merged["person_id_pred"])[0]

    true_sizes = np.bincount(true_id)
    pred_sizes = np.bincount(pred_id)
    # One cell per (true person, predicted person) that share records.
    cells = pd.DataFrame({"t": true_id, "p": pred_id}).value_counts().reset_index()
    n_cell = cells["count"].to_numpy(dtype=np.int64)

    together_both = _pairs(n_cell)
    together_pred = _pairs(pred_sizes)
    together_true = _pairs(true_sizes)
    pair_precision = together_both / together_pred if together_pred else 1.0
    pair_recall = together_both / together_true if together_true else 1.0

    # B-cubed: each record scores |pred ∩ true| / |pred| and / |true|; the n records of
    # one cell score alike, so a cell adds n * n / |pred| and n * n / |true|.
    records = len(merged)
    weight = n_cell.astype(np.float64) ** 2
    b3_precision = float((weight / pred_sizes[cells["p"].to_numpy()]).sum() / records)
    b3_recall = float((weight / true_sizes[cells["t"].to_numpy()]).sum() / records)

    return LinkageScores(
        records=records,
        true_persons=len(true_sizes),
        predicted_persons=len(pred_sizes),
        unlinked_records=int(unlinked.sum()),
        pairwise_precision=pair_precision,
        pairwise_recall=pair_recall,
        pairwise_f1=_f1(pair_precision, pair_recall),
        cluster_precision=b3_precision,
        cluster_recall=b3_recall,
        cluster_f1=_f1(b3_precision, b3_recall),
    )
