"""Open a register from a URL: engine, sessions, and creation or upgrade by Alembic.

SQLite is the default (one file, no server); PostgreSQL is the production store. The
migrations ship inside this package (``musterroll/store/migrations``) so that an installed
package can create and upgrade a register without the repository at hand.

Alembic (with Mako and Pygments) takes about a second to import, longer than many commands
take to run, so it is imported only by the functions that create or upgrade a register.
Opening one compares the register's revision, read with plain SQL, with ``HEAD_REVISION``
(a test checks that it is Alembic's head).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "HEAD_REVISION",
    "MIGRATIONS_DIR",
    "RegisterError",
    "alembic_config",
    "create_register_engine",
    "head_revision",
    "init_register",
    "open_register",
    "register_revision",
    "session_factory",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration; tests/store/test_engine.py checks it against Alembic's head.
HEAD_REVISION = "0017_family_inbox"


class RegisterError(RuntimeError):
    """The register cannot be opened or is not at the schema this code expects."""


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see the
    # SQLAlchemy "pysqlite serializable" recipe): the whole ingest must be one transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers (the web app) work while an ingest writes; NORMAL is durable at each
    # commit under WAL; busy_timeout waits for another writer instead of failing at once.
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=30000",
        "PRAGMA cache_size=-65536",
        "PRAGMA temp_store=MEMORY",
    ):
        cursor.execute(pragma)
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    # A writer asks for BEGIN IMMEDIATE (execution option sqlite_begin): a deferred
    # transaction that reads first and writes later fails at once with "database is
    # locked" when another writer got in between, whatever the busy timeout (issue 19).
    mode = conn.get_execution_options().get("sqlite_begin")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


def create_register_engine(url: str, **kwargs: Any) -> Engine:
    """Create a SQLAlchemy engine for a register URL, with SQLite tuned for bulk writes.

    Args:
        url: a SQLAlchemy URL, e.g. ``sqlite:///musterroll.db`` or
            ``postgresql+psycopg://postgres@127.0.0.1:5432/test``.
        **kwargs: passed to ``sqlalchemy.create_engine``.
    Returns:
        The engine. Nothing is created in the database.
    Raises:
        RegisterError: the URL cannot be parsed or names no installed driver.
    """
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            # The ingest writes on a second thread with the connection its transaction
            # began on (sources/writer.py); one thread at a time uses it.
            connect_args = {"check_same_thread": False, **kwargs.pop("connect_args", {})}
            kwargs["connect_args"] = connect_args
        engine = create_engine(parsed, **kwargs)
    except Exception as exc:  # noqa: BLE001 - any failure here is a bad URL for the user
        raise RegisterError(f"cannot open register URL {url!r}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to `engine` (objects stay readable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """Return an Alembic configuration pointing at the packaged migrations.

    Args:
        url: the register URL, stored as ``sqlalchemy.url`` (the ``alembic`` command line
            needs it; ``init_register`` passes a live connection instead).
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """Return the newest migration revision shipped with this package, by Alembic."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RegisterError(f"the migrations have {len(heads)} heads {heads}; merge them")
    return heads[0]


def register_revision(engine: Engine) -> str | None:
    """Return the register's current migration revision, or None if it is empty."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        heads = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return heads[0] if heads else None


def init_register(url: str) -> str:
    """Create a register at `url`, or upgrade it to the newest schema. Idempotent.

    Args:
        url: the register URL (a SQLite file is created if missing).
    Returns:
        The revision the register is at afterwards.
    Raises:
        RegisterError: the database cannot be reached or a migration failed.
    """
    from alembic import command

    engine = create_register_engine(url)
    config = alembic_config(url)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        revision = register_revision(engine)
    except RegisterError:
        raise
    except Exception as exc:
        message = f"cannot create or upgrade the register at {_safe(url)}: {exc}"
        raise RegisterError(message) from exc
    finally:
        engine.dispose()
    assert revision is not None
    return revision


def open_register(url: str, **kwargs: Any) -> Engine:
    """Open an existing register, checking that its schema is the newest.

    Args:
        url: the register URL.
        **kwargs: passed to ``sqlalchemy.create_engine``.
    Returns:
        An engine on the register.
    Raises:
        RegisterError: the register is unreachable, empty (run ``musterroll init``) or at
            another revision (run ``musterroll init`` to upgrade).
    """
    engine = create_register_engine(url, **kwargs)
    try:
        current = register_revision(engine)
    except Exception as exc:
        engine.dispose()
        raise RegisterError(f"cannot open the register at {_safe(url)}: {exc}") from exc
    head = HEAD_REVISION
    if current != head:
        engine.dispose()
        what = "has no schema" if current is None else f"is at revision {current}"
        raise RegisterError(
            f"the register at {_safe(url)} {what}, expected {head}: run `musterroll init`"
        )
    return engine


def _safe(url: str) -> str:
    """Return `url` with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given
        return url
