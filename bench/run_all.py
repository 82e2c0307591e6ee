"""Run every plain-script benchmark in bench/ (bench_*.py with a __main__ guard), one
child process each, and exit non-zero if any failed (`make bench` calls this)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Scripts whose full run takes too long for `make bench`: the arguments of their light run.
LIGHT = {"bench_linkage_suite.py": ["--light"]}


def main() -> int:
    """Run each script in name order; return the number of failures."""
    here = Path(__file__).parent
    failures = 0
    for script in sorted(here.glob("bench_*.py")):
        if '__name__ == "__main__"' not in script.read_text("utf-8"):
            continue
        print(f"== {script.name}", flush=True)
        command = [sys.executable, str(script), *LIGHT.get(script.name, [])]
        code = subprocess.run(command, check=False).returncode
        if code:
            print(f"   {script.name} exited with {code}", flush=True)
            failures += 1
    return failures


if __name__ == "__main__":
    sys.exit(1 if main() else 0)
