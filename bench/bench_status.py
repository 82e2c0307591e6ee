"""Benchmark: `musterroll status --json` on a 1,000,000-record register (target: <= 5 s).

Builds a register once: four synthetic official lists of a quarter of the records each
(``bench_ingest.generate``), published on four days a quarter apart, ingested in-process;
persons of two records each, one from each half of the register (record i and record
i + N/2), written straight into the linkage tables (linkage quality is not measured
here); then every status is derived (timed apart: derivation happens once after new
lists, not on every count). Then it times the command line end to end, in a child process
(interpreter start and imports included), as a user would run it::

    .venv/bin/python bench/bench_status.py [--records 1000000] [--keep DIR] [--check]

With ``--keep DIR`` a register already built there is reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_ingest import generate  # noqa: E402 - a sibling script, not a package

TARGET_SECONDS = 5.0
PUBLISHED = ("2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31")
AS_OF = "2024-08-15"


def _link(url: str, records: int) -> None:
    """Persons of two records each (i and i + records/2), as one link run."""
    from sqlalchemy import text

    from musterroll.store import open_register

    half = records // 2
    engine = open_register(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO link_runs (id, started_at, finished_at, engine, seed, code_version,"
            " input_hash, settings, counts) VALUES (1, :t, :t, 'bench', 0, 'bench', '-',"
            " '{}', '{}')"), {"t": datetime.now(UTC)})
        conn.execute(text(
            "INSERT INTO persons (id, created_run_id, records) "
            "SELECT id, 1, 2 FROM records WHERE id <= :half"), {"half": half})
        conn.execute(text(
            "INSERT INTO person_records (record_id, person_id, run_id) "
            "SELECT id, CASE WHEN id > :half THEN id - :half ELSE id END, 1 FROM records"),
            {"half": half})
    engine.dispose()


def build(folder: Path, records: int) -> dict[str, float]:
    """Build and derive the register in `folder` (unless built); return the timings."""
    from musterroll.sources import IngestOptions, ingest_file
    from musterroll.statuses import derive_statuses
    from musterroll.store import init_register, open_register

    db = folder / "status.db"
    url = f"sqlite:///{db}"
    if (folder / "built").exists():
        return {}
    db.unlink(missing_ok=True)
    init_register(url)
    engine = open_register(url)
    started = time.monotonic()
    for k, day in enumerate(PUBLISHED):
        path = folder / f"list{k}.csv"
        generate(path, records // len(PUBLISHED), seed=k + 1)
        ingest_file(engine, path, source=f"official_{k}",
                    options=IngestOptions(kind="official", published=day))
        path.unlink()
    ingested = time.monotonic() - started
    engine.dispose()
    _link(url, records)
    engine = open_register(url)
    started = time.monotonic()
    summary = derive_statuses(engine)
    derived = time.monotonic() - started
    engine.dispose()
    (folder / "built").write_text(json.dumps({"events": summary.events}), "utf-8")
    return {"ingest_seconds": round(ingested, 1), "derive_seconds": round(derived, 1),
            "persons": summary.persons, "events": summary.events}


def _time(url: str, *options: str) -> tuple[float, float, dict[str, object]]:
    """Wall and CPU seconds (user + system) of one `status --json` in a child process.

    The CPU time is reported beside the wall time because the machine may be shared: on
    a busy one the wall time measures the neighbours as much as the command.
    """
    musterroll = Path(sys.executable).with_name("musterroll")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run([str(musterroll), "--db", url, "status", "--json", *options],
                          check=True, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(done.stdout)


def run(folder: Path, records: int) -> dict[str, object]:
    """Build (once) and time the status command three ways."""
    figures: dict[str, object] = {"records": records, **build(folder, records)}
    url = f"sqlite:///{folder / 'status.db'}"
    _time(url)  # warm the operating system's file cache, as on a server in use
    figures["load_average"] = round(os.getloadavg()[0], 1)
    for name, options in (("status_json", ()), ("status_as_of", ("--as-of", AS_OF)),
                          ("status_by_month", ("--by", "month"))):
        seconds, cpu, out = _time(url, *options)
        figures[f"{name}_seconds"] = round(seconds, 2)
        figures[f"{name}_cpu_seconds"] = round(cpu, 2)
        if name == "status_json":
            figures["killed"], figures["missing_now"] = out["killed"], out["missing_now"]
    return figures


def main() -> int:
    """Run the benchmark and print its figures as JSON; with --check, enforce the target."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the register")
    parser.add_argument("--check", action="store_true", help="exit 1 if over the target")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        figures = run(args.keep, args.records)
    else:
        with tempfile.TemporaryDirectory(prefix="musterroll-bench-") as folder:
            figures = run(Path(folder), args.records)
    figures["target_seconds"] = TARGET_SECONDS
    print(json.dumps({"bench": "status_json_sqlite", **figures}, indent=2))
    slowest = max(float(v) for k, v in figures.items()  # type: ignore[arg-type]
                  if k.startswith("status_") and k.endswith("_seconds")
                  and not k.endswith("cpu_seconds"))
    return 1 if args.check and slowest > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
