"""Estimates from the register: capture histories of a simulated war, ingested and linked.

One small war (3,000 people) is simulated, ingested, linked by the real linkage and
derived once a session; tests that write copy its register first.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from musterroll.cli import app
from musterroll.counts.capture import (
    EVIDENCE,
    RegisterInputError,
    capture_tables,
    tables_for_memberships,
)
from musterroll.counts.documented import count_statuses
from musterroll.estimate import TableError, caveats, chapman, estimate_strata
from musterroll.estimate.caveats import scope_caveats
from musterroll.estimate.report import run_register
from musterroll.estimate.settings import EstimateSettings
from musterroll.estimate.store import latest_estimate, save_estimate, stored_estimate
from musterroll.linkage.register_io import read_membership
from musterroll.linkage.run import link_register
from musterroll.linkage.sensitivity import cluster_over_thresholds
from musterroll.simulate import simulate_war
from musterroll.sources import ingest_manifest
from musterroll.statuses import derive_statuses
from musterroll.store import init_register, open_register

PEOPLE = 3000
SEED = 5


@dataclass
class LinkedWar:
    """A simulated war, an ingested-only register and a linked, derived one."""

    folder: Path
    ingested: Path
    linked: Path

    def copy(self, target: Path) -> str:
        """Copy the linked register to `target`; return its URL."""
        shutil.copy(self.linked, target)
        return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def war(tmp_path_factory: pytest.TempPathFactory) -> LinkedWar:
    folder = tmp_path_factory.mktemp("estimate_war")
    simulate_war(folder / "war", seed=SEED, people=PEOPLE)
    ingested = folder / "ingested.db"
    init_register(f"sqlite:///{ingested}")
    engine = open_register(f"sqlite:///{ingested}")
    try:
        ingest_manifest(engine, folder / "war" / "manifest.json")
    finally:
        engine.dispose()
    linked = folder / "linked.db"
    shutil.copy(ingested, linked)
    engine = open_register(f"sqlite:///{linked}")
    try:
        link_register(engine)
        derive_statuses(engine)
    finally:
        engine.dispose()
    return LinkedWar(folder / "war", ingested, linked)


@pytest.fixture
def engine(war: LinkedWar) -> Iterator[Engine]:
    """The shared linked register, read only."""
    e = open_register(f"sqlite:///{war.linked}")
    yield e
    e.dispose()


@pytest.fixture
def writable(war: LinkedWar, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the linked register that a test may write to."""
    e = open_register(war.copy(tmp_path / "register.db"))
    yield e
    e.dispose()


def _persons_in_scope(engine: Engine, status: str) -> tuple[int, int]:
    """(persons with `status` now, those of them with a record stating it), in plain SQL."""
    words = ", ".join(f"'{w}'" for w in sorted(EVIDENCE[status]))
    with engine.connect() as conn:
        everyone = conn.execute(text(
            "SELECT count(*) FROM statuses WHERE valid_to IS NULL AND status = :s"),
            {"s": status}).scalar_one()
        stated = conn.execute(text(
            "SELECT count(DISTINCT f.person_id) FROM statuses f"
            " JOIN person_records m ON m.person_id = f.person_id"
            " JOIN records r ON r.id = m.record_id"
            f" WHERE f.valid_to IS NULL AND f.status = :s AND r.status IN ({words})"),
            {"s": status}).scalar_one()
    return int(everyone), int(stated)


def test_observed_equals_the_persons_in_scope_on_a_list_that_states_their_death(engine):
    histories = capture_tables(engine, status="killed")
    everyone, stated = _persons_in_scope(engine, "killed")
    assert histories.observed == stated > 100
    assert histories.observed + histories.outside == everyone
    with engine.connect() as conn:
        assert count_statuses(conn)["killed"] == everyone
    assert histories.metric == "killed"
    # The scope's caveat is the estimate stage's, which adds it to the register's caveats.
    caveats = histories.warnings + scope_caveats(histories.statuses)
    assert any("remains never found" in w for w in caveats)
    # The lists that state deaths; the missing register and families' reports do not.
    assert "official_death_notices" in histories.lists
    assert "missing_persons_register" not in histories.lists
    assert "family_report" not in histories.lists


def test_family_reports_and_exchanges_are_one_list_each(engine):
    histories = capture_tables(engine, status="missing")
    assert "family_report" in histories.lists
    assert not any(name.startswith("family_reports") for name in histories.lists)
    by_kind = capture_tables(engine, status="killed", lists="kind")
    assert set(by_kind.lists) <= {"official", "burial", "repatriation", "open_source"}
    assert by_kind.observed == capture_tables(engine, status="killed").observed


@pytest.mark.parametrize("by", ["oblast", "period", "sex"])
def test_strata_sum_to_the_unstratified_count(engine, by):
    whole = capture_tables(engine, status="killed")
    strata = capture_tables(engine, status="killed", by=by, min_stratum=8)
    assert len(strata.tables) >= 2
    assert sum(t.observed for t in strata.tables) == whole.observed
    assert all(t.stratum and t.stratum.startswith(f"{by}=") for t in strata.tables)
    combined = estimate_strata(strata.tables, "chapman")
    assert combined.observed == whole.observed
    assert [s.observed for s in combined.strata] == [t.observed for t in strata.tables]


def test_small_strata_are_pooled_with_a_warning(engine):
    strata = capture_tables(engine, status="killed", by="oblast", min_stratum=12)
    pooled = [t for t in strata.tables if "other (" in (t.stratum or "")]
    assert len(pooled) == 1 and len(strata.tables) >= 2
    assert sum(t.observed for t in strata.tables) == capture_tables(engine).observed
    assert any("pooled" in w for w in strata.warnings)


def test_status_strata_use_each_status_evidence(engine):
    both = capture_tables(engine, status=["killed", "missing"], by="status")
    labels = {t.stratum: t.observed for t in both.tables}
    assert labels["status=killed"] == capture_tables(engine, status="killed").observed
    assert labels["status=missing"] == capture_tables(engine, status="missing").observed


def test_a_status_only_one_list_states_is_refused_naming_it(engine):
    with pytest.raises(TableError, match="only 1 list.*exchange"):
        capture_tables(engine, status="released")


def test_an_unlinked_register_is_refused_with_what_to_run(war):
    e = open_register(f"sqlite:///{war.ingested}")
    try:
        with pytest.raises(RegisterInputError, match="musterroll link"):
            capture_tables(e)
    finally:
        e.dispose()


def test_a_stored_estimate_round_trips_and_pages_read_it(writable):
    histories = capture_tables(writable, status="killed", by="period")
    result = estimate_strata(histories.tables, "loglinear", seed=3, bootstrap=20,
                             max_seconds=0)
    today = date.today().isoformat()
    with writable.connect() as conn:
        before = count_statuses(conn)
    total_id = save_estimate(writable, result, metric="killed", by="period",
                             link_run_id=histories.link_run_id, outside=histories.outside)
    stored = latest_estimate(writable, "killed", today)
    assert stored is not None and stored["id"] == total_id
    assert stored["point"] == round(result.estimate)
    assert (stored["lower"], stored["upper"]) == (round(result.lower), round(result.upper))
    assert stored["method"] == "loglinear" and stored["level"] == 0.95
    assert stored["observed"] == histories.observed  # kept apart from the estimate
    assert [s["observed"] for s in stored["strata"]] == [t.observed for t in histories.tables]
    assert stored["link_run_id"] == histories.link_run_id
    assert latest_estimate(writable, "killed", "2000-01-01") is None
    assert latest_estimate(writable, "missing_now", today) is None

    assert stored_estimate(writable, "killed", today) == stored
    assert stored_estimate(writable, "missing_now", today) is None
    with writable.connect() as conn:
        assert count_statuses(conn) == before  # documented counts untouched by estimates


def test_the_dashboard_shows_the_stored_estimate_beside_the_count(writable):
    from musterroll.web.dashboard import build_dashboard

    histories = capture_tables(writable, status="killed")
    result = chapman(histories.tables[0], pair=["official_death_notices", "burial_register"])
    save_estimate(writable, result, metric="killed", link_run_id=histories.link_run_id)
    data = build_dashboard(writable, threshold=5, points=12)
    assert data["estimates"]["killed"]["point"] == round(result.estimate)
    with writable.connect() as conn:
        assert data["counts"]["killed"] == count_statuses(conn)["killed"]


def test_the_linkage_spread_reclusters_at_several_thresholds(engine):
    linkages = cluster_over_thresholds(engine, shifts=(-6.0, 0.0, 6.0))
    assert sorted(linkages.memberships) == [-6.0, 0.0, 6.0]
    current = read_membership(engine).set_index("record_id")["person_id"]
    at_zero = linkages.memberships[0.0]
    pairs = pd.DataFrame({"current": current.reindex(at_zero.index), "zero": at_zero})
    assert pairs["current"].notna().all()
    # Shift 0 is the run's own clustering: the same partition as the stored persons.
    assert pairs.groupby("current")["zero"].nunique().max() == 1
    assert pairs.groupby("zero")["current"].nunique().max() == 1
    # Stricter thresholds split persons: more of them than at shift 0.
    assert linkages.persons[6.0] > linkages.persons[0.0] >= linkages.persons[-6.0]
    histories = capture_tables(engine)
    tables = tables_for_memberships(histories, linkages.memberships)
    assert tables[0.0][0].observed == histories.observed
    assert tables[6.0][0].observed > histories.observed


def test_a_register_estimate_quotes_the_stored_validation_in_its_caveat(
    engine, tmp_path, monkeypatch
):
    # A new `make validate` rewrites the summary; the death toll's caveat follows it.
    data = json.loads(caveats.VALIDATION.read_text(encoding="utf-8"))
    data["runs"][0]["scopes"]["killed"]["missing_dead_share"] = {
        "mean": 0.77, "min": 0.7, "max": 0.8}
    data["runs"][0]["date"] = "2027-02-03"
    path = tmp_path / "validation.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(caveats, "VALIDATION", path)
    run = run_register(engine, EstimateSettings(seed=4, bootstrap=20, max_seconds=0))
    histories = run.histories
    first = len(histories.input_warnings)
    warnings = run.results[0].warnings
    # Where it always stood: after the register's caveats, before the tables'.
    assert warnings[:first] == histories.input_warnings
    assert "remains never found" in warnings[first]
    assert "77% of the dead, 70%-80%" in warnings[first] and "2027-02-03" in warnings[first]
    assert warnings[first + 1:first + 1 + len(histories.table_warnings)] == (
        histories.table_warnings)


def test_the_command_estimates_from_the_register_as_json_and_stores_it(war, tmp_path):
    url = war.copy(tmp_path / "register.db")
    result = CliRunner().invoke(app, ["--db", url, "estimate", "--json", "--seed", "4",
                                      "--bootstrap", "20", "--max-seconds", "0", "--by", "period",
                                      "--save"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("method", "observed", "estimate", "lower", "upper", "level", "warnings"):
        assert key in data
    assert data["method"] == "loglinear" and data["metric"] == "killed"
    assert data["by"] == "period" and len(data["strata"]) >= 2
    e = open_register(url)
    try:
        assert data["observed"] == capture_tables(e).observed
        stored = latest_estimate(e, "killed")
    finally:
        e.dispose()
    assert stored is not None and stored["point"] == round(data["estimate"])


def test_the_command_reports_the_linkage_spread(war, tmp_path):
    url = war.copy(tmp_path / "register.db")
    result = CliRunner().invoke(app, ["--db", url, "estimate", "--json", "--method",
                                      "chapman", "--pair",
                                      "official_death_notices,burial_register",
                                      "--linkage-spread", "--shifts", "-6,0,6"])
    assert result.exit_code == 0, result.output
    spread = json.loads(result.stdout)["linkage_spread"]
    assert sorted(spread["thresholds"], key=float) == ["-6.0", "0.0", "6.0"]
    assert spread["persons"]["6.0"] > spread["persons"]["0.0"]
    assert spread["lowest"] <= spread["highest"]


def test_the_command_fails_clearly_without_a_linkage(war, tmp_path):
    shutil.copy(war.ingested, tmp_path / "r.db")
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'r.db'}", "estimate"])
    assert result.exit_code == 2
    assert "no linkage yet" in result.output and "musterroll link" in result.output


def test_register_options_are_refused_with_a_table(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("A,B,count\n1,0,10\n0,1,12\n1,1,5\n")
    result = CliRunner().invoke(app, ["estimate", "--table", str(path), "--by", "sex"])
    assert result.exit_code == 2 and "--by" in result.output
    ok = CliRunner().invoke(app, ["estimate", "--table", str(path), "--method", "chapman",
                                  "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["observed"] == 27


def test_stored_estimates_round_trip_on_each_backend(register_url):
    init_register(register_url)
    e = open_register(register_url)
    try:
        tables = [t for t in _two_strata()]
        result = estimate_strata(tables, "chapman")
        total = save_estimate(e, result, metric="killed", by="sex", as_of="2025-06-30")
        stored = latest_estimate(e, "killed", "2025-12-31")
        assert stored is not None and stored["id"] == total
        assert stored["as_of"] == "2025-06-30" and stored["by"] == "sex"
        assert stored["observed"] == result.observed
        assert [s["stratum"] for s in stored["strata"]] == ["sex=F", "sex=M"]
        assert latest_estimate(e, "killed", "2025-06-29") is None
    finally:
        e.dispose()


def _two_strata() -> list:
    from musterroll.estimate import CaptureTable

    return [
        CaptureTable.from_cells(["A", "B"], [0, 30, 40, 20], stratum="sex=F"),
        CaptureTable.from_cells(["A", "B"], [0, 60, 50, 35], stratum="sex=M"),
    ]


def test_the_web_app_serves_the_stored_estimate_on_its_dashboard(war, tmp_path):
    import warnings

    from starlette.exceptions import StarletteDeprecationWarning

    from musterroll.web import create_app, load_settings

    with warnings.catch_warnings():  # as tests/web/conftest.py: httpx2 is not a dependency
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient

    url = war.copy(tmp_path / "register.db")
    e = open_register(url)
    try:
        histories = capture_tables(e)
        result = chapman(histories.tables[0], pair=["official_death_notices", "burial_register"])
        save_estimate(e, result, metric="killed", link_run_id=histories.link_run_id)
    finally:
        e.dispose()
    settings = load_settings(db_url=url, secret_key="test-secret-key-0123456789")
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        data = client.get("/api/dashboard").json()
    killed = data["estimates"]["killed"]
    assert killed["point"] == round(result.estimate) and killed["method"] == "chapman"
    assert killed["observed"] == histories.observed != killed["point"]
    assert data["estimates"]["missing_now"] is None


def test_sex_strata_do_not_come_from_the_one_list_with_a_sex_column(engine):
    # Only the official death notices have a sex column in the simulated lists; read from
    # it, every man would be on that list and his stratum's estimate its documented count.
    strata = capture_tables(engine, status="killed", by="sex", min_stratum=8)
    men = next(t for t in strata.tables if (t.stratum or "").startswith("sex=M"))
    on_notices = men.list_totals()[men.lists.index("official_death_notices")]
    assert on_notices < men.observed
    assert not any("holds every one" in w for w in strata.warnings)


# The casualty scope: the killed and everyone ever missing but the found alive, in two
# groups: the killed captured by the records that state the death, the others by any.
LCMCR_QUICK = ["--classes", "5", "--chains", "2", "--burnin", "500", "--samples", "100",
               "--thinning", "5", "--max-seconds", "10"]


def _casualties(engine: Engine) -> tuple[set[int], set[int], int]:
    """(persons in the casualty scope, those with a capturing record, those records), in
    plain SQL from the derived statuses."""
    scope = ("f.valid_to IS NULL AND (f.status IN ('killed', 'missing', 'released', "
             "'search_ended') OR (f.missing_ever AND f.status <> 'found_alive'))")
    captures = ("(f.status <> 'killed' OR r.status IN ('killed', 'identified', "
                "'remains_recovered', 'declared_dead'))")
    joined = (" FROM statuses f JOIN person_records m ON m.person_id = f.person_id"
              f" JOIN records r ON r.id = m.record_id WHERE {scope} AND {captures}")
    with engine.connect() as conn:
        everyone = {r[0] for r in conn.execute(text(
            f"SELECT f.person_id FROM statuses f WHERE {scope}"))}
        listed = {r[0] for r in conn.execute(text(f"SELECT DISTINCT f.person_id{joined}"))}
        records = conn.execute(text(f"SELECT count(*){joined}")).scalar_one()
    return everyone, listed, int(records)


def test_the_casualty_scope_is_the_killed_and_the_ever_missing_in_two_groups(engine, war):
    histories = capture_tables(engine, status="casualty")
    everyone, listed, records = _casualties(engine)
    assert histories.metric == "casualties" and histories.statuses == ("casualty",)
    assert histories.observed == len(listed) > 200
    assert histories.observed + histories.outside == len(everyone)
    assert set(histories.records["person_id"]) == listed
    assert len(histories.records) == records
    groups = {t.stratum: t for t in histories.tables}
    assert set(groups) == {"group=killed", "group=missing_or_captive"}
    # The killed group is the death toll's table; the other group has every list that
    # records a loss, exchanges and families one each, and no list of the dead's status.
    killed_toll = capture_tables(engine, status="killed")
    assert groups["group=killed"].observed == killed_toll.observed
    assert set(groups["group=killed"].lists) == set(killed_toll.lists)
    assert {"official_missing_notices", "missing_persons_register", "family_report",
            "exchange", "adversary_prisoner_list"} <= set(groups["group=missing_or_captive"].lists)
    caveats = histories.warnings + scope_caveats(histories.statuses)
    assert any("found alive" in w for w in caveats)
    assert not any("remains never found" in w for w in caveats)
    with engine.connect() as conn:
        counts = count_statuses(conn)
    # It holds the killed and the ever missing, and the released never reported missing.
    assert max(counts["killed"], counts["missing_ever"]) < len(everyone)
    assert len(everyone) <= counts["killed"] + counts["missing_ever"] + counts["released"]
    killed = set(capture_tables(engine, status="killed").records["person_id"])
    assert killed < listed
    # Against the truth: each register person's true person (most of its records), and
    # their fates. The missing dead whose remains never came home are in the scope, as
    # many as the truth has on some list (give or take linkage errors); not in `killed`.
    with engine.connect() as conn:
        where = pd.DataFrame(conn.execute(text(
            "SELECT r.id AS record_id, s.name AS source, r.row FROM records r"
            " JOIN sources s ON s.id = r.source_id")).all(),
            columns=["record_id", "source", "row"])
    truth = pd.read_csv(war.folder / "truth/persons.csv", usecols=["person_id", "fate"])
    rows = pd.read_csv(war.folder / "truth/rows.csv").rename(
        columns={"person_id": "true_id"})
    mine = histories.records.merge(where, on="record_id").merge(rows, on=["source", "row"])
    true_of = mine.groupby("person_id")["true_id"].agg(lambda s: s.mode().iloc[0])
    fates = true_of.map(truth.set_index("person_id")["fate"]).value_counts()
    listed_truth = truth[truth["person_id"].isin(rows["true_id"])]["fate"].value_counts()
    assert "alive" not in fates
    assert abs(histories.observed - listed_truth.sum()) <= 0.03 * listed_truth.sum()
    assert abs(fates["missing_killed"] - listed_truth["missing_killed"]) <= 3
    dead_only_missing = set(true_of[true_of.map(truth.set_index("person_id")["fate"])
                                    == "missing_killed"].index)
    assert len(dead_only_missing) > 20 and not dead_only_missing & killed


def test_the_casualty_scope_is_estimated_alone_and_not_by_derived_status(engine):
    with pytest.raises(ValueError, match="alone"):
        capture_tables(engine, status=["casualty", "killed"])
    with pytest.raises(ValueError, match="derived status"):
        capture_tables(engine, status="casualty", by="status")
    periods = capture_tables(engine, status="casualty", by="period")
    assert sum(t.observed for t in periods.tables) == capture_tables(
        engine, status="casualty").observed
    assert all(t.stratum and t.stratum.startswith("group/period=") for t in periods.tables)


def test_the_command_estimates_casualties_as_json_and_the_hook_serves_them_apart(war, tmp_path):
    url = war.copy(tmp_path / "register.db")
    runner = CliRunner()
    refused = runner.invoke(app, ["--db", url, "estimate", "--status", "casualty"])
    assert refused.exit_code == 2 and "--method lcmcr" in refused.output
    result = runner.invoke(app, ["--db", url, "estimate", "--status", "casualty", "--json",
                                 "--method", "lcmcr", "--seed", "2", "--save", *LCMCR_QUICK])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["metric"] == "casualties" and data["statuses"] == ["casualty"]
    assert data["method"] == "lcmcr"
    # The total names the lists of both groups, not the first group's alone.
    assert {"official_death_notices", "official_missing_notices"} <= set(data["lists"])
    assert data["lower"] <= data["estimate"] <= data["upper"]
    assert data["estimate"] >= data["observed"]
    e = open_register(url)
    try:
        histories = capture_tables(e, status="casualty")
        assert data["observed"] == histories.observed
        served = stored_estimate(e, "casualties", date.today().isoformat())
        assert stored_estimate(e, "killed", date.today().isoformat()) is None
        assert stored_estimate(e, "missing_ever", date.today().isoformat()) is None
        with e.connect() as conn:
            counts = count_statuses(conn)
    finally:
        e.dispose()
    assert served is not None and served["point"] == round(data["estimate"])
    assert served["observed"] == histories.observed  # the documented count, kept apart
    # The documented count of the same scope, apart from the estimate and unchanged by it.
    assert counts["casualties"] == histories.observed + histories.outside
