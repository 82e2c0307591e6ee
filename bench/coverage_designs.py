"""Coverage of 95% intervals on populations of the literature's designs (`estimate.designs`).

For each of --populations seeded populations (a random design of the literature:
latent-class heterogeneity as published, on 5 lists; direct list dependence on 3-6 lists;
or both; 500-100,000 persons), draw the capture table, estimate with one method at its
default settings and record whether the interval covers the true N. One JSON line per
population goes to --out as it is done (a rerun skips the populations already there),
then a summary by kind, by published design, by number of lists and (log-linear) by the
highest interaction order of the chosen model.
Log-linear on 6 lists searches models up to order 2 (`--max-order 2`; the full search
has millions of models); `--lists 3,4` limits the designs' lists and `--max-seconds` the
Monte Carlo budget, to keep a long run affordable. `--kinds hidden,hidden_referrals`
runs the stress design instead (`designs.STRESS_KINDS`), reported apart. Run, one method
at a time, in the background:

    nice .venv/bin/python bench/coverage_designs.py --method lcmcr --populations 200 \
        --out bench/out/coverage_lcmcr.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from musterroll.estimate import estimate
from musterroll.estimate.designs import Kind, draw_table, random_design

# Shorter chains for a long coverage run on a shared machine (they still run on until
# converged, within --max-seconds): a fifth of the default first round.
QUICK = {"lcmcr": {"burnin": 2000, "samples": 500, "thinning": 40}}


def run_one(index: int, seed: int, method: str, lists: tuple[int, int],
            max_seconds: float | None, quick: bool = False,
            kinds: tuple[Kind, ...] | None = None) -> dict[str, Any]:
    """Estimate population `index` of the run seeded `seed`; return its record."""
    rng = np.random.default_rng([seed, index])
    kind = None if kinds is None else kinds[int(rng.integers(len(kinds)))]
    design = random_design(rng, kind=kind, lists=lists)
    table = draw_table(design, rng)
    settings: dict[str, Any] = {} if max_seconds is None else {"max_seconds": max_seconds}
    if quick:
        settings |= QUICK.get(method, {})
    if method == "loglinear" and design.n_lists >= 6:
        settings["max_order"] = 2
    started = time.monotonic()
    e = estimate(table, method, seed=seed * 100_000 + index, **settings)
    return {
        "index": index, "kind": design.kind, "lists": design.n_lists, "total": design.total,
        "observed": table.observed, "estimate": e.estimate, "lower": e.lower,
        "upper": e.upper, "covered": bool(e.lower <= design.total <= e.upper),
        "converged": e.converged, "seconds": round(time.monotonic() - started, 1),
        "design": design.to_dict(),
        # log-linear: the chosen model and its profile interval, to tell which models miss
        "model": e.diagnostics.get("model"),
        "profile_interval": e.diagnostics.get("profile_interval"),
    }


def summarise(records: list[dict[str, Any]]) -> str:
    """Coverage overall, by kind and by number of lists, with misses above and below."""
    lines = []

    def line(label: str, rows: list[dict[str, Any]]) -> None:
        covered = sum(r["covered"] for r in rows)
        below = sum(r["upper"] < r["total"] for r in rows)
        ratio = np.median([r["estimate"] / r["total"] for r in rows])
        lines.append(f"{label:22s} {covered:4d} / {len(rows):4d} = {covered / len(rows):6.1%}"
                     f"  (interval below the truth {below}, above {len(rows) - covered - below});"
                     f" estimate / truth, median {ratio:.3f}")

    line("all", records)
    for kind in sorted({r["kind"] for r in records}):
        line(f"kind {kind}", [r for r in records if r["kind"] == kind])
    for source in sorted({r["design"].get("source", "") for r in records} - {""}):
        line(source, [r for r in records if r["design"].get("source") == source])
    for j in sorted({r["lists"] for r in records}):
        line(f"{j} lists", [r for r in records if r["lists"] == j])
    for order in sorted({_order(r["model"]) for r in records if r.get("model")}):
        line(f"chosen order {order}", [r for r in records if r.get("model")
                                       and _order(r["model"]) == order])
    unconverged = sum(r["converged"] is False for r in records)
    lines.append(f"not converged: {unconverged}; seconds per population, median "
                 f"{np.median([r['seconds'] for r in records]):.1f}")
    return "\n".join(lines)


def _order(model: str) -> int:
    """Highest interaction order of a log-linear model's name, e.g. 3 for [123,45]."""
    return max((len(term) for term in model.strip("[]").split(",")), default=1)


def run_populations(out: Path, populations: int, run: Callable[[int], dict[str, Any]],
                    line: Callable[[dict[str, Any]], str]) -> list[dict[str, Any]]:
    """Run populations 0..`populations`-1, one JSON line each appended to `out` as it is
    done; populations already in `out` are read back, not run again (a long run resumes).
    Prints `line(record)` for each new one; returns the records in order."""
    out.parent.mkdir(parents=True, exist_ok=True)
    done: dict[int, dict[str, Any]] = {}
    if out.exists():
        for text in out.read_text().splitlines():
            record = json.loads(text)
            done[record["index"]] = record
    with out.open("a") as stream:
        for index in range(populations):
            if index in done:
                continue
            done[index] = run(index)
            stream.write(json.dumps(done[index]) + "\n")
            stream.flush()
            print(line(done[index]), flush=True)
    return [done[i] for i in range(populations)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("lcmcr", "loglinear", "dga"), required=True)
    parser.add_argument("--populations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--lists", default="3,6", help="fewest and most lists, e.g. 3,4")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="the method's Monte Carlo time budget (default: its own)")
    parser.add_argument("--quick", action="store_true", help="shorter first round (QUICK)")
    parser.add_argument("--kinds", default=None,
                        help="comma-separated design kinds (default: the published KINDS)")
    args = parser.parse_args()
    low, high = (int(x) for x in args.lists.split(","))
    kinds = None if args.kinds is None else tuple(args.kinds.split(","))  # type: ignore[arg-type]
    records = run_populations(
        args.out, args.populations,
        lambda index: run_one(index, args.seed, args.method, (low, high), args.max_seconds,
                              args.quick, kinds),
        lambda r: (f"{r['index']:4d} {r['kind']:9s} J={r['lists']} N={r['total']:7,d} "
                   f"{r['estimate']:9,.0f} [{r['lower']:9,.0f}, {r['upper']:9,.0f}] "
                   f"{'covered' if r['covered'] else 'MISSED'} {r['seconds']}s"))
    print(summarise(records))


if __name__ == "__main__":
    main()
