"""The status rules, case by case, against the practice they cite (register/rules.py)."""

from __future__ import annotations

from itertools import count

import pytest

from musterroll.statuses.rules import (
    LEVELS,
    Event,
    RuleContext,
    derive_status,
    is_allowed,
    statuses_by_knowledge,
)

_ids = count(1)


def ev(kind: str, date: str | None, *, level: str = "official", known: str = "2025-01-01",
       reported: str | None = None, source: str = "list", **kw: object) -> Event:
    """An event with a fresh id."""
    return Event(id=next(_ids), kind=kind, date=date, reported=reported, known_on=known,
                 level=LEVELS[level], source=source, **kw)  # type: ignore[arg-type]


def test_a_missing_report_makes_a_person_missing_and_sought() -> None:
    derived = derive_status([ev("reported_missing", "2022-05-01", level="reported")])
    assert (derived.status, derived.substatus, derived.missing_ever) == ("missing", "sought", True)


def test_confirmed_captivity_keeps_a_person_among_the_missing() -> None:
    derived = derive_status([ev("reported_missing", "2022-05-01", level="reported"),
                        ev("captivity_confirmed", "2022-05-02", level="reported")])
    assert (derived.status, derived.substatus) == ("missing", "captivity_confirmed")


def test_a_later_plain_missing_report_does_not_undo_confirmed_captivity() -> None:
    derived = derive_status([ev("captivity_confirmed", "2022-05-02", level="reported"),
                        ev("reported_missing", "2022-06-01", level="reported")])
    assert derived.substatus == "captivity_confirmed" and not derived.conflicts


def test_an_identification_resolves_a_missing_person_as_killed_with_dates_apart() -> None:
    derived = derive_status([
        ev("reported_missing", "2022-05-01", level="reported"),
        ev("reported_killed", "2022-05-01", level="unverified"),
        ev("identified", "2023-02-10", level="forensic", reported="2023-02-10"),
    ])
    assert (derived.status, derived.substatus) == ("killed", "identified")
    assert derived.death_date == "2022-05-01" and derived.identified_date == "2023-02-10"


def test_an_identification_without_a_death_date_leaves_the_death_date_unknown() -> None:
    derived = derive_status([ev("reported_missing", "2022-05-01", level="reported"),
                        ev("identified", "2023-02-10", level="forensic")])
    assert derived.death_date is None and derived.identified_date == "2023-02-10"


def test_a_declaration_of_death_is_a_flag_and_the_search_goes_on() -> None:
    derived = derive_status([ev("reported_missing", "2022-05-01", level="reported"),
                        ev("declared_dead", "2024-05-01")])
    assert (derived.status, derived.declared_dead) == ("missing", True)


def test_killed_then_listed_in_a_later_exchange_is_a_conflict_with_both_events() -> None:
    notice = ev("reported_killed", "2022-06-01")
    exchange = ev("released", "2023-01-10", exchange_id="EX1", side="own")
    derived = derive_status([notice, exchange])
    assert [(c.kind, c.event_a, c.event_b) for c in derived.conflicts] == [
        ("alive_after_death", notice.id, exchange.id)]
    assert derived.status == "released"  # same level: the later evidence, flagged for review


def test_an_obituary_does_not_overrule_confirmed_captivity() -> None:
    derived = derive_status([ev("captivity_confirmed", "2022-05-02", level="reported"),
                        ev("reported_killed", "2022-05-02", level="unverified")])
    assert (derived.status, derived.substatus) == ("missing", "captivity_confirmed")
    assert [c.kind for c in derived.conflicts] == ["death_before_capture"]


def test_a_death_after_the_capture_is_a_death_in_captivity_without_conflict() -> None:
    derived = derive_status([ev("captivity_confirmed", "2022-05-02", level="reported"),
                        ev("reported_killed", "2023-01-02")])
    assert derived.status == "killed" and not derived.conflicts


def test_two_identification_reports_for_one_person_are_raised_for_review() -> None:
    derived = derive_status([ev("identified", "2023-02-10", level="forensic"),
                        ev("identified", "2023-08-10", level="forensic")])
    assert [c.kind for c in derived.conflicts] == ["identified_twice"]
    assert derived.identified_date == "2023-02-10"


def test_a_release_only_the_other_side_lists_is_not_accepted_when_ours_is_known() -> None:
    events = [ev("captivity_confirmed", "2022-05-02", level="reported"),
              ev("released", "2023-01-10", level="reported", exchange_id="EX7", side="other")]
    known = derive_status(events, RuleContext(own_exchange_lists={"EX7": "2023-01-10"}))
    assert known.status == "missing" and known.conflicts[0].kind == "release_one_side"
    unknown = derive_status(events)
    assert unknown.status == "released"


def test_a_correction_retracts_an_event_without_deleting_it() -> None:
    wrong = ev("reported_killed", "2022-06-01", level="unverified")
    events = [ev("reported_missing", "2022-06-01", level="reported"), wrong,
              ev("correction", None, retracts=wrong.id)]
    derived = derive_status(events)
    assert derived.status == "missing" and wrong in events


def test_every_status_change_is_in_the_history_with_its_event() -> None:
    events = [ev("reported_missing", "2022-05-01", level="reported"),
              ev("captivity_confirmed", "2022-05-02", level="reported"),
              ev("released", "2023-01-10", exchange_id="EX1", side="own")]
    derived = derive_status(events)
    assert [(t.event_id, t.status, t.substatus) for t in derived.history] == [
        (events[0].id, "missing", "sought"), (events[1].id, "missing", "captivity_confirmed"),
        (events[2].id, "released", None)]


def test_the_fate_as_known_on_each_day_follows_the_evidence_as_it_arrived() -> None:
    events = [ev("reported_missing", "2022-05-01", level="reported", known="2022-05-10"),
              ev("identified", "2023-02-10", level="forensic", known="2023-03-01")]
    spans = statuses_by_knowledge(events)
    assert [(day, f.status) for day, f in spans] == [("2022-05-10", "missing"),
                                                     ("2023-03-01", "killed")]


@pytest.mark.parametrize(("current", "target", "allowed"), [
    (("missing", "sought"), ("released", None), True),
    (("killed", "identified"), ("released", None), False),
    (("killed", "reported"), ("killed", "identified"), True),
    (("unknown", None), ("found_alive", None), True),
])
def test_the_map_of_changes(current: tuple[str, str | None], target: tuple[str, str | None],
                            allowed: bool) -> None:
    assert is_allowed(current, target) is allowed


def test_the_other_sides_list_dated_a_day_earlier_raises_no_conflict() -> None:
    events = [ev("captivity_confirmed", "2022-05-02", level="reported"),
              ev("released", "2023-01-09", level="reported", exchange_id="EX7", side="other"),
              ev("released", "2023-01-10", exchange_id="EX7", side="own")]
    derived = derive_status(events, RuleContext(own_exchange_lists={"EX7": "2023-01-10"}))
    assert (derived.status, derived.released_date, derived.conflicts) == (
        "released", "2023-01-10", [])
