"""The register stage: evidence events -> one status per person, with history and conflicts.

- ``rules``: the status rules (plain functions over events; read them against the law).
- ``events``: every record's status and dates as evidence events.
- ``derive``: run the rules for every person, keep the derived tables current.
- ``counts``: documented counts as of any date.
"""

from musterroll.register.derive import DeriveSummary, derive_statuses, is_stale, iter_history
from musterroll.register.events import events_for_record, materialise_record_events
from musterroll.register.rules import (
    EVENT_KINDS,
    LEVELS,
    STATUSES,
    Conflict,
    Event,
    Fate,
    RuleContext,
    derive_fate,
    fates_by_knowledge,
)

__all__ = [
    "EVENT_KINDS",
    "LEVELS",
    "STATUSES",
    "Conflict",
    "DeriveSummary",
    "Event",
    "Fate",
    "RuleContext",
    "derive_fate",
    "derive_statuses",
    "events_for_record",
    "fates_by_knowledge",
    "is_stale",
    "iter_history",
    "materialise_record_events",
]
