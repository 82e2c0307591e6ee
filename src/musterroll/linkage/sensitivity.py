"""The register's persons under shifted clustering thresholds, for linkage sensitivity.

Which records are one person depends on where clustering draws its lines. To see how far
an estimate moves with them, the register's records are scored ONCE with the model of the
last finished link run (its settings and trained parameters are saved on the run row) and
clustered again at several shifted thresholds: ``strong``, ``average`` and ``best_link``
all move by the same number of match-weight units (log2 Bayes factors); a negative shift
joins more (fewer persons), a positive one joins less. Reviewers' decisions bind at every
shift, as in a run. Nothing is written: the result is record -> person label per shift.
Pairs below the run's ``keep`` weight were never kept, so shifts below ``keep - strong``
cannot join more than the run could.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine

from musterroll.linkage.backends import BackendOptions, open_backend
from musterroll.linkage.cluster import cluster_records
from musterroll.linkage.features import build_features
from musterroll.linkage.model import make_linker, register_features, score_pairs
from musterroll.linkage.register_io import last_run, read_decisions, read_link_records
from musterroll.linkage.run import cluster_input
from musterroll.linkage.settings import LinkSettings, Thresholds

__all__ = ["DEFAULT_SHIFTS", "SensitivityError", "ThresholdLinkages", "cluster_over_thresholds",
           "shifted_thresholds"]

# Match-weight units: a factor of 4 to 16 in the Bayes factor either way.
DEFAULT_SHIFTS: tuple[float, ...] = (-4.0, -2.0, 0.0, 2.0, 4.0)


class SensitivityError(LookupError):
    """No finished link run with a trained model to re-cluster with."""


@dataclass
class ThresholdLinkages:
    """Persons of the register's records at each threshold shift.

    Attributes:
        run_id: the link run whose model scored the pairs.
        thresholds: the run's thresholds (shift 0).
        memberships: shift -> Series record_id -> person label (labels are arbitrary
            integers, comparable within one shift only).
        persons: shift -> number of persons.
        pairs_kept: pairs scored at or above the keep weight.
        seconds: wall-clock seconds of scoring and clustering.
    """

    run_id: int
    thresholds: Thresholds
    memberships: dict[float, pd.Series]
    persons: dict[float, int] = field(default_factory=dict)
    pairs_kept: int = 0
    seconds: float = 0.0


def shifted_thresholds(thresholds: Thresholds, shift: float) -> Thresholds:
    """Return `thresholds` with strong, average and best_link moved by `shift`."""
    return replace(thresholds, strong=thresholds.strong + shift,
                   average=thresholds.average + shift,
                   best_link=thresholds.best_link + shift)


def _last_run(engine: Engine) -> tuple[int, LinkSettings]:
    run = last_run(engine)
    if run is None:
        raise SensitivityError("no finished link run yet: run `musterroll link` first")
    if run[1].parameters is None:
        raise SensitivityError(f"link run {run[0]} saved no trained parameters to score with")
    return run


def cluster_over_thresholds(
    engine: Engine,
    shifts: Sequence[float] = DEFAULT_SHIFTS,
    *,
    options: BackendOptions | None = None,
) -> ThresholdLinkages:
    """Score the register's records once and cluster them at each threshold shift.

    Args:
        engine: a linked register.
        shifts: match-weight units added to strong, average and best_link; 0 is the
            run's own thresholds (the current persons, unless records or decisions
            changed since the run).
        options: DuckDB resources.
    Returns:
        The memberships per shift; nothing is written to the register.
    Raises:
        SensitivityError: no finished link run with a trained model.
        ValueError: no shifts, or a register without records.
    """
    if not shifts:
        raise ValueError("no threshold shifts given")
    started = time.perf_counter()
    run_id, settings = _last_run(engine)
    records = read_link_records(engine)
    if records.num_rows == 0:
        raise ValueError("the register holds no records to link")
    frame = build_features(records, dedup_kinds=settings.dedup_kinds)
    db_api = open_backend("duckdb", options)
    table = register_features(db_api, pa.Table.from_pandas(frame, preserve_index=False))
    kept = score_pairs(make_linker(table, settings), settings).kept
    decisions = read_decisions(engine)
    ids = frame["unique_id"].to_numpy(dtype=np.int64)
    data = cluster_input(frame, kept, decisions)
    memberships, persons = {}, {}
    for shift in sorted({float(s) for s in shifts}):
        labels = cluster_records(data, shifted_thresholds(settings.thresholds, shift)).labels
        memberships[shift] = pd.Series(labels.astype(np.int64), index=pd.Index(ids,
                                                                               name="record_id"))
        persons[shift] = len(np.unique(labels))
    return ThresholdLinkages(run_id=run_id, thresholds=settings.thresholds,
                             memberships=memberships, persons=persons, pairs_kept=len(kept),
                             seconds=time.perf_counter() - started)
