"""Exchange and repatriation imports from the browser, for caseworkers and admins.

Each form calls the function its command calls (``musterroll exchange import``,
``musterroll repatriation import``) through ``web.imports.import_upload``; the report is
shown as a page, or returned as JSON by the twin under /api/imports/. The import writes
its own audit lines (ingest, matching, derivation) with the user's name.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from musterroll.casework.exchange import import_exchange
from musterroll.casework.repatriation import import_repatriation
from musterroll.sources import ReadError, load_mapping, open_reader
from musterroll.sources.normalise import Normaliser
from musterroll.web.auth import User
from musterroll.web.deps import Language, Register, require_role
from musterroll.web.imports import ImportFailed, import_upload
from musterroll.web.pages import render

__all__ = ["router"]

router = APIRouter()
Caseworker = Annotated[User, Depends(require_role("caseworker", "admin"))]
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "not logged in"}, 403: {"description": "role may not import"},
    422: {"description": "the file or a field cannot be imported; detail says why"}}
Status = Literal["identified", "remains_recovered"]


def _read(upload: UploadFile | None) -> tuple[str | None, bytes]:
    if upload is None:
        return None, b""
    return upload.filename, upload.file.read()


def _refuse_if_nothing_accepted(path: Path, mapping_path: Path | None) -> None:
    """Refuse a list of which no row would become a record, before anything is written.

    Otherwise the import reports success and records an exchange with nobody in it. The
    rows go through the sources stage's own reader and normalisation (nothing stored);
    a file it cannot read at all is left to the import, whose error names the file.
    """
    try:
        reader = open_reader(path)
    except (ReadError, LookupError, ValueError):
        return
    try:
        normaliser = Normaliser(header=reader.header, mapping=load_mapping(mapping_path),
                                file_id=0, source_id=0, strict_width=reader.format == "csv",
                                today=date.today())
        for batch in reader.batches(10_000):
            if normaliser.normalise(batch).records:
                return
    except (ReadError, ValueError):
        return
    finally:
        reader.close()
    raise ValueError(f"{path}: no row names a person (by a name or a number), so nothing "
                     "was imported and no exchange was recorded; check the file's columns "
                     "or give a mapping")


def _exchange(engine: Engine, user: User, upload: UploadFile, exchange_date: str,
                    side: str, exchange_id: str, mapping: UploadFile | None
                    ) -> dict[str, Any]:
    name, data = _read(upload)
    _, rules = _read(mapping)

    def run(path: Path, mapping_path: Path | None) -> Any:
        _refuse_if_nothing_accepted(path, mapping_path)
        return import_exchange(engine, path, exchange_date=exchange_date, side=side,
                               exchange_id=exchange_id.strip() or None,
                               mapping=mapping_path, actor=user.name)

    return import_upload(engine, name, data, run, mapping=rules or None)


def _repatriation(engine: Engine, user: User, upload: UploadFile, source: str,
                        default_status: str, mapping: UploadFile | None) -> dict[str, Any]:
    name, data = _read(upload)
    _, rules = _read(mapping)

    def run(path: Path, mapping_path: Path | None) -> Any:
        _refuse_if_nothing_accepted(path, mapping_path)
        return import_repatriation(engine, path, source=source.strip() or
                                   "identification_reports", mapping=mapping_path,
                                   default_status=default_status, actor=user.name)

    return import_upload(engine, name, data, run, mapping=rules or None)


def _page(request: Request, language: str, user: User, *, kind: str | None = None,
          report: dict[str, Any] | None = None, error: str | None = None,
          status_code: int = 200) -> HTMLResponse:
    return render(request, "imports.html", language, user=user, kind=kind, report=report,
                  error=error, today=date.today().isoformat(), status_code=status_code)


@router.get("/imports", response_class=HTMLResponse, include_in_schema=False)
def imports_page(request: Request, language: Language, user: Caseworker) -> HTMLResponse:
    """The upload forms for an exchange list and for identification reports."""
    return _page(request, language, user)


@router.post("/imports/exchange", response_class=HTMLResponse, include_in_schema=False)
def exchange_form(
    request: Request, engine: Register, language: Language, user: Caseworker,
    file: Annotated[UploadFile, File()], exchange_date: Annotated[str, Form()] = "",
    side: Annotated[str, Form(max_length=10)] = "",
    exchange_id: Annotated[str, Form(max_length=40)] = "",
    mapping: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import one side's list of an exchange; show the report or what to fix."""
    run = partial(_exchange, engine, user, file, exchange_date, side, exchange_id,
                  _given(mapping))
    return _answer(request, language, user, "exchange", run)


@router.post("/imports/repatriation", response_class=HTMLResponse, include_in_schema=False)
def repatriation_form(
    request: Request, engine: Register, language: Language, user: Caseworker,
    file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=200)] = "identification_reports",
    default_status: Annotated[str, Form()] = "identified",
    mapping: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Import identification reports of repatriated remains; show the report."""
    if default_status not in ("identified", "remains_recovered"):
        return _page(request, language, user, kind="repatriation", status_code=422,
                     error=f"default status must be identified or remains_recovered, "
                     f"not {default_status!r}")
    run = partial(_repatriation, engine, user, file, source, default_status,
                  _given(mapping))
    return _answer(request, language, user, "repatriation", run)


def _given(upload: UploadFile | None) -> UploadFile | None:
    # A browser sends an empty, nameless part for a file input left empty.
    return upload if upload is not None and upload.filename else None


def _answer(request: Request, language: str, user: User, kind: str,
                  run: Callable[[], dict[str, Any]]) -> HTMLResponse:
    try:
        report = run()
    except ImportFailed as exc:
        return _page(request, language, user, kind=kind, error=str(exc), status_code=422)
    return _page(request, language, user, kind=kind, report=report)


@router.post("/api/imports/exchange", tags=["imports"], responses=RESPONSES)
def exchange_json(
    engine: Register, user: Caseworker, file: Annotated[UploadFile, File()],
    exchange_date: Annotated[date, Form(description="The exchange day.")],
    side: Annotated[str, Form(min_length=1, max_length=10,
                              description="Whose list: ua (our own) or ru.")],
    exchange_id: Annotated[str, Form(max_length=40, description="Shared by both sides' "
                                     "lists (default EX-<date>).")] = "",
    mapping: Annotated[UploadFile | None, File(description="YAML: header -> field.")
                       ] = None,
) -> dict[str, Any]:
    """Import one side's exchange list: matches, releases, conflicts, the sides compared."""
    try:
        return _exchange(engine, user, file, exchange_date.isoformat(), side,
                               exchange_id, _given(mapping))
    except ImportFailed as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/api/imports/repatriation", tags=["imports"], responses=RESPONSES)
def repatriation_json(
    engine: Register, user: Caseworker, file: Annotated[UploadFile, File()],
    source: Annotated[str, Form(max_length=200)] = "identification_reports",
    default_status: Annotated[Status, Form()] = "identified",
    mapping: Annotated[UploadFile | None, File(description="YAML: header -> field.")
                       ] = None,
) -> dict[str, Any]:
    """Import identification reports: matches, bags and batches, conflicts."""
    try:
        return _repatriation(engine, user, file, source, default_status,
                                   _given(mapping))
    except ImportFailed as exc:
        raise HTTPException(422, str(exc)) from exc
