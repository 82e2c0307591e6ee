"""Person data for caseworkers and admins: search, person pages, linkage; all audit-logged.

Every page has a JSON twin built by the same function of ``web.persons``; every view of
a person's data, and every search, appends a line to the audit log (who, what, when).
Analysts get pseudonymised data from ``routes_analyst`` instead; they, the public and
families are refused here (401 anonymous, 403 other roles).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine, select

from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import persons_table
from musterroll.web.auth import User
from musterroll.web.deps import Language, Register, require_role
from musterroll.web.pages import is_htmx, render
from musterroll.web.persons import (
    PersonNotFound,
    field_text,
    find_persons,
    person_linkage,
    person_page,
    records_side_by_side,
    status_text,
)

__all__ = ["PERSON_ROLES", "router"]

PERSON_ROLES = ("caseworker", "admin")
router = APIRouter()
Caseworker = Annotated[User, Depends(require_role(*PERSON_ROLES))]
REFUSED: dict[int | str, dict[str, Any]] = {401: {"description": "not logged in"},
                                            403: {"description": "role may not see persons"}}
PersonId = Annotated[int, Path(ge=1, le=2**62, description="A person id.")]
SearchQuery = Annotated[str, Query(min_length=1, max_length=200,
                                   description="A record id, or words that begin names.")]


def _audit(engine: Engine, user: User, action: str, subject: str, via: str,
           **detail: Any) -> None:
    with engine.begin() as conn:
        append_audit(conn, action=action, subject=subject, actor=user.name,
                     detail={"role": user.role, "via": via, **detail})


def _person(engine: Engine, user: User, person_id: int, via: str) -> dict[str, Any]:
    try:
        data = person_page(engine, person_id)
    except PersonNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    _audit(engine, user, "person view", f"person:{person_id}", via)
    return data


def _search(engine: Engine, user: User, q: str, via: str) -> list[dict[str, Any]]:
    found = find_persons(engine, q)
    _audit(engine, user, "person search", f"query:{q}", via, found=len(found))
    return found


@router.get("/persons", response_class=HTMLResponse, include_in_schema=False)
def persons_page(request: Request, engine: Register, language: Language, user: Caseworker,
                 q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """Find a person by name or record id (the search is audit-logged)."""
    q = q.strip()
    found = _search(engine, user, q, "page") if q else None
    return render(request, "persons.html", language, user=user, q=q, found=found,
                  status_text=partial(status_text, language))


@router.get("/api/persons", tags=["persons"], responses=REFUSED)
def persons_json(engine: Register, user: Caseworker, q: SearchQuery) -> dict[str, Any]:
    """Persons whose names begin with the query's words, or of a record id (audit-logged)."""
    return {"query": q, "persons": _search(engine, user, q.strip(), "api")}


@router.get("/persons/{person_id}", response_class=HTMLResponse, include_in_schema=False)
def person_html(request: Request, person_id: PersonId, engine: Register, language: Language,
                user: Caseworker) -> HTMLResponse:
    """A person's page: status, history with evidence, conflicts, records with provenance."""
    data = _person(engine, user, person_id, "page")
    return render(request, "person.html", language, user=user, person=data,
                  rows=records_side_by_side(data["records"]),
                  status_text=partial(status_text, language),
                  field_text=partial(field_text, language))


@router.get("/api/persons/{person_id}", tags=["persons"],
            responses={**REFUSED, 404: {"description": "no such person"}})
def person_json(person_id: PersonId, engine: Register, user: Caseworker) -> dict[str, Any]:
    """A person's status, history with evidence, conflicts and records (audit-logged)."""
    return _person(engine, user, person_id, "api")


def _linkage(engine: Engine, user: User, person_id: int, via: str) -> dict[str, Any]:
    data = person_linkage(engine, person_id)
    if data.get("error"):
        with engine.connect() as conn:
            known = conn.execute(select(persons_table.c.id)
                                 .where(persons_table.c.id == person_id)).first()
        if known is None:  # no explanation because no such person: not an empty answer
            raise HTTPException(404, f"no person with id {person_id}")
    _audit(engine, user, "person linkage view", f"person:{person_id}", via)
    return data


@router.get("/persons/{person_id}/linkage", response_class=HTMLResponse,
            include_in_schema=False)
def linkage_html(request: Request, person_id: PersonId, engine: Register, language: Language,
                 user: Caseworker) -> HTMLResponse:
    """Why the person's records were linked: an htmx fragment (or a page without htmx)."""
    data = _linkage(engine, user, person_id, "page")
    template = "_linkage.html" if is_htmx(request) else "linkage.html"
    return render(request, template, language, user=user, linkage=data)


@router.get("/api/persons/{person_id}/linkage", tags=["persons"],
            responses={**REFUSED, 404: {"description": "no such person"}})
def linkage_json(person_id: PersonId, engine: Register, user: Caseworker) -> dict[str, Any]:
    """Each pair of the person's records: the match weight of every comparison."""
    return _linkage(engine, user, person_id, "api")
