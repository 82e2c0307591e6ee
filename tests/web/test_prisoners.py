"""A prisoner's personal data never appears on a public page (Geneva Convention III, 13).

On the simulated, linked register: for every person in confirmed captivity, none of their
names, service numbers, units or settlements appears on any page or API answer the public
can reach, and a family's search for a prisoner answers "missing", never "captivity".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select

from musterroll.store.linkage_models import person_records_table
from musterroll.store.models import records_table
from musterroll.store.status_models import statuses_table

from . import caseworker
from .caseworker import ANONYMOUS
from .conftest import csrf

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]
PUBLIC = ("/", "/api/dashboard", "/family", "/family/report", "/family/case", "/login",
          "/openapi.json", "/api/me", "/?lang=en")


def _prisoners(engine: Engine) -> list[Any]:
    s, m, r = statuses_table.c, person_records_table.c, records_table.c
    with engine.connect() as conn:
        return conn.execute(
            select(m.person_id, r.surname, r.given_name, r.patronymic, r.birth_date,
                   r.service_number, r.unit, r.settlement)
            .join(person_records_table, m.record_id == r.id)
            .join(statuses_table, s.person_id == m.person_id)
            .where(s.valid_to.is_(None), s.substatus == "captivity_confirmed")).all()


def test_no_public_page_shows_a_prisoners_data(as_role: Client,
                                               linked_engine: Engine) -> None:
    prisoners = _prisoners(linked_engine)
    assert prisoners, "the simulated war has prisoners"
    values = {v for row in prisoners for v in row[1:] if isinstance(v, str) and len(v) >= 4}
    public = as_role(ANONYMOUS)
    for path in PUBLIC:
        response = public.get(path)
        assert response.status_code == 200, path
        # Whole words: a given name Іван is no leak inside the oblast Івано-Франківська.
        shown = [v for v in values if re.search(rf"(?<!\w){re.escape(v)}(?!\w)",
                                                response.text)]
        assert shown == [], (path, shown)
    for path in ("/persons", "/api/persons/1", "/review", "/api/review", "/imports",
                 "/analyst", "/api/analyst/persons", f"/persons/{prisoners[0].person_id}"):
        assert public.get(path).status_code == 401, path


def test_a_family_search_for_a_prisoner_says_missing_never_captivity(
        as_role: Client, linked_engine: Engine) -> None:
    public = as_role(ANONYMOUS)
    token = csrf(public)
    asked = 0
    for row in _prisoners(linked_engine):
        if not (row.surname and row.given_name and row.birth_date
                and len(row.birth_date) == 10) or asked == 12:  # 2 searches each, limit 30
            continue
        asked += 1
        answer = public.post("/api/family/search", headers={"X-CSRF-Token": token}, json={
            "surname": row.surname, "given_name": row.given_name,
            "patronymic": row.patronymic, "birth_date": row.birth_date})
        assert answer.status_code == 200
        body = answer.json()
        assert body["status"] in (None, "missing"), body
        assert "captiv" not in answer.text and row.surname not in answer.text
        page = public.post("/family/search", data={
            "surname": row.surname, "given_name": row.given_name,
            "patronymic": row.patronymic or "", "birth_date": row.birth_date,
            "csrf_token": token})
        assert "captiv" not in page.text.lower() and "полон" not in page.text.lower()
    assert asked >= 1
