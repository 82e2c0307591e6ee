from __future__ import annotations

from pathlib import Path

import pytest

from musterroll.sources.mapping import (
    MappingError,
    load_mapping,
    map_columns,
    merge_mappings,
    parse_map_options,
)


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


FEBRL_HEADER = ["rec_id", "given_name", "surname", "street_number", "address_1", "address_2",
                "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"]  # fmt: skip


def test_febrl_headers_map_and_the_address_parts_are_joined_in_file_order() -> None:
    columns = map_columns(FEBRL_HEADER)
    assert columns.fields == {
        "given_name": 1, "surname": 2, "address": 3, "settlement": 6, "postcode": 7,
        "oblast": 8, "birth_date": 9, "document_number": 10,
    }  # fmt: skip
    assert columns.joined == {"address": [4, 5]}
    assert columns.extras == [("rec_id", 0)]
    assert columns.notes == []
    stored = columns.as_json(FEBRL_HEADER)
    assert [h for h, f in stored.items() if f == "address"] == [
        "street_number", "address_1", "address_2",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Телефон", "phone"), ("Контактний телефон", "phone"), ("E-mail", "email"),
        ("Електронна пошта", "email"), ("Адреса проживання", "address"),
        ("Почтовый индекс", "postcode"), ("Посада", "occupation"),
        ("Профессия", "occupation"), ("Серія та номер паспорта", "document_number"),
        ("Номер военного билета", "document_number"), ("Місце народження", "birth_place"),
        ("Військове звання", "rank"), ("в/ч", "unit"),
    ],
)  # fmt: skip
def test_identifying_headers_in_three_languages_map(header: str, field: str) -> None:
    assert map_columns(["surname", header]).fields == {"surname": 0, field: 1}


def test_map_options_map_unknown_headers_and_a_later_map_wins() -> None:
    options = parse_map_options(["ID номер=document_number", "a=b=c=note", "Хто=ignore"])
    assert options == {"ID номер": "document_number", "a=b=c": "note", "Хто": None}
    merged = merge_mappings({"id  Номер": "service_number", "x": "note"}, options)
    assert merged == {"x": "note", "ID номер": "document_number", "a=b=c": "note", "Хто": None}
    columns = map_columns(["Хто", "ID номер", "surname"], merged)
    assert columns.fields == {"document_number": 1, "surname": 2}
    assert columns.extras == [("Хто", 0)]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("soc_sec_id=social", r"--map 'soc_sec_id=social'.*'social', which is not a canonical"),
        ("soc_sec_id", r"--map 'soc_sec_id': expected COLUMN=field"),
        ("=surname", r"expected COLUMN=field"),
    ],
)
def test_a_map_option_naming_an_unknown_field_is_a_clear_error(item: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        parse_map_options([item])
