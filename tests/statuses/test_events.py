"""The evidence events of one record (`events_for_record`): what a row says of a status."""

from __future__ import annotations

import json

from musterroll.statuses.events import events_for_record
from musterroll.statuses.rules import LEVELS


def _register_row(extra: dict[str, str]) -> dict[str, object]:
    """A row of the register of the missing: status missing, what else it says in extra."""
    return {"status": "missing", "event_date": "2023-03-02", "reported_date": "2023-03-20",
            "extra": json.dumps(extra, ensure_ascii=False)}


def test_a_row_of_the_missing_is_one_report_of_the_loss() -> None:
    events = events_for_record(_register_row({"Стан розшуку": "розшукується"}),
                               kind="official")
    assert [(e.kind, e.event_date, e.level) for e in events] == [
        ("reported_missing", "2023-03-02", LEVELS["official"])]


def test_a_search_closed_because_the_person_was_found_says_found_alive() -> None:
    events = events_for_record(_register_row({
        "Стан розшуку": "розшук припинено", "Дата припинення розшуку": "14.05.2023",
        "Підстава припинення розшуку": "Місцезнаходження особи встановлено"}),
        kind="official")
    assert [(e.kind, e.event_date) for e in events] == [
        ("reported_missing", "2023-03-02"), ("found_alive", "2023-05-14"),
        ("search_ended", "2023-05-14")]
    assert events[-1].detail == {"ground": "Місцезнаходження особи встановлено"}


def test_a_search_closed_on_another_ground_keeps_the_ground_and_states_nothing_more() -> None:
    for ground in ("повернуто з полону", "ідентифіковано останки"):
        events = events_for_record(_register_row({
            "Стан розшуку": "розшук припинено", "Дата припинення розшуку": "14.05.2023",
            "Підстава припинення розшуку": ground}), kind="official")
        assert [e.kind for e in events] == ["reported_missing", "search_ended"]
        assert events[-1].detail == {"ground": ground}


def test_a_search_closed_without_a_ground_is_only_ended() -> None:
    events = events_for_record(_register_row({
        "Стан розшуку": "розшук припинено", "Дата припинення розшуку": "14.05.2023",
        "Підстава припинення розшуку": ""}), kind="official")
    assert [e.kind for e in events] == ["reported_missing", "search_ended"]
    assert events[-1].detail is None


def test_a_hotline_report_closed_as_found_says_found_alive_at_the_reports_level() -> None:
    row = {"status": "missing", "event_date": "2023-03-02", "reported_date": "2023-03-05",
           "extra": json.dumps({"Результат": "знайшовся", "Дата закриття": "21.03.2023"},
                               ensure_ascii=False)}
    events = events_for_record(row, kind="family_report")
    assert [(e.kind, e.event_date, e.level) for e in events] == [
        ("reported_missing", "2023-03-02", LEVELS["reported"]),
        ("found_alive", "2023-03-21", LEVELS["reported"])]
    row["extra"] = json.dumps({"Результат": "", "Дата закриття": ""})
    assert [e.kind for e in events_for_record(row, kind="family_report")] == [
        "reported_missing"]
