"""What the linkage benchmarks share: running musterroll timed, wars, scores, Splink's DuckDB.

`bench_linkage.py` (the 1,000,000-record targets) and `bench_linkage_suite.py` (FEBRL, wars
with and without missing fields, ours beside plain Splink) both import from here, so that
a figure means the same in both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

MUSTERROLL = [sys.executable, "-m", "musterroll.cli"]


class CommandFailed(SystemExit):
    """A timed command exited non-zero; the message holds the command and its stderr tail.

    A SystemExit, so that a script that does not catch it stops with the message (no
    traceback), while the suite catches it and goes on with the next tool.
    """


def musterroll_command() -> list[str]:
    """Return the command that runs this environment's `musterroll`."""
    exe = Path(sys.executable).with_name("musterroll")
    return [str(exe)] if exe.exists() else MUSTERROLL


def timed(command: list[str], log: Path) -> dict[str, Any]:
    """Run `command` under /usr/bin/time -v; return seconds, peak MB and its stdout.

    Raises:
        CommandFailed: the command exited non-zero (its stderr is kept in `log`).
    """
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    log.write_text(done.stderr)
    if done.returncode != 0:
        raise CommandFailed(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    # CPU seconds too: on a shared machine the wall clock measures the neighbours as well.
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                           done.stderr))
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "peak_mb": round(int(peak.group(1)) / 1024) if peak else None,
            "stdout": done.stdout}


def simulate_war(war: Path, people: int, seed: int) -> Path:
    """Simulate a war into `war` once (kept when its manifest exists); return the manifest."""
    manifest = war / "manifest.json"
    if not manifest.exists():
        subprocess.run([*musterroll_command(), "simulate", "--seed", str(seed), "--people",
                        str(people), "--out", str(war)], check=True, stdout=subprocess.DEVNULL)
    return manifest


def prepare(work: Path, people: int, seed: int) -> Path:
    """Simulate and ingest the war once in `work`; return the pristine register file."""
    pristine = work / "ingested.db"
    manifest = simulate_war(work / "war", people, seed)
    if not pristine.exists():
        url = f"sqlite:///{work / 'ingesting.db'}"
        subprocess.run([*musterroll_command(), "--db", url, "init"], check=True)
        subprocess.run([*musterroll_command(), "--db", url, "ingest", "--manifest",
                        str(manifest)], check=True, stdout=subprocess.DEVNULL)
        (work / "ingesting.db").rename(pristine)
    return pristine


def fresh_copy(pristine: Path, target: Path) -> str:
    """Copy the ingested register (upgraded to the newest schema); return its URL."""
    shutil.copy(pristine, target)
    url = f"sqlite:///{target}"
    subprocess.run([*musterroll_command(), "--db", url, "init"], check=True,
                   capture_output=True)
    return url


def score(truth: Path, persons: Path) -> dict[str, Any]:
    """Score a persons CSV against a truth (a war's folder, or a folder with rows.csv).

    Both tools of every benchmark are scored here, by `musterroll.linkage.evaluate`.
    """
    from musterroll.linkage import read_linkage, read_truth, score_linkage

    return score_linkage(read_truth(truth), read_linkage(persons)).as_dict()


def export_persons(url: str, persons: Path) -> None:
    """Write the register's persons (person_id, record_id, source, row) to `persons`."""
    subprocess.run([*musterroll_command(), "--db", url, "export", "persons", "--out",
                    str(persons)], check=True, capture_output=True)


def read_register_records(url: str) -> Any:
    """Return the register's current records with the fields linkage reads (pandas)."""
    from musterroll.linkage.register_io import read_link_records
    from musterroll.store import open_register

    engine = open_register(url)
    try:
        return read_link_records(engine).to_pandas()
    finally:
        engine.dispose()


def duckdb_connection(temp_directory: Path) -> Any:
    """Open DuckDB for a Splink baseline: 2 threads, 2.5 GB, spilling to `temp_directory`."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '2500MB'")
    # Spill beside the output, not into the current directory (DuckDB's default ".tmp").
    con.execute(f"SET temp_directory = '{temp_directory}'")
    return con


def write_cluster_persons(frame: Any, clusters: Any, out: Path) -> int:
    """Write Splink clusters as a persons CSV (record_id, source, row, person_id).

    Args:
        frame: the linked records, with unique_id, source and row.
        clusters: Splink's clusters (unique_id, cluster_id) as pandas.
        out: the CSV to write; a record without a cluster is a person of its own.
    Returns:
        The number of persons.
    """
    linked = frame[["unique_id", "source", "row"]].merge(
        clusters[["unique_id", "cluster_id"]], on="unique_id", how="left")
    linked = linked.rename(columns={"cluster_id": "person_id", "unique_id": "record_id"})
    linked["person_id"] = linked["person_id"].fillna(linked["record_id"]).astype(str)
    linked.to_csv(out, index=False)
    return int(linked["person_id"].nunique())


def _blocking_rules(features: Any) -> tuple[list[str], str]:
    """The rules `musterroll link` would block with: fitted to the columns held, if it can."""
    import pyarrow as pa

    from musterroll.linkage.settings import BLOCKING_RULES

    try:  # issue 14: settings chosen from the fields a register holds
        from musterroll.linkage.run import column_shares
        from musterroll.linkage.settings import default_settings, fit_to_data
    except ImportError:
        return list(BLOCKING_RULES), "static"
    table = features if isinstance(features, pa.Table) else pa.Table.from_pandas(features)
    return list(fit_to_data(default_settings(), column_shares(table)).blocking_rules), "fitted"


def blocking(pristine: Path, truth_rows: Path) -> dict[str, Any]:
    """Blocking recall of musterroll's rules against a truth (features computed in-process).

    Args:
        pristine: an ingested register file (SQLite).
        truth_rows: a truth CSV with source, row, person_id.
    Returns:
        true pairs, found, recall, per-rule figures, and whether the rules were fitted
        to the register's columns or the static defaults.
    """
    import pandas as pd

    from musterroll.linkage.blocking import blocking_recall
    from musterroll.linkage.features import build_features
    from musterroll.linkage.register_io import read_link_records
    from musterroll.store import create_register_engine

    engine = create_register_engine(f"sqlite:///{pristine}")
    features = build_features(read_link_records(engine))
    engine.dispose()
    rules, how = _blocking_rules(features)
    truth = pd.read_csv(truth_rows, dtype={"source": str, "person_id": str})
    report = blocking_recall(features, truth, rules, count_pairs=False)
    return {"true_pairs": report.true_pairs, "found": report.found,
            "recall": round(report.recall, 5), "rules": how, "per_rule": report.per_rule}
