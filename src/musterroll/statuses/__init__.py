"""The register stage: evidence events -> one status per person, with history and conflicts.

- ``rules``: the status rules (plain functions over events; read them against the law).
- ``events``: every record's status and dates as evidence events.
- ``derive``: run the rules for every person, keep the derived tables current.
- ``dna``: DNA identifications proposed, confirmed or rejected (the forensic role's).

Names are loaded on first use (PEP 562), so that importing one module (``rules`` to read
the law, ``derive`` to keep statuses current) does not load the others.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from musterroll.statuses.derive import (
        DeriveSummary,
        derive_statuses,
        derived_after,
        ensure_derived,
        is_stale,
        iter_history,
    )
    from musterroll.statuses.events import events_for_record, materialise_record_events
    from musterroll.statuses.rules import (
        EVENT_KINDS,
        LEVELS,
        STATUSES,
        Conflict,
        DerivedStatus,
        Event,
        RuleContext,
        derive_status,
        statuses_by_knowledge,
    )

_WHERE = {
    "DeriveSummary": "derive", "derive_statuses": "derive", "iter_history": "derive",
    "derived_after": "derive", "ensure_derived": "derive", "is_stale": "derive",
    "events_for_record": "events", "materialise_record_events": "events",
    "EVENT_KINDS": "rules", "LEVELS": "rules", "STATUSES": "rules", "Conflict": "rules",
    "Event": "rules", "DerivedStatus": "rules", "RuleContext": "rules", "derive_status": "rules",
    "statuses_by_knowledge": "rules",
}  # fmt: skip

__all__ = [
    "EVENT_KINDS",
    "LEVELS",
    "STATUSES",
    "Conflict",
    "DeriveSummary",
    "Event",
    "DerivedStatus",
    "RuleContext",
    "derive_status",
    "derive_statuses",
    "derived_after",
    "ensure_derived",
    "events_for_record",
    "statuses_by_knowledge",
    "is_stale",
    "iter_history",
    "materialise_record_events",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines `name` on first use."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'musterroll.statuses' has no attribute {name!r}")
    return getattr(import_module(f"musterroll.statuses.{module}"), name)
