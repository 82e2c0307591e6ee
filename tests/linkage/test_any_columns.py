"""Any subset of the known fields links without error (issue 14, settings from the data).

A register from outside the post-Soviet naming world has no patronymic; many lists have
no birth date, no unit, no service number. Hypothesis removes combinations of columns
from a small simulated war's records and links what is left: every run ends with one
person per record or a clear message that nothing identifying is left.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musterroll.linkage.features import build_features
from musterroll.linkage.register_io import LINK_COLUMNS, read_link_records
from musterroll.linkage.run import link_features
from musterroll.linkage.settings import default_settings
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.store import init_register, open_register

# Fields that identify a person on their own: without any of them nothing can link.
_IDENTIFYING = {"surname", "given_name", "full_name", "service_number"}


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    folder: Path = tmp_path_factory.mktemp("small_war")
    simulate_war(folder, seed=3, people=1500)
    url = f"sqlite:///{folder / 'register.db'}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, folder / "manifest.json")
        return read_link_records(engine)
    finally:
        engine.dispose()


def _without(table: pa.Table, removed: set[str]) -> pa.Table:
    keep = [name for name in table.column_names if name not in removed]
    return table.select(keep)


def _links_or_says_what_is_missing(records: pa.Table, removed: set[str]) -> None:
    table = _without(records, removed)
    features = build_features(table)
    if removed >= _IDENTIFYING:
        with pytest.raises(ValueError, match="no surname, given name, service number"):
            link_features(features, default_settings())
        return
    settings_used, _, _, clustering = link_features(features, default_settings())
    assert len(clustering.labels) == table.num_rows
    assert 0 < len(np.unique(clustering.labels)) <= table.num_rows
    fitted = {c["name"] for c in settings_used.comparisons}
    if "patronymic" in removed and "full_name" in removed:
        assert "patronymic" not in fitted
    if "birth_date" in removed:
        assert "birth_date" not in fitted
        assert not any("birth_date" in rule for rule in settings_used.training_rules)


_SUBSETS = st.sets(st.sampled_from(LINK_COLUMNS))
_QUICK = settings(max_examples=4, deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
_LONG = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


@_QUICK
@given(removed=_SUBSETS)
def test_any_subset_of_columns_links_or_says_what_is_missing(
    records: pa.Table, removed: set[str]
) -> None:
    _links_or_says_what_is_missing(records, removed)


@pytest.mark.slow
@_LONG
@given(removed=_SUBSETS)
def test_many_subsets_of_columns_link_or_say_what_is_missing(
    records: pa.Table, removed: set[str]
) -> None:
    _links_or_says_what_is_missing(records, removed)


def test_nothing_identifying_left_is_a_clear_error(records: pa.Table) -> None:
    _links_or_says_what_is_missing(records, set(_IDENTIFYING))


def test_a_register_without_patronymics_links_well(records: pa.Table) -> None:
    # The failure that started issue 14: one training rule needed patronymic_group.
    table = _without(records, {"patronymic", "full_name"})
    settings_used, _, _, clustering = link_features(build_features(table), default_settings())
    assert not any("patronymic" in rule for rule in settings_used.training_rules)
    assert settings_used.fit is not None
    assert "patronymic" in settings_used.fit["dropped_comparisons"]
    assert len(np.unique(clustering.labels)) < 0.8 * table.num_rows
