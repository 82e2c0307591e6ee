"""The caseworkers' person search reads ``name_words``: the same answers as the LIKE scan
it replaced, in step with lists ingested later, one index range per word."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, or_, select, text

from musterroll.names import romanise
from musterroll.sources import IngestOptions, ingest_file
from musterroll.store import open_register
from musterroll.store.linkage_models import person_records_table, persons_table, runs_table
from musterroll.store.models import records_table
from musterroll.store.search_models import name_word_files_table, name_words_table
from musterroll.web import persons
from musterroll.web.persons import find_persons
from musterroll.web.search_keys import name_words, refresh_search_keys

from .conftest import FIELDS, build_register

QUERIES = ["коваленко", "КОВАЛ", "кОВАЛ", "Олександр Петрович", "петренко1", "Петренко1 анд",
           "бонд іван іванович", "мельник0, олег", "Тарас", "т ш", "%_%", "zzz", "Petrenko",
           "коваленко тарас"]


def _like_search(engine: Engine, query: str, limit: int = 50) -> list[int]:
    """The LIKE scan that find_persons used before name_words (persons, in its order)."""
    r, m = records_table.c, person_records_table.c
    select_ = (select(m.person_id)
               .select_from(records_table.join(person_records_table, m.record_id == r.id)))
    for word in [w for w in re.split(r"[\s,]+", query.strip()) if w][:4]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        variants = {v for form in {escaped, romanise(escaped)}
                    for v in (form, form.lower(), form.upper(), form.capitalize()) if v}
        select_ = select_.where(or_(
            *(r[c].like(f"{v}%", escape="\\") for v in variants
              for c in ("surname", "given_name", "patronymic", "full_name")),
            *(r.full_name.like(f"% {v}%", escape="\\") for v in variants)))
    select_ = select_.order_by(r.surname, r.given_name, m.person_id).limit(limit * 10)
    with engine.connect() as conn:
        ids = [int(p) for p in conn.execute(select_).scalars()]
    return list(dict.fromkeys(ids))[:limit]


def _found(engine: Engine, query: str) -> list[int]:
    return [p["person_id"] for p in find_persons(engine, query)]


def _link_unlinked(engine: Engine) -> None:
    """One person per record not yet linked (what a link run would add)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        linked = select(person_records_table.c.record_id)
        ids = list(conn.execute(select(records_table.c.id)
                                .where(records_table.c.id.not_in(linked))).scalars())
        run_id = conn.execute(insert(runs_table).values(
            started_at=now, finished_at=now, engine="test", seed=0, code_version="test",
            input_hash="-", settings={}, counts={})).inserted_primary_key[0]  # type: ignore[index]
        conn.execute(insert(persons_table), [{"id": i, "created_run_id": run_id, "records": 1}
                                             for i in ids])
        conn.execute(insert(person_records_table), [
            {"record_id": i, "person_id": i, "run_id": run_id} for i in ids])


def _ingest(engine: Engine, folder: Path, source: str, rows: list[tuple[str, ...]],
            fields: tuple[str, ...] = FIELDS) -> None:
    path = folder / f"{source}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        writer.writerows(rows)
    ingest_file(engine, path, source=source,
                options=IngestOptions(kind="official", language="uk", published="2024-09-01"))


def _words(engine: Engine) -> set[tuple[str, int]]:
    with engine.connect() as conn:
        return {(row.word, int(row.record_id)) for row in conn.execute(select(name_words_table))}


def _expected_words(engine: Engine) -> set[tuple[str, int]]:
    r = records_table.c
    with engine.connect() as conn:
        rows = conn.execute(select(r.id, r.surname, r.given_name, r.patronymic,
                                   r.full_name)).all()
    return {(word, int(row.id)) for row in rows for word in name_words(*row[1:])}


def test_name_words_are_the_lower_cased_words_of_every_record() -> None:
    assert name_words("Ван дер БЕРГ", None, "", "ІВАН  Іванович") == {
        "ван", "дер", "берг", "іван", "іванович"}


@pytest.mark.parametrize("drive_at_most", [3000, 1, 0])
def test_the_search_answers_as_the_like_scan_did(engine: Engine, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 drive_at_most: int) -> None:
    # Several words: the rarest word's records checked here, or the words' intersected.
    monkeypatch.setattr(persons, "_DRIVE_AT_MOST", drive_at_most)
    # A full name with a later word, and a Latin spelling a Cyrillic word also finds.
    _ingest(engine, tmp_path, "full-names", [
        ("Стефанишин Богдан Іванович", "1981-02-03", "killed"),
        ("Kovalenko Oleksandr", "1990-05-12", "missing")],
        fields=("full_name", "birth_date", "status"))
    _link_unlinked(engine)
    for query in [*QUERIES, "богдан", "іванович", "стеф бог", "KOVAL"]:
        assert _found(engine, query) == _like_search(engine, query), query
    kovalenko = _found(engine, "коваленко")
    assert len(kovalenko) == 2  # the Cyrillic list's and the Latin one's
    assert _found(engine, "богдан") and _found(engine, "zzz") == []
    assert _words(engine) == _expected_words(engine)


def test_lists_ingested_later_are_found_without_a_refresh(engine: Engine,
                                                          tmp_path: Path) -> None:
    assert _found(engine, "зінченко") == []  # fills name_words
    with engine.connect() as conn:
        indexed = conn.execute(select(name_word_files_table.c.file_id)).scalars().all()
    _ingest(engine, tmp_path, "later", [
        ("Зінченко", "Остап", "Іванович", "m", "1979-07-07", "killed", "2024-08-01",
         "2024-08-05", "Полтавська")])
    # A new version of the first list: its old records stay findable while linked.
    _ingest(engine, tmp_path, "official", [
        ("Ярема", "Степан", "Іванович", "m", "1977-03-03", "killed", "2024-08-01",
         "2024-08-05", "Полтавська")])
    _link_unlinked(engine)
    assert len(_found(engine, "Зінч ост")) == 1
    assert len(_found(engine, "ярема")) == 1
    assert _found(engine, "шевченко тарас") == _like_search(engine, "шевченко тарас") != []
    with engine.connect() as conn:
        now = conn.execute(select(name_word_files_table.c.file_id)).scalars().all()
    assert len(now) == len(indexed) + 2
    assert _words(engine) == _expected_words(engine)
    assert refresh_search_keys(engine).word_files_added == 0


def test_each_word_is_one_range_of_the_primary_key(engine: Engine) -> None:
    refresh_search_keys(engine)
    plan: list[Any] = []
    with engine.connect() as conn:
        statement = select(name_words_table.c.record_id).where(
            name_words_table.c.word >= "ков", name_words_table.c.word < "ков\U0010ffff")
        compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
        plan = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "SEARCH name_words USING PRIMARY KEY (word>? AND word<?)" in details, details


@pytest.mark.postgres
def test_the_search_works_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    build_register(postgres_url, tmp_path)
    engine = open_register(postgres_url)
    try:
        assert [p["surname"] for p in find_persons(engine, "коВАл")] == ["Коваленко"]
        # Code point order (collation "C"): the prefix range holds Петренко1, 10 and 11.
        assert sorted(p["surname"] for p in find_persons(engine, "петренко1")) == [
            "Петренко1", "Петренко10", "Петренко11"]
        assert [p["given_name"] for p in find_persons(engine, "т ш")] == ["Тарас"]
        assert find_persons(engine, "%_%") == []
        for query in QUERIES:
            assert _found(engine, query) == _like_search(engine, query), query
    finally:
        engine.dispose()
