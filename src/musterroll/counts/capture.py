"""Capture histories from the register: persons by lists, per stratum.

What a *list* is. A list is one source (``sources.name``), except for the kinds whose
sources are many small lists of one provider: every family's report sent through the web
app is its own one-row source, and every prisoner exchange is one source per side. Each of
those kinds counts as one list (named after the kind: ``family_report``, ``exchange``);
one report per list would make thousands of lists of one person. With ``lists="kind"``
every source kind is one list (two obituary sites become one ``open_source`` list), for
registers with many sources of few records.

Who is in scope. A person is in scope for a status (``killed`` for the death toll,
``missing``, ``released``, ``found_alive``) when the register's derived status
(``statuses``, as known on `as_of`) is that status. A list *captures* a person in
scope when it holds a record of that person whose own status states that fate (for the
dead: killed, identified, remains_recovered or declared_dead). A record of the dead on
the missing register therefore does not capture the death: otherwise a person seen only
on the missing register could never be in scope (a structural zero the estimators do not
model), and a list of the missing would look strongly dependent on the lists of the dead.

The scope ``casualty`` (alone, never with a status) is every person the register knows
was lost and has not been found alive: derived status killed, missing (sought or
captivity confirmed), released or search_ended, or the flag ``missing_ever`` -- the
killed, and everyone missing or captive, whatever became of them, but those found alive
(missing for days, then found: no loss, and they rarely reach a list, so an estimate
cannot see them; they stay a documented count). It is always estimated in two groups,
because the lists that can see a person depend on the group (``CASUALTY_GROUPS``):
``killed`` (derived status killed), captured as the death toll is, by the records that
state the death; and ``missing_or_captive`` (everyone else in scope: the missing, among
them the dead whose death no list states, the captive and the released), captured by any
record of the person on any list (the missing register, families' reports, missing
notices, the adversary's lists, exchanges). One table over all lists would mix the two
groups' capture patterns: on simulated wars its estimate lies below the truth nearly
always, where the two groups' estimates summed cover it (``make validate``).
A person in scope whose status rests on no list record stating it (a court's declaration
entered by hand) is documented but cannot be in a capture table: they are counted in
``outside`` and named in a warning, never silently dropped.

Strata (``by``): ``status`` (when several statuses are in scope), ``oblast`` (the
person's home oblast, as ``linkage.features.oblast_key`` reads it), ``period`` (year of
the death, disappearance or release), ``sex`` (from the person's records). A stratum with
fewer than ``MIN_STRATUM`` persons or fewer than 2 lists with persons is pooled with the
other small ones into one stratum, with a warning. Strata are estimated separately and
combined by ``estimate_strata``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from musterroll.counts.documented import casualty
from musterroll.counts.table import CaptureTable, TableError
from musterroll.linkage.features import build_features, oblast_key
from musterroll.linkage.register_io import read_link_records
from musterroll.statuses.derive import is_stale
from musterroll.store.linkage_models import person_records_table, runs_table
from musterroll.store.models import records_table, sources_table
from musterroll.store.status_models import (
    as_day,
    events_table,
    status_runs_table,
    status_valid_on,
    statuses_table,
)

__all__ = [
    "BY",
    "CASUALTY",
    "CASUALTY_GROUPS",
    "EVIDENCE",
    "GROUPED_KINDS",
    "LIST_CHOICES",
    "METRIC_OF_STATUS",
    "MIN_STRATUM",
    "CaptureHistories",
    "RegisterInputError",
    "capture_tables",
    "tables_for_memberships",
]

# Derived status -> the record statuses that state it (docs/DESIGN.md's canonical statuses).
EVIDENCE: dict[str, frozenset[str]] = {
    "killed": frozenset({"killed", "identified", "remains_recovered", "declared_dead"}),
    "missing": frozenset({"missing", "captured"}),
    "released": frozenset({"released"}),
    "found_alive": frozenset({"found_alive"}),
}
# The scope of all losses (``capture_tables(status="casualty")``), as the documented
# count `casualties` counts it (``counts.documented.casualty``).
CASUALTY = "casualty"
# The casualty scope's two groups (always its strata): the recorded dead, captured by the
# records that state the death, and everyone else in scope, captured by any record.
CASUALTY_GROUPS: tuple[str, str] = ("killed", "missing_or_captive")
# Derived status (or the casualty scope) -> the metric its estimate is stored under.
METRIC_OF_STATUS: dict[str, str] = {
    "killed": "killed", "missing": "missing_now", "released": "released",
    "found_alive": "found_alive", CASUALTY: "casualties",
}  # fmt: skip
BY: tuple[str, ...] = ("status", "oblast", "period", "sex")
LIST_CHOICES: tuple[str, ...] = ("source", "kind")
# Kinds whose sources are many small lists of one provider: one list per kind.
GROUPED_KINDS: frozenset[str] = frozenset({"family_report", "exchange"})
MIN_STRATUM = 20  # fewer persons than this: pooled with the other small strata
UNKNOWN = "unknown"
# What a scope cannot see (the missing dead outside the death toll) and how its estimate
# fared on simulated wars are the estimate stage's caveats: ``estimate.caveats``.
_PERIOD_DATE = {"killed": "death_date", "missing": "missing_date",
                "released": "released_date", "found_alive": "missing_date",
                CASUALTY: "casualty_date"}


class RegisterInputError(ValueError):
    """The register cannot give capture histories yet (no linkage, no derived statuses)."""


@dataclass
class CaptureHistories:
    """The capture tables of one estimate from the register, and where they came from.

    Attributes:
        tables: one table per stratum (one table when unstratified).
        statuses: the derived statuses in scope.
        by: the stratification, or None.
        as_of: the register as known on this day (None: all evidence).
        lists: every list name used, in table order.
        link_run_id: the linkage run whose persons were counted.
        outside: persons in scope with no list record stating their status.
        input_warnings: caveats about the register (stale statuses, an unfinished link
            run, persons outside the tables).
        table_warnings: caveats about the tables (pooled strata, a list holding a whole
            table).
        records: the capturing records: record_id, person_id, list, stratum (for
            re-grouping them under another linkage, ``tables_for_memberships``).
    """

    tables: list[CaptureTable]
    statuses: tuple[str, ...]
    by: str | None
    as_of: str | None
    lists: tuple[str, ...]
    link_run_id: int | None
    outside: int
    input_warnings: list[str] = field(default_factory=list)
    table_warnings: list[str] = field(default_factory=list)
    records: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def warnings(self) -> list[str]:
        """Every caveat: about the register, then about the tables."""
        return [*self.input_warnings, *self.table_warnings]

    @property
    def observed(self) -> int:
        """Persons in the tables (documented and on at least one list)."""
        return sum(t.observed for t in self.tables)

    @property
    def metric(self) -> str:
        """The counts metric these tables estimate (e.g. "killed"), or the statuses joined."""
        if len(self.statuses) == 1:
            return METRIC_OF_STATUS[self.statuses[0]]
        return "+".join(self.statuses)


def capture_tables(
    engine: Engine,
    *,
    status: str | Sequence[str] = "killed",
    by: str | None = None,
    as_of: str | date | None = None,
    lists: str = "source",
    min_stratum: int = MIN_STRATUM,
) -> CaptureHistories:
    """Build the capture tables of persons in scope from the current linkage.

    Args:
        engine: a linked and derived register.
        status: derived status(es) in scope, from ``EVIDENCE`` (default "killed"), or
            "casualty" alone (killed or ever missing; any record captures).
        by: None or one of ``BY``.
        as_of: ISO day: the register as known then (statuses valid then, records whose
            evidence was known by then). None: all evidence.
        lists: "source" (default; family reports and exchanges one list per kind) or
            "kind" (one list per source kind).
        min_stratum: strata with fewer persons are pooled.
    Returns:
        The tables with their provenance and caveats.
    Raises:
        ValueError: an unknown status, stratification or list choice.
        RegisterInputError: no linkage or no derived statuses yet.
        TableError: no person in scope on any list, or strata too small even pooled.
    """
    statuses = (status,) if isinstance(status, str) else tuple(status)
    _check_choices(statuses, by, lists)
    day = as_day(as_of)
    persons, run_id, notes = _read_persons(engine, statuses, day)
    records = _read_records(engine, day, lists)
    keep = ["person_id", "status"] + (["derived"] if "derived" in persons else [])
    records = records.merge(persons[keep], on="person_id")
    every_record = records
    records = records[_captures(records, statuses)]
    captured = set(records["person_id"].tolist())
    outside = int((~persons["person_id"].isin(captured)).sum())
    if outside:
        notes.append(
            f"{outside} person(s) with status {'/'.join(statuses)} have no list record "
            "stating it (e.g. a court's declaration or a manual event): they are documented "
            "but outside the capture tables, and not part of `observed`"
        )
    persons = persons[persons["person_id"].isin(captured)].copy()
    if persons.empty:
        raise TableError(
            f"no person with status {'/'.join(statuses)} is on any list that states it: "
            "nothing to estimate from"
        )
    persons["stratum"] = _strata(persons, every_record, by, engine)
    if statuses == (CASUALTY,):
        persons["stratum"] = _casualty_groups(persons, by)
    records = records.merge(persons[["person_id", "stratum"]], on="person_id")
    source = f"register link run {run_id}" + (f" as of {day}" if day else "")
    names = tuple(sorted(records["list"].unique().tolist()))
    tables, pooled = _tables(records[["person_id", "list", "stratum"]], names,
                             _stratum_name(statuses, by), source=source,
                             min_stratum=min_stratum)
    return CaptureHistories(
        tables=tables, statuses=statuses, by=by, as_of=day, lists=names,
        link_run_id=run_id, outside=outside, input_warnings=notes, table_warnings=pooled,
        records=records[["record_id", "person_id", "list", "stratum"]].reset_index(drop=True),
    )


def tables_for_memberships(
    histories: CaptureHistories,
    memberships: Mapping[float, pd.Series],
    *,
    min_stratum: int = MIN_STRATUM,
) -> dict[float, list[CaptureTable]]:
    """Re-group the capturing records into persons as other linkages would.

    The records in scope stay those of `histories` (their status and list do not depend
    on linkage); only which of them are one person changes. A person of another linkage
    takes the stratum most of its records have under the current one.

    Args:
        histories: ``capture_tables`` output.
        memberships: label (e.g. threshold shift) -> Series record_id -> person/cluster
            label (``linkage.sensitivity.cluster_over_thresholds``).
        min_stratum: as ``capture_tables``.
    Returns:
        label -> the strata's capture tables under that linkage.
    Raises:
        TableError: a linkage that leaves capturing records without a person.
    """
    out: dict[float, list[CaptureTable]] = {}
    base = histories.records
    for label, membership in memberships.items():
        cluster = base["record_id"].map(membership)
        if cluster.isna().any():
            missing = base.loc[cluster.isna(), "record_id"].head(5).tolist()
            raise TableError(
                f"linkage {label}: records {missing} are in scope but in no person; the "
                "register changed since it was scored, run the estimate again"
            )
        frame = base.assign(person_id=cluster.astype("int64"))
        strata = frame.groupby("person_id")["stratum"].agg(lambda s: s.mode().iloc[0])
        frame["stratum"] = frame["person_id"].map(strata)
        tables, _ = _tables(frame[["person_id", "list", "stratum"]], histories.lists,
                            _stratum_name(histories.statuses, histories.by),
                            source=f"linkage {label}", min_stratum=min_stratum)
        out[label] = tables
    return out


def _captures(records: pd.DataFrame, statuses: tuple[str, ...]) -> np.ndarray:
    """Which records capture their person: those whose own status states the person's
    derived status; in the casualty scope, any record of a person not recorded dead."""
    if statuses == (CASUALTY,):
        killed = (records["derived"] == "killed").to_numpy()
        return ~killed | records["record_status"].isin(EVIDENCE["killed"]).to_numpy()
    wanted = np.zeros(len(records), dtype=bool)
    for name in statuses:  # vectorised: a million records in well under a second
        wanted |= ((records["status"] == name)
                   & records["record_status"].isin(EVIDENCE[name])).to_numpy()
    return wanted


def _stratum_name(statuses: tuple[str, ...], by: str | None) -> str | None:
    """What the strata's labels name: `by`, and the casualty scope's group before it."""
    if statuses != (CASUALTY,):
        return by
    return "group" if by is None else f"group/{by}"


def _casualty_groups(persons: pd.DataFrame, by: str | None) -> pd.Series:
    """Each casualty's stratum: its group (``CASUALTY_GROUPS``), then its `by` stratum."""
    killed, other = CASUALTY_GROUPS
    group = persons["derived"].map(lambda s: killed if s == "killed" else other)
    return group if by is None else group + "/" + persons["stratum"].astype(str)


def _check_choices(statuses: tuple[str, ...], by: str | None, lists: str) -> None:
    if CASUALTY in statuses and len(statuses) > 1:
        raise ValueError(
            f"{CASUALTY!r} holds every other status: estimate it alone, not with "
            f"{[s for s in statuses if s != CASUALTY]}")
    unknown = [s for s in statuses if s not in EVIDENCE and s != CASUALTY]
    if unknown or not statuses:
        raise ValueError(f"status must be among {', '.join(EVIDENCE)} or {CASUALTY}, not "
                         f"{list(statuses)}")
    if statuses == (CASUALTY,) and by == "status":
        raise ValueError(
            "casualties are not stratified by their derived status: they are always "
            f"estimated in two groups ({', '.join(CASUALTY_GROUPS)}), and a finer split "
            "by status would make strata defined by their lists (missing from the missing "
            "register, released from the exchanges); use --by oblast, period or sex")
    if by is not None and by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}, not {by!r}")
    if lists not in LIST_CHOICES:
        raise ValueError(f"lists must be one of {', '.join(LIST_CHOICES)}, not {lists!r}")


def _read_persons(
    engine: Engine, statuses: tuple[str, ...], day: str | None
) -> tuple[pd.DataFrame, int | None, list[str]]:
    """Persons whose derived status (as known on `day`) is in `statuses`."""
    s = status_runs_table.c
    with engine.connect() as conn:
        link_run = conn.execute(
            select(func.max(person_records_table.c.run_id))).scalar()
        if link_run is None:
            raise RegisterInputError(
                "the register has no linkage yet: run `musterroll link` (then "
                "`musterroll statuses derive`) before estimating from it")
        derived = conn.execute(select(func.max(s.id)).where(s.finished_at.is_not(None))
                               ).scalar()
        if derived is None:
            raise RegisterInputError(
                "the register has no derived statuses yet: run `musterroll statuses derive`")
        stale = is_stale(conn)
        finished = conn.execute(select(runs_table.c.finished_at)
                                .where(runs_table.c.id == link_run)).scalar()
        st = statuses_table
        when = status_valid_on(day)
        scope = (casualty(st.c) if statuses == (CASUALTY,) else st.c.status.in_(statuses))
        rows = conn.execute(
            select(st.c.person_id, st.c.status, st.c.oblast, st.c.death_date,
                   st.c.missing_date, st.c.released_date)
            .where(when, scope)).all()
    notes = []
    if stale:
        notes.append(
            "records, events or linkage changed since statuses were last derived: run "
            "`musterroll statuses derive` for tables that reflect them")
    if finished is None:
        notes.append(f"link run {link_run} did not finish")
    frame = pd.DataFrame(rows, columns=["person_id", "status", "oblast", "death_date",
                                        "missing_date", "released_date"])
    frame["person_id"] = frame["person_id"].astype("int64")
    if statuses == (CASUALTY,):
        # One scope: the derived status is kept apart; the period is the day of the loss
        # (disappearance, else death, else release for a captive never reported missing).
        frame["derived"] = frame["status"]
        frame["status"] = CASUALTY
        frame["casualty_date"] = (frame["missing_date"].fillna(frame["death_date"])
                                  .fillna(frame["released_date"]))
    return frame, int(link_run), notes


def _read_records(engine: Engine, day: str | None, lists: str) -> pd.DataFrame:
    """Every linked record: record_id, person_id, list, record_status, sex."""
    m, r, s = person_records_table.c, records_table.c, sources_table.c
    query = (
        select(m.record_id, m.person_id, s.name, s.kind, r.status, r.sex)
        .select_from(person_records_table.join(records_table, r.id == m.record_id)
                     .join(sources_table, s.id == r.source_id))
    )
    if day is not None:
        # As the derived statuses do: a record counts from the day its evidence was known.
        e = events_table.c
        query = query.where(m.record_id.in_(
            select(e.record_id).where(e.known_on <= day, e.record_id.is_not(None))))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(query).all(),
                             columns=["record_id", "person_id", "source", "kind",
                                      "record_status", "sex"])
    frame[["record_id", "person_id"]] = frame[["record_id", "person_id"]].astype("int64")
    kind = frame["kind"].fillna("unknown_kind")
    if lists == "kind":
        frame["list"] = kind
    else:
        frame["list"] = frame["source"].where(~kind.isin(GROUPED_KINDS), kind)
    return frame.drop(columns=["source", "kind"])


def _strata(persons: pd.DataFrame, records: pd.DataFrame, by: str | None,
            engine: Engine) -> pd.Series:
    """The stratum label of each person (aligned with `persons`).

    A stratum must not depend on which lists saw a person, or a list that alone records
    the stratum's variable captures all of it. Sex is therefore read as linkage reads it
    (``sex_key``: the record's sex, else the sex its patronymic or surname shows), from
    every record of the person, not from the few lists that have a sex column.
    """
    if by is None:
        return pd.Series("all", index=persons.index)
    if by == "status":
        return persons["status"].astype(str)
    if by == "oblast":
        return persons["oblast"].map(lambda v: oblast_key(v) or UNKNOWN)
    if by == "period":
        days = pd.Series(None, index=persons.index, dtype=object)
        for name, column in _PERIOD_DATE.items():
            if column not in persons.columns:
                continue
            chosen = persons["status"] == name
            days[chosen] = persons.loc[chosen, column]
        return days.str[:4].where(days.str.len() >= 4, UNKNOWN).fillna(UNKNOWN)
    mine = records[records["person_id"].isin(persons["person_id"])]
    features = build_features(read_link_records(engine, record_ids=mine["record_id"].tolist()))
    sex = pd.DataFrame({"record_id": features["unique_id"].astype("int64"),
                        "sex": features["sex_key"].astype(object)})
    sex = sex.merge(mine[["record_id", "person_id"]], on="record_id").dropna(subset=["sex"])
    sex["sex"] = sex["sex"].astype(str).str.upper()
    sex = sex[sex["sex"].isin(["M", "F"])]
    mode = sex.groupby("person_id")["sex"].agg(lambda v: v.iloc[0] if v.nunique() == 1
                                              else UNKNOWN)
    return persons["person_id"].map(mode).fillna(UNKNOWN)


def _table(frame: pd.DataFrame, lists: tuple[str, ...], stratum: str | None,
           source: str) -> CaptureTable:
    seen = pd.crosstab(frame["person_id"], frame["list"]).clip(upper=1)
    seen = seen.reindex(columns=list(lists), fill_value=0)
    table = CaptureTable.from_histories(lists, seen.to_numpy(dtype=np.int64),
                                        stratum=stratum, source=source)
    usable = table.usable_lists()
    return table.select(usable) if 2 <= len(usable) < len(lists) else table


def _tables(frame: pd.DataFrame, lists: tuple[str, ...], by: str | None, *, source: str,
            min_stratum: int) -> tuple[list[CaptureTable], list[str]]:
    """One table per stratum; small or one-list strata pooled. Returns (tables, notes)."""
    if len(lists) < 2:
        raise TableError(
            f"only {len(lists)} list(s) ({', '.join(lists) or 'none'}) state this status: "
            "multiple systems estimation needs at least 2 lists (better 3 or more)")
    if by is None:
        table = _table(frame, lists, None, source)
        return [table], _on_one_list(table)
    good, small = [], []
    for label, part in frame.groupby("stratum", sort=True):
        table = _table(part, lists, f"{by}={label}", source)
        if table.observed >= min_stratum and len(table.usable_lists()) >= 2:
            good.append(table)
        else:
            small.append(str(label))
    notes = []
    if small:
        pooled = frame[frame["stratum"].isin(small)]
        name = f"{by}=other ({', '.join(small)})" if len(small) > 1 else f"{by}={small[0]}"
        table = _table(pooled, lists, name, source)
        if len(table.usable_lists()) >= 2 and (table.observed >= min_stratum or not good):
            good.append(table)
            if len(small) > 1:
                notes.append(
                    f"{len(small)} strata of {by} had fewer than {min_stratum} persons or "
                    f"fewer than 2 lists; they are pooled into one stratum ({', '.join(small)})")
        elif good:
            # Too few even pooled: they join the largest stratum rather than be dropped.
            at = max(range(len(good)), key=lambda i: good[i].observed)
            largest = good[at]
            label = (largest.stratum or "").split("=", 1)[1]
            merged = frame[frame["stratum"].isin([*small, label])]
            good[at] = _table(
                merged, lists, f"{largest.stratum} (with {', '.join(small)})", source)
            notes.append(
                f"strata {', '.join(small)} of {by} hold {table.observed} persons, too few "
                f"to estimate even pooled; they are counted with {largest.stratum}")
        else:
            raise TableError(
                f"strata {small} hold {table.observed} persons on fewer than 2 lists even "
                "pooled: choose a coarser stratification (or none)")
    return good, notes + [w for t in good for w in _on_one_list(t)]


def _on_one_list(table: CaptureTable) -> list[str]:
    """Warn when one list holds every person of a table: nothing is then left to estimate,
    and a stratum so made is usually defined by what that list records."""
    full = [name for name, n in zip(table.lists, table.list_totals(), strict=True)
            if n == table.observed]
    if not full or table.observed < 10:
        return []
    where = f"stratum {table.stratum!r}: " if table.stratum else ""
    return [f"{where}list {full[0]!r} holds every one of its {table.observed} persons, so "
            "the estimate is the documented count by construction; if the stratum is "
            "defined by what that list records, stratify otherwise"]
