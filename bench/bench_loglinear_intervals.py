"""Log-linear intervals on every published table: Rcapture's profile interval and the
selection bootstrap with the Monte Carlo error of each bound; then a 6-list table.

Per table: the BIC-chosen model and estimate, the profile interval beside Rcapture's, the
bootstrap interval with its bounds' Monte Carlo errors (target under 1% of each bound),
replicates and seconds. Last, a 6-list population of `estimate.designs` (seeded) with
`--max-order 2`, timed end to end (the issue's target: at most 5 minutes). Run:

    .venv/bin/python bench/bench_loglinear_intervals.py [--seed 1] [--skip-tables]
        [--tables NAME,NAME] [--skip-six] [--cpu]
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


def cpu_per_replicate(name: str, replicates: int = 200) -> None:
    """CPU time of one replicate's search, the full search against the bounded one.

    Process CPU time on one thread, so that it does not depend on the machine's load as
    the wall-time budget does; the choices of the two searches are compared too.
    """
    from musterroll.estimate._glm import select_bounded, select_many
    from musterroll.estimate._loglinear_fit import fit_all_models, model_space
    from musterroll.estimate._loglinear_intervals import _search

    table = read_tables(DATA / f"{name}.csv")[0]
    space = model_space(table.n_lists)
    cells = table.cells()
    fits = fit_all_models(space, cells)
    k = fits.best("bic")
    y = cells[1:].astype(float)
    probs = np.concatenate(([fits.estimate[k] - y.sum()], y)) / fits.estimate[k]
    draws = np.random.default_rng(5).multinomial(
        int(round(fits.estimate[k])), probs, size=replicates)[:, 1:].astype(float)
    pool = np.arange(len(space.n_cols))
    order = pool[np.argsort(space.n_cols, kind="stable")]
    full = (np.ascontiguousarray(space.x_full[1:]), np.ascontiguousarray(space.col_index[order]),
            np.ascontiguousarray(space.n_cols[order]),
            np.ascontiguousarray(np.maximum(fits.fitted[order], 0.1)), True)
    bounded = (*_search(space, fits, pool, cells), True, space.j)
    select_many(full[0], draws[:2], *full[1:])  # compile
    select_bounded(draws[:2], *bounded)
    started = time.process_time()
    best_full, _ = select_many(full[0], draws, *full[1:])
    t_full = time.process_time() - started
    started = time.process_time()
    best, _, fitted = select_bounded(draws, *bounded)
    t_bounded = time.process_time() - started
    same = float(np.mean(order[np.maximum(best_full, 0)] == best))
    print(f"{name[:24]:24s} CPU a replicate: full search {t_full / replicates * 1000:.1f} ms, "
          f"bounded {t_bounded / replicates * 1000:.1f} ms ({fitted.mean():,.0f} of "
          f"{len(pool):,} models fitted); same choice in {same:.1%} of {replicates}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-tables", action="store_true")
    parser.add_argument("--tables", default=None, help="comma-separated names (default: all)")
    parser.add_argument("--skip-six", action="store_true", help="leave out the 6-list table")
    parser.add_argument("--cpu", action="store_true",
                        help="only the CPU time of a replicate's search on the 5-list tables")
    args = parser.parse_args()
    if args.cpu:
        for name in ("us_western_sex_trafficking", "congenital_anomaly_massachusetts"):
            cpu_per_replicate(name)
        return
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
