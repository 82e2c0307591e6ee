"""The family search's rate limit: 30 a minute per client by default, then 429."""

from __future__ import annotations

from fastapi.testclient import TestClient

from musterroll.web import load_settings

from .conftest import csrf


def test_the_default_limit_is_30_searches_a_minute_then_429(client: TestClient,
                                                           register_url: str) -> None:
    assert load_settings(db_url=register_url).search_rate_limit == 30
    token = csrf(client)
    query = {"surname": "Шевченко", "given_name": "Тарас", "birth_date": "1985-03-09"}
    codes = [client.post("/api/family/search", json=query,
                         headers={"X-CSRF-Token": token}).status_code for _ in range(31)]
    assert codes == [200] * 30 + [429]
