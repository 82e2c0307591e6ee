"""LCMCR with default settings on every published table: converged, and as R's LCMCR?

For each table in shared/data/mse: the posterior median and interval, rank-normalised
R-hat, bulk and tail ESS of N, draws per chain, rounds, seconds, and the median's distance
to R's LCMCR medians over its three seeds (0% when inside their range). Run:

    .venv/bin/python bench/bench_lcmcr_convergence.py [--seed 1] [--data DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from musterroll.estimate import lcmcr, read_tables

# R's LCMCR 0.4.14 medians over three seeds (shared/data/mse/README.md)
R_MEDIANS = {
    "congenital_anomaly_massachusetts": (628, 628),
    "diabetes_casale_monferrato": (2357, 2570),
    "hepatitis_a_taiwan": (508, 522),
    "hiv_rome": (10882, 10955),
    "korea_comfort_women_palembang": (137, 138),
    "kosovo": (10384, 10430),
    "spina_bifida_newyork": (726, 729),
    "us_western_sex_trafficking": (1833, 1853),
}
DATA = Path(__file__).resolve().parents[2] / "shared/data/mse"


def distance(median: float, low: float, high: float) -> float:
    """Relative distance of `median` to the range [low, high] (0 inside it)."""
    if median < low:
        return median / low - 1
    if median > high:
        return median / high - 1
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    print(f"{'table':34s} {'median':>8s} {'95% interval':>18s} {'vs R':>6s} {'R-hat':>6s} "
          f"{'ESS':>6s} {'tail':>6s} {'draws':>6s} {'rounds':>6s} {'conv':>5s} {'s':>6s}")
    for name, (low, high) in R_MEDIANS.items():
        table = read_tables(args.data / f"{name}.csv")[0]
        started = time.monotonic()
        e = lcmcr(table, seed=args.seed)
        d = e.diagnostics
        print(f"{name:34s} {e.estimate:8,.0f} [{e.lower:7,.0f}, {e.upper:7,.0f}] "
              f"{distance(e.estimate, low, high):+6.1%} {d['rhat']:6.3f} {d['ess']:6.0f} "
              f"{d['ess_tail']:6.0f} {d['draws_per_chain']:6d} {d['rounds']:6d} "
              f"{e.converged!s:>5s} {time.monotonic() - started:6.1f}", flush=True)


if __name__ == "__main__":
    main()
