"""Benchmark: estimation speed and agreement with R on the published tables.

For every table of the shared data folder, runs each method with its defaults and prints
seconds and results beside R's (README of the data folder: Rcapture 1.4-4, dga 2.0.2,
LCMCR 0.4.14 on this kind of machine), then checks the speed targets of the estimation
issue: the latent class sampler does 110,000 sweeps on Kosovo in at most 1 s (R: about
1.6 s) and the log-linear search over every hierarchical model of 5 lists takes at most
5 s (R: 38 to 55 s). Times are CPU seconds of this process (the machine is shared) and
wall seconds. Run::

    .venv/bin/python bench/bench_estimate.py [--data ../shared/data/mse] [--check]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from musterroll.estimate import dga, lcmcr, loglinear, read_tables
from musterroll.estimate.lcmcr import sample_chain
from musterroll.estimate.loglinear import fit_all_models, model_space

DATA = Path(os.environ.get("MUSTERROLL_MSE_DATA", Path(__file__).parents[2] / "shared/data/mse"))
TARGET_LCMCR_SECONDS = 1.0  # 110,000 sweeps on Kosovo; R's C++: about 1.6 s
TARGET_LOGLINEAR_SECONDS = 5.0  # every hierarchical model of 5 lists; Rcapture: 38-55 s

# R's figures (README): Rcapture model, estimate [95%]; dga median [95%]; LCMCR medians
R = {
    "kosovo": ("[124,23,34] 10,356.5 [8,994, 12,110] (0.5 s)", "12,595 [9,827, 16,544]",
               "10,384-10,430 [8,977-9,255, 13,163-14,505] (1.6 s / 110k sweeps)"),
    "korea_comfort_women_palembang": ("[12,23] 157.2 [129, 226]", "159 [123, 388]",
                                      "137-138 [123-124, 194-214]"),
    "us_western_sex_trafficking": ("[15,2,3,4] 2,483.4 [1,681, 3,928] (41 s)",
                                   "2,133 [1,343, 3,876]",
                                   "1,833-1,853 [1,268-1,325, 3,006-3,080]"),
    "hiv_rome": ("[1,2,3,4] 11,124.6 [9,532, 13,114]", "11,220 [9,404, 14,094]", "10,882-10,955"),
    "spina_bifida_newyork": ("[23,1] 724.1 [693, 759]", "725 [686, 784]", "726-729"),
    "congenital_anomaly_massachusetts": ("[12,13,45] 620.5 [593, 652] (38 s)", "618 [590, 656]",
                                         "628"),
    "diabetes_casale_monferrato": ("[13,24,34] 2,472.2 [2,375, 2,584]", "2,471 [2,376, 2,589]",
                                   "2,357-2,570"),
    "hepatitis_a_taiwan": ("[12,13,23] 1,312.8 [655, 3,031]", "292 [271, 1,239]", "508-522"),
}  # fmt: skip


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run fn; return (result, CPU seconds, wall seconds)."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - cpu, time.perf_counter() - wall


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel before timing."""
    table = read_tables(DATA / "korea_comfort_women_palembang.csv")[0]
    loglinear(table, bootstrap=5, seed=0)
    lcmcr(table, burnin=10, samples=10, thinning=1, chains=1, seed=0)
    dga(table, seed=0)


def bench_tables(seed: int) -> None:
    """Print every method on every table beside R's figures."""
    print("| table | method | our result | CPU s | wall s | R reference |")
    print("|---|---|---|---|---|---|")
    for name, (r_ll, r_dga, r_lc) in R.items():
        table = read_tables(DATA / f"{name}.csv")[0]
        ll, c1, w1 = timed(lambda t=table: loglinear(t, bootstrap=0))
        lo, hi = ll.diagnostics["profile_interval"]
        print(
            f"| {name} | loglinear search + profile | {ll.diagnostics['model']} "
            f"{ll.estimate:,.1f} [{lo:,.0f}, {hi:,.0f}] | {c1:.2f} | {w1:.2f} | {r_ll} |"
        )
        bs, c2, w2 = timed(lambda t=table: loglinear(t, seed=seed))
        b = bs.settings["bootstrap"]
        print(
            f"| {name} | loglinear + selection bootstrap (B={b}) | {bs.estimate:,.1f} "
            f"[{bs.lower:,.0f}, {bs.upper:,.0f}] | {c2:.2f} | {w2:.2f} | - |"
        )
        lc, c3, w3 = timed(lambda t=table: lcmcr(t, seed=seed))
        d = lc.diagnostics
        print(
            f"| {name} | lcmcr (4 chains x 110k sweeps) | {lc.estimate:,.0f} "
            f"[{lc.lower:,.0f}, {lc.upper:,.0f}] R-hat {d['rhat']:.2f} ESS {d['ess']:.0f} "
            f"| {c3:.2f} | {w3:.2f} | {r_lc} |"
        )
        dg, c4, w4 = timed(lambda t=table: dga(t, seed=seed))
        print(
            f"| {name} | dga | {dg.estimate:,.0f} [{dg.lower:,.0f}, {dg.upper:,.0f}] "
            f"| {c4:.2f} | {w4:.2f} | {r_dga} |"
        )


def bench_targets() -> list[str]:
    """Time the two speed targets; return the ones missed."""
    missed = []
    kosovo = read_tables(DATA / "kosovo.csv")[0]
    cells, freq = np.ascontiguousarray(kosovo.patterns), np.ascontiguousarray(kosovo.counts)
    runs = [timed(lambda s=s: sample_chain(cells, freq, 10, 0.25, 0.25, 10_000, 1_000, 100,
                                           10**9, s)) for s in range(3)]  # fmt: skip
    cpu = min(r[1] for r in runs)
    wall = min(r[2] for r in runs)
    print(
        f"\nlatent class sampler, Kosovo, K=10, 110,000 sweeps (500 warm-up more): "
        f"{cpu:.2f} s CPU, {wall:.2f} s wall, best of 3 (target {TARGET_LCMCR_SECONDS} s; "
        "R 1.6 s)"
    )
    if cpu > TARGET_LCMCR_SECONDS:
        missed.append("lcmcr sweeps")
    for name in ("us_western_sex_trafficking", "congenital_anomaly_massachusetts"):
        table = read_tables(DATA / f"{name}.csv")[0]
        space, c_space, _ = timed(lambda: model_space(5))
        fits, cpu, wall = timed(lambda t=table, s=space: fit_all_models(s, t.cells()))
        total = cpu + c_space
        print(
            f"log-linear search, {name}: {len(fits.names):,} hierarchical models in "
            f"{total:.2f} s CPU ({wall:.2f} s wall; target {TARGET_LOGLINEAR_SECONDS} s; "
            "R 38-55 s)"
        )
        if total > TARGET_LOGLINEAR_SECONDS:
            missed.append(f"loglinear search {name}")
    return missed


def main() -> int:
    """Run the benchmark; with --check, exit 1 when a speed target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--check", action="store_true", help="fail when a target is missed")
    parser.add_argument("--targets-only", action="store_true")
    args = parser.parse_args()
    globals()["DATA"] = args.data
    if not args.data.exists():
        print(f"no reference tables at {args.data}: nothing to benchmark")
        return 0
    warm_up()
    if not args.targets_only:
        bench_tables(args.seed)
    missed = bench_targets()
    if missed:
        print("targets missed: " + ", ".join(missed))
    return 1 if missed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
