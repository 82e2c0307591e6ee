"""Why a person is who they are: the records linked, and the weight of each comparison.

For a person id, every pair of its records is scored again with the model of the run that
made the person (its settings and parameters are saved on the run row): the level each
comparison reached and its match weight (log2 Bayes factor), the name frequency
adjustments as lines of their own, and the total. The frequencies are the whole
register's as the run counted them (``link_term_frequencies``; counted again from the
register's records for a run that did not keep them), so a pair's explained total is the
weight the run scored it with.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, select

from musterroll.linkage.backends import open_duckdb, splink_settings
from musterroll.linkage.features import build_features
from musterroll.linkage.frequencies import count_term_frequencies, term_frequency_columns
from musterroll.linkage.register_io import last_run, read_link_records
from musterroll.linkage.settings import LinkSettings
from musterroll.store.linkage_models import (
    person_records_table,
    term_frequencies_table,
)

__all__ = ["ExplainError", "explain_person"]


class ExplainError(LookupError):
    """No such person, or no link run to explain it with."""


def _last_run(engine: Engine) -> tuple[int, LinkSettings]:
    run = last_run(engine)
    if run is None:
        raise ExplainError("no link run yet: run `musterroll link` first")
    return run


def _all_pairs(settings: LinkSettings) -> LinkSettings:
    every = LinkSettings.from_dict(settings.to_dict())
    every.blocking_rules = ["1 = 1"]
    return every


def _frequencies(engine: Engine, run_id: int, settings: LinkSettings,
                 features: pd.DataFrame) -> pd.DataFrame:
    """The run's frequencies of the values these records hold (column_name, value, frequency).

    Read from what the run kept; a run that kept none (linked before migration 0010) has
    them counted again from the register's current records.
    """
    columns = term_frequency_columns(settings)
    t = term_frequencies_table.c
    with engine.connect() as conn:
        kept = conn.execute(select(t.run_id).where(t.run_id == run_id).limit(1)).first()
        if kept is not None:
            rows: list[Any] = []
            for column in columns:
                values = [v for v in features[column].dropna().unique().tolist() if v]
                if values:
                    rows += conn.execute(
                        select(t.column_name, t.value, t.frequency).where(
                            t.run_id == run_id, t.column_name == column, t.value.in_(values))
                    ).all()
            return pd.DataFrame(rows, columns=["column_name", "value", "frequency"])
    everyone = build_features(read_link_records(engine), dedup_kinds=settings.dedup_kinds)
    return count_term_frequencies(everyone, columns)


def _score_all_pairs(features: pd.DataFrame, settings: LinkSettings,
                     frequencies: pd.DataFrame) -> pd.DataFrame:
    from splink import Linker

    db_api = open_duckdb()
    table = db_api.register(pa.Table.from_pandas(features, preserve_index=False),
                            table_name="musterroll_explain")
    linker = Linker(table, splink_settings(settings, explain=True), log_level=None)
    for column in term_frequency_columns(settings):
        # Splink's own lookup, filled with the register's frequencies (not these records').
        chosen = frequencies[frequencies["column_name"] == column]
        lookup = pd.DataFrame({column: chosen["value"].astype(str).tolist(),
                               f"tf_{column}": chosen["frequency"].astype(float).tolist()})
        if lookup.empty:
            lookup = pd.DataFrame({column: pd.Series(dtype=str),
                                   f"tf_{column}": pd.Series(dtype=float)})
        registered = db_api.register(lookup, table_name=f"musterroll_tf_{column}")
        linker.table_management.register_term_frequency_lookup(registered, column)
    return linker.inference.predict().as_pandas_dataframe()


def _levels(settings: LinkSettings, row: pd.Series) -> list[dict[str, Any]]:
    """Each comparison's level and weight; a frequency adjustment as a line of its own."""
    out: list[dict[str, Any]] = []
    for comparison in settings.comparisons:
        name = comparison["name"]
        gamma = int(row[f"gamma_{name}"])
        levels = comparison["levels"]
        # Splink numbers levels from the last (ELSE) = 0 upwards; the null level is -1.
        level = levels[0] if gamma < 0 else levels[len(levels) - 1 - gamma]
        out.append({"comparison": name, "level": level["label"],
                    "match_weight": round(float(row[f"mw_{name}"]), 2)})
        column = level.get("tf_column")
        adjustment = row.get(f"mw_tf_adj_{name}")
        if column and gamma >= 0 and adjustment is not None and not pd.isna(adjustment):
            value = row.get(f"{column}_l")
            frequency = row.get(f"tf_{column}_l")
            out.append({
                "comparison": name, "level": "term frequency adjustment",
                "match_weight": round(float(adjustment), 2),
                "value": None if value is None or pd.isna(value) else str(value),
                "frequency": (None if frequency is None or pd.isna(frequency)
                              else float(frequency)),
            })
    return out


def explain_person(engine: Engine, person_id: int) -> dict[str, Any]:
    """Return a person's records and, for every pair of them, the weight of each comparison.

    Args:
        engine: the register.
        person_id: a current person id.
    Returns:
        {"person_id", "run_id", "records": [...record fields...], "pairs": [{"record_id_l",
        "record_id_r", "match_weight", "match_probability", "comparisons": [...]}],
        "prior_weight"}. Each comparison line is {"comparison", "level",
        "match_weight"}; a name level adjusted for the name's frequency is followed by a
        line {"comparison", "level": "term frequency adjustment", "match_weight",
        "value", "frequency"} (the share of the register's records holding the value).
        A pair's match_weight is prior_weight plus every line (each line is rounded to
        0.01) and equals the weight the run scored the pair with.
    Raises:
        ExplainError: no link run, or no records with that person id.
    """
    run_id, settings = _last_run(engine)
    settings = _all_pairs(settings)
    with engine.connect() as conn:
        ids = conn.execute(select(person_records_table.c.record_id).where(
            person_records_table.c.person_id == person_id)).scalars().all()
    if not ids:
        raise ExplainError(f"no person with id {person_id} in the current linkage")
    records = read_link_records(engine, record_ids=ids)
    shown = records.to_pylist()
    out: dict[str, Any] = {"person_id": person_id, "run_id": run_id, "records": shown,
                           "pairs": []}
    params = settings.parameters or {}
    prior = float(params.get("lambda", 1e-5))
    out["prior_weight"] = round(math.log2(prior / (1 - prior)), 2)
    if len(ids) < 2:
        return out
    features = build_features(records, dedup_kinds=settings.dedup_kinds)
    scored = _score_all_pairs(features, settings,
                              _frequencies(engine, run_id, settings, features))
    by_pair = {(int(r.unique_id_l), int(r.unique_id_r)): r for _, r in scored.iterrows()}
    for a, b in combinations(sorted(int(i) for i in ids), 2):
        row = by_pair.get((a, b))
        if row is None:
            continue
        out["pairs"].append({
            "record_id_l": a, "record_id_r": b,
            "match_weight": round(float(row["match_weight"]), 2),
            "match_probability": round(float(row["match_probability"]), 6),
            "comparisons": _levels(settings, row),
        })
    return out
