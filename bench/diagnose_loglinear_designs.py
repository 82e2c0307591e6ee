"""Why log-linear intervals miss on the literature's latent-class designs, and what the
literature's alternatives do there (issue 18).

For the populations of `bench/coverage_designs.py` (same seed and index: the same tables),
fits without bootstrap, each with its own 95% interval:

- `bic`: musterroll's search (Rcapture's closedpMS.t), the BIC-best model and its profile
  interval (the default estimator's point; its interval adds the selection bootstrap);
- `bic_h`: the same search with each of Rcapture's heterogeneity columns added to every
  model (closedpMS.t(h = "Poisson", "Darroch", "Gamma"), Baillargeon and Rivest 2007),
  the BIC-best of the four searches (none, Poisson2, Darroch, Gamma3.5);
- `mth_*`: Rcapture's closedp.t heterogeneity models, independent lists plus the column
  (Mth Chao lower bound, Poisson2, Darroch, Gamma3.5), and `mth_bic`, the BIC-best of them
  and Mt; profile intervals;
- `order2`: the search limited to two-list interactions (as SparseMSE, Chan, Silverman
  and Vincent 2021), BIC-best, profile interval (4 lists or more);
- `average`: BIC-weighted model average over the default search (Buckland, Burnham and
  Augustin 1997): N-bar +- 1.96 sum_k w_k sqrt(se_k^2 + (N_k - N-bar)^2).

Nothing here is tuned: the variants are the literature's, with Rcapture's constants.

    nice -n 19 .venv/bin/python bench/diagnose_loglinear_designs.py --seed 1 \
        --populations 200 --out bench/out/diagnose_loglinear_seed1.jsonl
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from coverage_designs import run_populations  # noqa: E402  (a sibling script)

from musterroll.estimate._heterogeneity import (
    chao_lower_bound,
    heterogeneity_columns,
    independence_space,
    with_heterogeneity,
)
from musterroll.estimate._loglinear_fit import ModelFits, ModelSpace, fit_all_models, model_space
from musterroll.estimate._loglinear_intervals import profile_interval
from musterroll.estimate.designs import draw_table, random_design

SEARCHED_H = ("poisson", "darroch", "gamma")
MTH = ("chao", "poisson", "darroch", "gamma")
VARIANTS = ("bic", "bic_h", "mth_chao", "mth_poisson", "mth_darroch", "mth_gamma", "mth_bic",
            "order2", "average")


def _profiled(space: ModelSpace, fits: ModelFits, k: int, cells: np.ndarray) -> dict[str, Any]:
    est = float(fits.estimate[k])
    try:
        _, low, high = profile_interval(space, k, cells, est, 0.95)
    except (ValueError, RuntimeError):
        low, high = math.nan, math.nan
    return {"estimate": est, "lower": low, "upper": high, "bic": float(fits.bic[k]),
            "model": fits.names[k]}


def _average(fits: ModelFits) -> dict[str, Any]:
    usable = np.isfinite(fits.bic) & np.isfinite(fits.estimate) & np.isfinite(fits.stderr)
    bic = np.where(usable, fits.bic, np.inf)
    w = np.exp(-(bic - bic.min()) / 2)
    w /= w.sum()
    keep = w > 1e-12
    n_bar = float(np.sum(w[keep] * fits.estimate[keep]))
    se = float(np.sum(w[keep] * np.sqrt(fits.stderr[keep] ** 2
                                         + (fits.estimate[keep] - n_bar) ** 2)))
    return {"estimate": n_bar, "lower": n_bar - 1.96 * se, "upper": n_bar + 1.96 * se,
            "models": int(keep.sum())}


def run_one(index: int, seed: int) -> dict[str, Any]:
    """Every variant on population `index` of the coverage run seeded `seed`."""
    rng = np.random.default_rng([seed, index])
    design = random_design(rng)
    table = draw_table(design, rng)
    j, cells = design.n_lists, table.cells()
    record: dict[str, Any] = {"index": index, "kind": design.kind, "source": design.source,
                              "lists": j, "total": design.total, "observed": table.observed}
    space = model_space(j, 2 if j >= 6 else None)
    fits = fit_all_models(space, cells)
    k = fits.best("bic")
    record["bic"] = _profiled(space, fits, k, cells)
    record["bic"]["order"] = max((len(t) for t in record["bic"]["model"][1:-1].split(",")),
                                 default=1)
    best = record["bic"]
    for h in SEARCHED_H:
        hs = with_heterogeneity(space, heterogeneity_columns(h, j))
        hf = fit_all_models(hs, cells)
        kh = hf.best("bic")
        if hf.bic[kh] < best["bic"]:
            best = _profiled(hs, hf, kh, cells) | {"h": h}
    record["bic_h"] = best
    mth = {}
    base = independence_space(j)
    for h in MTH:
        ms = chao_lower_bound(base, cells) if h == "chao" else with_heterogeneity(
            base, heterogeneity_columns(h, j))
        mth[h] = _profiled(ms, fit_all_models(ms, cells), 0, cells)
        record[f"mth_{h}"] = mth[h]
    mt = _profiled(base, fit_all_models(base, cells), 0, cells)
    record["mth_bic"] = min([mt, *mth.values()], key=lambda r: r["bic"])
    if j >= 4:
        o2 = model_space(j, 2)
        f2 = fit_all_models(o2, cells)
        record["order2"] = _profiled(o2, f2, f2.best("bic"), cells)
    record["average"] = _average(fits)
    return record


def summarise(records: list[dict[str, Any]]) -> str:
    """Coverage of each variant's interval by design: covered / n, misses below / above,
    median estimate / truth."""
    def group(r: dict[str, Any]) -> str:
        return r["source"] or r["kind"]

    groups = sorted({group(r) for r in records})
    lines = ["variant      " + "  ".join(f"{g[-22:]:>24s}" for g in [*groups, "class designs"])]
    for variant in VARIANTS:
        cells = []
        for g in [*groups, "class designs"]:
            rows = [r for r in records if variant in r and (
                group(r) == g or g == "class designs" and r["kind"] != "referrals")]
            if not rows:
                cells.append(f"{'-':>24s}")
                continue
            v = [r[variant] for r in rows]
            covered = sum(x["lower"] <= r["total"] <= x["upper"] for x, r in zip(v, rows,
                                                                                   strict=True))
            below = sum(x["upper"] < r["total"] for x, r in zip(v, rows, strict=True))
            above = sum(x["lower"] > r["total"] for x, r in zip(v, rows, strict=True))
            ratio = float(np.median([x["estimate"] / r["total"] for x, r in zip(v, rows,
                                                                                strict=True)]))
            cells.append(f"{covered:3d}/{len(rows):3d} {below:2d}v {above:2d}^ {ratio:6.2f}")
        lines.append(f"{variant:12s} " + "  ".join(f"{c:>24s}" for c in cells))
    lines.append("default search, class designs, by highest order of the BIC-best model: "
                 "populations, profile interval above the truth, median estimate / truth")
    classes = [r for r in records if r["kind"] != "referrals"]
    for order in sorted({r["bic"]["order"] for r in classes}):
        rows = [r for r in classes if r["bic"]["order"] == order]
        above = sum(r["bic"]["lower"] > r["total"] for r in rows)
        ratio = float(np.median([r["bic"]["estimate"] / r["total"] for r in rows]))
        lines.append(f"  order {order}: {len(rows):3d}, above {above:3d}, {ratio:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--populations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    records = run_populations(args.out, args.populations,
                              lambda index: run_one(index, args.seed),
                              lambda r: f"{r['index']} {r['kind']} {r['source']}")
    print(summarise(records))


if __name__ == "__main__":
    main()
