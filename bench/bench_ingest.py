"""Benchmark: ingest a 1,000,000-row CSV into SQLite (target: <= 60 s, <= 1.5 GB peak).

Generates a synthetic list (Ukrainian headers, semicolon-delimited, dd.mm.yyyy dates,
like an official list) in a temporary folder, then runs ``musterroll ingest`` on it in a
child process and reports its wall time and peak resident memory. Run::

    .venv/bin/python bench/bench_ingest.py [--rows 1000000] [--keep DIR] [--check]

or, to see the operating system's own account of the ingest alone::

    /usr/bin/time -v .venv/bin/musterroll --db sqlite:///DIR/bench.db ingest DIR/list.csv \\
        --source bench --kind official
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 1536.0
HEADER = ["Прізвище", "Ім'я", "По батькові", "Стать", "Дата народження", "Область",
          "Населений пункт", "Військова частина", "Звання", "Особистий номер", "Статус",
          "Дата події", "Місце події", "Дата повідомлення", "Примітка"]  # fmt: skip
SURNAMES = ["Коваленко", "Бондаренко", "Ткаченко", "Шевченко", "Кравченко", "Олійник",
            "Шевчук", "Поліщук", "Бойко", "Ткачук", "Мельник", "Савченко", "Руденко",
            "Марченко", "Лисенко", "Петренко", "Клименко", "Павленко", "Кравчук",
            "Мороз"]  # fmt: skip
GIVEN = ["Олександр", "Сергій", "Андрій", "Володимир", "Дмитро", "Юрій", "Іван", "Олег",
         "Віктор", "Микола", "Ігор", "Василь", "Михайло", "Євген", "Максим", "Роман"]  # fmt: skip
PATRONYMICS = ["Олександрович", "Сергійович", "Андрійович", "Володимирович", "Іванович",
               "Миколайович", "Васильович", "Петрович", "Михайлович", "Вікторович"]  # fmt: skip
OBLASTS = ["Київська", "Львівська", "Дніпропетровська", "Харківська", "Одеська",
           "Полтавська", "Вінницька", "Житомирська", "Черкаська", "Сумська"]  # fmt: skip
STATUSES = ["загинув", "зник безвісти", "в полоні", "звільнений з полону", "загинув"]
RANKS = ["солдат", "старший солдат", "молодший сержант", "сержант", "лейтенант"]


def _date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(first, last)}"


def _event_and_report(rng: random.Random) -> tuple[str, str]:
    """An event date in the war and a report 0-11 months later, both dd.mm.yyyy."""
    year, month, day = rng.randint(2022, 2025), rng.randint(1, 12), rng.randint(1, 28)
    later = month + rng.randint(0, 11)
    report_year, report_month = year + (later - 1) // 12, (later - 1) % 12 + 1
    return f"{day:02d}.{month:02d}.{year}", f"{day:02d}.{report_month:02d}.{report_year}"


def generate(path: Path, rows: int, seed: int = 1) -> None:
    """Write a synthetic official list of `rows` rows (deterministic for a seed)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            event, reported = _event_and_report(rng)
            writer.writerow([
                rng.choice(SURNAMES), rng.choice(GIVEN), rng.choice(PATRONYMICS), "ч",
                _date(rng, 1965, 2004), rng.choice(OBLASTS), f"с. Село{rng.randint(1, 3000)}",
                f"А{rng.randint(1000, 7999)}", rng.choice(RANKS), f"{1_000_000 + i}",
                rng.choice(STATUSES), event, f"н.п. Місце{rng.randint(1, 900)}", reported,
                "" if rng.random() < 0.9 else "уточнюється",
            ])  # fmt: skip


def run(rows: int, folder: Path) -> dict[str, float | int]:
    """Generate the list, ingest it in a child process, and return the measurements."""
    path = folder / "list.csv"
    started = time.monotonic()
    generate(path, rows)
    generated = time.monotonic() - started
    db = folder / "bench.db"
    musterroll = Path(sys.executable).with_name("musterroll")
    url = f"sqlite:///{db}"
    subprocess.run([str(musterroll), "--db", url, "init"], check=True, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run(
        [str(musterroll), "--db", url, "ingest", str(path), "--source", "bench",
         "--kind", "official", "--json"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(done.stdout)
    assert summary["accepted"] + summary["quarantined"] == summary["rows"] == rows
    return {
        "rows": rows,
        "accepted": summary["accepted"],
        "quarantined": summary["quarantined"],
        "file_mb": round(path.stat().st_size / 2**20, 1),
        "generate_seconds": round(generated, 1),
        "ingest_seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
        "register_mb": round(db.stat().st_size / 2**20, 1),
    }


def main() -> int:
    """Run the benchmark and print its figures as JSON; with --check, enforce the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    parser.add_argument("--check", action="store_true", help="exit 1 if over the targets")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        figures = run(args.rows, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="musterroll-bench-") as folder:
            figures = run(args.rows, Path(folder))
    scale = 1_000_000 / args.rows
    figures["target_seconds"] = TARGET_SECONDS / scale
    figures["target_peak_rss_mb"] = TARGET_PEAK_MB
    print(json.dumps({"bench": "ingest_csv_sqlite", **figures}, indent=2))
    over = (figures["ingest_seconds"] > TARGET_SECONDS / scale
            or figures["peak_rss_mb"] > TARGET_PEAK_MB)  # fmt: skip
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
