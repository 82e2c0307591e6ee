"""The adversary's lists: its prisoner list (Russian Cyrillic, cp1251), its registry in
Russian-style Latin, and the exchange lists of both sides, one file per side per
exchange, which do not always agree."""

from __future__ import annotations

import numpy as np

from musterroll.simulate import dirt
from musterroll.simulate.fates import day_to_date
from musterroll.simulate.render import dates, join
from musterroll.simulate.world import SourceList, World, chosen, lag

RU_STATUS = {"военнопленный": "captured", "военнопленная": "captured",
             "задержанный": "captured", "задержанная": "captured"}


def _russian_names(world: World, rng: np.random.Generator, idx: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Surname, given name and patronymic as a Russian clerk writes them: Russian forms
    (Александр, Сергеевич, Ковалёв), ё often written е, some surnames copied as spelled
    in Ukrainian documents."""
    n = world.names
    surname = np.where(rng.random(len(idx)) < 0.85, n.surname(idx, "ru"), n.surname(idx))
    surname = surname.astype(object)
    given, patronymic = n.given(idx, "ru").copy(), n.patronymic(idx, "ru").copy()
    plain = np.flatnonzero(rng.random(len(idx)) < 0.5)
    for col in (surname, given, patronymic):
        for r in plain.tolist():
            col[r] = col[r].replace("ё", "е").replace("Ё", "Е")
    return surname, given, patronymic


def _status(world: World, idx: np.ndarray) -> np.ndarray:
    """Военнопленный / задержанный (civilians), in the person's gender."""
    p = world.people
    table = np.array([["военнопленный", "военнопленная"], ["задержанный", "задержанная"]],
                     dtype=object)
    return table[p.civilian[idx].astype(int), p.sex[idx]]


def adversary_prisoner_list(world: World) -> SourceList:
    """The adversary's list of the prisoners it holds (cp1251 CSV, Russian headers).

    It acknowledges only part of those it holds: officers more often, civilians less;
    each is listed weeks to months after capture, with the capture day sometimes off.
    """
    rng, f, p, n = world.rng("adversary_prisoner_list"), world.fates, world.people, world.names
    idx = np.flatnonzero(f.captured >= 0)
    prob = np.where(world.officer(idx), 0.75, 0.6) * np.where(p.civilian[idx], 0.5, 1.0)
    listed = f.captured[idx] + lag(rng, len(idx), 60, 0.8, least=20)
    keep = chosen(rng, prob) & (listed <= world.published("adversary_prisoner_list"))
    idx, listed = idx[keep], listed[keep]
    m = len(idx)
    surname, given, patronymic = _russian_names(world, rng, idx)
    off = np.where(rng.random(m) < 0.15, rng.integers(-7, 8, m), 0)
    unit = np.array(["в/ч " + u if u else "" for u in n.unit(idx).tolist()], dtype=object)
    unit[rng.random(m) < 0.5] = ""
    detention = np.array(world.tables.war["detention"], dtype=object)
    columns = {
        "Фамилия": surname, "Имя": given, "Отчество": patronymic,
        "Дата рождения": dates(p.birth[idx], "dmy", np.ones(m, bool)),
        "Место рождения": join(n.settlement(idx, "ru"), np.array(
            [o + " обл." if not o.startswith(("г.", "АР")) else o
             for o in n.oblast(idx, "ru").tolist()], dtype=object), sep=", "),
        "Воинское звание": n.rank(idx, "ru"), "Воинская часть": unit,
        "Дата пленения": dates(np.maximum(f.captured[idx] + off, world.day("2022-02-24")),
                               "dmy"),
        "Место содержания": detention[rng.integers(0, len(detention), m)],
        "Статус": _status(world, idx),
    }
    for col in ("Фамилия", "Имя", "Отчество"):
        dirt.add_lookalikes(rng, columns[col], 0.005)
        dirt.add_typos(rng, columns[col], 0.01, layout="ru")
    dirt.misdate(rng, columns["Дата рождения"], 0.02)
    dirt.impossible_dates(rng, columns["Дата рождения"], 0.002)
    out = SourceList("adversary_prisoner_list", "adversary", "csv", "ru", columns, idx,
                     encoding="cp1251", delimiter=";",
                     published=world.published("adversary_prisoner_list"),
                     extra={"date_format": "%d.%m.%Y", "status_map": RU_STATUS})
    return out.ordered(rng.random(m), given.astype(str), surname.astype(str))


def adversary_registry_latin(world: World, on_list: np.ndarray) -> SourceList:
    """The adversary's registry of prisoners in Latin letters (JSON Lines), as sent to an
    international body: Russian forms romanised in Russian passport styles (Aleksandr,
    Sergey/Sergei, Kovalev). More likely for those on its Cyrillic list (same office).

    Args:
        on_list: person indices on the adversary's Cyrillic prisoner list.
    """
    rng, f, p, n = world.rng("adversary_registry_latin"), world.fates, world.people, world.names
    idx = np.flatnonzero(f.captured >= 0)
    prob = 0.3 + 0.45 * np.isin(idx, on_list)
    reported = f.captured[idx] + lag(rng, len(idx), 90, 0.8, least=30)
    keep = chosen(rng, prob) & (reported <= world.published("adversary_registry_latin"))
    idx, reported = idx[keep], reported[keep]
    m = len(idx)
    surname, given, patronymic = _russian_names(world, rng, idx)
    icao = rng.random(m) < 0.4
    cols = {}
    for key, values in (("surname", surname), ("given_name", given), ("patronymic", patronymic)):
        cols[key] = np.where(icao, n.romanised(values, "ru_icao"),
                             n.romanised(values, "ru_passport1997")).astype(object)
    columns = {
        **cols, "birth_date": dates(p.birth[idx], "iso", np.ones(m, bool)),
        "rank": n.rank(idx, "en"), "status": np.full(m, "captured", dtype=object),
        "event_date": dates(f.captured[idx], "iso"), "reported_date": dates(reported, "iso"),
    }
    out = SourceList("adversary_registry_latin", "adversary", "jsonl", "latin", columns, idx,
                     published=world.published("adversary_registry_latin"),
                     extra={"date_format": "%Y-%m-%d", "romanisation": ["ru_passport1997",
                                                                        "ru_icao"]})
    return out.ordered(rng.random(m), reported)


def exchange_lists(world: World) -> list[SourceList]:
    """Two lists per prisoner exchange: Ukraine's (who came home; UTF-8 CSV with BOM,
    Ukrainian headers) and the adversary's (who it says it handed over; XLSX, Russian
    headers, full name in one column surname first).

    The adversary's list misses a few who came home and names a few who did not (they
    come home in a later exchange or not at all); its date can be a day earlier.
    """
    rng, f = world.rng("exchange_lists"), world.fates
    held = np.flatnonzero(f.captured >= 0)
    out: list[SourceList] = []
    for j, day in enumerate(f.exchanges.tolist()):
        home = np.flatnonzero(f.exchange == j)
        if len(home) == 0:
            continue
        exid = f"EX{j + 1:03d}"
        ua = home[chosen(rng, np.full(len(home), 0.995))]
        still = held[(f.captured[held] < day - 30) & ((f.released[held] < 0) |
                                                      (f.released[held] > day))]
        extra = rng.choice(still, min(len(still), rng.binomial(len(home), 0.02)), replace=False)
        ru = np.concatenate([home[chosen(rng, np.full(len(home), 0.98))], extra])
        ru_day = day - int(rng.random() < 0.3)
        if len(ua):
            out.append(_ua_exchange(world, rng, ua, exid, day))
        if len(ru):
            out.append(_ru_exchange(world, rng, ru, exid, ru_day))
    return out


def _ua_exchange(world: World, rng: np.random.Generator, idx: np.ndarray, exid: str,
                 day: int) -> SourceList:
    """Ukraine's list of those who came home in one exchange."""
    p, n = world.people, world.names
    m = len(idx)
    idx = idx[np.lexsort((rng.random(m), n.surname(idx).astype(str)))]
    columns = {
        "№": np.arange(1, m + 1).astype(str).astype(object),
        # Official Ukrainian lists write the surname in capitals: КОВАЛЕНКО Олександр.
        "Прізвище": np.array([s.upper() for s in n.surname(idx).tolist()], dtype=object),
        "Ім'я": n.given(idx), "По батькові": n.patronymic(idx),
        "Дата народження": dates(p.birth[idx], "dmy", np.ones(m, bool)),
        "Звання": n.rank(idx), "Військова частина": n.unit(idx),
        "Категорія": np.where(p.civilian[idx], "цивільний", "військовополонений").astype(object),
        "Дата обміну": dates(np.full(m, day), "dmy"),
    }
    for col in ("Прізвище", "Ім'я", "По батькові"):
        dirt.set_apostrophes(rng, columns[col], "'’", [0.6, 0.4])
    date = day_to_date(day).isoformat()
    return SourceList(f"exchange_{exid.lower()}_ua", "exchange", "csv", "uk", columns, idx,
                      encoding="utf-8-sig", delimiter=";", published=day,
                      extra={"exchange_id": exid, "exchange_date": date, "side": "ua",
                             "date_format": "%d.%m.%Y", "default_status": "released"})


def _ru_exchange(world: World, rng: np.random.Generator, idx: np.ndarray, exid: str,
                 day: int) -> SourceList:
    """The adversary's list of those it says it handed over in one exchange."""
    p, n = world.people, world.names
    m = len(idx)
    surname, given, patronymic = _russian_names(world, rng, idx)
    order = np.lexsort((rng.random(m), surname.astype(str)))
    idx, surname, given, patronymic = idx[order], surname[order], given[order], patronymic[order]
    columns = {
        "ФИО": join(surname, given, patronymic),
        "Дата рождения": p.birth[idx],  # an Excel date cell, unlike Ukraine's typed dates
        "Воинское звание": n.rank(idx, "ru"),
    }
    dirt.add_lookalikes(rng, columns["ФИО"], 0.005)
    date = day_to_date(day).isoformat()
    return SourceList(f"exchange_{exid.lower()}_ru", "exchange", "xlsx", "ru", columns, idx,
                      published=day,
                      extra={"exchange_id": exid, "exchange_date": date, "side": "ru",
                             "date_format": "%d.%m.%Y", "default_status": "released"},
                      excel_dates=frozenset({"Дата рождения"}))
