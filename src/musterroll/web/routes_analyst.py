"""Analysts' pseudonymised person data (``web.analyst``): a page and its JSON twin.

Rows are k-anonymous (``web.kanon``, k the setting ``analyst_k``) and hold no captive.
Analysts (and admins) see no names, service numbers, settlements or full dates; they
still get 403 on the caseworkers' ``/api/persons/{id}``. Each view is audit-logged.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from musterroll.store.audit import append_audit
from musterroll.web.analyst import Release, analyst_persons, release_rows, release_version
from musterroll.web.auth import User
from musterroll.web.deps import Language, Register, Settings, require_role
from musterroll.web.pages import render
from musterroll.web.settings import WebSettings

__all__ = ["router"]

router = APIRouter()
Analyst = Annotated[User, Depends(require_role("analyst", "admin"))]
Limit = Annotated[int, Query(ge=1, le=1000, description="Persons per page.")]
Offset = Annotated[int, Query(ge=0, le=2**31, description="Persons to skip.")]


def _release(request: Request, engine: Engine, settings: WebSettings) -> Release:
    """The release, computed once per link run and derivation and kept on the app: it
    reads every person, and analysts page through it."""
    version = (release_version(engine), settings.analyst_k)
    kept = getattr(request.app.state, "analyst_release", None)
    if kept is None or kept[0] != version:
        kept = (version, release_rows(engine, settings.secret_key, settings.analyst_k))
        request.app.state.analyst_release = kept
    return kept[1]


def _persons(request: Request, engine: Engine, settings: WebSettings, user: User,
             limit: int, offset: int, via: str) -> dict[str, Any]:
    data = analyst_persons(engine, settings.secret_key, k=settings.analyst_k, limit=limit,
                           offset=offset, release=_release(request, engine, settings))
    with engine.begin() as conn:
        append_audit(conn, action="analyst persons view", subject="persons:pseudonymised",
                     actor=user.name, detail={"role": user.role, "via": via,
                                              "offset": offset, "limit": limit,
                                              "persons": len(data["persons"]),
                                              "k": data["k"]})
    return data


@router.get("/analyst", response_class=HTMLResponse, include_in_schema=False)
def analyst_page(request: Request, engine: Register, settings: Settings, language: Language,
                 user: Analyst, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                 offset: Offset = 0) -> HTMLResponse:
    """A page of pseudonymised persons, with the JSON twin for the whole register."""
    data = _persons(request, engine, settings, user, limit, offset, "page")
    return render(request, "analyst.html", language, user=user, data=data)


@router.get("/api/analyst/persons", tags=["analyst"],
            responses={401: {"description": "not logged in"},
                       403: {"description": "role may not see analysts' data"}})
def analyst_json(request: Request, engine: Register, settings: Settings, user: Analyst,
                 limit: Limit = 1000, offset: Offset = 0) -> dict[str, Any]:
    """Pseudonymised persons, k-anonymous: status, sex, birth band, region, quarter; no
    captives, names or exact dates."""
    return _persons(request, engine, settings, user, limit, offset, "api")
