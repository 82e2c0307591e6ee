"""Family search p95 on a synthetic 1,000,000-record register under 20 clients (issue 15).

Target: a family search answers in at most 100 ms at the 95th percentile on a register of
1,000,000 records under 20 concurrent clients, with issue 15's defences on: every search
audit-logged (a write per search), the per-name miss limit and the per-address and
per-session day limits counted (raised high enough here that the load is all answers).

    nice .venv/bin/python bench/bench_family_search.py --work /tmp/bench_family_search --keep

Unlike ``bench_web_search.py`` (a simulated war, linked by Splink: an hour to build), the
register is made in a minute by bulk-inserting synthetic rows through the store's tables:
one list of --records records (Ukrainian-style names drawn from a few thousand surnames,
given names and patronymics; birth days over 45 years; a tenth of persons with two
records), one link run placing them in persons, one current status per person. The
search keys are filled ahead (``refresh_search_keys``, timed). The server is
`musterroll serve` (one worker, `bench_web_search.start_server`); each of the 20 clients
is one address (X-Forwarded-For) with its own CSRF cookie, sending POST
/api/family/search back to back: half people in the register (hits), half invented
(misses), a third of the hits in Latin. The load tool and its summary are
``bench_web_search``'s. Prints a JSON report (also --work/report.json).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_web_search import (  # noqa: E402  (a sibling script, not a package)
    fill_keys,
    register_size,
    serve_and_measure,
)

ROOTS = ["Шевч", "Коваль", "Бондар", "Ткач", "Кравч", "Мельнич", "Олійн", "Лис", "Гнатюк",
         "Савч", "Руд", "Марч", "Павл", "Кузьм", "Остап", "Дмитр", "Гончар", "Мороз", "Сидор",
         "Левч", "Яковл", "Тимош", "Гаврил", "Степан", "Кирил", "Назар", "Панас", "Харч",
         "Юрч", "Приход", "Білоус", "Чорн", "Сірен", "Голуб", "Сорок", "Вовч", "Журавл",
         "Соловй", "Бойч", "Литвин"]
ENDINGS = ["енко", "ук", "юк", "ишин", "ович", "ак", "ан", "ець", "ій", "ко", "ишак",
           "ицький", "івський", "ун", "ар", "ич", "ейко", "енчук", "ачук", "інець"]
GIVEN = ["Олександр", "Андрій", "Сергій", "Володимир", "Дмитро", "Іван", "Микола", "Юрій",
         "Василь", "Петро", "Олег", "Тарас", "Богдан", "Віктор", "Роман", "Максим",
         "Євген", "Михайло", "Степан", "Ярослав", "Артем", "Назар", "Денис", "Ігор"]
FATHERS = [g + "ович" if not g.endswith(("ій", "ь")) else g[:-1] + "ович" for g in GIVEN]
LATIN = str.maketrans({"А": "A", "Б": "B", "В": "V", "Г": "H", "Д": "D", "Е": "E", "Є": "Ie",
                       "Ж": "Zh", "З": "Z", "И": "Y", "І": "I", "Ї": "I", "Й": "I", "К": "K",
                       "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S",
                       "Т": "T", "У": "U", "Ф": "F", "Х": "Kh", "Ц": "Ts", "Ч": "Ch",
                       "Ш": "Sh", "Щ": "Shch", "Ю": "Iu", "Я": "Ia", "а": "a", "б": "b",
                       "в": "v", "г": "h", "д": "d", "е": "e", "є": "ie", "ж": "zh",
                       "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k",
                       "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
                       "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
                       "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": ""})
STATUSES = ["killed", "missing", "captured", "released", "identified"]


def _people(count: int, seed: int) -> list[tuple[str, str, str, str]]:
    """(surname, given, patronymic, birth day) of `count` synthetic persons."""
    rng = random.Random(seed)
    surnames = [r + e for r in ROOTS for e in ENDINGS]  # 800 surnames
    first = date(1960, 1, 1)
    return [(rng.choice(surnames), rng.choice(GIVEN), rng.choice(FATHERS),
             (first + timedelta(days=rng.randrange(45 * 365))).isoformat())
            for _ in range(count)]


def build(url: str, records: int, seed: int) -> dict[str, Any]:
    """A register at the newest schema with `records` records, linked, with statuses."""
    from musterroll.sources.bulk import insert_rows
    from musterroll.sources.normalise import RECORD_COLUMNS_IN
    from musterroll.store import init_register, open_register
    from musterroll.store.linkage_models import runs_table
    from musterroll.store.models import files_table, sources_table

    started = time.monotonic()
    init_register(url)
    engine = open_register(url)
    persons = _people(int(records / 1.1), seed)
    rng = random.Random(seed + 1)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        source = conn.execute(sources_table.insert().values(
            name="synthetic", kind="official", language="uk", created_at=now)
            ).inserted_primary_key[0]  # type: ignore[index]
        file_id = conn.execute(files_table.insert().values(
            source_id=source, version=1, sha256="0" * 64, path="synthetic.csv",
            size_bytes=0, format="csv", encoding="utf-8", delimiter=",", rows=records,
            accepted=records, quarantined=0, warnings=0, received_at=now, ingested_at=now,
            published="2025-01-01", meta={})).inserted_primary_key[0]  # type: ignore[index]
        run = conn.execute(runs_table.insert().values(
            started_at=now, finished_at=now, engine="bench", seed=seed, code_version="bench",
            input_hash="-", settings={}, counts={})).inserted_primary_key[0]  # type: ignore[index]
        index = {name: k for k, name in enumerate(RECORD_COLUMNS_IN)}
        rows, members = [], []
        owners = list(range(len(persons))) + rng.sample(range(len(persons)),
                                                        records - len(persons))
        for number, owner in enumerate(owners, start=1):
            surname, given, father, born = persons[owner]
            row: list[Any] = [None] * len(RECORD_COLUMNS_IN)
            values = {"file_id": file_id, "source_id": source, "row": number,
                      "surname": surname, "given_name": given, "patronymic": father,
                      "sex": "M", "birth_date": born, "status": "missing",
                      "verbatim": "[]", "row_hash": f"{number:032x}",
                      "row_key": f"{number:032x}"}
            for name, value in values.items():
                row[index[name]] = value
            rows.append(tuple(row))
            members.append((number, owner + 1, run))
        insert_rows(conn, "records", RECORD_COLUMNS_IN, rows)
        insert_rows(conn, "persons", ("id", "created_run_id", "records"),
                    [(k + 1, run, 1) for k in range(len(persons))])
        insert_rows(conn, "person_records", ("record_id", "person_id", "run_id"), members)
        insert_rows(conn, "statuses", (
            "person_id", "valid_from", "valid_to", "status", "missing_ever", "declared_dead",
            "remains_recovered", "conflicts"),
            [(k + 1, "2025-01-01", None, STATUSES[k % len(STATUSES)], True, False, False, 0)
             for k in range(len(persons))])
    engine.dispose()
    return {"records": records, "persons": len(persons),
            "seconds": round(time.monotonic() - started, 1)}


def make_queries(count: int, records: int, seed: int) -> list[dict[str, Any]]:
    """Half persons of the register (a third in Latin), half invented (misses)."""
    persons = _people(int(records / 1.1), seed)
    rng = random.Random(seed + 2)
    out = []
    for k in range(count):
        surname, given, father, born = rng.choice(persons)
        hit = k % 2 == 0
        if not hit:  # another day: almost always no one of that name was born on it
            born = (date.fromisoformat(born) + timedelta(days=rng.randrange(1, 300))).isoformat()
        latin = hit and k % 3 == 0
        if latin:
            surname, given, father = (w.translate(LATIN) for w in (surname, given, father))
        query = {"surname": surname, "given_name": given, "birth_date": born,
                 "patronymic": father if k % 4 else None}
        out.append({"query": query, "hit": hit, "latin": latin})
    return out


# The family search's own limits, raised so that the load is all answers.
FAMILY_LIMITS = {"MUSTERROLL_FAMILY_DAILY_SEARCHES": "1000000",
                 "MUSTERROLL_FAMILY_NAME_MISSES": "10000"}


def main() -> None:
    """Build (or reuse) the register, start the server, drive it, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_family_search"))
    parser.add_argument("--keep", action="store_true", help="reuse the register in --work")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()

    args.work.mkdir(parents=True, exist_ok=True)
    path = args.work / "register.db"
    url = f"sqlite:///{path}"
    built: dict[str, Any] = {"reused": True}
    if not (args.keep and path.exists()):
        for stale in args.work.glob("register.db*"):
            stale.unlink()
        built = build(url, args.records, args.seed)
    keys = fill_keys(url)
    size = register_size(url)
    queries = make_queries(args.requests + args.warmup, args.records, args.seed)
    measured = serve_and_measure(url, args.work, queries, args.warmup, args.clients,
                                 limits=FAMILY_LIMITS)
    report = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "register": size, "build": built, "search_keys_fill": keys,
        "clients": args.clients, **measured,
    }
    (args.work / "report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
