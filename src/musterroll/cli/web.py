"""`serve`, `users add`: the web app."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from musterroll.cli.app import app, err, fail, on_register, settings

if TYPE_CHECKING:
    import uvicorn


# --- web: serve the app, manage its users (musterroll.web) --------------------------------
@app.command("serve")
def serve_command(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", help="Worker processes: only 1, because the family search's rate "
        "limit is counted in the memory of one process."),
    check: bool = typer.Option(
        False, "--check", help="Start, fetch the dashboard once, print what it shows, and "
        "stop (for scripts and `make demo` outside a terminal)."),
) -> None:
    """Serve the web app (dashboard, family search, caseworker pages) with uvicorn."""
    import os

    import uvicorn
    from pydantic import ValidationError
    from sqlalchemy.engine import make_url

    from musterroll.store import RegisterError, open_register
    from musterroll.web import create_app, load_settings
    from musterroll.web.search_keys import refresh_search_keys

    # uvicorn would also take WEB_CONCURRENCY; each worker would count its own searches
    # and the per-client limit would multiply by the number of workers (issue 8).
    asked = {"--workers": str(workers), "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY")}
    for where, value in asked.items():
        if value not in (None, "", "1"):
            raise fail(f"{where}={value}: musterroll serve runs one worker, because the family "
                       "search's rate limit lives in the memory of one process and several "
                       "workers would each allow the full limit; run one worker (behind a "
                       "reverse proxy if need be)")
    try:
        web_settings = load_settings(db_url=settings(ctx).db_url)
        engine = open_register(web_settings.db_url)  # fail here, not in the server
    except (RegisterError, ValidationError) as exc:
        raise fail(str(exc)) from exc
    try:
        # The searches would otherwise index the lists ingested since on their first
        # search, and make that family wait (about 60 s a million records, once).
        with err.status("bringing the search indexes in step with the lists"):
            keyed = refresh_search_keys(engine)
    finally:
        engine.dispose()
    if keyed.files_added or keyed.files_removed or keyed.word_files_added:
        err.print(f"search indexes: {keyed.records_added:,} records of {keyed.files_added} "
                  f"new list versions keyed for families, {keyed.words_added:,} name words "
                  f"of {keyed.word_files_added} files for caseworkers, in "
                  f"{keyed.seconds:.0f} s", highlight=False)
    shown = make_url(web_settings.db_url).render_as_string(hide_password=True)
    err.print(f"serving the register {shown} at http://{host}:{port}/", highlight=False)
    config = uvicorn.Config(create_app(web_settings), host=host, port=port,
                            log_level="warning" if check else "info",
                            proxy_headers=web_settings.trust_forwarded_for, workers=1)
    if check:
        _check_dashboard(uvicorn.Server(config), f"http://{host}:{port}/")
    else:
        uvicorn.Server(config).run()


def _check_dashboard(server: uvicorn.Server, url: str) -> None:
    """Serve in a thread until the dashboard has answered once; print what it shows."""
    import threading
    import time

    import httpx

    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise fail(f"the web app did not start at {url} (is the port in use?)")
        time.sleep(0.05)
    try:
        page = httpx.get(url, timeout=30)
        data = httpx.get(f"{url}api/dashboard", timeout=30).json()
    finally:
        server.should_exit = True
        thread.join()
    if page.status_code != 200:
        raise fail(f"the dashboard at {url} answered {page.status_code}")
    err.print(f"the dashboard answered at {url} ({len(page.content):,} bytes)", highlight=False)
    for metric, count in (data.get("counts") or {}).items():
        # Counts under the small-cell threshold come suppressed (None): shown as such.
        line = f"{metric}: {'suppressed' if count is None else f'{count:,}'} documented"
        shown = (data.get("estimates") or {}).get(metric)
        if shown:  # never one number: the estimate beside the documented count
            line += (f"; estimated {shown['point']:,.0f} [{shown['lower']:,.0f}, "
                     f"{shown['upper']:,.0f}] ({shown['method']})")
        typer.echo(line)


users_app = typer.Typer(help="Web app accounts.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help="family, analyst, caseworker, forensic or admin."),
) -> None:
    """Create a web user; the password is read from a prompt (or stdin), never an option."""
    import sys

    from musterroll.web import UserError, add_user

    if sys.stdin.isatty():
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    user_id = on_register(ctx, lambda engine: add_user(engine, name, role, password),
                          errors=(UserError,))
    err.print(f"user {name!r} ({role}) created with id {user_id}", highlight=False)
