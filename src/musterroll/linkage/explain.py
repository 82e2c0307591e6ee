"""Why a person is who they are: the records linked, and the weight of each comparison.

For a person id, every pair of its records is scored again with the model of the run that
made the person (its settings and parameters are saved on the run row): the level each
comparison reached and its match weight (log2 Bayes factor), and the total. Frequency
adjustments need the whole register's name frequencies, so explanations show the plain
level weights; the total may differ from the run's by the frequency adjustment.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, select

from musterroll.linkage.engines import open_duckdb, splink_settings
from musterroll.linkage.features import build_features
from musterroll.linkage.register import read_link_records
from musterroll.linkage.settings import LinkSettings
from musterroll.store.linkage_models import person_records_table, runs_table

__all__ = ["ExplainError", "explain_person"]


class ExplainError(LookupError):
    """No such person, or no link run to explain it with."""


def _last_settings(engine: Engine) -> LinkSettings:
    with engine.connect() as conn:
        row = conn.execute(
            select(runs_table.c.settings).where(runs_table.c.finished_at.is_not(None))
            .order_by(runs_table.c.id.desc()).limit(1)
        ).first()
    if row is None:
        raise ExplainError("no link run yet: run `musterroll link` first")
    return LinkSettings.from_dict(row[0])


def _without_frequencies(settings: LinkSettings) -> LinkSettings:
    plain = LinkSettings.from_dict(settings.to_dict())
    for comparison in plain.comparisons:
        for level in comparison["levels"]:
            level.pop("tf_column", None)
    plain.blocking_rules = ["1 = 1"]
    return plain


def _score_all_pairs(features: pd.DataFrame, settings: LinkSettings) -> pd.DataFrame:
    from splink import Linker

    db_api = open_duckdb()
    table = db_api.register(pa.Table.from_pandas(features, preserve_index=False),
                            table_name="musterroll_explain")
    linker = Linker(table, splink_settings(settings, explain=True), log_level=None)
    return linker.inference.predict().as_pandas_dataframe()


def _levels(settings: LinkSettings, row: pd.Series) -> list[dict[str, Any]]:
    out = []
    for comparison in settings.comparisons:
        name = comparison["name"]
        gamma = int(row[f"gamma_{name}"])
        labels = [level["label"] for level in comparison["levels"]]
        # Splink numbers levels from the last (ELSE) = 0 upwards; the null level is -1.
        label = "null" if gamma < 0 else labels[len(labels) - 1 - gamma]
        out.append({"comparison": name, "level": label,
                    "match_weight": round(float(row[f"mw_{name}"]), 2)})
    return out


def explain_person(engine: Engine, person_id: int) -> dict[str, Any]:
    """Return a person's records and, for every pair of them, the weight of each comparison.

    Args:
        engine: the register.
        person_id: a current person id.
    Returns:
        {"person_id", "records": [...record fields...], "pairs": [{"record_id_l",
        "record_id_r", "match_weight", "match_probability", "comparisons": [...]}],
        "prior_weight"}.
    Raises:
        ExplainError: no link run, or no records with that person id.
    """
    settings = _without_frequencies(_last_settings(engine))
    with engine.connect() as conn:
        ids = conn.execute(select(person_records_table.c.record_id).where(
            person_records_table.c.person_id == person_id)).scalars().all()
    if not ids:
        raise ExplainError(f"no person with id {person_id} in the current linkage")
    records = read_link_records(engine, record_ids=ids)
    shown = records.to_pylist()
    out: dict[str, Any] = {"person_id": person_id, "records": shown, "pairs": []}
    params = settings.parameters or {}
    prior = float(params.get("lambda", 1e-5))
    out["prior_weight"] = round(math.log2(prior / (1 - prior)), 2)
    if len(ids) < 2:
        return out
    features = build_features(records, dedup_kinds=settings.dedup_kinds)
    scored = _score_all_pairs(features, settings)
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
