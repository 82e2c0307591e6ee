"""Families: search for a relative, report a missing person, come back to a case.

Searches, reports, case look-ups and PDF extracts are rate-limited per client; each page
has a JSON twin under /api/family/ (the extract's twin answers with the same PDF).
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
    case_extract,
    lookup_report,
    report_missing,
    search_person,
)
from musterroll.web.pages import is_htmx, render
from musterroll.web.schemas import CaseIn, CaseOut, ReportIn, ReportOut, SearchIn, SearchOut

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


async def _search(request: Request, engine: Register, settings: Settings, user: User | None,
                  query: SearchIn) -> SearchAnswer:
    search = partial(search_person, engine, surname=query.surname,
                     given_name=query.given_name, patronymic=query.patronymic,
                     birth_date=query.birth_date, actor=_actor(request, settings, user))
    return await anyio.to_thread.run_sync(search, limiter=_search_threads(request))


@router.get("/family", response_class=HTMLResponse, include_in_schema=False)
def family_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The family search form."""
    return render(request, "family.html", language, user=user, answer=None, errors=None)


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
                  status_code=422 if errors else 200)


@router.post("/api/family/search", response_model=SearchOut, tags=["family"],
             dependencies=Limited, responses={403: {"description": "no CSRF token"},
                                              429: {"description": "rate limit"}})
async def family_search_json(request: Request, engine: Register, settings: Settings,
                             user: CurrentUser, query: SearchIn) -> SearchOut:
    """Search for one relative; found only for one strong match (same query as the page)."""
    answer = await _search(request, engine, settings, user, query)
    return SearchOut(found=answer.found, status=answer.status, reference=answer.reference)


def _report(request: Request, engine: Register, settings: Settings, user: User | None,
            body: ReportIn, language: str) -> tuple[str, str]:
    form = FamilyReportForm(
        surname=body.surname.strip(), given_name=body.given_name.strip(),
        patronymic=(body.patronymic or "").strip() or None, birth_date=body.birth_date,
        sex=body.sex, missing_since=body.missing_since, place=body.place, note=body.note)
    return report_missing(engine, form, language=language,
                          actor=_actor(request, settings, user))


@router.get("/family/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The form to report a missing relative."""
    return render(request, "report.html", language, user=user, done=None, errors=False)


@router.post("/family/report", response_class=HTMLResponse, include_in_schema=False,
             dependencies=Limited)
def report_form(request: Request, engine: Register, settings: Settings, language: Language,
                user: CurrentUser, surname: Annotated[str, Form()] = "",
                given_name: Annotated[str, Form()] = "",
                patronymic: Annotated[str, Form()] = "",
                birth_date: Annotated[str, Form()] = "", sex: Annotated[str, Form()] = "",
                missing_since: Annotated[str, Form()] = "",
                place: Annotated[str, Form()] = "",
                note: Annotated[str, Form()] = "") -> HTMLResponse:
    """Report (form): shows the case number and secret once."""
    raw: dict[str, Any] = {"surname": surname.strip(), "given_name": given_name.strip(),
                           "patronymic": patronymic or None, "birth_date": birth_date,
                           "sex": sex or None, "missing_since": missing_since or None,
                           "place": place or None, "note": note or None}
    try:
        body = ReportIn.model_validate(raw)
    except ValidationError:
        return render(request, "report.html", language, user=user, done=None, errors=True,
                      status_code=422)
    case, secret = _report(request, engine, settings, user, body, language)
    return render(request, "report.html", language, user=user,
                  done={"case_number": case, "secret": secret}, errors=False)


@router.post("/api/family/report", response_model=ReportOut, tags=["family"],
             dependencies=Limited, responses={403: {"description": "no CSRF token"},
                                              429: {"description": "rate limit"}})
def report_json(request: Request, engine: Register, settings: Settings, language: Language,
                user: CurrentUser, body: ReportIn) -> ReportOut:
    """Report a missing relative; returns the case number and secret (shown once)."""
    case, secret = _report(request, engine, settings, user, body, language)
    return ReportOut(case_number=case, secret=secret)


@router.get("/family/case", response_class=HTMLResponse, include_in_schema=False)
def case_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The form to come back to a case with its number and secret."""
    return render(request, "case.html", language, user=user, case=None, tried=False)


@router.post("/family/case", response_class=HTMLResponse, include_in_schema=False,
             dependencies=Limited)
def case_form(request: Request, engine: Register, settings: Settings, language: Language,
              user: CurrentUser, case_number: Annotated[str, Form(max_length=20)] = "",
              secret: Annotated[str, Form(max_length=100)] = "") -> HTMLResponse:
    """A case's state for the family holding its secret."""
    case = lookup_report(engine, case_number, secret, actor=_actor(request, settings, user))
    return render(request, "case.html", language, user=user, case=case, tried=True,
                  secret=secret.strip() if case else None, status_code=200 if case else 404)


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
                      status_code=404)
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
