"""Spark local mode gives the same persons as DuckDB with the same settings.

Slow (a Spark session on 2 cores, ~20,000 records): run with ``-m "spark and slow"``.
The DuckDB run trains the model; Spark scores with the very same parameters (a DuckDB
model cannot be loaded into Spark as Splink JSON: the settings are rebuilt for Spark from
our plain data). Results are not bit-identical across backends (notes/splink-on-spark.md),
so the test asks that at least 99.5% of the pairs either engine puts together agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from musterroll.linkage.backends import BackendOptions
from musterroll.linkage.features import build_features
from musterroll.linkage.register_io import read_link_records
from musterroll.linkage.run import link_features
from musterroll.linkage.settings import default_settings
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.store import init_register, open_register

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # pyspark 4.3 warns that it does not yet fully support pandas 3 when it checks pandas
    # on import; linkage hands Spark Arrow tables, not pandas, so the warning is harmless.
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"),
    # pyspark's toPandas (Splink reads query results with it) still passes `copy=` to
    # pandas, which pandas 3 deprecates; the result is the same.
    pytest.mark.filterwarnings(
        "ignore:The copy keyword is deprecated:pandas.errors.Pandas4Warning"),
]


@pytest.fixture(scope="module")
def features(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("spark_war")
    simulate_war(folder, seed=21, people=55_000)  # about 20,000 records
    url = f"sqlite:///{folder / 'register.db'}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, folder / "manifest.json")
        return build_features(read_link_records(engine))
    finally:
        engine.dispose()


@pytest.fixture
def spark_stopped_after() -> Iterator[None]:
    yield
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def _pairs(labels: np.ndarray, ids: np.ndarray) -> set[tuple[int, int]]:
    frame = pd.DataFrame({"id": ids, "label": labels})
    pairs = frame.merge(frame, on="label")
    pairs = pairs[pairs["id_x"] < pairs["id_y"]]
    return set(zip(pairs["id_x"].tolist(), pairs["id_y"].tolist(), strict=True))


def test_spark_and_duckdb_give_the_same_persons(
    features: pd.DataFrame, spark_stopped_after: None, tmp_path: Path
) -> None:
    assert 15_000 <= len(features) <= 25_000
    trained, _, _, duck = link_features(features, default_settings())
    options = BackendOptions(temp_dir=str(tmp_path))
    _, _, _, spark = link_features(features, trained, backend="spark", options=options)
    ids = features["unique_id"].to_numpy()
    duck_pairs, spark_pairs = _pairs(duck.labels, ids), _pairs(spark.labels, ids)
    agree = len(duck_pairs & spark_pairs) / len(duck_pairs | spark_pairs)
    assert agree >= 0.995
