"""Benchmark: simulate a war of 1,000,000 people, all files written (target: < 120 s).

Runs ``musterroll simulate`` in a child process and reports its wall time, its peak
resident memory, the rows written and the rows per person. Run::

    .venv/bin/python bench/bench_simulate.py [--people N] [--seed N] [--civilians] [--check]

or, for the operating system's own account::

    /usr/bin/time -v .venv/bin/musterroll simulate --seed 7 --people 1000000 --out DIR
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 120.0


def run(people: int, seed: int, out: Path, civilians: bool = False) -> dict[str, float]:
    """Simulate into `out` in a child process; return seconds, peak MB and row counts."""
    command = [str(Path(sys.executable).with_name("musterroll")), "simulate", "--seed",
               str(seed), "--people", str(people), "--out", str(out),
               "--civilians" if civilians else "--no-civilians"]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    rows = sum(s["rows"] for s in manifest["sources"])
    return {"people": people, "seconds": round(seconds, 1), "peak_mb": round(peak_mb),
            "lists": len(manifest["sources"]), "rows": rows,
            "rows_per_person": round(rows / people, 4)}


def main() -> int:
    """Parse options, run the benchmark, print a JSON line; with --check, fail if slow."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--civilians", action="store_true", help="simulate civilians too")
    parser.add_argument("--keep", type=Path, help="write here and keep the files")
    parser.add_argument("--check", action="store_true", help="exit 1 if over the target")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-simulate-") as tmp:
        result = run(args.people, args.seed, args.keep or Path(tmp) / "war", args.civilians)
    result["target_seconds"] = TARGET_SECONDS
    print(json.dumps(result))
    return 1 if args.check and result["seconds"] > TARGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
