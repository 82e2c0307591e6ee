"""Coverage check: do 95% intervals cover a known total when lists are heterogeneous?

Simulates capture tables from a known population (default N = 2,000 persons, 4 lists)
in which catchability varies between persons (two latent groups, one hard to see) and
two lists are dependent, as lists of the dead are in a war. For each seeded replicate it
records whether each interval covers N:

- log-linear, BIC-chosen model, profile-likelihood interval (ignores the selection, as
  Rcapture's closedpMS.t + closedpCI.t),
- log-linear, bootstrap that repeats the selection (the default),
- the latent class model (shorter chains than the defaults, to keep the run short),
- the graphical-model average.

Intervals that ignore the selection are expected to cover less than their level. Run::

    .venv/bin/python bench/bench_estimate_coverage.py [--reps 50] [--seed 1] [--no-lcmcr]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from musterroll.estimate import CaptureTable, dga, lcmcr, loglinear

GROUPS = (  # (share of persons, capture probability on each list)
    (0.7, (0.40, 0.30, 0.35, 0.30)),
    (0.3, (0.20, 0.12, 0.25, 0.15)),
)
DEPENDENCE = 1.8  # odds multiplier of list 2 for persons on list 1


def simulate_table(total: int, rng: np.random.Generator) -> CaptureTable:
    """One capture table of `total` persons with heterogeneity and list dependence."""
    shares = np.array([g[0] for g in GROUPS])
    group = rng.choice(len(GROUPS), size=total, p=shares / shares.sum())
    probs = np.array([g[1] for g in GROUPS])[group]
    seen = rng.random(probs.shape) < probs
    on_first = seen[:, 0]
    odds = probs[:, 1] / (1 - probs[:, 1]) * np.where(on_first, DEPENDENCE, 1.0)
    seen[:, 1] = rng.random(total) < odds / (1 + odds)
    histories = seen[seen.any(axis=1)].astype(int)
    return CaptureTable.from_histories(["A", "B", "C", "D"], histories)


def run(reps: int, seed: int, total: int, with_lcmcr: bool, bootstrap: int) -> dict[str, list]:
    """Simulate `reps` tables; return per method a list of (covered, width, estimate)."""
    seeds = np.random.SeedSequence(seed).spawn(reps)
    out: dict[str, list] = {"profile": [], "bootstrap": [], "lcmcr": [], "dga": []}
    for i, ss in enumerate(seeds):
        rng = np.random.default_rng(ss)
        table = simulate_table(total, rng)
        s = int(ss.generate_state(1)[0])
        ll = loglinear(table, bootstrap=bootstrap, seed=s)
        p_low, p_high = ll.diagnostics["profile_interval"]
        out["profile"].append((p_low <= total <= p_high, p_high - p_low, ll.estimate))
        out["bootstrap"].append((ll.lower <= total <= ll.upper, ll.upper - ll.lower, ll.estimate))
        g = dga(table, seed=s)
        out["dga"].append((g.lower <= total <= g.upper, g.upper - g.lower, g.estimate))
        if with_lcmcr:
            lc = lcmcr(table, chains=2, burnin=3000, samples=500, thinning=20, seed=s)
            out["lcmcr"].append((lc.lower <= total <= lc.upper, lc.upper - lc.lower, lc.estimate))
        print(f"\r{i + 1}/{reps} tables", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return out


def main() -> int:
    """Print coverage, median width and median estimate per interval."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--total", type=int, default=2000)
    parser.add_argument("--bootstrap", type=int, default=500)
    parser.add_argument("--no-lcmcr", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    results = run(args.reps, args.seed, args.total, not args.no_lcmcr, args.bootstrap)
    print(f"true total {args.total}, {args.reps} simulated tables (seed {args.seed}), "
          f"{time.perf_counter() - start:.0f} s")
    print("| interval | coverage of the true total | median width | median estimate |")
    print("|---|---|---|---|")
    for name, rows in results.items():
        if rows:
            covered = np.mean([r[0] for r in rows])
            print(f"| {name} | {covered:.0%} | {np.median([r[1] for r in rows]):,.0f} | "
                  f"{np.median([r[2] for r in rows]):,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
