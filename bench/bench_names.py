"""Benchmark: normalise 1,000,000 full names, parse and key columns (target: <= 20 s).

Generates synthetic full names (general-knowledge given names from the package data,
made-up surnames from common Ukrainian and Russian stems and endings; no person's
record) in Ukrainian, Russian and Latin script, in both orders, some with initials or a
comma, then times `parse_full_names` and `name_keys_frame` on them in this process.
It also prints the precision and recall of the comparison levels on the labelled pairs
in tests/names/data/name_pairs.csv, and with --simulated N on the records of a simulated
war of N people (the simulator spells names by its own rules, not this package's: an
independent test; pairs of records are labelled by the true persons' names). With
--cases N it puts the names of N synthetic people (tests/names/inflected_names.py, from
the simulator's tables) in the genitive, dative and instrumental with pymorphy3 and
prints how many compare "equivalent" or better to their nominative (as full names through
`compare_names`, and part by part through the key columns), and how often random pairs
of different people stay "different"; and, for the same people with surname and given
name swapped (in the same script and romanised), how often the `swapped` level and
blocking rule find them and how often two different people look swapped. Run::

    .venv/bin/python bench/bench_names.py [--rows 1000000] [--seed 4] [--check]
        [--simulated 3000] [--cases 300]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from musterroll.names import (
    LEVEL_RANK,
    compare,
    compare_keys,
    load_groups,
    name_keys_frame,
    parse_full_names,
    romanise,
)

TARGET_SECONDS = 20.0
TESTS = Path(__file__).parent.parent / "tests" / "names"
PAIRS = TESTS / "data" / "name_pairs.csv"
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
    # The baseline the issue starts from: Jaro-Winkler on the lower-cased names (DuckDB).
    con = duckdb.connect()
    scores = [con.execute("SELECT jaro_winkler_similarity(lower(?), lower(?))",
                          [p["a"], p["b"]]).fetchone()[0] for p in pairs]  # type: ignore[index]
    for threshold in (0.85, 0.9):
        predicted = [score >= threshold for score in scores]
        tp = sum(p and s for p, s in zip(predicted, same, strict=True))
        out[f"jaro_winkler_{threshold}_precision"] = round(tp / max(sum(predicted), 1), 4)
        out[f"jaro_winkler_{threshold}_recall"] = round(tp / max(sum(same), 1), 4)
    return out


def _simulated_records(people: int, seed: int, folder: Path) -> pd.DataFrame:
    """Simulate a war, ingest it, and return its records with their true person ids."""
    cli = str(Path(sys.executable).with_name("musterroll"))
    db = f"sqlite:///{folder / 'register.db'}"
    run_quietly = {"check": True, "stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL}
    subprocess.run([cli, "simulate", "--seed", str(seed), "--people", str(people),
                    "--out", str(folder / "war")], **run_quietly)  # type: ignore[call-overload]
    subprocess.run([cli, "--db", db, "init"], **run_quietly)  # type: ignore[call-overload]
    subprocess.run([cli, "--db", db, "ingest", "--manifest", str(folder / "war" / "manifest.json")],
                   **run_quietly)  # type: ignore[call-overload]
    listing = subprocess.run([cli, "--db", db, "records", "--csv"], **run_quietly)  # type: ignore[call-overload]
    (folder / "records.csv").write_bytes(listing.stdout)
    records = pd.read_csv(folder / "records.csv", dtype=str)
    truth = pd.read_csv(folder / "war" / "truth" / "rows.csv", dtype=str)
    return records.merge(truth, on=["source", "row"])


def simulated_metrics(people: int, seed: int) -> dict[str, dict[str, float]]:
    """Levels on pairs of simulated records: same true name vs different true name.

    Pairs: every two records of one person, and three times as many random pairs of
    records of two people. A part's pair is labelled by the true persons' names.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records = _simulated_records(people, seed, folder)
        persons = pd.read_csv(folder / "war" / "truth" / "persons.csv", dtype=str)
    # Lists with the full name in one column: parse it with this package (ingest may be
    # older than it); lists with separate columns keep theirs.
    parts = ["surname", "given_name", "patronymic"]
    one_column = records[parts].isna().all(axis=1) | records["source"].str.startswith(
        ("exchange_ex", "burial", "obituaries")
    )
    parsed = parse_full_names(records["full_name"])
    for part in parts:
        records[part] = parsed[part].where(one_column & records["full_name"].notna(),
                                           records[part])
    keys = name_keys_frame(records, sex="sex")
    keyed = [{k: (None if pd.isna(v) else v) for k, v in row.items()}
             for row in keys.to_dict("records")]
    truth = persons.set_index("person_id")
    ids = records["person_id"].tolist()
    pairs = [(i, j) for group in records.groupby("person_id").indices.values()
             for i in group for j in group if i < j]
    rng = random.Random(seed)
    wanted = 4 * len(pairs)
    while len(pairs) < wanted:
        i, j = rng.randrange(len(ids)), rng.randrange(len(ids))
        if ids[i] != ids[j]:
            pairs.append((i, j))
    out: dict[str, dict[str, float]] = {}
    for kind, part in (("surname", "surname"), ("given", "given_name"),
                       ("patronymic", "patronymic")):
        same, different = [], []
        for i, j in pairs:
            level = compare_keys(keyed[i], keyed[j], kind)  # type: ignore[arg-type]
            if level == "null":
                continue
            is_same = truth.at[ids[i], part] == truth.at[ids[j], part]
            (same if is_same else different).append(LEVEL_RANK[level])
        out[kind] = {
            "same_pairs": len(same),
            "same_phonetic_or_better": round(sum(r >= 2 for r in same) / max(len(same), 1), 4),
            "same_equivalent_or_better": round(sum(r >= 3 for r in same) / max(len(same), 1), 4),
            "different_pairs": len(different),
            "different_fuzzy_or_below": round(
                sum(r <= 1 for r in different) / max(len(different), 1), 4
            ),
        }
    return out


def _inflected_names_module() -> Any:
    """Load tests/names/inflected_names.py by path (the tests are not a package)."""
    spec = importlib.util.spec_from_file_location("inflected_names", TESTS / "inflected_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["inflected_names"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _full_level_by_keys(left: pd.DataFrame, right: pd.DataFrame) -> list[str]:
    """The weakest part's level per row pair, through the key columns linkage uses."""
    a = name_keys_frame(left).to_dict("records")
    b = name_keys_frame(right).to_dict("records")
    out = []
    for x, y in zip(a, b, strict=True):
        levels = [compare_keys(x, y, kind) for kind in ("surname", "given", "patronymic")]
        present = [level for level in levels if level != "null"]
        out.append(min(present, key=LEVEL_RANK.__getitem__) if present else "null")
    return out


_KINDS = (("surname", "surname"), ("given", "given_name"), ("patronymic", "patronymic"))


def _part_rates(left: list[Any], right: list[Any], truth: list[tuple[Any, Any]]) -> dict[str, Any]:
    """Per part, among pairs whose true (nominative) parts differ: the share compared
    "different" and the share compared "equivalent" or better (false matches)."""
    a = name_keys_frame(_parts_frame(left)).to_dict("records")
    b = name_keys_frame(_parts_frame(right)).to_dict("records")
    out: dict[str, Any] = {}
    for kind, field in _KINDS:
        levels = [compare_keys(x, y, kind) for x, y, (t, u) in zip(a, b, truth, strict=True)
                  if getattr(t, field) != getattr(u, field)]
        out[kind] = _rates(levels)
    return out


def _parts_frame(names: list[Any]) -> pd.DataFrame:
    return pd.DataFrame([(n.surname, n.given_name, n.patronymic) for n in names],
                        columns=["surname", "given_name", "patronymic"])


def _rates(levels: list[str]) -> dict[str, float]:
    n = max(len(levels), 1)
    return {
        "pairs": len(levels),
        "equivalent_or_better": round(sum(LEVEL_RANK[x] >= 3 for x in levels) / n, 4),
        "different": round(sum(x == "different" for x in levels) / n, 4),
    }


def case_metrics(people: int, seed: int) -> dict[str, Any]:
    """Names in genitive, dative and instrumental against their nominative; random pairs
    of different people (one in a case, one in the nominative) for the false matches."""
    from musterroll.names.report import compare_names

    module = _inflected_names_module()
    start = time.perf_counter()
    inflected = module.inflected_names(people, seed)
    nominatives = [n.person for n in inflected]
    generated = time.perf_counter()
    out: dict[str, Any] = {"people": people, "names": len(inflected)}
    by_text = [compare_names(n.full_name, n.person.full_name)["level"] for n in inflected]
    by_keys = _full_level_by_keys(_parts_frame(inflected), _parts_frame(nominatives))
    for case in module.CASES:
        rows = [i for i, n in enumerate(inflected) if n.case == case]
        out[case] = {"full_name": _rates([by_text[i] for i in rows])["equivalent_or_better"],
                     "keys": _rates([by_keys[i] for i in rows])["equivalent_or_better"]}
    out["all_cases"] = {"full_name": _rates(by_text)["equivalent_or_better"],
                        "keys": _rates(by_keys)["equivalent_or_better"]}
    out["misses"] = [f"{n.full_name} / {n.person.full_name}: {level}"
                     for n, level in zip(inflected, by_text, strict=True) if LEVEL_RANK[level] < 3]
    rng = random.Random(seed)
    pairs = []
    while len(pairs) < 3000:
        i, j = rng.randrange(len(inflected)), rng.randrange(len(inflected))
        if nominatives[i].full_name != nominatives[j].full_name:
            pairs.append((i, j))
    out["different_people"] = {
        "nominative_vs_nominative": _rates(_full_level_by_keys(
            _parts_frame([nominatives[i] for i, _ in pairs]),
            _parts_frame([nominatives[j] for _, j in pairs]))),
        "case_vs_nominative": _rates(_full_level_by_keys(
            _parts_frame([inflected[i] for i, _ in pairs]),
            _parts_frame([nominatives[j] for _, j in pairs]))),
        "case_vs_nominative_full_name": _rates([
            compare_names(inflected[i].full_name, nominatives[j].full_name)["level"]
            for i, j in pairs]),
        "parts_nominative_vs_nominative": _part_rates(
            [nominatives[i] for i, _ in pairs], [nominatives[j] for _, j in pairs],
            [(nominatives[i], nominatives[j]) for i, j in pairs]),
        "parts_case_vs_nominative": _part_rates(
            [inflected[i] for i, _ in pairs], [nominatives[j] for _, j in pairs],
            [(nominatives[i], nominatives[j]) for i, j in pairs]),
    }
    out["seconds"] = {"generate": round(generated - start, 2),
                      "compare": round(time.perf_counter() - generated, 2)}
    return out


def swap_metrics(people: int, seed: int) -> dict[str, Any]:
    """Surname and given name typed in each other's columns: how often the `swapped`
    level and the swapped blocking rule find the pair (the swapped copy in the same
    script, and romanised), and how often two different people look swapped."""
    from musterroll.names import is_swapped

    module = _inflected_names_module()
    persons = module.people(people, seed)
    frame = pd.DataFrame([(p.surname, p.given_name, p.patronymic) for p in persons],
                         columns=["surname", "given_name", "patronymic"])
    copies = {
        "same_script": frame.rename(columns={"surname": "given_name", "given_name": "surname"}),
        "romanised": frame.rename(columns={"surname": "given_name", "given_name": "surname"})
        .map(lambda v: romanise(v) if isinstance(v, str) else v),
    }
    keys = name_keys_frame(frame).to_dict("records")
    out: dict[str, Any] = {"people": len(persons)}
    for name, copy in copies.items():
        pairs = list(zip(keys, name_keys_frame(copy).to_dict("records"), strict=True))
        levels = [(compare_keys(a, b, "surname", swapped=True),
                   compare_keys(a, b, "given", swapped=True)) for a, b in pairs]
        n = len(pairs)
        out[name] = {
            "swapped_level": round(sum(x == ("swapped", "swapped") for x in levels) / n, 4),
            "blocked": round(sum(is_swapped(a, b) for a, b in pairs) / n, 4),
            "surname_different_without_swapped": round(
                sum(compare_keys(a, b, "surname") == "different" for a, b in pairs) / n, 4),
        }
    rng = random.Random(seed)
    drawn = [(rng.randrange(len(keys)), rng.randrange(len(keys))) for _ in range(20000)]
    drawn = [(i, j) for i, j in drawn if persons[i].full_name != persons[j].full_name]
    out["different_people_pairs"] = len(drawn)
    out["different_people_swapped"] = round(
        sum(is_swapped(keys[i], keys[j]) for i, j in drawn) / len(drawn), 5)
    return out


def main() -> int:
    """Run the benchmark; with --check, exit 1 when over the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--check", action="store_true", help="fail when over the target")
    parser.add_argument("--simulated", type=int, default=0, metavar="PEOPLE",
                        help="also measure the levels on a simulated war of PEOPLE people")
    parser.add_argument("--cases", type=int, default=0, metavar="PEOPLE",
                        help="also measure names in grammatical cases for PEOPLE people")
    args = parser.parse_args()
    result = run(args.rows, args.seed) | {"target_seconds": TARGET_SECONDS}
    report = result | {"pairs": pair_metrics()}
    if args.simulated:
        report["simulated"] = simulated_metrics(args.simulated, args.seed)
    if args.cases:
        report["cases"] = case_metrics(args.cases, args.seed)
        report["swapped"] = swap_metrics(args.cases, args.seed)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if args.check and result["seconds"] > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
