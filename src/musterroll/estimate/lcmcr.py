"""Bayesian non-parametric latent class model (Manrique-Vallier 2016), as R's LCMCR.

Persons belong to latent classes with their own list-inclusion probabilities lambda_jk;
class weights follow a truncated stick-breaking prior with K classes and concentration
alpha ~ Gamma(a, b); lambda_jk ~ Beta(1, 1). The Gibbs sampler augments the data with the
n0 persons on no list (Manrique-Vallier 2016, sec. 3): n0 | rest ~ NegBinomial(n, 1 - p0),
p0 = sum_k pi_k prod_j (1 - lambda_jk), which corresponds to the prior p(N) ~ 1/N as in
LCMCR. Persons with the same pattern are exchangeable, so their classes are drawn as one
multinomial per observed pattern (as LCMCR's frequency sampler), which makes a sweep cost
O(patterns x K x J) whatever the population size.

R's LCMCR bounds N at 21 times the documented count without saying so; here the bound is
far above (`max_total_factor` x observed, default 1000) and any draw reaching it, or a
posterior reaching into the region LCMCR would have cut, is reported.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from musterroll.counts.table import CaptureTable, TableError
from musterroll.estimate._lcmcr_sampler import WARMUP, advance_chain, sample_chain, start_chain
from musterroll.estimate._mcmc import bulk_ess, rank_rhat, tail_ess
from musterroll.estimate.result import Estimate, fresh_seed

__all__ = ["TARGET_ESS", "TARGET_RHAT", "convergence", "is_converged", "lcmcr", "sample_chain"]

LCMCR_CAP_FACTOR = 21  # R's LCMCR caps N at 21 x observed (the cap it does not report)

TARGET_RHAT = 1.01  # rank-normalised R-hat (Vehtari et al. 2021)
TARGET_ESS = 400  # bulk and tail ESS: 100 per chain for 4 chains (Vehtari et al. 2021)
DEFAULT_BUDGET = 300.0  # seconds the chains may run on until they converge
MAX_ROUND_FACTOR = 4.0  # a round at most quadruples the draws: the need is re-measured
Progress = Callable[[str], None]


@dataclass
class _Chains:
    """Chains of one run: their states, draws so far and how long they took."""

    cells: np.ndarray
    freq: np.ndarray
    settings: tuple[float, float, int, int]  # a_alpha, b_alpha, thinning, max_n0
    states: list[Any]
    draws: list[np.ndarray]
    alphas: list[np.ndarray]
    occupied: list[np.ndarray]
    hits: int = 0
    sweeps: int = 0
    seconds: float = 0.0

    def advance(self, warmup: int, burnin: int, samples: int) -> None:
        """Run every chain on (side by side: the sampler releases the GIL)."""
        a_alpha, b_alpha, thinning, max_n0 = self.settings
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=min(len(self.states), os.cpu_count() or 1)) as pool:
            runs = list(
                pool.map(
                    lambda st: advance_chain(
                        self.cells, self.freq, st, a_alpha, b_alpha, warmup, burnin, samples,
                        thinning, max_n0,
                    ),
                    self.states,
                )
            )
        self.seconds += time.monotonic() - started
        self.sweeps += warmup + burnin + samples * thinning
        for c, run in enumerate(runs):
            self.draws[c] = np.concatenate([self.draws[c], run[0]])
            self.alphas[c] = np.concatenate([self.alphas[c], run[1]])
            self.occupied[c] = np.concatenate([self.occupied[c], run[2]])
            self.hits += run[3]

    def drop_first_half(self) -> None:
        """Discard the first half of every chain's draws (a longer burn-in)."""
        half = len(self.draws[0]) // 2
        self.draws = [d[half:] for d in self.draws]
        self.alphas = [a[half:] for a in self.alphas]
        self.occupied = [o[half:] for o in self.occupied]

    def matrix(self) -> np.ndarray:
        """Draws of N as (chains, draws per chain)."""
        return np.vstack(self.draws)


def convergence(draws: np.ndarray, level: float) -> dict[str, float]:
    """R-hat, bulk and tail ESS of N (rank-normalised) and whether they meet the targets."""
    rhat, bulk, tail = rank_rhat(draws), bulk_ess(draws), tail_ess(draws, level)
    return {"rhat": rhat, "ess": bulk, "ess_tail": tail}


def is_converged(diag: dict[str, float]) -> bool:
    """R-hat at most 1.01 and bulk and tail ESS at least 400 (Vehtari et al. 2021)."""
    return bool(
        diag["rhat"] <= TARGET_RHAT and min(diag["ess"], diag["ess_tail"]) >= TARGET_ESS
    )


def _draws_needed(diag: dict[str, float], have: int) -> int:
    """Draws per chain to add so that the ESS reaches its target (ESS grows with draws)."""
    ess = max(min(diag["ess"], diag["ess_tail"]), 1.0)
    factor = min(1.2 * TARGET_ESS / ess, MAX_ROUND_FACTOR)
    return max(int(have * (factor - 1)), have // 2, 1)


def _run_until_converged(
    chains: _Chains, *, burnin: int, samples: int, thinning: int, level: float,
    budget: float, progress: Progress | None,
) -> tuple[dict[str, float], int]:
    """Run the chains, then extend them until they converge or the budget is spent.

    Returns:
        (the last convergence diagnostics, the rounds run).
    """
    say = progress or (lambda _msg: None)
    say(f"latent class chains: burn-in and {samples:,} draws each")
    chains.advance(WARMUP, burnin, samples)
    diag = convergence(chains.matrix(), level)
    rounds = 1
    while budget > 0 and not is_converged(diag):
        if diag["rhat"] > TARGET_RHAT:
            chains.drop_first_half()  # the start still shows: burn in longer
        have = len(chains.draws[0])
        more = _draws_needed(diag, have)
        per_sweep = chains.seconds / max(chains.sweeps, 1)
        left = budget - chains.seconds
        affordable = int(left / max(per_sweep * thinning, 1e-9))
        if affordable < max(have // 4, 1):
            break
        more = min(more, affordable)
        say(
            f"not yet converged (R-hat {diag['rhat']:.3f}, ESS {diag['ess']:.0f}, "
            f"tail ESS {diag['ess_tail']:.0f}): {more:,} more draws per chain, about "
            f"{per_sweep * thinning * more:.0f} s of {left:.0f} s left"
        )
        chains.advance(0, 0, more)
        diag = convergence(chains.matrix(), level)
        rounds += 1
    return diag, rounds


def lcmcr(
    table: CaptureTable,
    *,
    level: float = 0.95,
    k: int = 10,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    burnin: int = 10_000,
    samples: int = 1_000,
    thinning: int = 100,
    chains: int = 4,
    max_total_factor: float = 1000.0,
    max_seconds: float = DEFAULT_BUDGET,
    progress: Progress | None = None,
    seed: int | None = None,
) -> Estimate:
    """Latent class estimate: posterior median and equal-tailed interval of N.

    The chains run until they converge: rank-normalised R-hat of N at most 1.01 and its
    bulk and tail effective sample sizes at least 400 (Vehtari et al. 2021), or until
    `max_seconds` of sampling are spent; a run that stops short says so (`converged`
    false, a warning with the advice to run longer).

    Args:
        table: capture table with at least 2 usable lists (3 or more to model dependence).
        level: interval level.
        k: number of latent classes K (the stick-breaking truncation), default 10.
        a_alpha, b_alpha: Gamma prior of alpha, default 0.25 and 0.25 (as LCMCR).
        burnin, samples, thinning: per chain, the first round; defaults as the reference
            runs (10,000 sweeps discarded, 1,000 draws every 100 sweeps). Later rounds add
            draws at the same thinning.
        chains: independent chains, each with its own seed from `seed`.
        max_total_factor: the undocumented count is bounded at this multiple of the
            documented count (draws reaching it are counted and reported).
        max_seconds: time budget for extending unconverged chains (0: one round only,
            exactly burnin + samples x thinning sweeps).
        progress: called with a line of text as the chains advance (None: silent).
        seed: master seed (drawn and recorded when None).
    Returns:
        Estimate with posterior draws and `converged`; diagnostics hold R-hat, bulk and
        tail ESS, draws per chain, rounds, chain medians, the posterior mean of alpha and
        of occupied classes, and draws at the bound.
    Raises:
        TableError: with fewer than 2 usable lists; ValueError on bad settings.
    """
    if len(table.usable_lists()) < 2:
        raise TableError(
            f"the latent class model needs lists with persons, got {table.usable_lists()}"
        )
    if k < 1 or samples < 4 or thinning < 1 or burnin < 0 or chains < 1 or max_seconds < 0:
        raise ValueError(
            "need k >= 1, samples >= 4, thinning >= 1, burnin >= 0, chains >= 1, "
            "max_seconds >= 0"
        )
    seed = fresh_seed() if seed is None else seed
    chain_seeds = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(seed).spawn(chains)]
    keep = table.counts > 0
    cells = np.ascontiguousarray(table.patterns[keep])
    freq = np.ascontiguousarray(table.counts[keep])
    max_n0 = int(max_total_factor * table.observed)
    run = _Chains(
        cells, freq, (a_alpha, b_alpha, thinning, max_n0),
        states=[start_chain(cells, freq, k, s) for s in chain_seeds],
        draws=[np.empty(0)] * chains, alphas=[np.empty(0)] * chains,
        occupied=[np.empty(0)] * chains,
    )
    diag, rounds = _run_until_converged(
        run, burnin=burnin, samples=samples, thinning=thinning, level=level,
        budget=max_seconds, progress=progress,
    )
    converged = is_converged(diag)
    draws = run.matrix()
    pooled = draws.ravel()
    alpha = (1 - level) / 2
    median, lower, upper = (float(v) for v in np.quantile(pooled, [0.5, alpha, 1 - alpha]))
    diagnostics: dict[str, object] = {
        **diag,
        "converged": converged,
        "draws_per_chain": draws.shape[1],
        "rounds": rounds,
        "seconds": round(run.seconds, 1),
        "chain_medians": [float(np.median(d)) for d in draws],
        "mean": float(pooled.mean()),
        "alpha_mean": float(np.mean([a.mean() for a in run.alphas])),
        "occupied_classes_mean": float(np.mean([o.mean() for o in run.occupied])),
        "sweeps_at_bound": int(run.hits),
        "bound": table.observed + max_n0,
        "chain_seeds": chain_seeds,
    }
    warnings = _convergence_warnings(diag, converged, max_seconds)
    warnings += _bound_warnings(run.hits, pooled, table.observed, max_total_factor)
    return Estimate.from_table(
        table,
        method="lcmcr",
        estimate=median,
        lower=lower,
        upper=upper,
        level=level,
        warnings=warnings,
        diagnostics=diagnostics,
        settings={
            "k": k,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "chains": chains,
            "max_total_factor": max_total_factor,
            "max_seconds": max_seconds,
        },
        seed=seed,
        draws=pooled,
        converged=converged,
    )


def _convergence_warnings(
    diag: dict[str, float], converged: bool, budget: float
) -> list[str]:
    """The caveat of chains that stopped before converging, with what to do."""
    if converged:
        return []
    why = []
    if diag["rhat"] > TARGET_RHAT:
        why.append(f"R-hat {diag['rhat']:.3f} > {TARGET_RHAT}")
    if diag["ess"] < TARGET_ESS:
        why.append(f"ESS of N {diag['ess']:.0f} < {TARGET_ESS}")
    if diag["ess_tail"] < TARGET_ESS:
        why.append(f"tail ESS {diag['ess_tail']:.0f} < {TARGET_ESS}")
    return [
        f"NOT CONVERGED ({', '.join(why)}) within {budget:g} s: the figures are not "
        "reliable; run longer (--max-seconds, or more --samples)"
    ]


def _bound_warnings(hits: int, pooled: np.ndarray, observed: int, factor: float) -> list[str]:
    """Caveats on the posterior's reach towards bounds."""
    warnings = []
    if hits:
        warnings.append(
            f"the posterior presses on the bound of {factor:g} x observed undocumented "
            f"persons in {hits} sweeps: the data do not bound N"
        )
    share = float(np.mean(pooled > LCMCR_CAP_FACTOR * observed))
    if share > 0.005:
        warnings.append(
            f"{share:.1%} of the posterior lies above {LCMCR_CAP_FACTOR} x observed, where R's "
            "LCMCR silently truncates: its figures would be lower"
        )
    return warnings
