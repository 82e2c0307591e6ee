"""Person data for caseworkers and admins: every view is audit-logged.

The full caseworker person page (records with provenance, conflicts side by side) comes
next; this is the JSON of the fates stage's ``person_case``. Analysts will get a
pseudonymised view; until then they, like the public and families, are refused.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException

from musterroll.register.cases import person_case
from musterroll.store.audit import append_audit
from musterroll.web.auth import User
from musterroll.web.deps import Register, require_role

__all__ = ["PERSON_ROLES", "router"]

PERSON_ROLES = ("caseworker", "admin")
router = APIRouter()
Caseworker = Annotated[User, Depends(require_role(*PERSON_ROLES))]


@router.get("/api/persons/{person_id}", tags=["persons"],
            responses={401: {"description": "not logged in"},
                       403: {"description": "role may not see persons"},
                       404: {"description": "no such person"}})
def person_json(person_id: int, engine: Register, user: Caseworker) -> dict[str, Any]:
    """A person's status, history with evidence, and conflicts (audit-logged)."""
    try:
        case = person_case(engine, person_id)
    except ValueError as exc:
        raise HTTPException(404, str(exc)) from exc
    with engine.begin() as conn:
        append_audit(conn, action="person view", subject=f"person:{person_id}",
                     actor=user.name, detail={"role": user.role, "via": "api"})
    return case
