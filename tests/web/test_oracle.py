"""The family search is no oracle: a day of guessing birth dates recovers none (issue 15).

The attack of the issue: knowing a name and a birth year, try every day of the year (in
any spelling of the name) from up to 10 addresses until the answer says "found". The app
runs on an injected clock, so the test plays a whole simulated day of requests in
seconds. The per-name limit answers at most ``family_name_misses`` searches of a name that
find nothing in 24 hours (from every address together); past it, the name is answered
only through the report form. So a day of guessing is at most 3 tries of 365 (a 0.8 %
chance of a lucky first guess, the same as any family's first search); the tries here are
in a fixed shuffled order.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from musterroll.store import read_audit
from musterroll.web import create_app, load_settings

DAY = 24 * 3600.0
ADDRESSES = [f"203.0.113.{k}" for k in range(1, 11)]
# The spellings an attacker would rotate through: one name to the per-name limit.
SPELLINGS = {"Шевченко": [("Шевченко", "Тарас"), ("Shevchenko", "Taras"),
                          ("Шевченко", "Тарас ")],
             "Коваленко": [("Коваленко", "Олександр"), ("Kovalenko", "Oleksandr"),
                           ("Коваленко", "Александр")]}


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def attacked(engine: Engine, register_url: str) -> Iterator[tuple[TestClient, Clock]]:
    clock = Clock()
    settings = load_settings(db_url=register_url, secret_key="test-secret-key-0123456789",
                             trust_forwarded_for=True)
    with TestClient(create_app(settings, engine=engine, clock=clock)) as client:
        yield client, clock


def _days(year: int, seed: int) -> list[date]:
    days = [date(year, 1, 1) + timedelta(days=k) for k in range(365)]
    random.Random(seed).shuffle(days)
    return days


def _attack(client: TestClient, clock: Clock, name: str, year: int, seed: int
            ) -> tuple[list[date], dict[int, int]]:
    """A day of requests: 10 addresses, as fast as the limits let; the dates found."""
    token = client.get("/api/csrf").json()["csrf_token"]
    days = _days(year, seed)
    found: list[date] = []
    codes: dict[int, int] = {}
    start = clock.now
    step = 2.0  # each address sends one search every 20 s: 30 a minute in all
    k = 0
    while clock.now - start < DAY:
        surname, given = SPELLINGS[name][k % 3]
        day = days[k % len(days)]
        response = client.post(
            "/api/family/search", headers={"X-CSRF-Token": token,
                                           "X-Forwarded-For": ADDRESSES[k % 10]},
            json={"surname": surname, "given_name": given, "birth_date": day.isoformat()})
        codes[response.status_code] = codes.get(response.status_code, 0) + 1
        if response.status_code == 200 and response.json()["found"]:
            found.append(day)
        k += 1
        clock.now += step if response.status_code != 429 else 600.0  # wait when refused
    return found, codes


@pytest.mark.parametrize(("name", "year", "truth"), [("Шевченко", 1985, "1985-03-09"),
                                                     ("Коваленко", 1990, "1990-05-12")])
def test_a_day_of_guessing_from_ten_addresses_recovers_no_birth_date(
        attacked: tuple[TestClient, Clock], engine: Engine, name: str, year: int,
        truth: str) -> None:
    client, clock = attacked
    found, codes = _attack(client, clock, name, year, seed=15)
    assert found == [], f"the attack recovered {found[0]} (truth {truth})"
    searches = read_audit(engine, action="family search")
    assert len(searches) == 3  # three real answers, all empty, in the whole day
    assert {s["detail"]["outcome"] for s in searches} == {"none"}
    refused = read_audit(engine, action="family search refused")
    assert len(refused) + len(searches) == codes.get(200, 0) + codes.get(429, 0)
    assert all(truth not in str(line) for line in searches + refused)  # no date in the log


def test_a_family_searching_the_right_date_first_is_answered(
        attacked: tuple[TestClient, Clock]) -> None:
    client, _ = attacked
    token = client.get("/api/csrf").json()["csrf_token"]
    answer = client.post("/api/family/search", headers={"X-CSRF-Token": token}, json={
        "surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09"}).json()
    assert answer["found"] is True
    assert "1985" not in str(answer)  # never a birth date in an answer


def test_a_locked_name_is_answered_through_the_report_form_and_others_are_not(
        attacked: tuple[TestClient, Clock]) -> None:
    client, clock = attacked
    token = client.get("/api/csrf").json()["csrf_token"]

    def ask(surname: str, given: str, day: str) -> dict[str, object]:
        response = client.post("/api/family/search", headers={"X-CSRF-Token": token},
                               json={"surname": surname, "given_name": given,
                                     "birth_date": day})
        assert response.status_code == 200, response.text
        return dict(response.json())

    for day in ("1985-01-01", "1985-01-02", "1985-01-03"):
        assert ask("Шевченко", "Тарас", day)["found"] is False
    locked = ask("Shevchenko", "Taras", "1985-03-09")  # the right date, too late
    assert locked == {"found": False, "status": None, "reference": None, "sex": None,
                      "report_only": True}
    page = client.post("/family/search", data={"surname": "Шевченко", "given_name": "Тарас",
                                                "birth_date": "1985-03-09",
                                                "csrf_token": token})
    assert 'id="search-report-only"' in page.text and 'href="/family/report"' in page.text
    assert ask("Коваленко", "Олександр", "1990-05-12")["found"] is True  # another name
    clock.now += DAY + 1  # the window passes: the name is answered again
    assert ask("Шевченко", "Тарас", "1985-03-09")["found"] is True


def test_searches_past_the_daily_limit_of_an_address_or_session_get_429(
        engine: Engine, register_url: str) -> None:
    settings = load_settings(db_url=register_url, secret_key="test-secret-key-0123456789",
                             family_daily_searches=4, family_name_misses=100)
    with TestClient(create_app(settings, engine=engine, clock=Clock())) as client:
        token = client.get("/api/csrf").json()["csrf_token"]
        codes = [client.post("/api/family/search", headers={"X-CSRF-Token": token}, json={
            "surname": "Бойко", "given_name": "Тарас", "birth_date": f"1985-03-0{k}"}
        ).status_code for k in range(1, 7)]
    assert codes == [200, 200, 200, 200, 429, 429]
    assert len(read_audit(engine, action="family search refused")) == 2
