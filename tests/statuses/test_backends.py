"""SQLite and PostgreSQL: the same lists give the same statuses, counts and claims."""

from __future__ import annotations

import pytest

from musterroll.casework.claims import list_claims
from musterroll.casework.exchange import import_exchange
from musterroll.counts.documented import count_statuses
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.statuses.evaluate import assign_true_persons
from musterroll.store import init_register, open_register

from .conftest import War, write_manifest

LISTS = ("missing_persons_register", "adversary_prisoner_list", "identification_reports",
         "official_death_notices")


def _build(war: War, url: str) -> dict[str, object]:
    keep = [s for s in war.manifest["sources"] if s["name"] in LISTS]
    path = write_manifest(war.folder, "manifest_backends.json", war.manifest, keep)
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, path)
        assign_true_persons(engine, war.truth)
        derive_statuses(engine)
        own = next(e for e in war.held_back if e["side"] == "ua")
        report = import_exchange(engine, war.folder / own["path"],
                                 exchange_date=own["exchange_date"], side="ua",
                                 exchange_id=own["exchange_id"])
        with engine.connect() as conn:
            counts = count_statuses(conn, as_of="2025-12-31")
            by = count_statuses(conn, by="oblast")["groups"]
        claims = [(c["metric"], c["register"]) for c in list_claims(engine)]
    finally:
        engine.dispose()
    return {"counts": counts, "by": by, "claims": claims, "matched": report.matched,
            "created": report.created}


_sqlite_result: dict[str, dict[str, object]] = {}


def _on_sqlite(war: War, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    if "r" not in _sqlite_result:
        folder = tmp_path_factory.mktemp("sqlite_backend")
        _sqlite_result["r"] = _build(war, f"sqlite:///{folder / 'r.db'}")
    return _sqlite_result["r"]


def test_statuses_and_counts_derive_on_sqlite(war: War,
                                              tmp_path_factory: pytest.TempPathFactory) -> None:
    result = _on_sqlite(war, tmp_path_factory)
    counts = result["counts"]
    assert isinstance(counts, dict) and counts["missing_ever"] > 0 and counts["killed"] > 0


@pytest.mark.postgres
def test_postgresql_gives_the_same_statuses_counts_and_claims_as_sqlite(
        war: War, postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    expected = _on_sqlite(war, tmp_path_factory)
    found = _build(war, postgres_url)
    assert found == expected
