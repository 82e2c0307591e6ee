"""Simulation check of issue 7 (`make validate`): do 95% intervals cover the true totals?

Two scopes, each against the true total of what it estimates (`truth/persons.csv`
`fate`), and a second target beside it:

- **killed** (the register's death toll, `capture_tables(status="killed")`): the dead whose
  death a list of the dead could record by the as-of day -- fates killed,
  missing_killed_identified and captured_died -- on the lists that state a death
  (official_death_notices, burial_register, identification_reports, obituaries,
  memorial_book; each a list). In scope: the dead on at least one of them (a prisoner an
  obituary wrongly reports killed is not: the register's derived status keeps him
  captured). Second target: all the dead, with missing_killed (remains never found,
  identified by no one: no list of the dead can hold them, so this scope cannot estimate
  them, and says so in its caveat, `estimate.caveats.missing_dead_caveat`).
- **casualty** (`capture_tables(status="casualty")`): every fate but alive and
  found_alive -- the dead, the missing dead among them, the captive and the released --
  in the register's two groups: a person on a list of the dead is `killed`, captured by
  those lists alone; anyone else on a list is `missing_or_captive`, captured by every list
  (the missing notices, the missing register, family_reports, the adversary's two lists,
  the exchanges as one list, `exchange`, as the register makes them). The two groups are
  estimated apart and their draws summed (`estimate_strata`). A found alive person some
  list reports found (the military's updated notice, the ground the missing register
  closed a search on, the outcome of a family's report: `found_on_lists`) is out of
  scope, as the register derives him found_alive; one no list reports found stays in,
  as the register holds him missing.
  Second target: with the found alive (missing for days, then found: no loss, and
  mostly on no list). Default method lcmcr: the second group's 7 or so lists are too
  many for the log-linear search.

Per war: simulate (`musterroll simulate --seed S --people N`), build each scope's capture
table from the truth linkage (`truth/rows.csv`), estimate seeded, check coverage; per fate,
how many persons no list saw; for the missing dead whose remains never came home (seen
only on the missing register and families' reports), the two-list Lincoln-Petersen
estimate against their truth (below 1: the two lists are positively dependent).

With `--linked K` the first K wars are also ingested, linked by the real linkage and
derived, and estimated from the register (`capture_tables`), to see what linkage errors
add. Prints one line per war and the coverage; `--json FILE` writes every row, and
`--summary FILE` (make validate: the package's `estimate/data/validation.json`) stores the
coverage figures that the estimate stage's caveats quote (`estimate.caveats`), replacing
the stored run of the same size.

    .venv/bin/python bench/validate_coverage.py --wars 50 --people 4000 [--linked 5]
        [--scopes killed,casualty] [--method loglinear] [--casualty-method lcmcr]
        [--summary src/musterroll/estimate/data/validation.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from musterroll.estimate import CaptureTable, estimate_strata
from musterroll.simulate import simulate_war

# Scope -> the true fates it counts (truth/persons.csv `fate`).
DEAD_FATES = ("killed", "missing_killed", "missing_killed_identified", "captured_died")
CASUALTY_FATES = (*DEAD_FATES, "captured", "captured_released", "found_alive")
FATES = ("killed", "missing_killed", "missing_killed_identified", "captured_died",
         "captured", "captured_released", "found_alive")  # fmt: skip
DEATH_LISTS = (
    "official_death_notices", "burial_register", "identification_reports", "obituaries",
    "memorial_book",
)  # fmt: skip
SCOPES = ("killed", "casualty")
# Each scope's second target beside its own true total, and what it is.
SECOND = {"killed": ("all_dead", "all the dead, the missing dead whose death no list "
                     "states included"),
          "casualty": ("with_found_alive", "casualties and the found alive")}


def _rows(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    persons = pd.read_csv(folder / "truth/persons.csv", usecols=["person_id", "fate"])
    rows = pd.read_csv(folder / "truth/rows.csv")
    # As the register makes lists: every exchange (one source per exchange and side) is
    # one list; the simulator's family reports are one source already.
    rows["list"] = rows["source"].where(~rows["source"].str.startswith("exchange_"),
                                        "exchange")
    return persons, rows


def _table(rows: pd.DataFrame, lists: list[str], name: str) -> CaptureTable:
    seen = pd.crosstab(rows["person_id"], rows["list"]).clip(upper=1)
    lists = [x for x in lists if x in seen.columns]
    return CaptureTable.from_histories(lists, seen[lists].to_numpy(), stratum=None,
                                       source=name)


def truth_table(folder: Path) -> tuple[CaptureTable, int, int]:
    """The capture table of the dead from the truth linkage, the true number of dead, and
    the dead whose death a list could state (all but `missing_killed`: remains never found,
    so no death notice, burial or identification, only the missing register)."""
    persons, rows = _rows(folder)
    dead = set(persons.loc[persons["fate"].isin(DEAD_FATES), "person_id"])
    stateable = int((persons["fate"].isin(DEAD_FATES) & (persons["fate"] != "missing_killed"))
                    .sum())
    rows = rows[rows["list"].isin(DEATH_LISTS) & rows["person_id"].isin(dead)]
    return _table(rows, list(DEATH_LISTS), f"truth of {folder.name}"), len(dead), stateable


def found_on_lists(folder: Path, rows: pd.DataFrame) -> set[str]:
    """The persons some list reports found alive, whom the register therefore derives
    found_alive and leaves out of the casualty scope: a found notice of the military, a
    search the register of the missing closed on the ground that the person was found, a
    family's report the hotline closed as found."""
    lists = folder / "lists"
    notices = pd.read_csv(lists / "official_missing_notices.csv", usecols=["status"],
                          dtype=str)
    register = pd.read_csv(lists / "missing_persons_register.csv", sep=";",
                           encoding="cp1251", usecols=["Підстава припинення розшуку"],
                           dtype=str)
    family = pd.read_excel(lists / "family_reports.xlsx", usecols=["Результат"], dtype=str)
    ground = register["Підстава припинення розшуку"]
    found = {"official_missing_notices": notices["status"].eq("found_alive"),
             "missing_persons_register": ground.str.startswith("місцезнаходження", na=False),
             "family_reports": family["Результат"].str.startswith("знайш", na=False)}
    hit = pd.Series(False, index=rows.index)
    for name, says_found in found.items():
        rows_found = set(np.flatnonzero(says_found.to_numpy()) + 1)  # rows count from 1
        hit |= rows["source"].eq(name) & rows["row"].isin(rows_found)
    return set(rows.loc[hit, "person_id"])


def casualty_table(folder: Path) -> tuple[list[CaptureTable], int, int, dict[str, Any]]:
    """The casualty scope's two capture tables, as the register makes them, the true
    number of casualties (every fate but alive and found_alive), the same with the found
    alive, and per fate: true and seen persons, and for missing_killed the
    Lincoln-Petersen estimate of the missing register and families' reports over its truth.

    The groups follow what the lists show, as the register's derived status does: a person
    on a list of the dead is in `killed` and captured by those lists alone; anyone else on a
    list is in `missing_or_captive`, captured by every list -- the found alive too, unless a
    list reports them found (`found_on_lists`): otherwise the register holds them missing.
    """
    persons, rows = _rows(folder)
    fate = persons.set_index("person_id")["fate"]
    lost = fate[fate.isin(CASUALTY_FATES)]
    seen = set(rows.loc[rows["person_id"].isin(lost.index), "person_id"])
    found = found_on_lists(folder, rows)
    rows = rows[rows["person_id"].isin(lost.index) & ~rows["person_id"].isin(found)]
    per_fate = {f: {"true": int((lost == f).sum()),
                    "seen": int(((lost == f) & lost.index.isin(seen)).sum())} for f in FATES}
    mk = rows[rows["person_id"].map(fate) == "missing_killed"]
    a = set(mk.loc[mk["list"] == "missing_persons_register", "person_id"])
    b = set(mk.loc[mk["list"] == "family_reports", "person_id"])
    truth_mk = per_fate["missing_killed"]["true"]
    lp = len(a) * len(b) / len(a & b) if a & b else float("nan")
    per_fate["missing_killed"]["lincoln_petersen_over_true"] = round(lp / truth_mk, 3) \
        if truth_mk else None
    on_death_list = rows["list"].isin(DEATH_LISTS)
    dead = set(rows.loc[on_death_list, "person_id"])
    killed = rows[on_death_list]
    other = rows[~rows["person_id"].isin(dead)]
    tables = [_table(killed, list(DEATH_LISTS), f"truth of {folder.name}, group=killed"),
              _table(other, sorted(other["list"].unique().tolist()),
                     f"truth of {folder.name}, group=missing_or_captive")]
    true_total = int((lost != "found_alive").sum())
    return tables, true_total, len(lost), per_fate


def linked_tables(folder: Path, scopes: tuple[str, ...]) -> dict[str, Any]:
    """Ingest, link and derive one war; return the register's capture tables per scope."""
    from musterroll.counts.capture import capture_tables
    from musterroll.linkage.run import link_register
    from musterroll.sources import ingest_manifest
    from musterroll.statuses import derive_statuses
    from musterroll.store import init_register, open_register

    url = f"sqlite:///{folder / 'register.db'}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, folder / "manifest.json")
        link_register(engine)
        derive_statuses(engine)
        out = {}
        for scope in scopes:
            histories = capture_tables(engine, status=scope)
            out[scope] = (histories.tables, histories.outside)
    finally:
        engine.dispose()
    return out


def _settings(method: str, table: CaptureTable) -> dict[str, Any]:
    # Every hierarchical model of 7+ lists is too many: only independence is searchable.
    return {"max_order": 1} if method == "loglinear" and table.n_lists >= 7 else {}


def _check(result: Any, targets: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "observed": result.observed, "estimate": round(result.estimate, 1),
        "lower": round(result.lower, 1), "upper": round(result.upper, 1),
        "model": result.diagnostics.get("model"),
    }
    for name, value in targets.items():
        out[f"covers_{name}"] = bool(result.lower <= value <= result.upper)
    return out


def one_war(seed: int, people: int, *, linked: bool, methods: dict[str, str]
            ) -> dict[str, Any]:
    """Simulate, estimate and check coverage for one war, per scope."""
    started = time.perf_counter()
    row: dict[str, Any] = {"seed": seed}
    with tempfile.TemporaryDirectory(prefix=f"validate_{seed}_") as tmp:
        folder = Path(tmp) / "war"
        simulate_war(folder, seed=seed, people=people)
        targets: dict[str, dict[str, int]] = {}
        for scope, method in methods.items():
            t0 = time.perf_counter()
            if scope == "killed":
                table, all_dead, stateable = truth_table(folder)
                targets[scope] = {"true": stateable, "all_dead": all_dead}
                extra: dict[str, Any] = {}
            else:
                tables, true_total, with_found, per_fate = casualty_table(folder)
                targets[scope] = {"true": true_total, "with_found_alive": with_found}
                extra = {"per_fate": per_fate}
            tables = [table] if scope == "killed" else tables
            result = estimate_strata(tables, method, seed=seed,
                                     **_settings(method, tables[0]))
            row[scope] = {"method": method, **targets[scope], **_check(result, targets[scope]),
                          "lists": [list(t.lists) for t in tables],
                          "list_totals": [t.list_totals().tolist() for t in tables], **extra,
                          "seconds": round(time.perf_counter() - t0, 1)}
        if linked:
            for scope, (tables, outside) in linked_tables(folder, tuple(methods)).items():
                method = methods[scope]
                real = estimate_strata(tables, method, seed=seed,
                                       **_settings(method, tables[0]))
                row[scope]["linked"] = {**_check(real, targets[scope]), "outside": outside}
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def _line(scope: str, r: dict[str, Any]) -> str:
    linked = r.get("linked")
    extra = (f" | linked {linked['observed']} -> {linked['estimate']:.0f} "
             f"[{linked['lower']:.0f}, {linked['upper']:.0f}] "
             f"{'covers' if linked['covers_true'] else 'MISSES'}") if linked else ""
    second = SECOND[scope][0]
    return (f"{scope} ({r['method']}): true {r['true']:5d}, documented {r['observed']:5d}, "
            f"{second} {r[second]:5d}, estimate {r['estimate']:7.0f} "
            f"[{r['lower']:7.0f}, {r['upper']:7.0f}] "
            f"{'covers' if r['covers_true'] else 'MISSES'} ({r['seconds']} s){extra}")


def summary(scope: str, rows: list[dict[str, Any]]) -> list[str]:
    """The coverage lines of one scope."""
    rs = [r[scope] for r in rows]
    n = len(rs)
    covered = sum(r["covers_true"] for r in rs)
    ratio = np.array([r["estimate"] / r["true"] for r in rs])
    below = sum(r["upper"] < r["true"] for r in rs)
    width = np.median([r["upper"] - r["lower"] for r in rs])
    out = [f"{scope} ({rs[0]['method']}): the 95% interval covers the true total in "
           f"{covered} of {n} wars ({covered / n:.0%}); {below} intervals lie wholly below "
           f"the truth; estimate / truth median {np.median(ratio):.3f} (range "
           f"{ratio.min():.3f}-{ratio.max():.3f}); documented / truth median "
           f"{np.median([r['observed'] / r['true'] for r in rs]):.3f}; median interval "
           f"width {width:.0f}"]
    second, label = SECOND[scope]
    hits = sum(r[f"covers_{second}"] for r in rs)
    out.append(f"  against {label}: covers in {hits} of {n} ({hits / n:.0%}); estimate / "
               f"that median {np.median([r['estimate'] / r[second] for r in rs]):.3f}")
    if scope == "casualty":
        unseen = {f: np.median([1 - r["per_fate"][f]["seen"] / r["per_fate"][f]["true"]
                                for r in rs if r["per_fate"][f]["true"]]) for f in FATES
                  if any(r["per_fate"][f]["true"] for r in rs)}
        out.append("  on no list (median share of the fate): " + ", ".join(
            f"{f} {v:.0%}" for f, v in unseen.items()))
        lp = [r["per_fate"]["missing_killed"]["lincoln_petersen_over_true"] for r in rs]
        lp = [x for x in lp if x is not None and x == x]
        if lp:
            out.append("  missing_killed: missing register x family reports Lincoln-Petersen"
                       f" / truth median {np.median(lp):.3f} (positive dependence below 1)")
    linked = [r["linked"] for r in rs if "linked" in r]
    if linked:
        hits = sum(r["covers_true"] for r in linked)
        out.append(f"  real linkage: covers in {hits} of {len(linked)} wars")
    return out


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(float(np.median(values)), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}


def summary_record(scope: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One scope's coverage figures, as `--summary` stores them for the caveats."""
    rs = [r[scope] for r in rows]
    second = SECOND[scope][0]
    out: dict[str, Any] = {
        "method": rs[0]["method"], "wars": len(rs),
        "covered": sum(r["covers_true"] for r in rs),
        "below": sum(r["upper"] < r["true"] for r in rs),
        "estimate_over_truth": _spread([r["estimate"] / r["true"] for r in rs]),
        "median_width": round(float(np.median([r["upper"] - r["lower"] for r in rs]))),
        "second_target": {"name": second, "covered": sum(r[f"covers_{second}"] for r in rs),
                          "estimate_over_it": round(float(np.median(
                              [r["estimate"] / r[second] for r in rs])), 3)},
    }
    if scope == "killed":  # the dead no list of the dead can hold: the toll's caveat
        share = [1 - r["true"] / r["all_dead"] for r in rs if r["all_dead"]]
        out["missing_dead_share"] = {"mean": round(float(np.mean(share)), 2),
                                     "min": round(min(share), 2), "max": round(max(share), 2)}
    linked = [r["linked"] for r in rs if "linked" in r]
    if linked:
        out["linked"] = {"wars": len(linked), "covered": sum(r["covers_true"] for r in linked)}
    return out


def _arguments(argv: list[str]) -> list[str]:
    """The command's arguments but where it stored them (`--summary FILE`)."""
    out, skip = [], False
    for arg in argv:
        if skip or arg.startswith("--summary"):
            skip = arg == "--summary" and not skip
            continue
        out.append(arg)
    return out


def write_summary(path: Path, args: argparse.Namespace, scopes: list[str],
                  rows: list[dict[str, Any]]) -> None:
    """Store this run's figures in `path`, replacing a stored run of the same size."""
    run = {"date": datetime.now(UTC).date().isoformat(),
           "command": " ".join(["bench/validate_coverage.py", *_arguments(sys.argv[1:])]),
           "wars": args.wars, "people": args.people, "first_seed": args.first_seed,
           "linked": args.linked, "level": 0.95,
           "scopes": {scope: summary_record(scope, rows) for scope in scopes}}
    data: dict[str, Any] = {"runs": []}
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
    data["runs"] = [r for r in data.get("runs", [])
                    if (r["wars"], r["people"]) != (run["wars"], run["people"])] + [run]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> int:
    """Run the check; print one line per war and scope, and the coverage per scope."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--wars", type=int, default=50)
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--linked", type=int, default=0,
                        help="also link the first K wars for real")
    parser.add_argument("--scopes", default=",".join(SCOPES),
                        help="comma-separated: killed, casualty")
    parser.add_argument("--method", default="loglinear", help="method of the killed scope")
    parser.add_argument("--casualty-method", default="lcmcr",
                        help="method of the casualty scope")
    parser.add_argument("--json", type=Path, default=None, help="write every row here")
    parser.add_argument("--summary", type=Path, default=None,
                        help="store the coverage figures the caveats quote in this file "
                        "(make validate: src/musterroll/estimate/data/validation.json)")
    args = parser.parse_args()
    scopes = [x.strip() for x in args.scopes.split(",") if x.strip()]
    if not scopes or set(scopes) - set(SCOPES):
        parser.error(f"--scopes among {', '.join(SCOPES)}")
    methods = {s: args.method if s == "killed" else args.casualty_method for s in scopes}
    rows = []
    for i in range(args.wars):
        seed = args.first_seed + i
        row = one_war(seed, args.people, linked=i < args.linked, methods=methods)
        rows.append(row)
        for scope in scopes:
            print(f"war {seed:3d}: {_line(scope, row[scope])}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    print()
    for scope in scopes:
        print("\n".join(summary(scope, rows)))
    if args.summary:
        write_summary(args.summary, args, scopes, rows)
        print(f"\nstored in {args.summary} (the caveats of estimate.caveats quote it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
