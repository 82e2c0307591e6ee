"""Benchmark: normalise 1,000,000 full names, parse and key columns (target: <= 20 s).

Generates synthetic full names (general-knowledge given names from the package data,
made-up surnames from common Ukrainian and Russian stems and endings; no person's
record) in Ukrainian, Russian and Latin script, in both orders, some with initials or a
comma, then times `parse_full_names` and `name_keys_frame` on them in this process.
It also prints the precision and recall of the comparison levels on the labelled pairs
in tests/names/data/name_pairs.csv. Run::

    .venv/bin/python bench/bench_names.py [--rows 1000000] [--seed 4] [--check]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from musterroll.names import (
    LEVEL_RANK,
    compare,
    load_groups,
    name_keys_frame,
    parse_full_names,
    romanise,
)

TARGET_SECONDS = 20.0
PAIRS = Path(__file__).parent.parent / "tests" / "names" / "data" / "name_pairs.csv"
STEMS = ["Коваль", "Бондар", "Ткач", "Шевч", "Кравч", "Олійн", "Поліщ", "Бойч", "Мельнич",
         "Савч", "Руд", "Марч", "Лис", "Петр", "Клим", "Павл", "Мороз", "Гонча", "Литвин",
         "Сидор", "Захарч", "Харч", "Гриц", "Яц", "Юрч", "Щерб", "Жур", "Соловй", "Воробй",
         "Медвед", "Кузнец", "Васил", "Яковл", "Білоус", "Гнат", "Остап", "Данил", "Демч",
         "Федор", "Тимош", "Степан", "Зайч", "Карп", "Головч", "Дорош", "Кириченк", "Мартин",
         "Приход", "Семен", "Левч"]  # fmt: skip
ENDINGS = ["енко", "ук", "юк", "чук", "ов", "ова", "ев", "ьов", "ський", "ська", "ич",
           "ак", "ко", "ишин", "ець", "ин"]  # fmt: skip


def _surnames(rng: np.random.Generator, n: int) -> list[str]:
    """Made-up surnames: stem + one or two syllables + ending, about 40,000 distinct."""
    syllables = ["", "а", "о", "ан", "ен", "ар", "ол", "ив", "ун", "ел", "ор", "ам"]
    stems = rng.choice(STEMS, n)
    middles = rng.choice(syllables, n) + rng.choice(syllables, n)
    return list(stems + middles + rng.choice(ENDINGS, n))


def _given_pools() -> tuple[list[str], list[str], list[str]]:
    """Given names (Ukrainian, Russian, Latin and diminutive forms) and patronymics."""
    groups = load_groups()
    given = [f for g in groups for f in g.uk + g.ru + g.latin[:1] + g.diminutives[:1]]
    fathers = [f for g in groups if g.sex == "m" for f in g.uk]
    patronymics = [f + s for f in fathers if f[-1] not in "йоаяь" for s in ("ович", "івна")]
    return given, patronymics, fathers


def synthetic_full_names(rows: int, seed: int) -> pd.Series:
    """Return `rows` synthetic full names in mixed scripts, orders and forms."""
    rng = np.random.default_rng(seed)
    given, patronymics, _ = _given_pools()
    surnames = np.array(_surnames(rng, rows), dtype=object)
    g = np.array(rng.choice(given, rows), dtype=object)
    p = np.array(rng.choice(patronymics, rows), dtype=object)
    shape = rng.choice(8, rows, p=[0.5, 0.12, 0.1, 0.08, 0.08, 0.06, 0.04, 0.02])
    names = surnames + " " + g + " " + p  # 0: surname given patronymic
    names[shape == 1] = (g + " " + p + " " + surnames)[shape == 1]
    names[shape == 2] = (surnames + " " + g)[shape == 2]
    initials = np.array([s[:1] + "." for s in g], dtype=object)
    names[shape == 3] = (surnames + " " + initials + np.array([s[:1] + "." for s in p]))[
        shape == 3
    ]
    names[shape == 4] = np.char.upper(surnames.astype(str)).astype(object)[shape == 4] + (
        " " + g + " " + p
    )[shape == 4]
    names[shape == 5] = (surnames + ", " + g)[shape == 5]
    latin = np.flatnonzero(shape == 6)
    # Latin names: romanise the distinct Cyrillic ones once (the generator, not timed).
    romanised = {v: romanise(v) for v in set((g[latin] + " " + surnames[latin]).tolist())}
    names[latin] = [romanised[v] for v in (g[latin] + " " + surnames[latin]).tolist()]
    names[shape == 7] = (g + " " + g + " " + p + " " + surnames)[shape == 7]
    return pd.Series(names, dtype=object)


def run(rows: int, seed: int) -> dict[str, float]:
    """Time parsing and keying `rows` full names; return seconds and distinct counts."""
    names = synthetic_full_names(rows, seed)
    start, cpu_start = time.perf_counter(), time.process_time()
    parsed = parse_full_names(names)
    parsed_at = time.perf_counter()
    keys = name_keys_frame(parsed.assign(sex=None))
    done, cpu_done = time.perf_counter(), time.process_time()
    assert len(keys) == rows
    return {
        "rows": rows,
        "distinct_full_names": int(names.nunique()),
        "distinct_surnames": int(parsed["surname"].nunique()),
        "parse_seconds": round(parsed_at - start, 2),
        "keys_seconds": round(done - parsed_at, 2),
        "seconds": round(done - start, 2),
        # CPU seconds of this process: the figure that does not depend on what else the
        # (shared) machine is running.
        "cpu_seconds": round(cpu_done - cpu_start, 2),
    }


def pair_metrics() -> dict[str, float]:
    """Precision and recall of "equivalent or better" and "phonetic or better"."""
    lines = [x for x in PAIRS.read_text("utf-8").splitlines() if not x.startswith("#")]
    pairs = list(csv.DictReader(lines))
    ranks = [LEVEL_RANK[compare(p["a"], p["b"], p["kind"]).level] for p in pairs]  # type: ignore[arg-type]
    same = [p["label"] == "same" for p in pairs]
    out: dict[str, float] = {"pairs": len(pairs), "same": sum(same)}
    for name, floor in (("equivalent", 3), ("phonetic", 2)):
        predicted = [r >= floor for r in ranks]
        tp = sum(p and s for p, s in zip(predicted, same, strict=True))
        out[f"{name}_or_better_precision"] = round(tp / max(sum(predicted), 1), 4)
        out[f"{name}_or_better_recall"] = round(tp / max(sum(same), 1), 4)
    different = [r for r, s in zip(ranks, same, strict=True) if not s]
    out["different_at_fuzzy_or_below"] = round(sum(r <= 1 for r in different) / len(different), 4)
    return out


def main() -> int:
    """Run the benchmark; with --check, exit 1 when over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--check", action="store_true", help="fail when over the target")
    args = parser.parse_args()
    result = run(args.rows, args.seed) | {"target_seconds": TARGET_SECONDS}
    print(json.dumps(result | {"pairs": pair_metrics()}, indent=2))
    return 1 if args.check and result["seconds"] > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
