"""Link every record of the register into persons: the whole run, step by step.

read records -> features -> Splink (train without labels, refine with decisions, score)
-> constrained clustering (decisions bind) -> stable person ids -> review queue -> one
transaction writing persons, membership, queue (pairs and whole persons), the name
frequencies the model adjusted for, run row and audit lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine

from musterroll import __version__
from musterroll.linkage.backends import BackendOptions, open_backend
from musterroll.linkage.cluster import Clustering, ClusterInput, cluster_records
from musterroll.linkage.features import build_features
from musterroll.linkage.frequencies import count_term_frequencies, term_frequency_columns
from musterroll.linkage.ids import IdAssignment, assign_person_ids
from musterroll.linkage.model import (
    make_linker,
    refine_with_decisions,
    register_features,
    score_pairs,
    settle_parameters,
    train_model,
)
from musterroll.linkage.register_io import (
    input_hash,
    next_person_id,
    read_decisions,
    read_link_records,
    read_membership,
    start_run,
    write_run,
)
from musterroll.linkage.review import build_queue
from musterroll.linkage.settings import LinkSettings, default_settings, fit_to_data

__all__ = ["LinkResult", "Progress", "cluster_input", "link_features", "link_register"]

# Called with (step description, share of the run done, 0..1).
Progress = Callable[[str, float], None]


@dataclass
class LinkResult:
    """What a run did: counts for the command line, and the tables for tests and benches."""

    run_id: int | None
    records: int
    persons: int
    pairs_scored: int
    pairs_kept: int
    review_queue: int
    seconds: float
    settings: LinkSettings
    person_ids: np.ndarray = field(repr=False)
    features: pd.DataFrame = field(repr=False)
    edges: pd.DataFrame = field(repr=False)
    clustering: Clustering = field(repr=False)
    ids: IdAssignment | None = field(default=None, repr=False)
    steps: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """The run's counts as JSON-ready data (`musterroll link --json`)."""
        out: dict[str, Any] = {
            "run_id": self.run_id, "records": self.records, "persons": self.persons,
            "pairs_scored": self.pairs_scored, "pairs_kept": self.pairs_kept,
            "review_queue": self.review_queue, "seconds": round(self.seconds, 2),
        }
        if self.steps:
            out["step_seconds"] = self.steps
        if self.settings.fit:
            out["fit"] = self.settings.fit | {
                "comparisons": [c["name"] for c in self.settings.comparisons]}
        if self.ids is not None:
            out |= {"new_person_ids": len(self.ids.new_ids),
                    "retired_person_ids": len(self.ids.retired_ids),
                    "merges": len(self.ids.merges), "splits": len(self.ids.splits)}
        return out


def column_shares(features: pa.Table) -> dict[str, float]:
    """The share of records holding a value, for each feature column."""
    rows = max(features.num_rows, 1)
    return {name: 1.0 - features.column(name).null_count / rows
            for name in features.column_names}


def _pairs(decisions: pd.DataFrame, word: str) -> list[tuple[int, int]]:
    chosen = decisions[decisions["decision"] == word]
    return list(zip(chosen["record_id_l"].astype(int).tolist(),
                    chosen["record_id_r"].astype(int).tolist(), strict=True))


# What clustering, ids and reports need of each record after scoring.
_KEPT_COLUMNS = ["unique_id", "source", "row", "dedup", "sex_key", "service_key"]


def link_features(
    features: pd.DataFrame | pa.Table, settings: LinkSettings, *, backend: str = "duckdb",
    decisions: pd.DataFrame | None = None, options: BackendOptions | None = None,
    progress: Progress | None = None,
) -> tuple[LinkSettings, pd.DataFrame, int, Clustering]:
    """Train (unless `settings` hold parameters), score and cluster features.

    Args:
        features: ``build_features`` output, as a DataFrame or an Arrow table.
        settings: the model; trained parameters in them are used as they are.
        backend: the SQL engine Splink runs on, "duckdb" or "spark".
        decisions: binding decisions (``read_decisions``), or None.
        options: the backend's resources.
        progress: called with (step, share done).
    Returns:
        (settings with parameters, kept pairs, pairs scored, clustering).
    """
    say = progress or (lambda _step, _done: None)
    decisions = decisions if decisions is not None else pd.DataFrame(
        columns=["record_id_l", "record_id_r", "decision"])
    db_api = open_backend(backend, options)
    if isinstance(features, pd.DataFrame):
        features = pa.Table.from_pandas(features, preserve_index=False)
    table = register_features(db_api, features)
    shares = column_shares(features)
    features = features.select(_KEPT_COLUMNS).to_pandas()
    settings = LinkSettings.from_dict(settings.to_dict())
    if settings.parameters is None:
        settings = fit_to_data(settings, shares, len(features))
        skipped: list[tuple[str, str]] = []
        trained = train_model(table, settings, skipped=skipped,
                              step=lambda name: say(f"training: {name}", 0.25))
        settings.parameters = settle_parameters(trained, settings)
        settings.fit = (settings.fit or {}) | {
            "skipped_training": [{"rule": rule, "reason": why} for rule, why in skipped]}
        say("training: refining with decisions", 0.4)
        settings.parameters = refine_with_decisions(table, settings, decisions)
    say("scoring pairs", 0.45)
    scored = score_pairs(make_linker(table, settings), settings)
    say("clustering", 0.7)
    data = cluster_input(features, scored.kept, decisions)
    return settings, scored.kept, scored.pairs_scored, cluster_records(data, settings.thresholds)


def cluster_input(features: pd.DataFrame, edges: pd.DataFrame, decisions: pd.DataFrame
                  ) -> ClusterInput:
    """What clustering needs: records, their deduplicated lists, scored pairs, decisions."""
    return ClusterInput(
        record_ids=features["unique_id"].to_numpy(dtype=np.int64),
        dedup_source=features["source"].where(features["dedup"].astype(bool), None)
        .to_numpy(dtype=object),
        edges=edges, must_link=_pairs(decisions, "same"),
        cannot_link=_pairs(decisions, "different"),
    )


def link_register(
    engine: Engine, *, backend: str = "duckdb", settings: LinkSettings | None = None,
    options: BackendOptions | None = None, progress: Progress | None = None,
    queue_limit: int = 5000,
) -> LinkResult:
    """Link every current record of the register into persons and save the run.

    Args:
        engine: the register (SQLAlchemy engine, at the newest schema).
        backend: the SQL engine Splink runs on, "duckdb" (default) or "spark".
        settings: the model (default ``default_settings()``); trained afresh unless it
            holds parameters.
        options: engine resources.
        progress: called with (step, share done).
        queue_limit: at most this many review items (pairs and clusters).
    Returns:
        The run's result; the register holds persons, membership, queue and audit lines.
    Raises:
        ValueError: the register has no records to link.
    """
    started = time.perf_counter()
    steps: dict[str, float] = {}
    last_time, last_step = [started], ["start"]

    def say(step: str, done: float) -> None:
        # Seconds per step, for `--json` and the benchmark.
        now = time.perf_counter()
        name = last_step[0].split(":")[0]
        steps[name] = round(steps.get(name, 0.0) + now - last_time[0], 2)
        last_time[0], last_step[0] = now, step
        if progress is not None:
            progress(step, done)

    say("reading records", 0.0)
    records = read_link_records(engine)
    if records.num_rows == 0:
        raise ValueError("the register holds no records: ingest lists first")
    settings = settings or default_settings()
    say("computing features", 0.05)
    digest = input_hash(records)
    frame = build_features(records, dedup_kinds=settings.dedup_kinds)
    del records  # the features hold all linkage needs; free the raw fields early
    # One copy of the features, in Arrow (DuckDB reads it in place); the pandas one of
    # Python objects would double the memory of a million records.
    features_arrow = pa.Table.from_pandas(frame, preserve_index=False)
    features = frame[_KEPT_COLUMNS].copy()
    del frame
    # The run's name frequencies, kept so that explanations adjust as this run does.
    frequencies = count_term_frequencies(features_arrow, term_frequency_columns(settings))
    decisions = read_decisions(engine)
    settings, kept, pairs_scored, clustering = link_features(
        features_arrow, settings, backend=backend, decisions=decisions, options=options,
        progress=say,
    )
    say("saving persons", 0.85)
    record_ids = features["unique_id"].to_numpy(dtype=np.int64)
    queue = build_queue(kept, clustering.refused, decisions, settings.thresholds,
                        record_ids=record_ids, labels=clustering.labels, limit=queue_limit)
    with engine.begin() as conn:
        run_id = start_run(conn, backend=backend, seed=settings.seed,
                           code_version=__version__, digest=digest,
                           settings=settings.to_dict())
        ids = assign_person_ids(record_ids, clustering.labels, read_membership(conn),
                                next_id=next_person_id(conn))
        events = [("person merge", m) for m in ids.merges]
        events += [("person split", s) for s in ids.splits]
        result = LinkResult(
            run_id=run_id, records=len(record_ids), persons=len(np.unique(ids.person_ids)),
            pairs_scored=pairs_scored, pairs_kept=len(kept), review_queue=len(queue),
            seconds=time.perf_counter() - started, settings=settings,
            person_ids=ids.person_ids, features=features, edges=kept,
            clustering=clustering, ids=ids,
        )
        write_run(conn, run_id=run_id, record_ids=record_ids, person_ids=ids.person_ids,
                  new_ids=ids.new_ids, retired_ids=ids.retired_ids, queue=queue,
                  events=events, counts=result.summary(), term_frequencies=frequencies)
    say("done", 1.0)
    result.seconds = time.perf_counter() - started
    result.steps = {k: v for k, v in steps.items() if k != "start"}
    return result
