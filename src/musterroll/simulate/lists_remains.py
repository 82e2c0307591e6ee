"""Remains and burials: DNA identification reports on repatriated remains (one report per
bag, and one person's remains can be in several bags and batches), and burial registers
kept by cemeteries (idiosyncratic headers, full name in one column, surname first)."""

from __future__ import annotations

import numpy as np

from musterroll.simulate import dirt
from musterroll.simulate.fates import day_to_date
from musterroll.simulate.render import dates, join
from musterroll.simulate.world import SourceList, World, chosen


def _bag_numbers(rng: np.random.Generator, batch: np.ndarray) -> np.ndarray:
    """Number the bags of each repatriation 1, 2, ... in the order they were unloaded,
    which has nothing to do with whose remains they hold."""
    order = np.lexsort((rng.random(len(batch)), batch))
    position = np.empty(len(batch), dtype=np.int64)
    position[order] = np.arange(len(batch))
    starts = np.searchsorted(batch[order], batch, side="left")
    return position - starts + 1


def identification_reports(world: World) -> SourceList:
    """One DNA identification report per identified bag of remains (JSON Lines).

    Each report names the remains id, the repatriation batch and its date, the person,
    the lab, the report date, the likelihood ratio and the relative who gave the
    reference sample. A few reports do not reach the list (0.97 coverage).
    """
    rng, f, p, n = world.rng("identification_reports"), world.fates, world.people, world.names
    r = f.remains
    bag_no = _bag_numbers(rng, r.batch)
    keep = (r.identified >= 0) & chosen(rng, np.full(len(r.person), 0.97))
    bag_no, idx, batch, day = bag_no[keep], r.person[keep], r.batch[keep], r.identified[keep]
    m = len(idx)
    labs = np.array(world.tables.war["labs"], dtype=object)
    rel = np.array(world.tables.war["relations"], dtype=object)
    years = [day_to_date(d).year for d in f.batches.tolist()]
    remains_id = np.array([f"ТР-{years[b]}-{b + 1:03d}-{k:04d}"
                           for b, k in zip(batch.tolist(), bag_no.tolist(), strict=True)],
                          dtype=object)
    # Likelihood ratios of kinship matches: 10^6 to 10^14, higher with close references.
    lr = np.round(10 ** rng.uniform(6, 14, m), -3).astype(np.int64)
    columns = {
        "remains_id": remains_id,
        "batch_id": np.array([f"REP-{b + 1:03d}" for b in batch.tolist()], dtype=object),
        "batch_date": dates(f.batches[batch], "iso"),
        "surname": n.surname(idx), "given_name": n.given(idx), "patronymic": n.patronymic(idx),
        "birth_date": dates(p.birth[idx], "iso", np.ones(m, bool)),
        "status": np.full(m, "identified", dtype=object),
        "lab": labs[rng.integers(0, len(labs), m)],
        "reported_date": dates(day, "iso"),
        "likelihood_ratio": np.array(lr.tolist(), dtype=object),
        "dna_reference": rel[rng.integers(0, 7, m)],
    }
    for col in ("surname", "given_name", "patronymic"):
        dirt.set_apostrophes(rng, columns[col], "ʼ'", [0.8, 0.2])
    out = SourceList("identification_reports", "repatriation", "jsonl", "uk", columns, idx,
                     extra={"date_format": "%Y-%m-%d"})
    return out.ordered(remains_id.astype(str))


BURIAL_MAPPING = {
    "ПІБ померлого": "full_name", "Дата народж.": "birth_date", "Дата смерті": "event_date",
    "Дата поховання": "reported_date", "Нас. пункт поховання": "settlement",
    "Військове звання": "rank", "В/ч": "unit", "Кладовище": "note",
}


def burial_register(world: World) -> SourceList:
    """Burials recorded by cemetery administrations (XLSX, headers of their own).

    Registers are digitised more in the west and centre than near the front. The death
    date of someone identified from remains is often unknown to the cemetery.
    """
    rng, f, p, n = world.rng("burial_register"), world.fates, world.people, world.names
    cut = world.published("burial_register")
    idx = np.flatnonzero((f.buried >= 0) & (f.buried <= cut))
    prob = 0.5 * world.region_factor(idx, {"west": 1.3, "center": 1.2, "east": 0.6,
                                           "south": 0.7})
    idx = idx[chosen(rng, prob)]
    m = len(idx)
    death = f.killed[idx].copy()
    death[(f.identified[idx] >= 0) & (rng.random(m) < 0.3)] = -1
    cemeteries = np.array(world.tables.war["cemeteries"], dtype=object)
    unit = n.unit(idx).copy()
    unit[rng.random(m) < 0.6] = ""
    columns = {
        "ПІБ померлого": join(n.surname(idx), n.given(idx), n.patronymic(idx)),
        "Дата народж.": dates(p.birth[idx], "dmy", np.ones(m, bool)),
        "Дата смерті": dates(death, "dmy"),
        "Дата поховання": f.buried[idx],
        "Кладовище": cemeteries[rng.integers(0, len(cemeteries), m)],
        "Нас. пункт поховання": n.settlement(idx),
        "Військове звання": n.rank(idx), "В/ч": unit,
    }
    dirt.set_apostrophes(rng, columns["ПІБ померлого"], "’'", [0.7, 0.3])
    dirt.add_typos(rng, columns["ПІБ померлого"], 0.01)
    dirt.misdate(rng, columns["Дата народж."], 0.01)
    dirt.impossible_dates(rng, columns["Дата народж."], 0.002)
    out = SourceList("burial_register", "burial", "xlsx", "uk", columns, idx,
                     mapping=BURIAL_MAPPING, published=cut,
                     excel_dates=frozenset({"Дата поховання"}),
                     extra={"date_format": "%d.%m.%Y", "default_status": "killed",
                            "full_name_order": "surname_first"})
    return out.ordered(rng.random(m), f.buried[idx])
