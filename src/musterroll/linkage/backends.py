"""Bind the plain-data settings to Splink on DuckDB or Spark: the one place that does.

``splink_settings(settings)`` turns ``LinkSettings`` into a Splink ``SettingsCreator``
(with the trained m and u values when the settings hold them); ``open_duckdb()`` and
``open_spark()`` return a Splink database API for each engine, configured for this kind of
machine (docs/notes: Spark needs the similarity jar, a checkpoint dir, few shuffle
partitions).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from musterroll.linkage.settings import LinkSettings

if TYPE_CHECKING:
    # The seam with Splink, typed with Splink's own classes (imported only for the type
    # checker: Splink takes seconds to import and loads when linkage runs).
    from splink import Linker, SettingsCreator
    from splink.internals.database_api import DatabaseAPISubClass as SplinkBackend

__all__ = [
    "BackendOptions",
    "open_duckdb",
    "open_backend",
    "open_spark",
    "read_parameters",
    "splink_settings",
]


@dataclass(frozen=True)
class BackendOptions:
    """Resources an engine may use."""

    threads: int = 2
    memory_limit: str = "2GB"
    # None: leave the master to spark-submit / spark-defaults.conf (a cluster).
    spark_master: str | None = "local[2]"
    spark_driver_memory: str = "3g"
    spark_shuffle_partitions: int = 8
    # Where Splink checkpoints on Spark; on a cluster a shared path (hdfs://, s3a://).
    spark_checkpoint_dir: str | None = None
    temp_dir: str | None = None


def _level_dict(level: dict[str, Any], m: float | None, u: float | None,
                fix_m: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"sql_condition": level["sql"], "label_for_charts": level["label"]}
    if level["label"] == "null":
        out["is_null_level"] = True
    if level.get("tf_column"):
        out["tf_adjustment_column"] = level["tf_column"]
        out["tf_adjustment_weight"] = 1.0
    if m is not None:
        out["m_probability"] = m
        out["fix_m_probability"] = fix_m
    if u is not None:
        out["u_probability"] = u
    return out


def splink_settings(settings: LinkSettings, *, explain: bool = False,
                    training: bool = False) -> SettingsCreator:
    """Return Splink's SettingsCreator for `settings` (dedupe of one table of records).

    Args:
        settings: the plain-data settings; their ``parameters`` (if any) become the m and
            u probabilities of each level and the prior match probability.
        explain: keep each comparison's level and Bayes factor in the predictions.
        training: hold the m of ``settings.fixed_m`` at their fallback values.
    Returns:
        A ``splink.SettingsCreator``; the dialect is chosen by the database API later.
    """
    from splink import SettingsCreator
    from splink.comparison_library import CustomComparison

    params = settings.parameters or {}
    comparisons: list[Any] = []
    for comparison in settings.comparisons:
        ms = params.get("m", {}).get(comparison["name"])
        fix_m = training and comparison["name"] in settings.fixed_m
        if fix_m:
            known = settings.fallback.get(comparison["name"], {})
            ms = [known[level["label"]][0] if level["label"] in known else None
                  for level in comparison["levels"]]
        ms = ms or [None] * len(comparison["levels"])
        us = params.get("u", {}).get(comparison["name"]) or [None] * len(comparison["levels"])
        levels: list[Any] = [
            _level_dict(level, m, u, fix_m)
            for level, m, u in zip(comparison["levels"], ms, us, strict=True)
        ]
        comparisons.append(CustomComparison(
            comparison_levels=levels, output_column_name=comparison["name"],
            comparison_description=comparison["description"],
        ))
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=list[Any](settings.blocking_rules),
        probability_two_random_records_match=params.get("lambda", 1e-5),
        retain_matching_columns=explain,
        retain_intermediate_calculation_columns=explain,
        # EM settles in a few iterations on these comparisons; more cost time, not fit.
        max_iterations=10,
        em_convergence=1e-4,
    )


def read_parameters(linker: Linker, settings: LinkSettings) -> dict[str, Any]:
    """Return the trained lambda, m and u of `linker` in the settings' plain form."""
    model = linker.misc.save_model_to_json()
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    m: dict[str, list[float | None]] = {}
    u: dict[str, list[float | None]] = {}
    for comparison in settings.comparisons:
        levels = by_name[comparison["name"]]["comparison_levels"]
        m[comparison["name"]] = [level.get("m_probability") for level in levels]
        u[comparison["name"]] = [level.get("u_probability") for level in levels]
    return {"lambda": model["probability_two_random_records_match"], "m": m, "u": u}


def open_duckdb(options: BackendOptions | None = None) -> SplinkBackend:
    """Return a Splink DuckDBAPI on an in-memory DuckDB with limited threads and memory."""
    import duckdb
    from splink import DuckDBAPI

    options = options or BackendOptions()
    con = duckdb.connect(":memory:")
    con.execute(f"SET threads = {int(options.threads)}")
    con.execute(f"SET memory_limit = '{options.memory_limit}'")
    # Spill to disk rather than fail when a join outgrows the memory limit.
    temp = options.temp_dir or tempfile.gettempdir()
    con.execute(f"SET temp_directory = '{temp}/musterroll_duckdb'")
    con.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection=con)


def open_spark(options: BackendOptions | None = None) -> SplinkBackend:
    """Return a Splink SparkAPI on a Spark session (local mode unless told otherwise).

    The session is built with Splink's similarity jar, few shuffle partitions, no UI and a
    checkpoint directory (Splink needs one); ``SPARK_LOCAL_IP`` defaults to loopback.
    """
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    options = options or BackendOptions()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder
    if options.spark_master:
        builder = builder.master(options.spark_master)
    spark = (
        builder.appName("musterroll-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", options.spark_driver_memory)
        .config("spark.sql.shuffle.partitions", str(options.spark_shuffle_partitions))
        .config("spark.default.parallelism", str(options.spark_shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    checkpoint = options.spark_checkpoint_dir or tempfile.mkdtemp(
        prefix="musterroll_spark_", dir=options.temp_dir)
    spark.sparkContext.setCheckpointDir(checkpoint)
    spark.sparkContext.setLogLevel("ERROR")
    return SparkAPI(spark_session=spark, break_lineage_method="checkpoint")


def open_backend(name: str, options: BackendOptions | None = None) -> SplinkBackend:
    """Return the Splink database API of engine `name` ("duckdb" or "spark").

    Raises:
        ValueError: for another name.
    """
    if name == "duckdb":
        return open_duckdb(options)
    if name == "spark":
        return open_spark(options)
    raise ValueError(f"unknown linkage engine {name!r}: use duckdb or spark")
