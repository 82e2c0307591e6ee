"""Truth files: every person and their true fate history, and the true person of every
row of every list (docs/simulation-format.md)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from musterroll.simulate.fates import EVENTS, FATES, Fates
from musterroll.simulate.people import service_numbers
from musterroll.simulate.render import Names, dates
from musterroll.simulate.world import SourceList


def _write(path: Path, columns: dict[str, np.ndarray]) -> None:
    """Write columns as a UTF-8 CSV with LF line ends (the csv module: several times
    faster than pandas for columns of Python strings, the same bytes)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(list(columns))
        writer.writerows(zip(*(c.tolist() for c in columns.values()), strict=True))


def person_ids(idx: np.ndarray, total: int) -> np.ndarray:
    """Person ids (P0000001...) for person indices, zero-padded to fit `total`."""
    width = max(7, len(str(total)))
    out = np.empty(len(idx), dtype=object)
    out[:] = [f"P{i + 1:0{width}d}" for i in idx.tolist()]
    return out


def write_persons(path: Path, names: Names, fates: Fates) -> None:
    """Write truth/persons.csv: one row per simulated person, with the true fate."""
    p = names.people
    idx = np.arange(len(p))
    _write(path, {
        "person_id": person_ids(idx, len(p)),
        "sex": np.array(["M", "F"], dtype=object)[p.sex],
        "surname": names.surname(idx), "given_name": names.given(idx),
        "patronymic": names.patronymic(idx),
        "birth_date": dates(p.birth, "iso", np.ones(len(p), bool)),
        "oblast": names.oblast(idx), "settlement": names.settlement(idx),
        "unit": names.unit(idx), "rank": names.rank(idx),
        "service_number": service_numbers(p.service),
        "civilian": np.where(p.civilian, "true", "false"),
        "fate": np.array(FATES, dtype=object)[fates.fate],
    })


def write_events(path: Path, names: Names, fates: Fates) -> None:
    """Write truth/events.csv: each person's true events in date order."""
    f, total = fates, len(names.people)
    batch_ids = np.array([f"REP-{b + 1:03d}" for b in range(len(f.batches))] + [""],
                         dtype=object)
    first_batch = np.full(total, -1, dtype=np.int64)
    order = np.argsort(f.remains.batch, kind="stable")[::-1]  # first batch of each person wins
    first_batch[f.remains.person[order]] = f.remains.batch[order]
    exchange_ids = np.array([f"EX{j + 1:03d}" for j in range(len(f.exchanges))] + [""],
                            dtype=object)
    parts = []
    for code, days in enumerate((f.missing, f.captured, f.released, f.killed, f.recovered,
                                 f.identified, f.buried, f.found)):
        idx = np.flatnonzero(days >= 0)
        place = names.place(idx) if code in (0, 1, 3) else np.full(len(idx), "", dtype=object)
        detail = np.full(len(idx), "", dtype=object)
        if EVENTS[code] == "released":
            detail = exchange_ids[f.exchange[idx]]
        elif EVENTS[code] == "remains_recovered":
            detail = batch_ids[first_batch[idx]]
        parts.append(pd.DataFrame({"i": idx, "day": days[idx], "code": code,
                                   "place": place, "detail": detail}))
    events = pd.concat(parts, ignore_index=True).sort_values(["i", "day", "code"],
                                                             kind="stable")
    _write(path, {
        "person_id": person_ids(events["i"].to_numpy(), total),
        "date": dates(events["day"].to_numpy(), "iso"),
        "event": np.array(EVENTS, dtype=object)[events["code"].to_numpy()],
        "place": events["place"].to_numpy(), "detail": events["detail"].to_numpy(),
    })


def write_rows(path: Path, sources: Sequence[SourceList], total: int) -> None:
    """Write truth/rows.csv: for every data row of every list (1-based), the person."""
    _write(path, {
        "source": np.concatenate([np.full(len(s), s.name, dtype=object) for s in sources]),
        "row": np.concatenate([np.arange(1, len(s) + 1) for s in sources]),
        "person_id": person_ids(np.concatenate([s.person for s in sources]), total),
    })
