"""Issue 15, caseworkers' side: catalogues in three languages, pages in words, records
side by side, search with status and the Cyrillic name, decisions that take effect."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from musterroll.linkage.review import open_items
from musterroll.store import read_audit
from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import CANONICAL_FIELDS, records_table
from musterroll.store.status_models import statuses_table
from musterroll.web.i18n import (
    LANGUAGES,
    catalogue,
    choose_language,
    format_day,
    format_number,
    plural,
    read_catalogue,
)
from musterroll.web.i18n_merge import main as merge_main

from . import caseworker
from .conftest import csrf

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "musterroll" / "web" / "templates"
I18N = TEMPLATES.parent / "i18n"
# Codes of the register that must never reach a caseworker's page as they are.
CODES = re.compile(r"\b(?:captivity_confirmed|reported_missing|reported_killed|"
                   r"remains_recovered|found_alive|search_ended|declared_dead|sought|"
                   r"family_report|open_source|identified_twice|release_one_side|"
                   r"alive_after_death|death_before_capture|status_group|killed|captured|"
                   r"missing)\b")


def test_every_message_is_in_all_three_catalogues_with_its_plural_forms() -> None:
    keys = {language: set(catalogue(language)) for language in LANGUAGES}
    assert keys["uk"] == keys["en"] == keys["ru"], {
        lang: sorted(keys["uk"] ^ k) for lang, k in keys.items()}
    for language, forms in (("uk", 3), ("ru", 3), ("en", 2)):
        po = read_catalogue(I18N / f"{language}.po", language)
        assert po.num_plurals == forms
        for message in po:
            if message.id and isinstance(message.id, tuple):
                assert len(message.string) == forms and all(message.string), message.id
    # Ukrainian has three forms: 1 запис, 2 записи, 5 записів, 21 запис.
    assert [plural("uk", "person_records", n) for n in (1, 2, 5, 11, 21)] == [
        "1 запис", "2 записи", "5 записів", "11 записів", "21 запис"]
    assert plural("ru", "person_records", 3) == "3 записи"
    assert plural("en", "person_records", 1) == "1 record"


def test_every_literal_key_of_every_template_is_in_all_three_catalogues() -> None:
    for template in TEMPLATES.glob("*.html"):
        for key in re.findall(r"""\btn?\(["']([a-z_0-9]+)["']""", template.read_text()):
            if key.endswith("_"):  # a prefix: t("status_" ~ status)
                continue
            for language in LANGUAGES:
                assert key in catalogue(language), (template.name, key, language)


def test_numbers_and_dates_are_written_as_each_language_writes_them() -> None:
    assert format_number("uk", 1234567) == "1\xa0234\xa0567"
    assert format_number("en", 1234567) == "1,234,567"
    assert format_day("uk", "2024-03-05") == "5 бер. 2024\u202fр."
    assert format_day("ru", date(2024, 3, 5)) == "5 мар. 2024\u202fг."
    assert format_day("en", "2024-03-05T10:00:00+00:00") == "Mar 5, 2024"
    assert format_day("uk", "1990-05") == "1990-05"  # a partial date stays as given


def test_the_language_comes_from_the_query_the_cookie_or_the_browser() -> None:
    assert choose_language(None, None, None, "uk") == "uk"
    assert choose_language(None, None, "ru-RU,ru;q=0.9,en;q=0.5", "uk") == "ru"
    assert choose_language(None, "en", "ru", "uk") == "en"
    assert choose_language("ru", "en", None, "uk") == "ru"
    assert choose_language(None, None, "de-DE", "uk") == "uk"


def test_the_merge_command_adds_new_json_keys_to_a_po_catalogue(tmp_path: Path,
                                                                capsys: Any) -> None:
    folder = tmp_path / "i18n"
    folder.mkdir()
    (folder / "uk.po").write_bytes((I18N / "uk.po").read_bytes())
    new = tmp_path / "new.json"
    new.write_text(json.dumps({"example_title": "Вхідні повідомлення родин",
                               "example_found": ["{n} повідомлення", "{n} повідомлення",
                                               "{n} повідомлень"],
                               "person": "Інша особа"}, ensure_ascii=False))
    assert merge_main(["uk", str(new), "--folder", str(folder)]) == 0
    assert "added: 2 (example_title, example_found)" in capsys.readouterr().out
    po = read_catalogue(folder / "uk.po", "uk")
    assert po.get("example_title").string == "Вхідні повідомлення родин"
    assert po.get("example_found").string == ("{n} повідомлення", "{n} повідомлення",
                                            "{n} повідомлень")
    assert po.get("person").string == "Особа"  # kept without --replace
    assert merge_main(["uk", str(new), "--folder", str(folder), "--replace"]) == 0
    assert read_catalogue(folder / "uk.po", "uk").get("person").string == "Інша особа"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"x": ["one", "two"]}))  # Ukrainian needs three forms
    with pytest.raises(ValueError, match="three|3"):
        merge_main(["uk", str(bad), "--folder", str(folder)])


def _person_with_latin_and_cyrillic(engine: Engine) -> tuple[int, str]:
    """A person with a record spelt in Latin letters and one in Cyrillic: (id, Latin
    surname)."""
    r, m = records_table.c, person_records_table.c
    with engine.connect() as conn:
        rows = conn.execute(select(m.person_id, r.surname)
                            .select_from(records_table.join(person_records_table,
                                                            m.record_id == r.id))
                            .where(r.surname.is_not(None))).all()
    spellings: dict[int, list[str]] = {}
    for person, surname in rows:
        spellings.setdefault(int(person), []).append(surname)
    for person, names in sorted(spellings.items()):
        latin = [n for n in names if re.fullmatch(r"[A-Za-z' -]+", n)]
        if latin and any(re.search("[а-яіїєґ]", n.lower()) for n in names):
            return person, latin[0]
    raise AssertionError("the linked register has no person spelt both ways")


def _biggest_person(engine: Engine) -> int:
    m = person_records_table.c
    with engine.connect() as conn:
        return int(conn.execute(select(m.person_id).group_by(m.person_id)
                                .order_by(func.count().desc(), m.person_id)).first()[0])


def test_search_results_show_the_status_and_the_cyrillic_name_first(
        as_role: Client, linked_engine: Engine) -> None:
    person, latin = _person_with_latin_and_cyrillic(linked_engine)
    client = as_role("caseworker")
    found = client.get("/api/persons", params={"q": latin}).json()["persons"]
    mine = next(p for p in found if p["person_id"] == person)
    assert re.search("[а-яіїєґ]", mine["surname"].lower()), mine
    assert any(latin in spelling for spelling in mine["spellings"])
    with linked_engine.connect() as conn:
        status, substatus = conn.execute(select(
            statuses_table.c.status, statuses_table.c.substatus).where(
            statuses_table.c.person_id == person, statuses_table.c.valid_to.is_(None))).one()
    assert (mine["status"], mine["substatus"]) == (status, substatus)
    page = client.get("/persons", params={"q": latin}).text
    row = page.split(f'href="/persons/{person}"')[2].split("</tr>")[0]
    assert mine["surname"] in row.split("<br>")[0]  # the Cyrillic name before the Latin
    assert 'class="status"' in row and not CODES.search(row)
    header = page.split("<thead>")[1].split("</thead>")[0]
    assert "Статус" in header


def test_the_person_page_shows_the_records_side_by_side_with_differences_marked(
        as_role: Client, linked_engine: Engine) -> None:
    person = _biggest_person(linked_engine)
    client = as_role("caseworker")
    data = client.get(f"/api/persons/{person}").json()
    page = client.get(f"/persons/{person}").text
    table = page.split('id="records-side-by-side"')[1].split("</table>")[0]
    head = table.split("</thead>")[0]
    assert head.count('<th scope="col"') == 1 + len(data["records"])  # fields + records
    assert "article" not in page.split('id="person-records"')[1].split("</section>")[0]
    differing = [f for f in ("surname", "given_name", "unit", "status", "event_date")
                 if len({str(r[f]).casefold() for r in data["records"] if r[f]}) > 1]
    assert differing, "the biggest person's records all agree: pick another"
    for field in differing:
        row = table.split(f'data-field="{field}"')[1].split("</tr>")[0]
        assert "<mark" in row, field
    assert 'class="differs"' in table


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_no_caseworker_page_shows_a_raw_code(as_role: Client, linked_engine: Engine,
                                             language: str) -> None:
    client = as_role("admin")
    persons = [_biggest_person(linked_engine)]
    with linked_engine.connect() as conn:
        captive = conn.execute(select(statuses_table.c.person_id).where(
            statuses_table.c.substatus == "captivity_confirmed",
            statuses_table.c.valid_to.is_(None)).limit(1)).scalar()
    assert captive is not None
    persons.append(int(captive))
    pages = ["/persons?q=Гребенюк", "/review", "/imports"]
    pages += [f"/persons/{p}" for p in persons] + [f"/persons/{p}/linkage" for p in persons]
    for path in pages:
        html = client.get(path, params={"lang": language}).text
        body = html.split("<main>")[1].split("</main>")[0]
        body = re.sub(r'<details id="person-originals">.*?</details>', "", body,
                      flags=re.S)  # the rows as received, in the list's own words
        text = re.sub(r"<[^>]+>", " ", body)
        assert not CODES.search(text), (path, language, CODES.findall(text)[:5])
    captive_page = client.get(f"/persons/{captive}", params={"lang": "uk"}).text
    assert "у полоні" in captive_page.split('id="person-state"')[1].split("</strong>")[0]


def _person_of(engine: Engine, record_id: int) -> int:
    m = person_records_table.c
    with engine.connect() as conn:
        return int(conn.execute(select(m.person_id).where(m.record_id == record_id))
                   .scalar_one())


def _has_status(engine: Engine, person: int) -> bool:
    s = statuses_table.c
    with engine.connect() as conn:
        return conn.execute(select(s.person_id).where(
            s.person_id == person, s.valid_to.is_(None))).first() is not None


def test_a_different_decision_in_the_web_app_splits_the_person_at_once(
        as_role: Client, linked_engine: Engine) -> None:
    item = next(i for i in open_items(linked_engine, limit=500) if i["kind"] == "pair"
                and i["left"]["person_id"] == i["right"]["person_id"])
    left, right = item["left"]["id"], item["right"]["id"]
    before = _person_of(linked_engine, left)
    client = as_role("caseworker")
    response = client.post(f"/review/{item['id']}", data={
        "decision": "different", "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    # No link run, no derive from the command line: the persons changed already.
    assert _person_of(linked_engine, left) == before
    after = _person_of(linked_engine, right)
    assert after != before and _has_status(linked_engine, after)
    page = client.get(response.headers["location"]).text
    assert f'href="/persons/{after}"' in page.split('id="review-relinked"')[1]
    lineage = client.get(f"/api/persons/{before}").json()["lineage"]
    assert any(line["action"] == "person split" and after in line["into"]
               for line in lineage)
    (line,) = read_audit(linked_engine, action="derive statuses")[-1:]
    assert line["actor"] == "caseworker" and line["detail"]["partial"]


def test_a_split_from_the_api_places_the_groups_at_once(
        as_role: Client, linked_engine: Engine) -> None:
    item = next(i for i in open_items(linked_engine, limit=500) if i["kind"] == "cluster")
    ids = [r["id"] for r in item["records"]]
    client = as_role("admin")
    answer = client.post(f"/api/review/{item['id']}", headers={"X-CSRF-Token": csrf(client)},
                         json={"decision": "split", "groups": [ids[:1], ids[1:]]})
    assert answer.status_code == 200, answer.text
    first, rest = _person_of(linked_engine, ids[0]), {_person_of(linked_engine, i)
                                                     for i in ids[1:]}
    assert len(rest) == 1 and first not in rest
    assert set(answer.json()["relinked"]) >= {first} | rest
    assert all(_has_status(linked_engine, p) for p in {first} | rest)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_message_id(as_role: Client, linked_engine: Engine,
                                    language: str) -> None:
    # Any catalogue key with an underscore in a page's text is a message left untranslated.
    ids = [k for k in catalogue("en") if "_" in k and k not in CANONICAL_FIELDS]
    leak = re.compile(r"\b(?:" + "|".join(map(re.escape, ids)) + r")\b")
    client = as_role("admin")
    person = _biggest_person(linked_engine)
    pages = ["/", "/family", "/family/report", "/family/case", "/login", "/persons",
             "/persons?q=Гребенюк", f"/persons/{person}", f"/persons/{person}/linkage",
             "/review", "/imports", "/analyst"]
    for path in pages:
        html = client.get(path, params={"lang": language}).text
        assert f'<html lang="{language}">' in html, path
        text = re.sub(r"<[^>]+>", " ", html)
        assert not leak.search(text), (path, language, leak.findall(text)[:5])
