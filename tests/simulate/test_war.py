"""The simulated war on disk honours docs/simulation-format.md and looks like real lists."""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from musterroll.simulate import SimulationSummary, simulate_war

from .readback import read_rows


def _hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    simulate_war(tmp_path / "a", seed=11, people=3000, civilians=True)
    simulate_war(tmp_path / "b", seed=11, people=3000, civilians=True)
    simulate_war(tmp_path / "c", seed=12, people=3000, civilians=True)
    a, b, c = _hashes(tmp_path / "a"), _hashes(tmp_path / "b"), _hashes(tmp_path / "c")
    assert len(a) > 10 and a == b
    assert a["truth/persons.csv"] != c["truth/persons.csv"]


def test_at_least_seven_kinds_three_formats_two_encodings(manifest: dict[str, Any]) -> None:
    sources = manifest["sources"]
    kinds = {s["kind"] for s in sources}
    assert kinds == {"official", "family_report", "adversary", "exchange", "repatriation",
                     "burial", "open_source"}
    assert {s["format"] for s in sources} == {"csv", "xlsx", "jsonl"}
    assert {s["encoding"] for s in sources if s["format"] == "csv"} >= {"utf-8", "cp1251"}
    assert {s["language"] for s in sources} == {"uk", "ru", "latin"}
    assert {s["delimiter"] for s in sources if s["format"] == "csv"} == {",", ";"}


def test_manifest_entries_match_the_files(war: tuple[Path, SimulationSummary],
                                          manifest: dict[str, Any]) -> None:
    root = war[0]
    names = [s["name"] for s in manifest["sources"]]
    assert len(names) == len(set(names))
    for entry in manifest["sources"]:
        assert re.fullmatch(r"[a-z0-9_]+", entry["name"])
        path = root / entry["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        headers, rows = read_rows(root, entry)
        assert len(rows) == entry["rows"] > 0, entry["name"]
        assert all(len(r) == len(headers) for r in rows)
        if entry["mapping"]:
            assert set(entry["mapping"]) <= set(headers)
        if entry["kind"] == "exchange":
            assert entry["side"] in ("ua", "ru") and re.fullmatch(r"EX\d{3}", entry["exchange_id"])


def test_truth_rows_cover_every_data_row_exactly_once(war: tuple[Path, SimulationSummary],
                                                      manifest: dict[str, Any]) -> None:
    with (war[0] / "truth" / "rows.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keys = Counter((r["source"], int(r["row"])) for r in rows)
    assert max(keys.values()) == 1
    expected = {(s["name"], i) for s in manifest["sources"] for i in range(1, s["rows"] + 1)}
    assert set(keys) == expected
    with (war[0] / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        persons = {r["person_id"] for r in csv.DictReader(fh)}
    assert len(persons) == manifest["people"]
    assert {r["person_id"] for r in rows} <= persons


def _persons(root: Path) -> dict[str, dict[str, str]]:
    with (root / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        return {r["person_id"]: r for r in csv.DictReader(fh)}


def test_patronymic_endings_match_sex(war: tuple[Path, SimulationSummary]) -> None:
    persons = _persons(war[0]).values()
    male = Counter(p["patronymic"][-4:] for p in persons if p["sex"] == "M")
    female = Counter(p["patronymic"][-4:] for p in persons if p["sex"] == "F")
    assert all(p["patronymic"].endswith(("ович", "йович", "іч")) for p in persons
               if p["sex"] == "M"), male
    assert all(p["patronymic"].endswith(("івна", "ївна")) for p in persons
               if p["sex"] == "F"), female
    sky = [p for p in persons if p["surname"].endswith(("ський", "ська"))]
    assert sky and all(p["surname"].endswith("ська") == (p["sex"] == "F") for p in sky)


def _list(root: Path, manifest: dict[str, Any], name: str) -> list[dict[str, Any]]:
    entry = next(s for s in manifest["sources"] if s["name"] == name)
    headers, rows = read_rows(root, entry)
    return [dict(zip(headers, r, strict=True)) for r in rows]


def _truth_of(root: Path, name: str) -> list[str]:
    with (root / "truth" / "rows.csv").open(encoding="utf-8") as fh:
        return [r["person_id"] for r in csv.DictReader(fh) if r["source"] == name]


def test_the_adversary_writes_russian_spellings_of_ukrainian_names(
        war: tuple[Path, SimulationSummary], manifest: dict[str, Any]) -> None:
    root = war[0]
    persons = _persons(root)
    rows = _list(root, manifest, "adversary_prisoner_list")
    truth = _truth_of(root, "adversary_prisoner_list")
    pairs = Counter((persons[pid]["given_name"], row["Имя"]) for pid, row in
                    zip(truth, rows, strict=True))
    assert pairs[("Олександр", "Александр")] > 0 or pairs[("Сергій", "Сергей")] > 0
    text = " ".join(str(r["Фамилия"]) + str(r["Отчество"]) for r in rows)
    assert re.search("[ыэё]|ев(ич|на)", text)


def test_latin_lists_use_several_romanisations(war: tuple[Path, SimulationSummary],
                                               manifest: dict[str, Any]) -> None:
    root = war[0]
    names = [r["full_name"] for r in _list(root, manifest, "obituaries")]
    assert all(re.fullmatch(r"[A-Za-z'\"\- ]+", n) for n in names)
    given = Counter(n.split()[0] for n in names)
    assert given["Oleksandr"] and (given["Alexander"] or given["Aleksandr"] or given["Sasha"])
    assert any('"' in n for n in names)  # call signs


def test_lists_carry_realistic_dirt(war: tuple[Path, SimulationSummary],
                                    manifest: dict[str, Any]) -> None:
    root = war[0]
    family = _list(root, manifest, "family_reports")
    births = [str(r["Дата народження"] or "") for r in family]
    assert any(re.fullmatch(r"\d{4}", b) for b in births)  # year only
    assert any(re.fullmatch(r"\d\d\.\d{4}", b) for b in births)  # month and year
    cyrillic = [str(r[k] or "") for r in family for k in ("Прізвище", "Ім'я")]
    assert any(re.search("[а-яіїєґ][a-zA-Z]|[a-zA-Z][а-яіїєґ]", w) for w in cyrillic)
    dims = Counter(str(r["Ім'я"]) for r in family)
    assert dims["Сашко"] + dims["Саша"] + dims["Вова"] + dims["Діма"] > 0
    assert any(re.match(r"(3[01]\.02|31\.0[469]|31\.11|00\.|32\.|\d\d\.13)", b) for b in births)
    apostrophes = {ch for r in family for ch in str(r["Ім'я"]) + str(r["Прізвище"])
                   if ch in "'’ʼ`"}
    assert len(apostrophes) >= 2
    burial = _list(root, manifest, "burial_register")
    assert all(len(str(r["ПІБ померлого"]).split()) >= 2 for r in burial)


def test_fates_have_plausible_relative_sizes(war: tuple[Path, SimulationSummary]) -> None:
    fates = war[1].fates
    total = sum(fates.values())
    assert 0.8 < fates["alive"] / total < 0.95
    dead_missing = fates["missing_killed"] + fates["missing_killed_identified"]
    captured = fates["captured"] + fates["captured_released"]
    assert 0.08 < (fates["killed"] + dead_missing) / total < 0.16
    assert min(fates["killed"], dead_missing) > captured > fates["found_alive"] > 0
    assert fates["captured_released"] > 0 and fates["missing_killed_identified"] > 0


def test_events_are_in_date_order_and_inside_the_war(war: tuple[Path, SimulationSummary],
                                                     manifest: dict[str, Any]) -> None:
    with (war[0] / "truth" / "events.csv").open(encoding="utf-8") as fh:
        events = list(csv.DictReader(fh))
    assert {e["event"] for e in events} == {"missing", "captured", "released", "killed",
                                            "remains_recovered", "identified", "buried",
                                            "found_alive"}
    assert all(manifest["war_start"] <= e["date"] <= manifest["as_of"] for e in events)
    last: dict[str, str] = {}
    for e in events:
        assert e["date"] >= last.get(e["person_id"], "")
        last[e["person_id"]] = e["date"]


def test_one_persons_remains_can_be_in_several_bags(war: tuple[Path, SimulationSummary],
                                                    manifest: dict[str, Any]) -> None:
    root = war[0]
    truth = Counter(_truth_of(root, "identification_reports"))
    rows = _list(root, manifest, "identification_reports")
    assert len({r["remains_id"] for r in rows}) == len(rows)
    assert max(truth.values()) >= 2
    assert all(r["likelihood_ratio"] >= 1e6 for r in rows)


def test_an_official_notice_makes_an_obituary_more_likely(
        war: tuple[Path, SimulationSummary]) -> None:
    root = war[0]
    official = set(_truth_of(root, "official_death_notices"))
    obits = set(_truth_of(root, "obituaries"))
    dead = {pid for pid, p in _persons(root).items()
            if p["fate"] in ("killed", "missing_killed_identified")}
    with_notice = len(obits & official) / len(official & dead)
    without = len(obits & (dead - official)) / len(dead - official)
    assert with_notice > 1.5 * without


def test_the_two_sides_exchange_lists_can_disagree(war: tuple[Path, SimulationSummary],
                                                   manifest: dict[str, Any]) -> None:
    root = war[0]
    by_exchange: dict[str, dict[str, set[str]]] = {}
    for s in manifest["sources"]:
        if s["kind"] == "exchange":
            by_exchange.setdefault(s["exchange_id"], {})[s["side"]] = set(
                _truth_of(root, s["name"]))
    assert len(by_exchange) >= 10
    assert any(sides.get("ua") != sides.get("ru") for sides in by_exchange.values())


@pytest.mark.parametrize("people", [0, -5])
def test_a_war_needs_people(tmp_path: Path, people: int) -> None:
    with pytest.raises(ValueError, match="people must be positive"):
        simulate_war(tmp_path, seed=1, people=people)


def test_lists_are_snapshots_of_different_days(manifest: dict[str, Any]) -> None:
    published = {s["name"]: s["published"] for s in manifest["sources"]}
    assert published["official_death_notices"] == manifest["as_of"]
    assert published["adversary_prisoner_list"] < manifest["as_of"]
    for s in manifest["sources"]:
        assert manifest["war_start"] <= s["published"] <= manifest["as_of"]
        if s["kind"] == "exchange":
            assert s["published"] == s["exchange_date"]


def test_a_familys_report_makes_a_register_entry_more_likely(
        war: tuple[Path, SimulationSummary]) -> None:
    root = war[0]
    family = set(_truth_of(root, "family_reports"))
    register = set(_truth_of(root, "missing_persons_register"))
    with (root / "truth" / "events.csv").open(encoding="utf-8") as fh:
        missing = {e["person_id"] for e in csv.DictReader(fh) if e["event"] == "missing"}
    assert len(register & family) / len(family) > 1.3 * len(register - family) / len(
        missing - family)


def test_the_militarys_missing_notices_do_not_follow_the_families(
        war: tuple[Path, SimulationSummary], manifest: dict[str, Any]) -> None:
    # The unit reports who did not come back whatever the family does: unlike the
    # register of the missing, a notice is about as likely with a family's report as
    # without one, and only soldiers who went missing are on it.
    root = war[0]
    family = set(_truth_of(root, "family_reports"))
    notices = set(_truth_of(root, "official_missing_notices"))
    persons = _persons(root)
    with (root / "truth" / "events.csv").open(encoding="utf-8") as fh:
        missing = {e["person_id"] for e in csv.DictReader(fh) if e["event"] == "missing"}
    assert len(notices) > 100 and notices <= missing
    assert all(persons[pid]["fate"] != "alive" for pid in notices)
    with_report = len(notices & family) / len(missing & family)
    without = len(notices - family) / len(missing - family)
    assert 0.75 < with_report / without < 1.33
    rows = _list(root, manifest, "official_missing_notices")
    assert {r["status"] for r in rows} == {"missing", "found_alive"}
    assert all(r["event_date"] < r["reported_date"] for r in rows)


def test_lists_say_who_was_found_alive_and_why_a_search_ended(
        war: tuple[Path, SimulationSummary], manifest: dict[str, Any]) -> None:
    # The command updates a missing notice when its soldier is found (one row per
    # soldier: the list is deduplicated); the register of the missing names the ground a
    # search ended on; a hotline closes a family's report as found. All must match the
    # true fate.
    root = war[0]
    persons = _persons(root)
    notices = list(zip(_truth_of(root, "official_missing_notices"),
                       _list(root, manifest, "official_missing_notices"), strict=True))
    assert len({pid for pid, _ in notices}) == len(notices)
    found = [pid for pid, row in notices if row["status"] == "found_alive"]
    assert found and {persons[pid]["fate"] for pid in found} == {"found_alive"}
    fates_by_ground: dict[str, set[str]] = {}
    for pid, row in zip(_truth_of(root, "missing_persons_register"),
                        _list(root, manifest, "missing_persons_register"), strict=True):
        ground = row["Підстава припинення розшуку"] or ""
        assert bool(ground) == (row["Стан розшуку"] == "розшук припинено")
        fates_by_ground.setdefault(ground, set()).add(persons[pid]["fate"])
    assert fates_by_ground["місцезнаходження особи встановлено"] == {"found_alive"}
    assert fates_by_ground["повернуто з полону"] == {"captured_released"}
    assert fates_by_ground["ідентифіковано останки"] <= {"missing_killed_identified",
                                                          "captured_died"}
    closed = [pid for pid, row in zip(_truth_of(root, "family_reports"),
                                      _list(root, manifest, "family_reports"), strict=True)
              if row["Результат"]]
    assert closed and {persons[pid]["fate"] for pid in closed} == {"found_alive"}


def test_some_prisoners_die_in_captivity(tmp_path: Path) -> None:
    summary = simulate_war(tmp_path, seed=5, people=60_000)
    assert summary.fates["captured_died"] > 0
    with (tmp_path / "truth" / "persons.csv").open(encoding="utf-8") as fh:
        died = {p["person_id"] for p in csv.DictReader(fh) if p["fate"] == "captured_died"}
    with (tmp_path / "truth" / "events.csv").open(encoding="utf-8") as fh:
        events = [e["event"] for e in csv.DictReader(fh) if e["person_id"] in died]
    assert events.count("captured") == events.count("killed") == len(died)


def test_no_list_reports_an_event_before_it_happened(war: tuple[Path, SimulationSummary],
                                                     manifest: dict[str, Any]) -> None:
    root = war[0]
    for name in ("official_death_notices", "adversary_registry_latin", "obituaries"):
        for row in _list(root, manifest, name):
            assert row["event_date"][:7] <= row["reported_date"], (name, row)
    for row in _list(root, manifest, "family_reports"):
        lost = str(row["Дата зникнення"]).split(".")
        if len(lost) == 3:
            assert f"{lost[2]}-{lost[1]}-{lost[0]}" < row["Дата звернення"].date().isoformat()


def test_some_obituaries_report_killed_a_person_who_was_captured(
        war: tuple[Path, SimulationSummary]) -> None:
    root = war[0]
    persons = _persons(root)
    fates = Counter(persons[pid]["fate"] for pid in _truth_of(root, "obituaries"))
    assert fates["captured"] + fates["captured_released"] > 0
    assert fates["killed"] > 20 * (fates["captured"] + fates["captured_released"])


def test_russian_speaking_families_write_russian_forms(war: tuple[Path, SimulationSummary],
                                                       manifest: dict[str, Any]) -> None:
    root = war[0]
    persons = _persons(root)
    rows = _list(root, manifest, "family_reports")
    truth = _truth_of(root, "family_reports")
    russian = [(persons[pid]["oblast"], row["Ім'я"]) for pid, row in
               zip(truth, rows, strict=True) if str(row["Ім'я"]) in ("Александр", "Сергей")]
    assert russian
    assert all(str(row["Ім'я"]).strip()[:1].isupper() for row in rows)
