"""The comparison levels' SQL in Spark (local mode): same answers as Python compare."""

import pandas as pd
import pytest

from musterroll.names.compare import compare_keys
from musterroll.names.record import KEY_COLUMNS
from musterroll.names.sql import KINDS, level_case_sql

from .test_sql import _pairs, _records

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # Spark's Python side warns about its own internals; they are not ours to fix.
    pytest.mark.filterwarnings("ignore"),
]


def test_spark_levels_agree_with_python_compare() -> None:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    from musterroll.names.frame import name_keys_frame

    records = _records()
    keyed = pd.concat([records[["id"]], name_keys_frame(records)], axis=1)
    pairs = _pairs(len(keyed)).head(600)
    spark = pyspark_sql.SparkSession.builder.master("local[1]").appName("names").getOrCreate()
    try:
        plain = keyed.astype(object).where(keyed.notna(), None)
        spark.createDataFrame(plain).createOrReplaceTempView("keyed")
        spark.createDataFrame(pairs).createOrReplaceTempView("wanted")
        rows = {
            int(i): {c: (None if pd.isna(v) else v) for c, v in r.items()}
            for i, r in keyed.set_index("id").iterrows()
        }
        for kind in KINDS:
            columns = [c for c in KEY_COLUMNS if c.startswith(kind)]
            select = ", ".join(
                [f"l.{c} AS {c}_l" for c in columns] + [f"r.{c} AS {c}_r" for c in columns]
            )
            spark.sql(
                f"SELECT w.id_l, w.id_r, {select} FROM wanted w "
                "JOIN keyed l ON l.id = w.id_l JOIN keyed r ON r.id = w.id_r"
            ).createOrReplaceTempView("pairs")
            found = spark.sql(
                f"SELECT id_l, id_r, {level_case_sql(kind)} AS level FROM pairs"  # type: ignore[arg-type]
            ).collect()
            for id_l, id_r, level in found:
                assert compare_keys(rows[id_l], rows[id_r], kind) == level  # type: ignore[arg-type]
    finally:
        spark.stop()
