"""Features: birth-date parts, unit, oblast, settlement and service keys, name repairs."""

from __future__ import annotations

import pyarrow as pa
import pytest

from musterroll.linkage.features import (
    FEATURE_COLUMNS,
    birth_parts,
    build_features,
    event_day,
    oblast_key,
    settlement_key,
    unit_key,
)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1990-05-12", (1990, 5, 12, "1990-05-12")),
        ("1990-05", (1990, 5, None, None)),
        ("1990", (1990, None, None, None)),
        (None, (None, None, None, None)),
        ("12.05.1990", (None, None, None, None)),
    ],
)
def test_birth_parts_keep_partial_dates_partial(text: str | None, parts: tuple) -> None:
    assert birth_parts(text) == parts


@pytest.mark.parametrize("written", ["в/ч А1234", "А1234", "А 1234", "A1234", "в/ч A-1234"])
def test_unit_numbers_as_families_write_them_are_one_key(written: str) -> None:
    assert unit_key(written) == "А1234"


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Харківська", "kha"), ("Харківська обл.", "kha"), ("Харківська область", "kha"),
        ("Харківщина", "kha"), ("Kharkiv oblast", "kha"), ("Харьковская", "kha"),
        ("Чернігівська", "chn"), ("Чернівецька", "chv"), ("Буковина", "chv"),
        ("Київська обл.", "kyo"), ("м. Київ", "kyc"), ("Одещина", "ode"), ("Марс", None),
    ],
)
def test_oblasts_in_any_style_get_one_code(written: str, code: str | None) -> None:
    assert oblast_key(written) == code


def test_settlement_keys_ignore_the_type_and_the_script() -> None:
    assert settlement_key("м. Нікополь") == settlement_key("Нікополь") == settlement_key(
        "Nikopol")


def test_event_day_counts_days_and_skips_partial_dates() -> None:
    assert event_day("1970-01-02") == 1
    assert event_day("2022-02") is None


def _records(**columns: list[object]) -> pa.Table:
    n = len(next(iter(columns.values())))
    base: dict[str, list[object]] = {
        "record_id": list(range(1, n + 1)), "source": ["s"] * n, "kind": ["official"] * n,
        "row": list(range(1, n + 1)),
    }
    return pa.table(base | columns)


def test_a_call_sign_in_quotes_is_not_a_patronymic() -> None:
    table = _records(surname=["Melnyk"], given_name=["Ivan"], patronymic=["Sokil"],
                     full_name=['Ivan "Sokil" Melnyk'])
    features = build_features(table)
    assert features.loc[0, "surname_norm"] == "melnyk"
    assert features.loc[0, "patronymic_norm"] is None


def test_a_two_word_name_ending_in_ovych_keeps_its_surname() -> None:
    table = _records(surname=[None], given_name=["Oles"], patronymic=["Plastovych"],
                     full_name=["Oles Plastovych"])
    features = build_features(table)
    assert features.loc[0, "surname_norm"] == "plastovych"
    assert features.loc[0, "given_norm"] == "oles"


def test_features_have_every_column_and_mark_deduplicated_lists() -> None:
    table = _records(surname=["Коваль", None], given_name=["Іван", None],
                     full_name=[None, "Петренко Олена Іванівна"], sex=["ч", None],
                     birth_date=["1990-05-12", "1985"])
    features = build_features(table, dedup_kinds=["official"])
    assert tuple(features.columns) == FEATURE_COLUMNS
    assert features["dedup"].tolist() == [True, True]
    assert features.loc[1, "surname_norm"] == "петренко"
    assert features["sex_key"].tolist() == ["m", "f"]
    assert features["birth_year"].tolist() == [1990, 1985]


def test_a_row_its_publisher_marks_as_a_correction_is_not_held_to_deduplication() -> None:
    table = _records(surname=["Коваль", "Коваль", "Коваль"], given_name=["Іван"] * 3,
                     note=[None, "Уточнення", "поранений"])
    features = build_features(table, dedup_kinds=["official"])
    assert features["dedup"].tolist() == [True, False, True]
