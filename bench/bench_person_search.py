"""Benchmark: the caseworkers' person search (``web.persons.find_persons``) on a register.

Takes a register (e.g. the 1,064,157 records built by bench/bench_web_search.py; copy it
first: ``musterroll init`` upgrades it in place), brings the search tables in step
(``refresh_search_keys``: on a register upgraded to 0013 this fills ``name_words``, and
the time is printed), then times ``find_persons`` for queries drawn from real surnames of
the register (seeded): the surname as written, its first four letters lower-cased, and
surname with the first three letters of the given name. Each query runs ``--repeat``
times; its time is the median; p50 and p95 are over the queries of a kind. Run::

    cp /tmp/bench_web_search/register.db /tmp/pw/register.db
    .venv/bin/musterroll --db sqlite:////tmp/pw/register.db init
    .venv/bin/python bench/bench_person_search.py --db sqlite:////tmp/pw/register.db

``--no-refresh`` skips the refresh (to time an older version of ``find_persons`` on a
register at 0012, with PYTHONPATH pointing at that version's src).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from sqlalchemy import create_engine, text

from musterroll.web.persons import find_persons
from musterroll.web.search_keys import refresh_search_keys


def _sample(engine: object, count: int, seed: int) -> list[tuple[str, str]]:
    """(surname, given name) of `count` records at seeded random ids, distinct surnames."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    with engine.connect() as conn:  # type: ignore[attr-defined]
        top = conn.execute(text("SELECT max(id) FROM records")).scalar_one()
        while len(out) < count:
            row = conn.execute(text(
                "SELECT surname, given_name FROM records WHERE id >= :id AND surname IS NOT "
                "NULL AND given_name IS NOT NULL ORDER BY id LIMIT 1"),
                {"id": rng.randint(1, top)}).first()
            if row is not None and len(row.surname) >= 4:
                out.setdefault(row.surname, row.given_name)
    return list(out.items())


def _time(engine: object, query: str, repeat: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = len(find_persons(engine, query))  # type: ignore[arg-type]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), found


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    """Parse the arguments, refresh, time the queries, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="register URL")
    parser.add_argument("--queries", type=int, default=50, help="surnames drawn")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-refresh", action="store_true")
    args = parser.parse_args()
    engine = create_engine(args.db)
    if not args.no_refresh:
        done = refresh_search_keys(engine)
        print(f"refresh: {done.word_files_added} files, {done.words_added:,} name words "
              f"in {done.words_seconds:.1f} s ({done.seconds:.1f} s in all, "
              f"{done.records_added:,} family keys)")
    with engine.connect() as conn:
        records = conn.execute(text("SELECT count(*) FROM records")).scalar_one()
    print(f"register: {records:,} records")
    names = _sample(engine, args.queries, args.seed)
    kinds = {
        "surname": [surname for surname, _ in names],
        "prefix4": [surname[:4].lower() for surname, _ in names],
        "surname given3": [f"{surname} {given[:3]}" for surname, given in names],
    }
    for kind, queries in kinds.items():
        results = [_time(engine, q, args.repeat) for q in queries]
        ms = [t for t, _ in results]
        print(f"{kind:15} {len(queries)} queries: p50 {_quantile(ms, 0.5):7.1f} ms  "
              f"p95 {_quantile(ms, 0.95):7.1f} ms  max {max(ms):7.1f} ms  "
              f"persons found: median {statistics.median(n for _, n in results):.0f}")
    engine.dispose()


if __name__ == "__main__":
    main()
