"""Families: search for a relative, report a missing person, come back to a case.

Searches, reports, case look-ups and PDF extracts are rate-limited per client; each page
has a JSON twin under /api/family/ (the extract's twin answers with the same PDF).

The family search must not be an oracle (issue 15: trying the days of a year told the
birth date in nine minutes). Beside the per-minute limit per address, a search counts
against its address and its browser session per day (429 past either), and against the
searched name however spelt, from any address: once `family_name_misses` searches of a
name found nothing within `family_name_hours`, that name is answered only through the
report form and the office, for every client, until the window passes. Only misses count;
searches of a name still running hold a place as possible misses, so concurrent guesses
cannot slip past and concurrent families who find their relative never lock the name
(``ratelimit.NameMisses``).
Every answer names the office to contact (settings ``office_*``).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from musterroll.web.auth import User
from musterroll.web.deps import (
    CurrentUser,
    Language,
    Register,
    Settings,
    client_address,
    search_limit,
)
from musterroll.web.extract_pdf import extract_pdf
from musterroll.web.family import (
    FamilyReportForm,
    SearchAnswer,
    audit_refused_search,
    case_extract,
    lookup_report,
    report_missing,
    search_name_key,
    search_person,
)
from musterroll.web.pages import is_htmx, render
from musterroll.web.schemas import (
    RELATIONSHIPS,
    CaseIn,
    CaseOut,
    ReportIn,
    ReportOut,
    SearchIn,
    SearchOut,
)
from musterroll.web.security import CSRF_COOKIE
from musterroll.web.settings import WebSettings

__all__ = ["router"]

router = APIRouter()
Limited = [Depends(search_limit)]


def _actor(request: Request, settings: Settings, user: User | None) -> str:
    """Who acts, for the audit log: the user, or the anonymous client's address."""
    return user.name if user else f"anonymous@{client_address(request, settings)}"


def _search_threads(request: Request) -> anyio.CapacityLimiter:
    """The few threads family searches run on, made once per app inside its event loop.

    In the default pool of 40 threads, 20 searching clients contend for the GIL and the
    unluckiest searches wait longest; a small pool of their own keeps the tail short
    (bench/bench_web_search.py) and leaves the default pool to the other pages.
    """
    state = request.app.state
    if getattr(state, "search_threads", None) is None:
        state.search_threads = anyio.CapacityLimiter(state.settings.search_threads)
    return state.search_threads


def office(settings: WebSettings) -> dict[str, str] | None:
    """The office families should contact, or None when none is configured."""
    found = {"name": settings.office_name, "phone": settings.office_phone,
             "address": settings.office_address, "hours": settings.office_hours}
    return found if any(found.values()) else None


async def _count_client(request: Request, settings: Settings, user: User | None,
                        actor: str, key: str, engine: Register) -> None:
    """Count a search against its address and session for the day; 429 past either."""
    state = request.app.state
    session = f"user:{user.name}" if user else request.cookies.get(CSRF_COOKIE) or "none"
    for limiter, who, reason in ((state.daily_limiter, client_address(request, settings),
                                  "address"), (state.session_limiter, session, "session")):
        wait = limiter.hit(who)
        if wait is not None:
            await anyio.to_thread.run_sync(partial(audit_refused_search, engine, key,
                                                   actor=actor, reason=reason))
            raise HTTPException(429, "too many searches today; send a report instead",
                                headers={"Retry-After": str(max(1, round(wait)))})


async def _search(request: Request, engine: Register, settings: Settings, user: User | None,
                  query: SearchIn) -> SearchAnswer:
    actor = _actor(request, settings, user)
    key = search_name_key(query.surname, query.given_name)
    await _count_client(request, settings, user, actor, key, engine)
    misses = request.app.state.name_misses
    if not await misses.enter(key):
        await anyio.to_thread.run_sync(partial(audit_refused_search, engine, key,
                                               actor=actor, reason="name"))
        return SearchAnswer(found=False, report_only=True)
    search = partial(search_person, engine, surname=query.surname,
                     given_name=query.given_name, patronymic=query.patronymic,
                     birth_date=query.birth_date, actor=actor)
    missed = False
    try:
        answer = await anyio.to_thread.run_sync(search, limiter=_search_threads(request))
        missed = not answer.found
    finally:
        misses.leave(key, missed=missed)
    return answer


@router.get("/family", response_class=HTMLResponse, include_in_schema=False)
def family_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The family search form."""
    return render(request, "family.html", language, user=user, answer=None, errors=None,
                  office=office(request.app.state.settings))


@router.post("/family/search", response_class=HTMLResponse, include_in_schema=False,
             dependencies=Limited)
async def family_search(request: Request, engine: Register, settings: Settings,
                        language: Language,
                  user: CurrentUser, surname: Annotated[str, Form()] = "",
                  given_name: Annotated[str, Form()] = "",
                  patronymic: Annotated[str, Form()] = "",
                  birth_date: Annotated[str, Form()] = "") -> HTMLResponse:
    """Search (form); htmx gets the ``_search_result.html`` fragment."""
    try:
        query = SearchIn(surname=surname.strip(), given_name=given_name.strip(),
                         patronymic=patronymic.strip() or None,
                         birth_date=birth_date)  # type: ignore[arg-type]
    except ValidationError:
        answer, errors = None, True
    else:
        answer, errors = await _search(request, engine, settings, user, query), False
    template = "_search_result.html" if is_htmx(request) else "family.html"
    return render(request, template, language, user=user, answer=answer, errors=errors,
                  office=office(settings), status_code=422 if errors else 200)


@router.post("/api/family/search", response_model=SearchOut, tags=["family"],
             dependencies=Limited, responses={403: {"description": "no CSRF token"},
                                              429: {"description": "rate limit"}})
async def family_search_json(request: Request, engine: Register, settings: Settings,
                             user: CurrentUser, query: SearchIn) -> SearchOut:
    """Search for one relative; found only for one strong match (same query as the page)."""
    answer = await _search(request, engine, settings, user, query)
    return SearchOut(found=answer.found, status=answer.status, reference=answer.reference,
                     sex=answer.sex, report_only=answer.report_only)  # type: ignore[arg-type]


def report_limit(request: Request, settings: Settings) -> None:
    """Count one report of this client for the day; 429 past ``report_daily_limit``."""
    wait = request.app.state.report_limiter.hit(client_address(request, settings))
    if wait is not None:
        raise HTTPException(429, "too many reports from this address today",
                            headers={"Retry-After": str(max(1, round(wait)))})


ReportLimited = [Depends(search_limit), Depends(report_limit)]


def _report(request: Request, engine: Register, settings: Settings, user: User | None,
            body: ReportIn, language: str) -> tuple[str, str]:
    form = FamilyReportForm(
        surname=body.surname.strip(), given_name=body.given_name.strip(),
        patronymic=(body.patronymic or "").strip() or None, birth_date=body.birth_date,
        sex=body.sex, missing_since=body.missing_since, place=body.place, note=body.note,
        contact=body.contact.strip(), relationship=body.relationship)
    return report_missing(engine, form, language=language,
                          actor=_actor(request, settings, user))


@router.get("/family/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The form to report a missing relative."""
    return render(request, "report.html", language, user=user, done=None, errors=False,
                  relationships=RELATIONSHIPS, office=office(request.app.state.settings))


@router.post("/family/report", response_class=HTMLResponse, include_in_schema=False,
             dependencies=ReportLimited)
def report_form(request: Request, engine: Register, settings: Settings, language: Language,
                user: CurrentUser, surname: Annotated[str, Form()] = "",
                given_name: Annotated[str, Form()] = "",
                patronymic: Annotated[str, Form()] = "",
                birth_date: Annotated[str, Form()] = "", sex: Annotated[str, Form()] = "",
                missing_since: Annotated[str, Form()] = "",
                place: Annotated[str, Form()] = "",
                note: Annotated[str, Form()] = "", contact: Annotated[str, Form()] = "",
                relationship: Annotated[str, Form()] = "") -> HTMLResponse:
    """Report (form): shows the case number and secret once."""
    raw: dict[str, Any] = {"surname": surname.strip(), "given_name": given_name.strip(),
                           "patronymic": patronymic or None, "birth_date": birth_date,
                           "sex": sex or None, "missing_since": missing_since or None,
                           "place": place or None, "note": note or None,
                           "contact": contact.strip(), "relationship": relationship}
    common: dict[str, Any] = {"user": user, "relationships": RELATIONSHIPS,
                              "office": office(settings)}
    try:
        body = ReportIn.model_validate(raw)
    except ValidationError:
        return render(request, "report.html", language, done=None, errors=True,
                      status_code=422, **common)
    case, secret = _report(request, engine, settings, user, body, language)
    return render(request, "report.html", language,
                  done={"case_number": case, "secret": secret}, errors=False, **common)


@router.post("/api/family/report", response_model=ReportOut, tags=["family"],
             dependencies=ReportLimited, responses={403: {"description": "no CSRF token"},
                                              429: {"description": "rate limit"}})
def report_json(request: Request, engine: Register, settings: Settings, language: Language,
                user: CurrentUser, body: ReportIn) -> ReportOut:
    """Report a missing relative; returns the case number and secret (shown once)."""
    case, secret = _report(request, engine, settings, user, body, language)
    return ReportOut(case_number=case, secret=secret)


@router.get("/family/case", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The form to come back to a case with its number and secret."""
    return render(request, "case.html", language, user=user, case=None, tried=False,
                  office=office(request.app.state.settings))


@router.post("/family/case", response_class=HTMLResponse, include_in_schema=False,
             dependencies=Limited)
def case_form(request: Request, engine: Register, settings: Settings, language: Language,
              user: CurrentUser, case_number: Annotated[str, Form(max_length=20)] = "",
              secret: Annotated[str, Form(max_length=100)] = "") -> HTMLResponse:
    """A case's state for the family holding its secret."""
    case = lookup_report(engine, case_number, secret, actor=_actor(request, settings, user))
    return render(request, "case.html", language, user=user, case=case, tried=True,
                  secret=secret.strip() if case else None, office=office(settings),
                  status_code=200 if case else 404)


@router.post("/api/family/case", response_model=CaseOut, tags=["family"],
             dependencies=Limited, responses={404: {"description": "no such case or secret"},
                                              403: {"description": "no CSRF token"},
                                              429: {"description": "rate limit"}})
def case_json(request: Request, engine: Register, settings: Settings, user: CurrentUser,
              body: CaseIn) -> CaseOut:
    """A case's state (same query as the page); 404 for a wrong number or secret."""
    case = lookup_report(engine, body.case_number, body.secret,
                         actor=_actor(request, settings, user))
    if case is None:
        raise HTTPException(404, "no case with this number and secret")
    return CaseOut(**case)




def _pdf(extract: dict[str, Any], language: str) -> Response:
    name = f"musterroll-{extract['case_number']}.pdf"
    # The extract is personal: never kept by a shared cache or the browser's.
    return Response(extract_pdf(extract, language=language), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@router.post("/family/case/extract", include_in_schema=False, dependencies=Limited,
             response_model=None)
def case_extract_form(request: Request, engine: Register, settings: Settings,
                      language: Language, user: CurrentUser,
                      case_number: Annotated[str, Form(max_length=20)] = "",
                      secret: Annotated[str, Form(max_length=100)] = "") -> Response:
    """The case's PDF extract (form, POST so that the secret stays out of the URL)."""
    extract = case_extract(engine, case_number, secret, actor=_actor(request, settings, user))
    if extract is None:
        return render(request, "case.html", language, user=user, case=None, tried=True,
                      office=office(settings), status_code=404)
    return _pdf(extract, language)


@router.post("/api/family/case/extract", tags=["family"], dependencies=Limited,
             response_class=Response,
             responses={200: {"content": {"application/pdf": {}},
                              "description": "the extract as a PDF"},
                        404: {"description": "no such case or secret"},
                        403: {"description": "no CSRF token"},
                        429: {"description": "rate limit"}})
def case_extract_json(request: Request, engine: Register, settings: Settings,
                      language: Language, user: CurrentUser, body: CaseIn) -> Response:
    """A case's extract as a PDF (same content as the page's); 404 for a wrong secret."""
    extract = case_extract(engine, body.case_number, body.secret,
                           actor=_actor(request, settings, user))
    if extract is None:
        raise HTTPException(404, "no case with this number and secret")
    return _pdf(extract, language)
