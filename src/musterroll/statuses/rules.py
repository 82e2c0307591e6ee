"""Status rules: from a person's evidence events to one status, its history and conflicts.

The order in which a status may change (an arrow is a change the rules make without a
conflict; anything else is a conflict raised for review)::

    (no evidence) --> any status below
    missing (sought) ------------> missing (captivity confirmed) --> released
        |    |    |                          |                            |
        |    |    +--> found_alive           +--> killed (died in         +--> missing again
        |    +-------> search_ended               captivity, after the        (a new loss)
        |                                         capture date)            +--> killed
        +--> killed (reported) --> killed (identified)   [terminal]
    search_ended --> released | found_alive | killed | missing (captivity confirmed)
    found_alive --> missing again | killed

Practice the rules follow (each rule below cites its reason):

- Confirmed captivity keeps a person among the missing, with the sub-status "captivity
  confirmed": under the Law of Ukraine "On the legal status of persons missing under
  special circumstances" (2505-IX, 2022) the search continues until the person returns
  or is identified; the other side's acknowledgement is not a return.
- An identification (a DNA match report on remains) resolves a missing person as killed;
  the identification date is kept apart from the death date, which is often unknown.
- A court's declaration of death (Civil Code art. 46) is a flag on the person: it does
  not close the search, so the person stays among the missing.
- A release claimed only by the other side's exchange list, when our own list of the
  same exchange is in the register and does not name the person, does not change the
  status: the two lists disagree and a caseworker must check who came home.
- Contradictions (alive after a death, two identification reports, a death dated before
  a confirmed capture) are raised as conflicts with both events and never settled
  silently. The status shown meanwhile is that of the stronger evidence (verification
  level), the later report on a tie; a reviewer settles it with a correction event.
- Nothing is deleted: a correction is a new event that retracts an earlier one.

The rules are plain data and functions: they are handed events and return results, with
no database session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

__all__ = [
    "EVENT_KINDS",
    "KIND_TARGET",
    "LEVELS",
    "STATUSES",
    "Conflict",
    "Event",
    "DerivedStatus",
    "RuleContext",
    "Transition",
    "derive_status",
    "statuses_by_knowledge",
    "is_allowed",
]

# Derived statuses. `missing` has the sub-statuses `sought` and `captivity_confirmed`;
# `killed` has the bases `reported` and `identified`.
STATUSES: tuple[str, ...] = (
    "unknown", "missing", "released", "found_alive", "search_ended", "killed",
)  # fmt: skip

# Evidence events, in the order they are applied when two fall on the same day (a loss
# before what follows from it; an identification after the remains came home).
EVENT_KINDS: tuple[str, ...] = (
    "reported_missing", "captivity_confirmed", "reported_killed", "buried", "released",
    "found_alive", "search_ended", "remains_recovered", "identified", "declared_dead",
    "correction",
)  # fmt: skip

# Verification levels: how much a piece of evidence can be relied on, by its origin.
LEVELS: dict[str, int] = {
    "unverified": 1,  # open sources: obituaries, memorial books, social media
    "reported": 2,  # families' reports, the other side's lists
    "official": 3,  # our own authorities' notices, registers and exchange lists
    "forensic": 4,  # a DNA identification report
}

# The (status, sub-status) an event asks for; None for flags (no status of its own).
KIND_TARGET: dict[str, tuple[str, str | None] | None] = {
    "reported_missing": ("missing", "sought"),
    "captivity_confirmed": ("missing", "captivity_confirmed"),
    "released": ("released", None),
    "found_alive": ("found_alive", None),
    "search_ended": ("search_ended", None),
    "reported_killed": ("killed", "reported"),
    "buried": ("killed", "reported"),
    "identified": ("killed", "identified"),
    "remains_recovered": None,
    "declared_dead": None,
    "correction": None,
}

# The map at the top of this module as data: from (status, sub-status) to what may follow.
_ALLOWED: dict[tuple[str, str | None], frozenset[tuple[str, str | None]]] = {
    ("missing", "sought"): frozenset({
        ("missing", "captivity_confirmed"), ("released", None), ("found_alive", None),
        ("search_ended", None), ("killed", "reported"), ("killed", "identified")}),
    ("missing", "captivity_confirmed"): frozenset({
        ("released", None), ("killed", "reported"), ("killed", "identified")}),
    ("released", None): frozenset({
        ("missing", "sought"), ("missing", "captivity_confirmed"), ("killed", "reported"),
        ("killed", "identified")}),
    ("found_alive", None): frozenset({
        ("missing", "sought"), ("missing", "captivity_confirmed"), ("killed", "reported"),
        ("killed", "identified")}),
    ("search_ended", None): frozenset({
        ("missing", "captivity_confirmed"), ("released", None), ("found_alive", None),
        ("killed", "reported"), ("killed", "identified")}),
    ("killed", "reported"): frozenset({("killed", "identified")}),
    ("killed", "identified"): frozenset(),
}

# Evidence that agrees with the current status without changing it (a family's report of
# the loss after a death notice is the same loss; a plain missing report does not undo
# confirmed captivity; an ended search says nothing new after a return or a death).
_CORROBORATES: dict[tuple[str, str | None], frozenset[tuple[str, str | None]]] = {
    ("missing", "captivity_confirmed"): frozenset({("missing", "sought")}),
    ("killed", "reported"): frozenset({("missing", "sought"), ("search_ended", None)}),
    ("killed", "identified"): frozenset({
        ("missing", "sought"), ("search_ended", None), ("killed", "reported")}),
    ("released", None): frozenset({("search_ended", None)}),
    ("found_alive", None): frozenset({("search_ended", None)}),
}


@dataclass(frozen=True)
class Event:
    """One dated, sourced piece of evidence about a person's status.

    Attributes:
        id: the event's id in the register.
        kind: one of ``EVENT_KINDS``.
        date: the date of the fact (partial ISO: ``2023``, ``2023-05``, ``2023-05-12``),
            None when the evidence does not say (then ``reported`` orders it).
        reported: the date the source reported it (partial ISO) or None.
        known_on: the date the register received the evidence (ISO day).
        level: the verification level (``LEVELS`` values).
        source: the source's name.
        record_id: the record it comes from, None for a workflow event without a record.
        exchange_id: for a release, the exchange; ``side`` is ``own`` or ``other``.
        retracts: for a correction, the id of the event it retracts.
    """

    id: int
    kind: str
    date: str | None
    reported: str | None
    known_on: str
    level: int
    source: str
    record_id: int | None = None
    exchange_id: str | None = None
    side: str | None = None
    retracts: int | None = None


@dataclass(frozen=True)
class RuleContext:
    """Facts beyond one person's events that the rules need.

    Attributes:
        own_exchange_lists: exchange id -> the day our own side's list of it reached the
            register (a release only the other side lists is then not accepted).
        as_of: the day the status is derived as known on (None: on all the evidence).
    """

    own_exchange_lists: Mapping[str, str] = field(default_factory=dict)
    as_of: str | None = None

    def has_own_list(self, exchange_id: str) -> bool:
        """Return whether our own list of `exchange_id` was in the register by `as_of`."""
        day = self.own_exchange_lists.get(exchange_id)
        return day is not None and (self.as_of is None or day <= self.as_of)


@dataclass(frozen=True)
class Transition:
    """A change of status with the event that made it (or was refused, in a conflict)."""

    event_id: int
    date: str | None
    known_on: str
    status: str
    substatus: str | None


@dataclass(frozen=True)
class Conflict:
    """Two pieces of evidence that cannot both be true, for a reviewer."""

    kind: str
    event_a: int
    event_b: int
    message: str


@dataclass
class DerivedStatus:
    """A person's derived status with its dates, flags, history and conflicts."""

    status: str = "unknown"
    substatus: str | None = None
    level: int = 0
    event_id: int | None = None
    source: str | None = None
    death_date: str | None = None
    identified_date: str | None = None
    missing_date: str | None = None
    captured_date: str | None = None
    released_date: str | None = None
    missing_ever: bool = False
    declared_dead: bool = False
    remains_recovered: bool = False
    history: list[Transition] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def key(self) -> tuple[object, ...]:
        """The fields a status table stores (a change in any is a new history row)."""
        return (self.status, self.substatus, self.event_id, self.death_date,
                self.identified_date, self.missing_date, self.missing_ever,
                self.declared_dead, self.remains_recovered, len(self.conflicts))  # fmt: skip


def is_allowed(current: tuple[str, str | None], target: tuple[str, str | None]) -> bool:
    """Return whether the map at the top of this module allows `current` -> `target`."""
    return current[0] == "unknown" or target in _ALLOWED.get(current, frozenset())


def _sort_key(event: Event) -> tuple[str, int, str, int]:
    when = event.date or event.reported or event.known_on
    return (when, EVENT_KINDS.index(event.kind), event.reported or "", event.id)


def _day(value: str | None) -> str:
    """Pad a partial date to its first day for comparisons ("2023" -> "2023-01-01")."""
    if not value:
        return ""
    return value + "-01-01"[len(value) - 4:] if len(value) < 10 else value


def derive_status(events: Iterable[Event], context: RuleContext | None = None) -> DerivedStatus:
    """Derive one person's status from all of their evidence events.

    Args:
        events: the person's events, in any order (retracted ones are skipped; a
            correction retracts the event it names).
        context: facts beyond the person (see ``RuleContext``).
    Returns:
        The derived status: status, sub-status, dates, flags, the history of changes with the event
        of each, and the conflicts raised (both events of each).
    """
    context = context or RuleContext()
    items = list(events)
    retracted = {e.retracts for e in items if e.kind == "correction" and e.retracts}
    derived = DerivedStatus()
    identifications: list[Event] = []
    # Exchanges whose list from our own side names this person: the other side's list of
    # the same exchange then only repeats it (and may date it a day apart).
    named = frozenset(e.exchange_id for e in items if e.kind == "released"
                      and e.side == "own" and e.exchange_id and e.id not in retracted)
    for event in sorted(items, key=_sort_key):
        if event.id in retracted or event.kind == "correction":
            continue
        _apply(derived, event, context, identifications, named)
    return derived


def _apply(derived: DerivedStatus, event: Event, context: RuleContext, identified: list[Event],
           named: frozenset[str | None]) -> None:
    """Apply one event to `derived` (in date order): flags, dates, then the status."""
    kind = event.kind
    if kind in ("reported_missing", "captivity_confirmed"):
        derived.missing_ever = True
        derived.missing_date = derived.missing_date or event.date
    if kind == "captivity_confirmed":
        derived.captured_date = derived.captured_date or event.date
    if kind in ("reported_killed", "buried") and event.date and derived.death_date is None:
        derived.death_date = event.date
    if kind == "declared_dead":
        derived.declared_dead = True  # a flag: the search goes on (Civil Code art. 46)
        return
    if kind == "remains_recovered":
        derived.remains_recovered = True
        return
    if kind == "identified":
        derived.remains_recovered = True
        if identified:
            # One person's remains may come in several bags: a second report is normal
            # but the association is checked by a reviewer (commingled remains).
            derived.conflicts.append(Conflict(
                "identified_twice", identified[0].id, event.id,
                f"identified again by {event.source} (event {event.id}) after event "
                f"{identified[0].id}: several remains, or a wrong association"))
        identified.append(event)
        derived.identified_date = derived.identified_date or event.reported or event.date
    if kind == "released" and event.side == "other" and event.exchange_id in named:
        return  # our own list of this exchange names the person: its event decides
    if kind == "released" and _is_one_sided(event, context) and derived.status == "missing":
        derived.conflicts.append(Conflict(
            "release_one_side", event.id, event.id,
            f"the other side lists a release in exchange {event.exchange_id} "
            "that our own list of it does not"))
        return
    target = KIND_TARGET[kind]
    assert target is not None
    _change(derived, event, target)


def _is_one_sided(event: Event, context: RuleContext) -> bool:
    return (event.side == "other" and event.exchange_id is not None
            and context.has_own_list(event.exchange_id))


def _change(derived: DerivedStatus, event: Event, target: tuple[str, str | None]) -> None:
    """Move `derived` to `target` if the map allows it; else raise a conflict."""
    current = (derived.status, derived.substatus)
    if target == current or target in _CORROBORATES.get(current, frozenset()):
        if target == current and event.level > derived.level:
            derived.level, derived.event_id, derived.source = event.level, event.id, event.source
        return
    if current == ("missing", "captivity_confirmed") and target[0] == "killed" and \
            target[1] == "reported" and _day(event.date) <= _day(derived.captured_date):
        # A death dated on or before the capture contradicts the capture itself.
        _contradict(derived, event, target, "death_before_capture")
        return
    if is_allowed(current, target):
        _set(derived, event, target)
        return
    _contradict(derived, event, target, "alive_after_death" if current[0] == "killed"
                else "contradiction")


def _contradict(derived: DerivedStatus, event: Event, target: tuple[str, str | None],
                kind: str) -> None:
    """Raise a conflict; the stronger evidence (the later one on a tie) sets the status."""
    assert derived.event_id is not None
    derived.conflicts.append(Conflict(
        kind, derived.event_id, event.id,
        f"{derived.status}/{derived.substatus or '-'} per {derived.source}"
        f" (event {derived.event_id}) "
        f"but {event.kind} per {event.source} (event {event.id})"))
    if event.level >= derived.level:
        _set(derived, event, target)


def _set(derived: DerivedStatus, event: Event, target: tuple[str, str | None]) -> None:
    derived.status, derived.substatus = target
    derived.level, derived.event_id, derived.source = event.level, event.id, event.source
    if target[0] == "released":
        derived.released_date = event.date
    derived.history.append(Transition(event.id, event.date, event.known_on, *target))


def statuses_by_knowledge(events: Sequence[Event], context: RuleContext | None = None
                       ) -> list[tuple[str, DerivedStatus]]:
    """Derive a person's status as known on each day new evidence arrived.

    Args:
        events: all of the person's events.
        context: see ``derive_status``.
    Returns:
        (known_on, derived) for each day the derived status changed, oldest first; the last is
        the status on all the evidence.
    """
    context = context or RuleContext()
    out: list[tuple[str, DerivedStatus]] = []
    days = {e.known_on for e in events}
    # Our own list of an exchange arriving later can change a person's status too.
    days |= {context.own_exchange_lists[e.exchange_id] for e in events
             if e.side == "other" and e.exchange_id is not None
             and e.exchange_id in context.own_exchange_lists}
    for day in sorted(days):
        derived = derive_status([e for e in events if e.known_on <= day],
                           replace(context, as_of=day))
        if not out or out[-1][1].key() != derived.key():
            out.append((day, derived))
    return out

