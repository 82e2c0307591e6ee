"""Train the Fellegi–Sunter model without labels and score the blocked pairs, with Splink.

Training: the prior from deterministic rules, u by random sampling (seeded), m by
expectation maximisation under each training rule (each leaves out the comparisons it
blocks on). Reviewers' decisions, where there are any, refine the m values afterwards
(``refine_with_decisions``). Scoring: every pair some blocking rule generates is scored
once; only pairs at or above the keep weight leave the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from statistics import median
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from musterroll.linkage.backends import read_parameters, splink_settings
from musterroll.linkage.settings import LinkSettings

if TYPE_CHECKING:
    from splink import Linker
    from splink.internals.database_api import DatabaseAPISubClass as SplinkBackend
    from splink.internals.splink_dataframe import SplinkDataFrame

__all__ = [
    "ScoredPairs",
    "make_linker",
    "prior_m",
    "refine_with_decisions",
    "register_features",
    "score_pairs",
    "settle_parameters",
    "train_model",
]

Step = Callable[[str], None]


def register_features(db_api: SplinkBackend, features: pa.Table | pd.DataFrame
                      ) -> SplinkDataFrame:
    """Register the features table (Arrow or pandas) with `db_api`; return Splink's frame."""
    return db_api.register(features, table_name="musterroll_features")


def make_linker(table: SplinkDataFrame, settings: LinkSettings, *, training: bool = False
                ) -> Linker:
    """Return a Splink Linker on a registered features table for `settings`.

    With `training`, the comparisons of ``settings.fixed_m`` hold their fallback m.
    """
    from splink import Linker

    # Splink logs progress at INFO; the command line shows its own progress instead.
    logging.getLogger("splink").setLevel(logging.ERROR)
    return Linker(table, splink_settings(settings, training=training), log_level=None)


_SMALL = 1e-6
# m of a comparison no training rule could estimate (its columns are in every rule, or
# every rule failed): most true pairs agree exactly, a few at each looser level, and the
# "different" level gets the comparison's floor. u is always estimated by sampling.
_PRIOR_EXACT = 0.85
_PRIOR_DIFFERENT = 0.05


def prior_m(labels: list[str], floor: float) -> list[float | None]:
    """Prior m values for one comparison's levels (null level None), summing to 1."""
    middle = len(labels) - 3  # levels between exact and different
    different = max(floor, _PRIOR_DIFFERENT)
    share = (1.0 - _PRIOR_EXACT - different) / middle if middle > 0 else 0.0
    exact = 1.0 - different - share * middle
    return [None, exact, *[share] * middle, different][: len(labels)]


def _settle_levels(
    labels: list[str], ms: list[float | None], us: list[float | None],
    fallback: dict[str, list[float]], floor: float,
) -> tuple[list[float | None], list[float | None]]:
    """One comparison's m and u with fallbacks filled in, m floored and renormalised."""
    if all(m is None for m in ms[1:]) and not fallback:
        ms = prior_m(labels, floor)
    m_out: list[float | None] = [None]
    u_out: list[float | None] = [None]
    for label, m, u in zip(labels[1:], ms[1:], us[1:], strict=True):
        known = fallback.get(label)
        m_out.append(m if m is not None else (known[0] if known else _SMALL))
        u_out.append(u if u is not None else (known[1] if known else _SMALL))
    values = [float(v) for v in m_out[1:] if v is not None]
    if labels[-1] == "different" and values[-1] < floor:
        values[-1] = floor
    values = [max(v, _SMALL) for v in values]
    total = sum(values)
    return [None] + [v / total for v in values], u_out


def settle_parameters(params: dict[str, Any], settings: LinkSettings) -> dict[str, Any]:
    """Fill untrainable levels from `settings.fallback` and floor m of "different" levels.

    Args:
        params: trained parameters (``train_model``).
        settings: the comparisons, fallbacks and floors.
    Returns:
        New parameters, every non-null level with an m and a u (m sums to 1 per
        comparison over the non-null levels).
    """
    m_all, u_all = {}, {}
    for comparison in settings.comparisons:
        name = comparison["name"]
        labels = [level["label"] for level in comparison["levels"]]
        m_all[name], u_all[name] = _settle_levels(
            labels, params["m"][name], params["u"][name],
            settings.fallback.get(name, {}), settings.m_floor.get(name, 0.0),
        )
    return {"lambda": params["lambda"], "m": m_all, "u": u_all}


def train_model(table: SplinkDataFrame, settings: LinkSettings, *, step: Step | None = None,
                skipped: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Estimate lambda, u and m with no labels; return them in the settings' plain form.

    Each EM training rule runs on a linker of its own, started from the parameters so far:
    a session Splink cannot finish (no pairs, or an m driven to 0.0, which Splink 5
    refuses) leaves its linker half-changed, so it is dropped and the others go on.

    Args:
        table: the registered features (``register_features``).
        settings: the training plan (deterministic rules and recall, u sample size,
            seed, EM training rules).
        step: called with the name of each training step (for progress displays).
        skipped: receives (rule, reason) for each training step Splink could not run.
    Returns:
        {"lambda": float, "m": {...}, "u": {...}} (see ``LinkSettings.parameters``).
    """
    from splink.internals.exceptions import SplinkException

    say = step or (lambda _name: None)
    skipped = skipped if skipped is not None else []
    linker = make_linker(table, settings, training=True)
    say("prior")
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(settings.deterministic_rules), recall=settings.deterministic_recall
        )
    except (SplinkException, ValueError) as exc:
        # No pair any sure rule finds (a small or sparse register): keep the default
        # prior; the run's notes say so.
        skipped.append(("prior", _why_skipped(exc)))
    say("u by random sampling")
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.u_max_pairs, seed=settings.seed
    )
    params = read_parameters(linker, settings)
    sessions: dict[str, list[list[float | None]]] = {}
    for rule in settings.training_rules:
        say("m by expectation maximisation")
        try:
            trained = _em_session(table, replace(settings, parameters=params), rule)
        except (SplinkException, ValueError) as exc:
            skipped.append((rule, _why_skipped(exc)))
            continue
        for name, ms in trained.items():
            if ms != params["m"][name]:  # this session estimated the comparison
                sessions.setdefault(name, []).append(ms)
        params["m"] |= {name: _median_levels(runs) for name, runs in sessions.items()}
    return params


def _em_session(table: SplinkDataFrame, settings: LinkSettings, rule: str) -> dict[str, Any]:
    """One EM session under `rule`; return the m values it leaves.

    Identifiers are trained like the rest (lists differ in how often they mistype a
    number: FEBRL's copies do, a war's documents rarely). Where EM drives their m of
    "different" to 0.0 on this data (Splink 5 refuses it), the session runs again with
    ``settings.fixed_m`` held at their fallback values.
    """
    from splink.internals.exceptions import SplinkException

    try:
        session = make_linker(table, settings)
        session.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=settings.em_max_pairs)
    except (SplinkException, ValueError):
        session = make_linker(table, settings, training=True)
        session.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=settings.em_max_pairs)
    return dict(read_parameters(session, settings)["m"])


def _median_levels(runs: list[list[float | None]]) -> list[float | None]:
    """Each level's median m over the training sessions that estimated it, as Splink
    combines its sessions."""
    out: list[float | None] = []
    for values in zip(*runs, strict=True):
        known = [v for v in values if isinstance(v, (int, float))]
        out.append(float(median(known)) if known else None)
    return out


def _why_skipped(exc: BaseException) -> str:
    """Why Splink could not run a training step, in a user's words, not Splink's."""
    text = str(exc)
    if "no record pairs" in text:
        return "no two records agree on this rule's fields"
    if "below the minimum" in text:
        return "expectation maximisation drove a probability to zero on these records"
    return f"the linkage engine could not train on it ({type(exc).__name__})"


@dataclass
class ScoredPairs:
    """Pairs scored by the model: how many, and those kept (at or above the keep weight)."""

    pairs_scored: int
    kept: pd.DataFrame  # unique_id_l, unique_id_r, match_weight


def score_pairs(linker: Linker, settings: LinkSettings) -> ScoredPairs:
    """Score every blocked pair; return the count and the pairs at or above `keep`."""
    predictions = linker.inference.predict()
    name = predictions.physical_name
    count = linker.misc.query_sql(f"SELECT count(*) AS n FROM {name}", output_type="pandas")
    kept = linker.misc.query_sql(
        f"SELECT unique_id_l, unique_id_r, match_weight FROM {name}"
        f" WHERE match_weight >= {float(settings.thresholds.keep)}"
        # A fixed order: clustering breaks ties in input order, and a re-run with the
        # same data and model must give the same persons.
        " ORDER BY unique_id_l, unique_id_r",
        output_type="pandas",
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    kept["unique_id_l"] = kept["unique_id_l"].astype("int64")
    kept["unique_id_r"] = kept["unique_id_r"].astype("int64")
    kept["match_weight"] = kept["match_weight"].astype("float64")
    return ScoredPairs(pairs_scored=int(count["n"].iloc[0]), kept=kept)


def refine_with_decisions(
    table: SplinkDataFrame, settings: LinkSettings, decisions: pd.DataFrame, *,
    min_pairs: int = 10, prior_pairs: float = 200.0,
) -> dict[str, Any]:
    """Blend the m values with those of the pairs reviewers decided are one person.

    EM learns m without labels; reviewers' "same" decisions are labelled matches. Each
    level's m becomes ``(prior_pairs * m_em + n * m_labels) / (prior_pairs + n)`` for n
    decided pairs, so a handful of decisions nudge the model and many decide it.

    Args:
        table: the registered features (``register_features``).
        settings: settings holding the trained parameters.
        decisions: binding decisions (``read_decisions``).
        min_pairs: fewer "same" decisions than this leave the parameters as they are.
        prior_pairs: how many labelled pairs the EM estimate counts as.
    Returns:
        The refined parameters (or the same ones).
    """
    assert settings.parameters is not None
    same = decisions[decisions["decision"] == "same"]
    if len(same) < min_pairs:
        return settings.parameters
    linker = make_linker(table, settings)
    labels = pd.DataFrame({
        "source_dataset_l": table.dataset_display_name,
        "unique_id_l": same["record_id_l"].astype("int64").to_numpy(),
        "source_dataset_r": table.dataset_display_name,
        "unique_id_r": same["record_id_r"].astype("int64").to_numpy(),
    })
    registered = linker.table_management.register_table(
        labels, "musterroll_decided_same", overwrite=True
    )
    linker.training.estimate_m_from_pairwise_labels(registered)
    labelled = read_parameters(linker, settings)
    n = float(len(same))
    blended: dict[str, Any] = {"lambda": settings.parameters["lambda"], "m": {},
                               "u": settings.parameters["u"]}
    for name, ms in settings.parameters["m"].items():
        blended["m"][name] = [
            None if m is None else (
                m if lab is None else (prior_pairs * m + n * lab) / (prior_pairs + n))
            for m, lab in zip(ms, labelled["m"][name], strict=True)
        ]
    return settle_parameters(blended, settings)
