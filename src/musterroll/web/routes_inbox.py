"""The caseworkers' inbox of families' reports: read, accept into the register, reject.

Also where a caseworker turns the case code a family was given by a search (``MR-...``)
into the person's page: families never see person ids, so the office needs this way back.

A report from the family form waits here (issue 15); accepting it runs
``casework.family_reports.accept_report`` (a record of its own list, link-only matching,
the person's status derived), rejecting it keeps it out of the register with a note. The
inbox shows what families wrote and how to reach them, so each view is audit-logged.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from musterroll.casework.family_reports import (
    ReportNotFound,
    accept_report,
    pending_reports,
    reject_report,
)
from musterroll.store.audit import append_audit
from musterroll.web.auth import User
from musterroll.web.deps import Language, Register, require_role
from musterroll.web.family import person_of_case_code
from musterroll.web.pages import render

__all__ = ["InboxDecisionIn", "router"]

router = APIRouter()
Caseworker = Annotated[User, Depends(require_role("caseworker", "admin"))]
ReportId = Annotated[int, Path(ge=1, le=2**62, description="A family report's id.")]
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in"}, 403: {"description": "role may not"},
    404: {"description": "no such report"},
    409: {"description": "decided already, or a rejection without a note"}}


class InboxDecisionIn(BaseModel):
    """A caseworker's decision on a family's report."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject"]
    note: str | None = Field(None, max_length=2000, description="Why (required to reject).")


def _reports(engine: Engine, user: User, via: str) -> list[dict[str, Any]]:
    reports = pending_reports(engine)
    with engine.begin() as conn:
        append_audit(conn, action="family inbox view", subject="family_reports",
                     actor=user.name, detail={"role": user.role, "via": via,
                                              "shown": [r["id"] for r in reports]})
    return reports


def _decide(engine: Engine, user: User, report_id: int, decision: str,
            note: str | None) -> dict[str, Any]:
    try:
        if decision == "accept":
            done = accept_report(engine, report_id, actor=user.name)
            return {"report_id": report_id, "decision": "accept",
                    "case_number": done.case_number, "person_id": done.person_id,
                    "new_person": done.new_person}
        case = reject_report(engine, report_id, note=note or "", actor=user.name)
    except ReportNotFound as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:  # ReportNotPending, or a rejection without a note
        raise HTTPException(409, str(exc)) from exc
    return {"report_id": report_id, "decision": "reject", "case_number": case}


@router.get("/inbox", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(request: Request, engine: Register, language: Language,
               user: Caseworker) -> HTMLResponse:
    """The reports waiting for a decision, oldest first."""
    return render(request, "inbox.html", language, user=user,
                  reports=_reports(engine, user, "page"), done=None, error=None)


@router.post("/inbox/{report_id}", response_class=HTMLResponse, include_in_schema=False)
def inbox_decide(request: Request, report_id: ReportId, engine: Register,
                 language: Language, user: Caseworker,
                 decision: Annotated[Literal["accept", "reject"], Form()],
                 note: Annotated[str, Form(max_length=2000)] = "") -> HTMLResponse:
    """Accept or reject one report (form); the inbox again, with what was done."""
    try:
        done, error = _decide(engine, user, report_id, decision, note), None
    except HTTPException as exc:
        done, error = None, {"id": report_id, "code": exc.status_code}
    return render(request, "inbox.html", language, user=user,
                  reports=_reports(engine, user, "page"), done=done, error=error,
                  status_code=200 if error is None else error["code"])


@router.get("/api/inbox", tags=["inbox"], responses=RESPONSES)
def inbox_json(engine: Register, user: Caseworker) -> dict[str, Any]:
    """The reports waiting for a decision (what the family wrote, how to reach them)."""
    return {"reports": _reports(engine, user, "api")}


@router.post("/api/inbox/{report_id}", tags=["inbox"], responses=RESPONSES)
def inbox_decide_json(report_id: ReportId, engine: Register, user: Caseworker,
                      body: InboxDecisionIn) -> dict[str, Any]:
    """Accept a report into the register, or reject it with a note."""
    return _decide(engine, user, report_id, body.decision, body.note)


def _person_of_code(engine: Engine, user: User, code: str) -> int:
    person = person_of_case_code(engine, code)
    with engine.begin() as conn:
        append_audit(conn, action="case code lookup", subject=f"code:{code.strip().upper()}",
                     actor=user.name, detail={"person_id": person, "role": user.role})
    if person is None:
        raise HTTPException(404, "no person has this case code")
    return person


CaseCode = Annotated[str, Query(min_length=1, max_length=20,
                                description="A family's case code, e.g. MR-7KQ3D-XW9PA.")]


@router.get("/cases", include_in_schema=False, response_model=None)
def case_code_page(engine: Register, user: Caseworker, code: CaseCode) -> RedirectResponse:
    """A family's case code: the person's page (audit-logged)."""
    return RedirectResponse(f"/persons/{_person_of_code(engine, user, code)}", status_code=303)


@router.get("/api/cases", tags=["inbox"], responses=RESPONSES)
def case_code_json(engine: Register, user: Caseworker, code: CaseCode) -> dict[str, Any]:
    """The person id behind a family's case code (audit-logged); 404 for an unknown code."""
    return {"code": code.strip().upper(), "person_id": _person_of_code(engine, user, code)}
