"""Log-linear intervals on every published table: Rcapture's profile interval and the
selection bootstrap with the Monte Carlo error of each bound; then a 6-list table.

Per table: the BIC-chosen model and estimate, the profile interval beside Rcapture's, the
bootstrap interval with its bounds' Monte Carlo errors (target under 1% of each bound),
replicates and seconds. Last, a 6-list population of `estimate.designs` (seeded) with
`--max-order 2`, timed end to end (the issue's target: at most 5 minutes). Run:

    .venv/bin/python bench/bench_loglinear_intervals.py [--seed 1] [--skip-tables]
        [--tables NAME,NAME] [--skip-six]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from musterroll.estimate import loglinear, read_tables
from musterroll.estimate.designs import draw_table, random_design

# Rcapture 1.4-4 closedpMS.t + closedpCI.t (shared/data/mse/README.md)
R_PROFILE = {
    "congenital_anomaly_massachusetts": (620.5, 593, 652),
    "diabetes_casale_monferrato": (2472.2, 2375, 2584),
    "hepatitis_a_taiwan": (1312.8, 655, 3031),
    "hiv_rome": (11124.6, 9532, 13114),
    "korea_comfort_women_palembang": (157.2, 129, 226),
    "kosovo": (10356.5, 8994, 12110),
    "spina_bifida_newyork": (724.1, 693, 759),
    "us_western_sex_trafficking": (2483.4, 1681, 3928),
}
DATA = Path(__file__).resolve().parents[2] / "shared/data/mse"


def report(name: str, seed: int, **settings: object) -> None:
    """Estimate one table and print its line."""
    table = read_tables(DATA / f"{name}.csv")[0] if name in R_PROFILE else settings.pop("table")
    started = time.monotonic()
    e = loglinear(table, seed=seed, **settings)  # type: ignore[arg-type]
    d = e.diagnostics
    p_low, p_high = d["profile_interval"]
    r = R_PROFILE.get(name)
    versus = (f" R {r[0]:,.1f} [{r[1]:,}, {r[2]:,}]" if r else "")
    rel_low, rel_high = d["bootstrap_mc_error_relative"]
    print(f"{name[:24]:24s} {d['model']:>14s} {e.estimate:9,.1f} profile [{p_low:,.0f}, "
          f"{p_high:,.0f}]{versus} | bootstrap [{e.lower:,.0f}, {e.upper:,.0f}] MC error "
          f"{rel_low:.2%} / {rel_high:.2%}, {d['bootstrap_replicates']:,} replicates, "
          f"converged {e.converged}, {time.monotonic() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-tables", action="store_true")
    parser.add_argument("--tables", default=None, help="comma-separated names (default: all)")
    parser.add_argument("--skip-six", action="store_true", help="leave out the 6-list table")
    args = parser.parse_args()
    if not args.skip_tables:
        for name in args.tables.split(",") if args.tables else R_PROFILE:
            report(name, args.seed)
    if args.skip_six:
        return
    rng = np.random.default_rng(6)
    design = random_design(rng, kind="hidden_referrals", lists=(6, 6), total=(5000, 5000))
    table = draw_table(design, rng)
    print(f"6 lists, N = {design.total:,}, documented {table.observed:,}, --max-order 2:")
    report("six_lists_design", args.seed, table=table, max_order=2,
           progress=lambda m: print("   ", m, flush=True))


if __name__ == "__main__":
    main()
