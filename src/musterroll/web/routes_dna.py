"""DNA proposals for the forensic role: list, look at one, confirm or reject; all audited.

Genetic data is special-category personal data (GDPR art. 9; docs/DESIGN.md's privacy model):
only the ``forensic`` role sees remains' profiles, families' references and proposals, not
even an admin; everyone else gets 401 (anonymous) or 403, and nothing of it is public.
Every page and its JSON twin read through ``statuses.dna``, which writes the view to the
audit log with the reader's name. A confirmation becomes an ``identified`` event with its
LR as evidence, and the person's status follows the rules.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import Engine

from musterroll.statuses.dna import (
    confirm_proposal,
    list_proposals,
    read_proposal,
    reject_proposal,
)
from musterroll.web.auth import User
from musterroll.web.deps import Language, Register, require_role
from musterroll.web.pages import render

__all__ = ["DNA_ROLES", "router"]

DNA_ROLES = ("forensic",)
router = APIRouter()
Forensic = Annotated[User, Depends(require_role(*DNA_ROLES))]
REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in"},
    403: {"description": "only the forensic role sees genetic data"}}
ProposalId = Annotated[int, Path(ge=1, le=2**62, description="A DNA proposal id.")]
STATUSES = ("proposed", "confirmed", "rejected")


class DecisionIn(BaseModel):
    """A forensic reviewer's decision on a proposal."""

    decision: str = Field(pattern="^(confirm|reject)$", description="confirm or reject")
    note: str = Field("", max_length=2000, description="Why (required to reject).")


class DecisionOut(BaseModel):
    """What a decision did."""

    proposal_id: int
    decision: str
    event_id: int | None
    reviewer: str


def _list(engine: Engine, user: User, status: str | None) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise HTTPException(422, f"status must be one of {', '.join(STATUSES)}")
    return list_proposals(engine, status=status, limit=500, actor=user.name)


def _one(engine: Engine, user: User, proposal_id: int) -> dict[str, Any]:
    try:
        return read_proposal(engine, proposal_id, actor=user.name)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc


def _decide(engine: Engine, user: User, proposal_id: int, body: DecisionIn) -> int | None:
    """Confirm or reject; 404 for an unknown proposal, 409 for one decided or no reason."""
    try:
        if body.decision == "confirm":
            return confirm_proposal(engine, proposal_id, actor=user.name, note=body.note)
        reject_proposal(engine, proposal_id, actor=user.name, note=body.note)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(409, str(exc)) from exc
    return None


@router.get("/dna", response_class=HTMLResponse, include_in_schema=False)
def dna_page(request: Request, engine: Register, language: Language, user: Forensic,
             status: Annotated[str | None, Query(max_length=20)] = "proposed") -> HTMLResponse:
    """The proposals of one status, highest LR first (the view is audit-logged)."""
    rows = _list(engine, user, status or None)
    return render(request, "dna.html", language, user=user, rows=rows, status=status,
                  statuses=STATUSES)


@router.get("/api/dna/proposals", tags=["dna"], responses=REFUSED)
def dna_json(engine: Register, user: Forensic,
             status: Annotated[str | None, Query(max_length=20)] = None) -> dict[str, Any]:
    """Proposals (of a status, or all), highest LR first (audit-logged)."""
    return {"status": status, "proposals": _list(engine, user, status)}


@router.get("/dna/proposals/{proposal_id}", response_class=HTMLResponse,
            include_in_schema=False)
def proposal_page(request: Request, proposal_id: ProposalId, engine: Register,
                  language: Language, user: Forensic) -> HTMLResponse:
    """One proposal: LR, posterior, the sample's profile beside the family's references."""
    data = _one(engine, user, proposal_id)
    refs = data.get("references") or {}
    return render(request, "dna_proposal.html", language, user=user, p=data,
                  members=refs.get("id", []), relationship=refs.get("relationship", {}),
                  genotypes=refs.get("genotypes", {}), profile=data.get("profile") or {})


@router.get("/api/dna/proposals/{proposal_id}", tags=["dna"],
            responses={**REFUSED, 404: {"description": "no such proposal"}})
def proposal_json(proposal_id: ProposalId, engine: Register, user: Forensic) -> dict[str, Any]:
    """One proposal with the profile and the references (audit-logged)."""
    return _one(engine, user, proposal_id)


@router.post("/dna/proposals/{proposal_id}", include_in_schema=False)
async def proposal_form(request: Request, proposal_id: ProposalId, engine: Register,
                        language: Language, user: Forensic) -> Response:
    """The form's decision; back to the list (303), or the reason (404/409/422)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        body = DecisionIn.model_validate({"decision": form.get("decision", ""),
                                          "note": form.get("note", "")})
    except ValueError as exc:
        raise HTTPException(422, "decision must be confirm or reject") from exc
    _decide(engine, user, proposal_id, body)
    return RedirectResponse(f"/dna?decided={proposal_id}", status_code=303)


@router.post("/api/dna/proposals/{proposal_id}", response_model=DecisionOut, tags=["dna"],
             responses={**REFUSED, 404: {"description": "no such proposal"},
                        409: {"description": "decided already, or a rejection without a "
                              "reason"}})
def proposal_decide_json(proposal_id: ProposalId, body: DecisionIn, engine: Register,
                         user: Forensic) -> DecisionOut:
    """Confirm (an identification event with its LR) or reject a proposal."""
    event_id = _decide(engine, user, proposal_id, body)
    return DecisionOut(proposal_id=proposal_id, decision=body.decision, event_id=event_id,
                       reviewer=user.name)
