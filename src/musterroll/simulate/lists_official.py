"""Official lists: the military's notices of death and of disappearance (precise, with a
lag) and the register of the missing (everyone ever entered, with the state of the
search)."""

from __future__ import annotations

import numpy as np

from musterroll.simulate import dirt
from musterroll.simulate.fates import KILLED
from musterroll.simulate.people import service_numbers
from musterroll.simulate.render import dates
from musterroll.simulate.world import SourceList, World, chosen, lag

SEX_EN = np.array(["M", "F"], dtype=object)
# Why the register of the missing closed a search, in the order of the fates' dates:
# found alive, back from captivity, remains identified.
_SEARCH_ENDED_GROUNDS = ("місцезнаходження особи встановлено", "повернуто з полону",
                         "ідентифіковано останки")


def _notice_columns(world: World, rng: np.random.Generator, idx: np.ndarray,
                    status: str | np.ndarray, event_days: np.ndarray, reported: np.ndarray
                    ) -> dict[str, np.ndarray]:
    """The columns the military's notices share (canonical English headers, ISO dates,
    mostly the Unicode apostrophe ʼ), for persons `idx` with one status or one per row."""
    n, p = world.names, world.people
    columns = {
        "surname": n.surname(idx), "given_name": n.given(idx), "patronymic": n.patronymic(idx),
        "sex": SEX_EN[p.sex[idx]],
        "birth_date": dates(p.birth[idx], "iso", np.ones(len(idx), bool)),
        "oblast": n.oblast_styled(idx, rng, {"full": 1.0}), "settlement": n.settlement(idx),
        "unit": n.unit(idx), "rank": n.rank(idx),
        "service_number": service_numbers(p.service[idx]),
        "status": np.full(len(idx), status, dtype=object),
        "event_date": dates(event_days, "iso"), "event_place": n.place(idx),
        "reported_date": dates(reported, "iso"),
    }
    for col in ("surname", "given_name", "patronymic", "settlement", "event_place"):
        dirt.set_apostrophes(rng, columns[col], "ʼ'", [0.9, 0.1])
    return columns


def official_death_notices(world: World) -> SourceList:
    """Death notices of service members whose death is confirmed (body or DNA).

    Coverage is high but lower for homes under occupation (no one to notify) and for the
    chaotic first months; each notice comes weeks to months after the confirmation, and
    notices not yet published by the as-of day are absent. Canonical English headers,
    ISO dates, the Unicode apostrophe ʼ.
    """
    rng, f, p = world.rng("official_death_notices"), world.fates, world.people
    idx = np.flatnonzero(((f.fate == KILLED) | (f.identified >= 0)) & ~p.civilian)
    confirmed = np.where(f.fate[idx] == KILLED, f.killed[idx], f.identified[idx])
    prob = 0.9 * (1 - 0.3 * world.occupied(idx)) * world.year_factor(f.killed[idx], {2022: 0.85})
    reported = confirmed + lag(rng, len(idx), 40, 0.8, least=7)
    keep = chosen(rng, prob) & (reported <= world.as_of)
    idx, reported = idx[keep], reported[keep]
    # A few notices are issued again later as corrections ("уточнення"): same person.
    again = dirt.pick(rng, len(idx), 0.004)
    first = len(idx)
    idx = np.concatenate([idx, idx[again]])
    reported = np.concatenate([reported, reported[again] + lag(rng, len(again), 60, 0.8, 7)])
    note = np.where(np.arange(len(idx)) >= first, "уточнення", "").astype(object)
    idx, reported, note = (a[reported <= world.as_of] for a in (idx, reported, note))
    columns = _notice_columns(world, rng, idx, "killed", f.killed[idx], reported)
    columns["note"] = note
    out = SourceList("official_death_notices", "official", "csv", "uk", columns, idx,
                     encoding="utf-8", delimiter=",", extra={"date_format": "%Y-%m-%d"})
    return out.ordered(columns["surname"].astype(str), reported)


def official_missing_notices(world: World) -> SourceList:
    """Notices of service members missing in action, from the command's own loss reports.

    The military notifies a family of a disappearance as it notifies a death: the unit
    reports who did not come back from a fight, whatever the family does, so this list is
    independent of the families' reports (unlike the register of the missing, whose
    entries come mostly from families' statements). Civilians are not on it. Coverage is
    lower in the chaotic first months; a notice comes days to weeks after the loss, and
    one whose soldier was found before it went out is never issued. When a soldier with a
    notice is found, the command mostly hears it days later and updates his row: status
    "found_alive", dated the day he was found. Same file layout as the death notices,
    status "missing", the event date the day contact was lost.
    """
    rng, f, p = world.rng("official_missing_notices"), world.fates, world.people
    idx = np.flatnonzero((f.missing >= 0) & ~p.civilian)
    prob = 0.8 * world.year_factor(f.missing[idx], {2022: 0.8})
    reported = f.missing[idx] + lag(rng, len(idx), 10, 0.8, least=2)
    found = f.found[idx]
    keep = chosen(rng, prob) & (reported <= world.as_of) & ((found < 0) | (reported < found))
    idx, reported = idx[keep], reported[keep]
    status, event_days, reported = _found_notices(world, rng, idx, reported)
    columns = _notice_columns(world, rng, idx, status, event_days, reported)
    dirt.add_typos(rng, columns["surname"], 0.01)
    out = SourceList("official_missing_notices", "official", "csv", "uk", columns, idx,
                     encoding="utf-8", delimiter=",", extra={"date_format": "%Y-%m-%d"})
    return out.ordered(columns["surname"].astype(str), reported)


def _found_notices(world: World, rng: np.random.Generator, idx: np.ndarray,
                   reported: np.ndarray) -> tuple[np.ndarray, ...]:
    """Status, event day and day issued of the missing notices of persons `idx` (issued
    on days `reported`), a notice updated when the command has heard its soldier was
    found: the list keeps one row per soldier, as its publisher deduplicates it."""
    f = world.fates
    found_reported = f.found[idx] + lag(rng, len(idx), 4, 0.7, least=1)
    heard = ((f.found[idx] >= 0) & chosen(rng, np.full(len(idx), 0.9))
             & (found_reported <= world.as_of))
    status = np.where(heard, "found_alive", "missing").astype(object)
    return (status, np.where(heard, f.found[idx], f.missing[idx]),
            np.where(heard, found_reported, reported))


def missing_persons_register(world: World, on_family: np.ndarray) -> SourceList:
    """The register of persons missing under special circumstances, exported in cp1251.

    Everyone ever entered stays in it ("ever entered" is not "missing now"): a search that
    ended shows as ended, if the register has heard, with its ground (found alive, back
    from captivity, remains identified), as the register records why an entry is closed.
    Entries come mostly from families' statements, so a family's report makes an entry
    more likely (dependence between lists); homes under occupation are entered less
    often; someone found within days is rarely entered.

    Args:
        on_family: person indices on the families' reports.
    """
    rng, f, p, n = world.rng("missing_persons_register"), world.fates, world.people, world.names
    idx = np.flatnonzero(f.missing >= 0)
    entered = f.missing[idx] + lag(rng, len(idx), 18, 0.9, least=3)
    prob = (0.45 + 0.4 * np.isin(idx, on_family)) * (1 - 0.5 * world.occupied(idx))
    found = f.found[idx]
    cut = world.published("missing_persons_register")
    keep = chosen(rng, prob) & (entered <= cut) & ((found < 0) | (entered < found))
    idx, entered = idx[keep], entered[keep]
    outcomes = np.stack([f.found[idx], f.released[idx], f.identified[idx]])
    resolved = outcomes.max(axis=0)
    heard = resolved + lag(rng, len(idx), 30, 0.7)
    ended = (resolved >= 0) & (heard <= cut) & chosen(rng, np.full(len(idx), 0.85))
    # The ground is the fact that resolved the case: the last of the three dates.
    ground = np.array(_SEARCH_ENDED_GROUNDS, dtype=object)[outcomes.argmax(axis=0)]
    sought = np.array(["зниклий безвісти", "зникла безвісти"], dtype=object)[p.sex[idx]]
    columns = {
        "Прізвище": n.surname(idx), "Ім'я": n.given(idx), "По батькові": n.patronymic(idx),
        "Дата народження": dates(p.birth[idx], "dmy", np.ones(len(idx), bool)),
        "Область": n.oblast(idx), "Населений пункт": n.settlement_typed(idx, rng, 0.9),
        "Категорія": np.where(p.civilian[idx], "цивільна особа", "військовослужбовець"),
        "Дата зникнення": dates(f.missing[idx], "dmy"), "Місце зникнення": n.place(idx),
        "Статус": sought, "Дата внесення": dates(entered, "dmy"),
        "Стан розшуку": np.where(ended, "розшук припинено", "розшукується").astype(object),
        "Дата припинення розшуку": dates(np.where(ended, heard, -1), "dmy"),
        "Підстава припинення розшуку": np.where(ended, ground, "").astype(object),
    }
    for col in ("Прізвище", "Ім'я", "По батькові", "Населений пункт", "Місце зникнення"):
        dirt.set_apostrophes(rng, columns[col], "'’", [0.7, 0.3])
        dirt.add_lookalikes(rng, columns[col], 0.003)
    dirt.impossible_dates(rng, columns["Дата народження"], 0.0015)
    dirt.blank(rng, columns["Прізвище"], 0.0005)
    out = SourceList("missing_persons_register", "official", "csv", "uk", columns, idx,
                     encoding="cp1251", delimiter=";", published=cut,
                     extra={"date_format": "%d.%m.%Y",
                            "status_map": {"зниклий безвісти": "missing",
                                           "зникла безвісти": "missing"}})
    return out.ordered(rng.random(len(idx)), entered)  # by date entered
