"""Benchmark linkage on a simulated war: ours against a straightforward Splink set-up.

Targets (issue 5): on about 1,000,000 records, cluster F1 >= 0.98, `musterroll link` end
to end <= 150 s, peak memory <= 4 GB, on this 2-core machine. Beside ours, in the same
run, a baseline: Splink with Jaro-Winkler on the raw names, exact birth date, exact
settlement/unit/sex, connected components at probability 0.95.

    .venv/bin/python bench/bench_linkage.py --people 2800000 --work /tmp/bench_linkage

The war (about 0.36 records per person) and its register are made once in --work and
reused. Each linkage runs in its own process under /usr/bin/time -v (seconds, peak RSS),
on a fresh copy of the ingested register. Prints a JSON report (also written to
--work/report.json).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MUSTERROLL = [sys.executable, "-m", "musterroll.cli"]


def _musterroll() -> list[str]:
    exe = Path(sys.executable).with_name("musterroll")
    return [str(exe)] if exe.exists() else MUSTERROLL


def timed(command: list[str], log: Path) -> dict[str, Any]:
    """Run `command` under /usr/bin/time -v; return seconds, peak MB and its stdout."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    log.write_text(done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    # CPU seconds too: on a shared machine the wall clock measures the neighbours as well.
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                           done.stderr))
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "peak_mb": round(int(peak.group(1)) / 1024) if peak else None,
            "stdout": done.stdout}


def prepare(work: Path, people: int, seed: int) -> Path:
    """Simulate and ingest the war once; return the pristine register file."""
    war, pristine = work / "war", work / "ingested.db"
    if not (war / "manifest.json").exists():
        subprocess.run([*_musterroll(), "simulate", "--seed", str(seed), "--people",
                        str(people), "--out", str(war)], check=True)
    if not pristine.exists():
        url = f"sqlite:///{work / 'ingesting.db'}"
        subprocess.run([*_musterroll(), "--db", url, "init"], check=True)
        subprocess.run([*_musterroll(), "--db", url, "ingest", "--manifest",
                        str(war / "manifest.json")], check=True, stdout=subprocess.DEVNULL)
        (work / "ingesting.db").rename(pristine)
    return pristine


def fresh_copy(pristine: Path, target: Path) -> str:
    """Copy the ingested register (upgraded to the newest schema); return its URL."""
    shutil.copy(pristine, target)
    url = f"sqlite:///{target}"
    subprocess.run([*_musterroll(), "--db", url, "init"], check=True, capture_output=True)
    return url


def score(war: Path, persons: Path) -> dict[str, Any]:
    """Score a persons CSV against the war's truth."""
    from musterroll.linkage import read_linkage, read_truth, score_linkage

    return score_linkage(read_truth(war), read_linkage(persons)).as_dict()


def run_ours(work: Path, pristine: Path) -> dict[str, Any]:
    """`musterroll link` end to end on a fresh register; export and score."""
    url = fresh_copy(pristine, work / "ours.db")
    result = timed([*_musterroll(), "--db", url, "link", "--json"], work / "ours.time")
    persons = work / "ours_persons.csv"
    subprocess.run([*_musterroll(), "--db", url, "export", "persons", "--out", str(persons)],
                   check=True, capture_output=True)
    summary = json.loads(result.pop("stdout"))
    # `seconds` of the summary is inside the run; the command's wall clock is the target.
    summary["run_seconds"] = summary.pop("seconds")
    return {**result, **summary, "scores": score(work / "war", persons)}


def run_baseline(work: Path, pristine: Path) -> dict[str, Any]:
    """The straightforward Splink set-up, in its own process (see `baseline_main`)."""
    url = fresh_copy(pristine, work / "baseline.db")
    persons = work / "baseline_persons.csv"
    result = timed([sys.executable, __file__, "--baseline-only", url, str(persons)],
                   work / "baseline.time")
    result.update(json.loads(result.pop("stdout")))
    return {**result, "scores": score(work / "war", persons)}


def baseline_main(url: str, out: Path) -> None:
    """Link with Jaro-Winkler on raw names and exact dates; write a persons CSV.

    Blocking: surname + given name + birth year, surname + full birth date, given name +
    full birth date; u by random sampling, m by EM (2e6 pairs each); connected components
    at probability 0.95.
    """
    import duckdb
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from musterroll.linkage.register import read_link_records
    from musterroll.store import open_register

    engine = open_register(url)
    records = read_link_records(engine).to_pandas()
    engine.dispose()
    frame = pd.DataFrame({"unique_id": records["record_id"], "source": records["source"],
                          "row": records["row"]})
    for column in ("surname", "given_name", "patronymic", "birth_date", "settlement", "unit",
                   "sex"):
        frame[column] = records[column].str.lower()
    frame["birth_year"] = frame["birth_date"].str[:4]
    # Partial dates ("1985") as blocking keys make blocks of thousands: block on full ones.
    full = "l.birth_date = r.birth_date AND length(l.birth_date) = 10"
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '2500MB'")
    # Spill beside the output, not into the current directory (DuckDB's default ".tmp").
    con.execute(f"SET temp_directory = '{out.parent / 'baseline_duckdb_tmp'}'")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("given_name", [0.92, 0.8]),
            cl.JaroWinklerAtThresholds("patronymic", [0.92]),
            cl.ExactMatch("birth_date"), cl.ExactMatch("settlement"),
            cl.ExactMatch("unit"), cl.ExactMatch("sex"),
        ],
        # Surname and given name alone make blocks of a thousand records at this size
        # (tens of millions of pairs); the year keeps the baseline within minutes.
        blocking_rules_to_generate_predictions=[
            block_on("surname", "given_name", "birth_year"),
            f"l.surname = r.surname AND {full}", f"l.given_name = r.given_name AND {full}",
        ],
        retain_matching_columns=False,
    )
    linker = Linker(DuckDBAPI(con).register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("surname", "given_name", "birth_date")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1.5e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(full, max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("surname", "given_name", "birth_year"), max_pairs=2e6)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.95).as_pandas_dataframe()
    linked = frame[["unique_id", "source", "row"]].merge(
        clusters[["unique_id", "cluster_id"]], on="unique_id", how="left")
    linked = linked.rename(columns={"cluster_id": "person_id", "unique_id": "record_id"})
    linked["person_id"] = linked["person_id"].fillna(linked["record_id"]).astype(str)
    linked.to_csv(out, index=False)
    print(json.dumps({"records": len(frame), "persons": int(linked["person_id"].nunique())}))


def blocking(work: Path, pristine: Path) -> dict[str, Any]:
    """Blocking recall of our rules against the truth (features computed in-process)."""
    import pandas as pd

    from musterroll.linkage.blocking import blocking_recall
    from musterroll.linkage.features import build_features
    from musterroll.linkage.register import read_link_records
    from musterroll.linkage.settings import BLOCKING_RULES
    from musterroll.store import create_register_engine

    engine = create_register_engine(f"sqlite:///{pristine}")
    features = build_features(read_link_records(engine))
    engine.dispose()
    truth = pd.read_csv(work / "war" / "truth" / "rows.csv")
    report = blocking_recall(features, truth, list(BLOCKING_RULES), count_pairs=False)
    return {"true_pairs": report.true_pairs, "found": report.found,
            "recall": round(report.recall, 5), "per_rule": report.per_rule}


def main() -> None:
    """Parse arguments, run the benchmarks asked for and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_800_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_linkage"))
    parser.add_argument("--no-ours", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-blocking", action="store_true")
    parser.add_argument("--baseline-only", nargs=2, metavar=("URL", "OUT"))
    args = parser.parse_args()
    if args.baseline_only:
        baseline_main(args.baseline_only[0], Path(args.baseline_only[1]))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    pristine = prepare(args.work, args.people, args.seed)
    report: dict[str, Any] = {"people": args.people, "seed": args.seed}
    if not args.no_ours:
        report["ours"] = run_ours(args.work, pristine)
    if not args.no_baseline:
        report["baseline"] = run_baseline(args.work, pristine)
    if not args.no_blocking:
        report["blocking"] = blocking(args.work, pristine)
    text = json.dumps(report, indent=2, default=str)
    (args.work / "report.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
