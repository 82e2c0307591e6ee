"""The review queue for caseworkers and admins: records side by side, binding decisions.

The page and ``GET /api/review`` read ``linkage.review.open_items`` (most informative
first); a decision goes through ``linkage.review.decide_item`` (which writes the audit
line) and binds every later ``musterroll link`` run; it also takes effect at once:
``casework.relink.relink_item`` places the item's records as decided (link-only) and
derives the changed persons' statuses, so no command line is needed. Viewing the queue
shows personal data, so each view is audit-logged too.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, select
from starlette.concurrency import run_in_threadpool

from musterroll.casework.relink import relink_item
from musterroll.linkage.review import ReviewError, decide_item, open_items
from musterroll.store.audit import append_audit
from musterroll.store.linkage_models import review_items_table
from musterroll.web.auth import User
from musterroll.web.deps import Language, Register, require_role
from musterroll.web.pages import render
from musterroll.web.persons import field_text
from musterroll.web.review_view import groups_from_form, in_words, side_by_side

__all__ = ["ReviewDecisionIn", "ReviewDecisionOut", "router"]

router = APIRouter()
Caseworker = Annotated[User, Depends(require_role("caseworker", "admin"))]
REFUSED: dict[int | str, dict[str, Any]] = {401: {"description": "not logged in"},
                                            403: {"description": "role may not review"}}
ItemId = Annotated[int, Path(ge=1, le=2**62, description="A review item's id.")]
Limit = Annotated[int, Query(ge=1, le=200, description="At most this many items.")]


class ReviewDecisionIn(BaseModel):
    """A reviewer's decision on one open review item."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["same", "different", "unsure", "split"] = Field(
        description="Pairs: same, different or unsure. Clusters: same, split or unsure.")
    groups: list[list[int]] | None = Field(
        None, description="For split: a partition of the item's record ids into persons.")
    note: str | None = Field(None, max_length=2000, description="Why (kept with it).")


class ReviewDecisionOut(BaseModel):
    """The decision as recorded; it binds the next link run and took effect at once."""

    item_id: int
    decision: str
    reviewer: str
    relinked: list[int] = Field(
        default_factory=list, description="The persons that gained or lost records when "
        "the decision was applied (their statuses derived again); empty when they fitted.")


def _items(engine: Engine, user: User, limit: int, via: str) -> list[dict[str, Any]]:
    items = open_items(engine, limit=limit)
    with engine.begin() as conn:
        append_audit(conn, action="review queue view", subject="review_items",
                     actor=user.name, detail={"role": user.role, "via": via,
                                              "items": [int(i["id"]) for i in items]})
    return items


def _decide(engine: Engine, user: User, item_id: int, body: ReviewDecisionIn) -> list[int]:
    """Decide and apply the decision; return the persons that changed.

    404 for an unknown item, 409 for one not open or a decision not fitting it.
    """
    with engine.connect() as conn:
        known = conn.execute(select(review_items_table.c.id).where(
            review_items_table.c.id == item_id)).first()
    if known is None:
        raise HTTPException(404, f"no review item with id {item_id}")
    try:
        decide_item(engine, item_id, body.decision, groups=body.groups, reviewer=user.name,
                    note=body.note or None)
    except ReviewError as exc:
        raise HTTPException(409, str(exc)) from exc
    return relink_item(engine, item_id, body.decision, groups=body.groups, actor=user.name)


def _shown(engine: Engine, user: User, language: str) -> list[dict[str, Any]]:
    """The queue's items for the page: values in words, rows side by side."""
    text = partial(field_text, language)
    items = [in_words(item, text) for item in _items(engine, user, 20, "page")]
    return [{"item": item, "rows": side_by_side(item)} for item in items]


@router.get("/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(request: Request, engine: Register, language: Language, user: Caseworker,
                decided: Annotated[int | None, Query()] = None,
                relinked: Annotated[str, Query(max_length=2000)] = "") -> HTMLResponse:
    """The queue, most informative first, each item with its decision form."""
    persons = [int(p) for p in relinked.split(",") if p.isdigit()]
    return render(request, "review.html", language, user=user,
                  shown=_shown(engine, user, language), decided=decided, relinked=persons,
                  error=None)


@router.post("/review/{item_id}", include_in_schema=False)
async def review_form(request: Request, item_id: ItemId, engine: Register, language: Language,
                      user: Caseworker) -> Response:
    """Record the decision of the form; back to the queue (303), or the reason (404/409/422)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    decision = form.get("decision", "")
    groups = None
    if decision == "split":
        ids = [int(k.removeprefix("group_")) for k in form
               if k.startswith("group_") and k.removeprefix("group_").isdigit()]
        groups = groups_from_form(sorted(ids), form)
    try:
        body = ReviewDecisionIn.model_validate(
            {"decision": decision, "groups": groups, "note": form.get("note") or None})
        # The decision re-links and derives: on a worker thread, not the event loop.
        changed = await run_in_threadpool(_decide, engine, user, item_id, body)
    except (HTTPException, ValueError) as exc:
        message = exc.detail if isinstance(exc, HTTPException) else str(exc)
        code = exc.status_code if isinstance(exc, HTTPException) else 422
        shown = await run_in_threadpool(_shown, engine, user, language)
        return render(request, "review.html", language, user=user,
                      shown=shown, decided=None, relinked=[],
                      error={"item": item_id, "message": message}, status_code=code)
    relinked = ",".join(str(p) for p in changed)
    return RedirectResponse(f"/review?decided={item_id}&relinked={relinked}", status_code=303)


@router.get("/api/review", tags=["review"], responses=REFUSED)
def review_json(engine: Register, user: Caseworker, limit: Limit = 20) -> dict[str, Any]:
    """The open review items, most informative first, with their records (audit-logged)."""
    return {"items": _items(engine, user, limit, "api")}


@router.post("/api/review/{item_id}", response_model=ReviewDecisionOut, tags=["review"],
             responses={**REFUSED, 404: {"description": "no such review item"},
                        409: {"description": "the item is not open, or the decision (or "
                              "its groups) does not fit it; detail says why"}})
def review_decide_json(item_id: ItemId, body: ReviewDecisionIn, engine: Register,
                       user: Caseworker) -> ReviewDecisionOut:
    """Decide an item: it leaves the queue, binds every later link run, and its records
    are placed as decided now (the changed persons' statuses derived again)."""
    changed = _decide(engine, user, item_id, body)
    return ReviewDecisionOut(item_id=item_id, decision=body.decision, reviewer=user.name,
                             relinked=changed)
