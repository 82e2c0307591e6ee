"""Start-up time of the `musterroll` command: `--help` and light commands in at most 0.5 s.

Runs each command --repeat times in a fresh process and prints the median and best wall
time, then lists which heavy stacks (numpy, pandas, scipy, numba, SQLAlchemy, Splink,
DuckDB, FastAPI) `import musterroll.cli` loads: none should be, they are imported by the
commands that use them. Run:

    .venv/bin/python bench/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "musterroll"
COMMANDS = (["--help"], ["--version"], ["estimate", "--help"], ["ingest", "--help"])
HEAVY = ("numpy", "pandas", "scipy", "numba", "sqlalchemy", "splink", "duckdb", "fastapi")
TARGET = 0.5


def time_command(args: list[str], repeat: int) -> list[float]:
    """Wall times of `musterroll ARGS` in fresh processes."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([str(BIN), *args], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def heavy_imports() -> list[str]:
    """Heavy top-level packages that `import musterroll.cli` loads."""
    code = ("import sys, musterroll.cli; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return out.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    for command in COMMANDS:
        times = time_command(command, args.repeat)
        median = statistics.median(times)
        print(f"musterroll {' '.join(command):18s} median {median:.3f} s, best {min(times):.3f} s"
              f" ({'within' if median <= TARGET else 'ABOVE'} {TARGET} s)", flush=True)
    loaded = heavy_imports()
    print("heavy stacks loaded by `import musterroll.cli`:", ", ".join(loaded) or "none")


if __name__ == "__main__":
    main()
