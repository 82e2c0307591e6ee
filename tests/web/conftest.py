"""A small linked and derived register, users of every role, and an app on it.

The register is built once per session (ingest through the sources stage, one person per
record, statuses by the register stage) and copied for each test, so tests may write.
"""

from __future__ import annotations

import csv
import shutil
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

# Starlette 1 prefers the httpx2 package for its TestClient and warns once, at import,
# when only httpx is installed (pyproject pins httpx; httpx2 is not a dependency yet).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from musterroll.sources import IngestOptions, ingest_file
from musterroll.statuses import derive_statuses
from musterroll.store import init_register, open_register
from musterroll.store.linkage_models import person_records_table, persons_table, runs_table
from musterroll.store.models import records_table
from musterroll.web import add_user, create_app, load_settings

PASSWORD = "correct horse battery"
ROLES = ("family", "analyst", "caseworker", "admin")
FIELDS = ("surname", "given_name", "patronymic", "sex", "birth_date", "status", "event_date",
          "reported_date", "oblast")

# Named persons the tests search for; the rest make the counts.
NAMED = [
    ("Коваленко", "Олександр", "Петрович", "m", "1990-05-12", "captured", "2024-03-01",
     "2024-04-01", "Харківська"),
    ("Шевченко", "Тарас", "Григорович", "m", "1985-03-09", "killed", "2024-02-10",
     "2024-02-20", "Київська"),
    # Two different men of one name and birthday: a search must not answer for either.
    ("Бондаренко", "Іван", "Іванович", "m", "1980-01-01", "missing", "2024-05-01",
     "2024-05-10", "Сумська"),
    ("Бондаренко", "Іван", "Іванович", "m", "1980-01-01", "killed", "2024-06-01",
     "2024-06-10", "Львівська"),
]


def _filler() -> list[tuple[str, ...]]:
    rows = []
    for k in range(12):  # killed: 12 + 2 named, above the threshold
        rows.append((f"Петренко{k}", "Андрій", "Олегович", "m", f"1970-01-{k + 1:02d}",
                     "killed", f"2024-0{1 + k % 6}-15", f"2024-0{1 + k % 6}-20", "Донецька"))
    for k in range(6):  # missing
        rows.append((f"Мельник{k}", "Олег", "Іванович", "m", f"1975-02-{k + 1:02d}",
                     "missing", "2024-03-10", "2024-03-15", "Запорізька"))
    return rows


def _link_one_person_per_record(engine: Engine) -> None:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        run_id = conn.execute(insert(runs_table).values(
            started_at=now, finished_at=now, engine="test", seed=0, code_version="test",
            input_hash="-", settings={}, counts={})).inserted_primary_key[0]  # type: ignore[index]
        ids = [r[0] for r in conn.execute(select(records_table.c.id))]
        conn.execute(insert(persons_table), [{"id": i, "created_run_id": run_id, "records": 1}
                                             for i in ids])
        conn.execute(insert(person_records_table), [
            {"record_id": i, "person_id": i, "run_id": run_id} for i in ids])


def build_register(url: str, folder: Path) -> None:
    """Create a register at `url`: two official lists, one person per record, derived."""
    init_register(url)
    engine = open_register(url)
    # Two lists published months apart, so that the counts have a history.
    rows = NAMED + _filler()
    for name, published, part in (("official", "2024-04-01", rows[:10]),
                                  ("official-later", "2024-08-01", rows[10:])):
        listing = folder / f"{name}.csv"
        with listing.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(FIELDS)
            writer.writerows(part)
        ingest_file(engine, listing, source=name,
                    options=IngestOptions(kind="official", language="uk", published=published))
    _link_one_person_per_record(engine)
    derive_statuses(engine)
    for role in ROLES:
        add_user(engine, role, role, PASSWORD)
    engine.dispose()


@pytest.fixture(scope="session")
def register_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite register file built by ``build_register``, copied by each test."""
    folder = tmp_path_factory.mktemp("web-register")
    path = folder / "register.db"
    build_register(f"sqlite:///{path}", folder)
    return path


@pytest.fixture
def register_url(register_template: Path, tmp_path: Path) -> str:
    """A private copy of the register for one test."""
    target = tmp_path / "register.db"
    shutil.copy(register_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def engine(register_url: str) -> Iterator[Engine]:
    """An engine on the test's register."""
    engine = open_register(register_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client_factory(engine: Engine, register_url: str):  # type: ignore[no-untyped-def]
    """Make a TestClient on the app with settings overridden (e.g. a low rate limit)."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        settings = load_settings(db_url=register_url, secret_key="test-secret-key-0123456789",
                                 **overrides)
        client = TestClient(create_app(settings, engine=engine), base_url="http://testserver")
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(client_factory) -> TestClient:  # type: ignore[no-untyped-def]
    """A client of the app with default settings."""
    return client_factory()


def csrf(client: TestClient) -> str:
    """Fetch the CSRF token (and cookie) for unsafe requests."""
    return str(client.get("/api/csrf").json()["csrf_token"])


def login(client: TestClient, role: str) -> None:
    """Log in as the user of `role`."""
    token = csrf(client)
    response = client.post("/login", data={"name": role, "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.fixture(scope="session")
def linked_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated, ingested, linked and derived SQLite register (``linked.py``)."""
    from .linked import build_linked_register

    folder = tmp_path_factory.mktemp("web-linked")
    path = folder / "register.db"
    build_linked_register(f"sqlite:///{path}", folder / "war", roles=ROLES, password=PASSWORD)
    return path
