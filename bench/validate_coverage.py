"""Simulation check of issue 7 (`make validate`): do 95% intervals cover the true death toll?

For each of `--wars` seeded simulated wars (`musterroll simulate --seed S --people N`):

1. capture histories of the dead from the truth linkage (`truth/rows.csv`: the true person
   of every row of every list), over the lists that state a death: each list a source,
   as `musterroll.estimate.register` makes them (the simulator's death-stating lists are
   official_death_notices, burial_register, identification_reports, obituaries and
   memorial_book; the missing register, families' reports, the adversary's and exchange
   lists state other fates and capture no deaths). In scope: the truly dead persons
   (fates killed, missing_killed, missing_killed_identified, captured_died) on at least
   one of those lists; a prisoner an obituary wrongly reports killed is not in scope (the
   register's derived status would keep him captured);
2. the killed total estimated with the default method (log-linear, BIC, bootstrap
   repeating the selection), seeded;
3. whether the interval covers the true number of dead (`truth/persons.csv`).

With `--linked K` the first K wars are also ingested, linked by the real linkage and
derived, and estimated from the register (`capture_tables`), to see what linkage errors
add. Prints one line per war and the coverage; `--json FILE` writes every row.

    .venv/bin/python bench/validate_coverage.py --wars 50 --people 4000 [--linked 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from musterroll.estimate import CaptureTable, estimate_strata
from musterroll.simulate import simulate_war

DEAD_FATES = ("killed", "missing_killed", "missing_killed_identified", "captured_died")
DEATH_LISTS = (
    "official_death_notices", "burial_register", "identification_reports", "obituaries",
    "memorial_book",
)  # fmt: skip


def truth_table(folder: Path) -> tuple[CaptureTable, int, int]:
    """The capture table of the dead from the truth linkage, the true number of dead, and
    the dead whose death a list could state (all but `missing_killed`: remains never found,
    so no death notice, burial or identification, only the missing register)."""
    persons = pd.read_csv(folder / "truth/persons.csv", usecols=["person_id", "fate"])
    dead = set(persons.loc[persons["fate"].isin(DEAD_FATES), "person_id"])
    stateable = int((persons["fate"].isin(DEAD_FATES) & (persons["fate"] != "missing_killed"))
                    .sum())
    rows = pd.read_csv(folder / "truth/rows.csv")
    rows = rows[rows["source"].isin(DEATH_LISTS) & rows["person_id"].isin(dead)]
    seen = pd.crosstab(rows["person_id"], rows["source"]).clip(upper=1)
    lists = [name for name in DEATH_LISTS if name in seen.columns]
    table = CaptureTable.from_histories(lists, seen[lists].to_numpy(),
                                        stratum=None, source=f"truth of {folder.name}")
    return table, len(dead), stateable


def linked_table(folder: Path) -> tuple[list[CaptureTable], dict[str, Any]]:
    """Ingest, link and derive one war; return the register's capture tables of the killed."""
    from musterroll.estimate.register import capture_tables
    from musterroll.linkage.run import link_register
    from musterroll.register import derive_statuses
    from musterroll.sources import ingest_manifest
    from musterroll.store import init_register, open_register

    url = f"sqlite:///{folder / 'register.db'}"
    init_register(url)
    engine = open_register(url)
    try:
        ingest_manifest(engine, folder / "manifest.json")
        link_register(engine)
        derive_statuses(engine)
        histories = capture_tables(engine, status="killed")
    finally:
        engine.dispose()
    return histories.tables, {"outside": histories.outside}


def one_war(seed: int, people: int, *, linked: bool, method: str) -> dict[str, Any]:
    """Simulate, estimate and check coverage for one war."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"validate_{seed}_") as tmp:
        folder = Path(tmp) / "war"
        simulate_war(folder, seed=seed, people=people)
        table, true_total, stateable = truth_table(folder)
        result = estimate_strata([table], method, seed=seed)
        row: dict[str, Any] = {
            "seed": seed, "true": true_total, "observed": result.observed,
            "estimate": round(result.estimate, 1), "lower": round(result.lower, 1),
            "upper": round(result.upper, 1),
            "covered": bool(result.lower <= true_total <= result.upper),
            "stateable": stateable,
            "covers_stateable": bool(result.lower <= stateable <= result.upper),
            "model": result.diagnostics.get("model"), "lists": list(table.lists),
            "list_totals": table.list_totals().tolist(),
        }
        if linked:
            tables, extra = linked_table(folder)
            real = estimate_strata(tables, method, seed=seed)
            row["linked"] = {
                "observed": real.observed, "estimate": round(real.estimate, 1),
                "lower": round(real.lower, 1), "upper": round(real.upper, 1),
                "covered": bool(real.lower <= true_total <= real.upper),
                "model": real.diagnostics.get("model"), **extra,
            }
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def main() -> int:
    """Run the check; print one line per war and the coverage."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wars", type=int, default=50)
    parser.add_argument("--people", type=int, default=4000)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--linked", type=int, default=0,
                        help="also link the first K wars for real")
    parser.add_argument("--method", default="loglinear")
    parser.add_argument("--json", type=Path, default=None, help="write every row here")
    args = parser.parse_args()
    rows = []
    for i in range(args.wars):
        seed = args.first_seed + i
        row = one_war(seed, args.people, linked=i < args.linked, method=args.method)
        rows.append(row)
        linked = row.get("linked")
        extra = (f" | linked {linked['observed']} -> {linked['estimate']:.0f} "
                 f"[{linked['lower']:.0f}, {linked['upper']:.0f}] "
                 f"{'covers' if linked['covered'] else 'MISSES'}") if linked else ""
        print(f"war {seed:3d}: true {row['true']:5d}, documented {row['observed']:5d}, "
              f"stateable {row['stateable']:5d}, estimate {row['estimate']:7.0f} "
              f"[{row['lower']:7.0f}, {row['upper']:7.0f}] "
              f"{row['model']} {'covers' if row['covered'] else 'MISSES'} "
              f"({row['seconds']} s){extra}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))
    covered = np.array([r["covered"] for r in rows])
    ratio = np.array([r["estimate"] / r["true"] for r in rows])
    below = sum(r["upper"] < r["true"] for r in rows)
    print(f"\n{args.method}: the 95% interval covers the true total in {covered.sum()} of "
          f"{len(rows)} wars ({covered.mean():.0%}); {below} intervals lie wholly below the "
          f"truth; estimate / truth median {np.median(ratio):.3f} "
          f"(range {ratio.min():.3f}-{ratio.max():.3f}); documented / truth median "
          f"{np.median([r['observed'] / r['true'] for r in rows]):.3f}")
    hits = sum(r["covers_stateable"] for r in rows)
    print(f"against the dead a list could state (all but missing_killed): covers in {hits} "
          f"of {len(rows)} ({hits / len(rows):.0%}); estimate / that median "
          f"{np.median([r['estimate'] / r['stateable'] for r in rows]):.3f}")
    linked_rows = [r["linked"] for r in rows if "linked" in r]
    if linked_rows:
        hits = sum(r["covered"] for r in linked_rows)
        print(f"real linkage: covers in {hits} of {len(linked_rows)} wars")
    return 0


if __name__ == "__main__":
    sys.exit(main())
