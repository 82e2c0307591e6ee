from __future__ import annotations

from pathlib import Path

import pytest

from musterroll.sources.mapping import MappingError, load_mapping, map_columns


def test_ukrainian_headers_map_without_a_mapping() -> None:
    header = ["Прізвище", "Ім’я", "По батькові", "Дата народження", "Статус", "remains_id"]
    columns = map_columns(header)
    assert columns.fields == {
        "surname": 0, "given_name": 1, "patronymic": 2, "birth_date": 3, "status": 4,
    }  # fmt: skip
    assert columns.extras == [("remains_id", 5)]


def test_russian_and_canonical_headers_map_without_a_mapping() -> None:
    russian = map_columns(["ФИО", "Дата рождения", "Воинское звание", "Место гибели"])
    assert russian.fields == {"full_name": 0, "birth_date": 1, "rank": 2, "event_place": 3}
    canonical = map_columns(["surname", "service_number", "event_date"])
    assert canonical.fields == {"surname": 0, "service_number": 1, "event_date": 2}


def test_a_second_column_for_one_field_is_kept_as_an_extra_with_a_note() -> None:
    columns = map_columns(["Прізвище", "Фамилия"])
    assert columns.fields == {"surname": 0}
    assert columns.extras == [("Фамилия", 1)]
    assert "also maps to surname" in columns.notes[0]


def test_a_yaml_mapping_overrides_and_ignores(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("columns:\n  Хто: full_name\n  Прізвище: ignore\n", encoding="utf-8")
    columns = map_columns(["Хто", "Прізвище"], load_mapping(path))
    assert columns.fields == {"full_name": 0}
    assert columns.extras == [("Прізвище", 1)]


def test_a_mapping_to_an_unknown_field_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("Хто: who\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"m\.yaml.*'Хто'.*'who'"):
        load_mapping(path)


def test_a_mapped_header_the_file_lacks_is_noted() -> None:
    columns = map_columns(["surname"], {"Звання": "rank"})
    assert any("'Звання'" in note for note in columns.notes)


def test_extra_columns_with_the_same_or_no_header_get_distinct_keys() -> None:
    columns = map_columns(["surname", "x", "x", ""])
    assert columns.extras == [("x", 1), ("x_2", 2), ("column_4", 3)]
