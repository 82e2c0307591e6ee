"""Login, logout, who am I, and the CSRF token for API clients."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from musterroll.web.auth import authenticate, end_session, open_session
from musterroll.web.deps import (
    CurrentUser,
    Language,
    Register,
    Settings,
    client_address,
)
from musterroll.web.pages import render
from musterroll.web.schemas import CsrfOut, MeOut
from musterroll.web.security import SESSION_COOKIE

__all__ = ["router"]

router = APIRouter()


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, language: Language, user: CurrentUser) -> HTMLResponse:
    """The login form."""
    return render(request, "login.html", language, user=user, failed=False)


def _login_limit(request: Request, settings: Settings) -> None:
    # Slows password guessing: the same window as family searches, per client.
    if request.app.state.login_limiter.hit(client_address(request, settings)) is not None:
        raise HTTPException(429, "too many login attempts; wait a minute")


@router.post("/login", response_class=HTMLResponse, include_in_schema=False,
             dependencies=[Depends(_login_limit)])
def login(request: Request, engine: Register, settings: Settings, language: Language,
          name: Annotated[str, Form(max_length=200)],
          password: Annotated[str, Form(max_length=1000)]) -> Response:
    """Check the password; on success open a session and go to the dashboard."""
    user = authenticate(engine, name, password, max_failures=settings.login_failures,
                        lockout=timedelta(minutes=settings.lockout_minutes),
                        client=client_address(request, settings))
    if user is None:
        return render(request, "login.html", language, status_code=401, failed=True)
    token = open_session(engine, user, hours=settings.session_hours)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_hours * 3600,
                        httponly=True, samesite="strict", secure=settings.https, path="/")
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, engine: Register, user: CurrentUser) -> Response:
    """End the session and clear its cookie."""
    end_session(engine, request.cookies.get(SESSION_COOKIE), user)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/me", response_model=MeOut, tags=["auth"])
def me(user: CurrentUser) -> MeOut:
    """Who is logged in (role ``public`` when nobody is)."""
    return MeOut(name=None, role="public") if user is None else MeOut(name=user.name,
                                                                      role=user.role)


@router.get("/api/csrf", response_model=CsrfOut, tags=["auth"])
def csrf(request: Request) -> CsrfOut:
    """The CSRF token to send as X-CSRF-Token on POST, with the cookie set here."""
    return CsrfOut(csrf_token=request.state.csrf_token)
