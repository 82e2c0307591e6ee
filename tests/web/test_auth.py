"""Users, argon2 hashes, login and logout, and the `musterroll users add` command."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from musterroll.cli import app as cli
from musterroll.store import read_audit
from musterroll.store.web_models import web_sessions_table, web_users_table
from musterroll.web import UserError, add_user

from .conftest import PASSWORD, csrf, login


def test_passwords_are_stored_as_argon2_hashes_only(engine: Engine) -> None:
    with engine.connect() as conn:
        hashes = [r[0] for r in conn.execute(select(web_users_table.c.password_hash))]
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_a_wrong_password_gets_401_and_no_session(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/login", data={"name": "admin", "password": "wrong password!",
                                           "csrf_token": token})
    assert response.status_code == 401
    assert client.get("/api/me").json() == {"name": None, "role": "public"}


def test_login_and_logout(client: TestClient, engine: Engine) -> None:
    login(client, "caseworker")
    assert client.get("/api/me").json() == {"name": "caseworker", "role": "caseworker"}
    with engine.connect() as conn:
        tokens = [r[0] for r in conn.execute(select(web_sessions_table.c.token_hash))]
    assert len(tokens) == 1 and len(tokens[0]) == 64  # sha256, not the cookie's token
    assert tokens[0] not in str(client.cookies.get("musterroll_session"))
    response = client.post("/logout", headers={"X-CSRF-Token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/api/me").json()["role"] == "public"
    actions = [a["action"] for a in read_audit(engine)]
    assert "login" in actions and "logout" in actions


def test_the_session_cookie_is_httponly_and_strict(client: TestClient) -> None:
    token = csrf(client)
    response = client.post("/login", data={"name": "admin", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "musterroll_session=" in cookie
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_bad_users_are_refused(engine: Engine) -> None:
    with pytest.raises(UserError, match="role"):
        add_user(engine, "x", "superuser", PASSWORD)
    with pytest.raises(UserError, match="12"):
        add_user(engine, "x", "analyst", "short")
    with pytest.raises(UserError, match="exists"):
        add_user(engine, "admin", "admin", PASSWORD)


def test_users_add_reads_the_password_from_stdin(register_url: str, engine: Engine) -> None:
    result = CliRunner().invoke(cli, ["--db", register_url, "users", "add", "olena",
                                      "--role", "caseworker"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        role = conn.execute(select(web_users_table.c.role)
                            .where(web_users_table.c.name == "olena")).scalar()
    assert role == "caseworker"
    bad = CliRunner().invoke(cli, ["--db", register_url, "users", "add", "x", "--role",
                                   "king"], input=PASSWORD + "\n")
    assert bad.exit_code == 2


def test_serve_refuses_a_register_without_the_schema(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--db", f"sqlite:///{tmp_path / 'empty.db'}", "serve",
                                      "--port", "1"])
    assert result.exit_code == 2
    assert "musterroll init" in result.output
