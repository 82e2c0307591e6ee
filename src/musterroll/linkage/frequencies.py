"""Term frequencies of the name columns the model adjusts for, as the run computed them.

Splink adjusts a name level's weight by how common the name is in the records linked:
the share of records (with a value) holding that value, ``count / count(column)``. A run
keeps these shares (``link_term_frequencies``) so that an explanation of one person adds
the same adjustment the run did, without reading the whole register again.

Only values held by two records or more are kept: a frequency-adjusted level compares
equal values (``surname_norm_l = surname_norm_r``), so a value held once never meets its
own adjustment; at a million records that leaves out most typing errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from musterroll.linkage.settings import LinkSettings

__all__ = ["FREQUENCY_COLUMNS", "count_term_frequencies", "term_frequency_columns"]

FREQUENCY_COLUMNS: list[str] = ["column_name", "value", "frequency"]


def term_frequency_columns(settings: LinkSettings) -> list[str]:
    """Return the feature columns some comparison level adjusts for, in settings order."""
    columns: list[str] = []
    for comparison in settings.comparisons:
        for level in comparison["levels"]:
            column = level.get("tf_column")
            if column and column not in columns:
                columns.append(column)
    return columns


def count_term_frequencies(features: pa.Table | pd.DataFrame, columns: list[str], *,
                           min_count: int = 2) -> pd.DataFrame:
    """Return each value's share of the records with a value, as Splink computes it.

    Args:
        features: every linked record's features (``build_features``).
        columns: the frequency-adjusted columns (``term_frequency_columns``).
        min_count: keep values held by at least this many records.
    Returns:
        Columns column_name, value, frequency (float64, ``count / non-null count``).
    """
    if isinstance(features, pd.DataFrame):
        features = pa.Table.from_pandas(features[columns], preserve_index=False)
    parts = []
    for column in columns:
        values = features.column(column).drop_null()
        total = len(values)
        if total == 0:
            continue
        counted = pc.value_counts(values)
        counts = counted.field("counts").to_numpy().astype(np.int64)
        keep = counts >= min_count
        parts.append(pd.DataFrame({
            "column_name": column,
            "value": pc.filter(counted.field("values"), pa.array(keep)).to_pylist(),
            # The same double division as Splink's SQL: cast(count as float8) / total.
            "frequency": counts[keep].astype(np.float64) / float(total),
        }))
    if not parts:
        return pd.DataFrame(columns=FREQUENCY_COLUMNS)
    return pd.concat(parts, ignore_index=True)[FREQUENCY_COLUMNS]
