"""Done-when: derived statuses agree with a simulated war's truth (issue 6).

Measured over the persons whose latest true event some list carries evidence of; the
cases that cannot agree are named below, each with a test of what the register says.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from musterroll.statuses.evaluate import score_statuses
from musterroll.store import open_register
from musterroll.store.status_models import statuses_table

from .conftest import War

# Latest true events no list can show, so the register cannot derive them:
CANNOT_AGREE = {
    # missing in action and dead, remains not identified: the lists say "missing" only
    "killed",
    # found alive with no list saying so (most are found within days, before a notice)
    "found_alive",
    # remains came home but are not identified yet: no list names the person
    "remains_recovered",
    # buried, killed or captured but on no list at all (or only on lists of other facts)
    "buried", "captured", "missing", "released", "identified",
}


def test_derived_statuses_agree_with_the_truth_for_99_percent(war: War) -> None:
    engine = open_register(f"sqlite:///{war.register}")
    scores = score_statuses(engine, war.truth)
    engine.dispose()
    assert scores.measured > 300
    assert scores.agreement >= 0.99, scores.as_dict()
    assert set(scores.excluded) <= CANNOT_AGREE


def _true_fates(war: War) -> pd.DataFrame:
    persons = pd.read_csv(war.truth / "persons.csv", dtype=str)
    persons["pid"] = persons["person_id"].str[1:].astype(int)
    return persons


def _derived(war: War) -> pd.DataFrame:
    engine = open_register(f"sqlite:///{war.register}")
    s = statuses_table.c
    with engine.connect() as conn:
        rows = conn.execute(select(s.person_id, s.status, s.substatus)
                            .where(s.valid_to.is_(None))).all()
    engine.dispose()
    return pd.DataFrame(rows, columns=["pid", "status", "substatus"])


@pytest.mark.parametrize(("fate", "allowed"), [
    # Missing and dead, not identified: the register keeps them missing, as it must.
    ("missing_killed", {"missing", "killed"}),
    # Missing then found alive: found by a list, or held missing when no list says so.
    ("found_alive", {"missing", "search_ended", "found_alive"}),
])
def test_a_case_that_cannot_agree_gets_the_status_its_evidence_supports(
        war: War, fate: str, allowed: set[str]) -> None:
    both = _true_fates(war).merge(_derived(war), on="pid")
    cases = both[both["fate"] == fate]
    assert len(cases) > 0
    share = cases["status"].isin(allowed).mean()
    assert share >= 0.95, cases["status"].value_counts().to_dict()


def test_a_person_on_no_list_has_no_status(war: War, tmp_path: Path) -> None:
    derived = _derived(war)
    rows = pd.read_csv(war.truth / "rows.csv", dtype=str)
    on_lists = set(rows["person_id"].str[1:].astype(int))
    assert set(derived["pid"]) <= on_lists
