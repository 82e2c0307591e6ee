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
import sys
from pathlib import Path
from typing import Any

from _linkage_common import (
    blocking,
    duckdb_connection,
    export_persons,
    fresh_copy,
    musterroll_command,
    prepare,
    read_register_records,
    score,
    timed,
    write_cluster_persons,
)


def run_ours(work: Path, pristine: Path) -> dict[str, Any]:
    """`musterroll link` end to end on a fresh register; export and score."""
    url = fresh_copy(pristine, work / "ours.db")
    result = timed([*musterroll_command(), "--db", url, "link", "--json"], work / "ours.time")
    persons = work / "ours_persons.csv"
    export_persons(url, persons)
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
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    records = read_register_records(url)
    frame = pd.DataFrame({"unique_id": records["record_id"], "source": records["source"],
                          "row": records["row"]})
    for column in ("surname", "given_name", "patronymic", "birth_date", "settlement", "unit",
                   "sex"):
        frame[column] = records[column].str.lower()
    frame["birth_year"] = frame["birth_date"].str[:4]
    # Partial dates ("1985") as blocking keys make blocks of thousands: block on full ones.
    full = "l.birth_date = r.birth_date AND length(l.birth_date) = 10"
    con = duckdb_connection(out.parent / "baseline_duckdb_tmp")
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
    persons = write_cluster_persons(frame, clusters, out)
    print(json.dumps({"records": len(frame), "persons": persons}))


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
        report["blocking"] = blocking(pristine, args.work / "war" / "truth" / "rows.csv")
    text = json.dumps(report, indent=2, default=str)
    (args.work / "report.json").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
