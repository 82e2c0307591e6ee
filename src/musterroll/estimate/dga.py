"""Bayesian model averaging over decomposable graphical models (Madigan and York 1997).

As R's dga (Lum, Johndrow and Ball): every decomposable graph over the J lists is a
log-linear model whose cliques carry hyper-Dirichlet priors with δ = 2^-J prior persons
per cell (so a clique table of 2^c cells has δ 2^(J-c) per cell); the prior on N is
∝ 1/N; graphs are equally likely a priori. The posterior over (graph, N) is exact on a
grid of the undocumented count: the marginal likelihood factorises over cliques and
separators, so each margin is computed once for the whole grid.

dga evaluates a grid the caller chooses and silently drops the mass beyond it. Here the
grid is every integer up to `dense_factor` x observed, then 1% steps up to `max_factor` x
observed (for large tables a coarse pass first finds where the mass is, and only that
range is then evaluated count by count). When more than 1e-6 of the posterior lies in the
last tenth of the grid (log scale), the grid is extended tenfold, up to 10^8 x observed;
what is left there is reported with a warning. The posterior's shape is described
(`_shape`): mean against median, mass beyond 2, 5 and 10 x observed, separate modes, with
warnings when it has more than one mode or a tail that rules its mean.
"""

from __future__ import annotations

from functools import cache
from itertools import combinations

import numpy as np
from scipy.special import gammaln, logsumexp

from musterroll.counts.table import CaptureTable, TableError, pattern_matrix
from musterroll.estimate._shape import posterior_shape, shape_warnings
from musterroll.estimate.result import Estimate, fresh_seed

__all__ = ["decomposable_graphs", "dga", "posterior_grid"]

Graph = tuple[tuple[int, ...], tuple[int, ...]]  # (clique masks, separator masks)
DENSE_POINTS = 50_000  # most points of the dense part of the grid
EDGE_MASS = 1e-6  # mass in the grid's last tenth above which the grid is extended
GRID_GROWTH = 10.0  # each extension multiplies the grid's end by this
MAX_GRID_FACTOR = 1e8  # the grid ends at most at this multiple of the documented count


@cache
def decomposable_graphs(j: int) -> list[Graph]:
    """All decomposable (chordal) graphs on J labelled lists, as cliques and separators.

    Masks follow the pattern-index convention (list 1 is bit J-1). Separators are the
    non-empty ones of a junction tree (the empty ones between components contribute
    nothing). For J = 3, 4, 5 there are 8, 61 and 822 graphs.

    Args:
        j: number of lists, 2 to 6.
    Returns:
        One (cliques, separators) pair per graph.
    """
    if not 2 <= j <= 6:
        raise ValueError(f"decomposable graphs are enumerated for 2 to 6 lists, not {j}")
    pairs = list(combinations(range(j), 2))
    graphs = []
    for code in range(1 << len(pairs)):
        edges = {pairs[i] for i in range(len(pairs)) if code >> i & 1}
        adjacency = [
            {b for a, b in edges if a == v} | {a for a, b in edges if b == v} for v in range(j)
        ]
        if _is_chordal(adjacency):
            cliques = _maximal_cliques(adjacency, j)
            graphs.append((tuple(cliques), tuple(_separators(cliques))))
    return graphs


def _is_chordal(adjacency: list[set[int]]) -> bool:
    """Chordal iff simplicial vertices can be removed one by one until none is left."""
    left = set(range(len(adjacency)))
    while left:
        for v in left:
            nb = adjacency[v] & left
            if all(b in adjacency[a] for a, b in combinations(nb, 2)):
                left.remove(v)
                break
        else:
            return False
    return True


def _maximal_cliques(adjacency: list[set[int]], j: int) -> list[int]:
    """Maximal cliques as bitmasks (brute force: J is at most 6)."""
    cliques: list[int] = []
    for size in range(j, 0, -1):
        for vs in combinations(range(j), size):
            if all(b in adjacency[a] for a, b in combinations(vs, 2)):
                mask = sum(1 << (j - 1 - v) for v in vs)
                if not any(mask & c == mask for c in cliques):
                    cliques.append(mask)
    return cliques


def _separators(cliques: list[int]) -> list[int]:
    """Non-empty separators of a junction tree (Kruskal on clique intersections)."""
    parent = list(range(len(cliques)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    edges = sorted(
        ((bin(a & b).count("1"), i, k) for (i, a), (k, b) in combinations(enumerate(cliques), 2)),
        reverse=True,
    )
    separators = []
    for weight, i, k in edges:
        if weight and root(i) != root(k):
            parent[root(i)] = root(k)
            separators.append(cliques[i] & cliques[k])
    return separators


def _margin_log_ml(
    cells: np.ndarray, j: int, mask: int, missing: np.ndarray, delta: float
) -> np.ndarray:
    """Dirichlet log marginal likelihood of one margin, for every undocumented count.

    Returns sum over the margin's cells of lgamma(D + a) - lgamma(a), a = δ 2^(J - |mask|),
    with the unobserved persons added to the margin's all-zero cell (dga's CompLogML).
    """
    size = bin(mask).count("1")
    alpha = delta * 2.0 ** (j - size)
    keys = np.arange(1 << j) & mask
    margin = np.bincount(keys, weights=cells.astype(np.float64), minlength=1 << j)[np.unique(keys)]
    fixed = gammaln(margin[1:] + alpha).sum() - gammaln(alpha) * len(margin)
    return fixed + gammaln(margin[0] + missing + alpha)


def posterior_grid(
    table: CaptureTable,
    missing: np.ndarray,
    *,
    delta: float | None = None,
    log_prior: np.ndarray | None = None,
    log_width: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, list[Graph]]:
    """Log posterior mass (up to a constant) of each grid point and of each graph.

    The joint posterior over graphs x grid is accumulated one graph at a time, so memory
    stays proportional to the grid whatever the number of graphs.

    Args:
        table: capture table (J <= 6).
        missing: grid of undocumented counts (any non-negative values).
        delta: prior persons per cell; default 2^-J.
        log_prior: log prior of N at each grid point; default -log N.
        log_width: log of the number of counts each grid point stands for (default 0).
    Returns:
        (log mass per grid point summed over graphs, log mass per graph summed over the
        grid, the graphs).
    """
    j = table.n_lists
    delta = 2.0**-j if delta is None else delta
    cells = table.cells()
    total = table.observed + missing
    graphs = decomposable_graphs(j)
    margins = {m: _margin_log_ml(cells, j, m, missing, delta) for m in range(1, 1 << j)}
    shared = gammaln(delta * 2.0**j) - gammaln(total + delta * 2.0**j)
    base = gammaln(total + 1) - gammaln(cells[1:] + 1).sum() - gammaln(missing + 1)
    base += -np.log(total) if log_prior is None else log_prior
    if log_width is not None:
        base += log_width
    top = -np.inf
    acc = np.zeros_like(missing)
    per_graph = np.empty(len(graphs))
    for g, (cliques, seps) in enumerate(graphs):
        row = base + (len(cliques) - len(seps)) * shared
        for c in cliques:
            row += margins[c]
        for sep in seps:
            row -= margins[sep]
        row_max = float(row.max())
        per_graph[g] = row_max + np.log(np.exp(row - row_max).sum())
        if row_max > top:
            acc *= np.exp(top - row_max)
            top = row_max
        acc += np.exp(row - top)
    with np.errstate(divide="ignore"):
        return np.log(acc) + top, per_graph, graphs


def _grid(observed: int, dense_factor: float, max_factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Undocumented-count grid and the width each point stands for.

    Every count up to dense_factor x observed (at least 200; in steps of more than one
    when that would exceed DENSE_POINTS points), then 1% steps up to max_factor x
    observed. Each point stands for the counts up to the next one.
    """
    top = max(int(max_factor * observed), 2)
    dense_top = min(max(int(dense_factor * observed), 200), top)
    step = max(1, -(-dense_top // DENSE_POINTS))
    grid = np.arange(0, dense_top, step, dtype=np.float64)
    if top > dense_top:
        n_geo = int(np.ceil(np.log(top / dense_top) / np.log(1.01)))
        geo = np.unique(np.round(dense_top * 1.01 ** np.arange(n_geo + 1)))
        grid = np.concatenate([grid, geo])
    width = np.diff(np.concatenate([grid, [2 * grid[-1] - grid[-2]]]))
    return grid, width


def _refine(grid: np.ndarray, width: np.ndarray, mass: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add every count in the range holding all but 1e-9 of the mass (at most
    DENSE_POINTS of them, else as fine a step as that allows)."""
    cum = np.cumsum(mass)
    lo_i = int(np.searchsorted(cum, 1e-9))
    hi_i = min(int(np.searchsorted(cum, 1 - 1e-9)), len(grid) - 1)
    lo, hi = grid[lo_i], grid[hi_i] + width[hi_i]
    step = max(1.0, np.ceil((hi - lo) / DENSE_POINTS))
    fine = np.arange(lo, hi, step)
    merged = np.unique(np.concatenate([grid, fine]))
    widths = np.diff(np.concatenate([merged, [merged[-1] + width[-1]]]))
    return merged, widths


def dga(
    table: CaptureTable,
    *,
    level: float = 0.95,
    delta: float | None = None,
    dense_factor: float = 20.0,
    max_factor: float = 10_000.0,
    draws: int = 20_000,
    seed: int | None = None,
) -> Estimate:
    """Graphical-model average: posterior median and equal-tailed interval of N.

    Args:
        table: capture table with 3 to 6 lists.
        level: interval level.
        delta: hyper-Dirichlet prior persons per cell (default 2^-J, as dga's examples).
        dense_factor: integer grid up to this multiple of the documented count.
        max_factor: geometric grid beyond, up to this multiple.
        draws: posterior draws kept for combining strata.
        seed: seed of those draws (the summary itself is exact and draws nothing).
    Returns:
        Estimate; diagnostics hold the five most probable graphs, the mass on the complete
        graph, and the mass at the far end of the grid.
    Raises:
        TableError: with fewer than 3 or more than 6 lists.
    """
    if not 3 <= table.n_lists <= 6:
        raise TableError(f"graphical-model averaging needs 3 to 6 lists, got {table.n_lists}")
    seed = fresh_seed() if seed is None else seed
    extensions = 0
    while True:
        missing, width, log_n, log_graph, graphs = _posterior(
            table, delta, dense_factor, max_factor
        )
        mass_n = np.exp(log_n - logsumexp(log_n))
        total = table.observed + missing
        edge_mass = _edge_mass(total, mass_n)
        # mass reaching the grid's end: the grid cut the posterior; extend it tenfold
        if edge_mass <= EDGE_MASS or max_factor * GRID_GROWTH > MAX_GRID_FACTOR:
            break
        max_factor *= GRID_GROWTH
        extensions += 1
    mass_graph = np.exp(log_graph - logsumexp(log_graph))
    alpha = (1 - level) / 2
    lower, median, upper = _quantiles(total, mass_n, width, [alpha, 0.5, 1 - alpha])
    shape = posterior_shape(total, mass_n, table.observed)
    complete = (1 << table.n_lists) - 1
    complete_mass = float(
        sum(w for w, g in zip(mass_graph, graphs, strict=True) if g[0] == (complete,))
    )
    rng = np.random.default_rng(seed)
    idx = rng.choice(len(total), size=draws, p=mass_n)
    sample = total[idx] + np.floor(rng.random(draws) * width[idx])
    warnings = _grid_warnings(edge_mass, complete_mass, total[-1], total[0])
    warnings += shape_warnings(shape, table.observed)
    top = np.argsort(-mass_graph)[:5]
    return Estimate.from_table(
        table,
        method="dga",
        estimate=median,
        lower=lower,
        upper=upper,
        level=level,
        warnings=warnings,
        diagnostics={
            "graphs": len(graphs),
            "top_graphs": [
                {"graph": graph_name(graphs[g], table.n_lists), "probability": float(mass_graph[g])}
                for g in top
            ],
            "complete_graph_probability": complete_mass,
            "grid_max_total": float(total[-1]),
            "mass_in_last_tenth_of_grid": edge_mass,
            "grid_extensions": extensions,
            "posterior_mean": float((total * mass_n).sum()),
            "shape": shape,
        },
        settings={
            "delta": 2.0**-table.n_lists if delta is None else delta,
            "prior": "1/N",
            "dense_factor": dense_factor,
            "max_factor": max_factor,
            "draws": draws,
        },
        seed=seed,
        draws=sample,
    )


def _posterior(
    table: CaptureTable, delta: float | None, dense_factor: float, max_factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[Graph]]:
    """Grid, widths, log mass per grid point and per graph, and the graphs."""
    missing, width = _grid(table.observed, dense_factor, max_factor)
    log_n, log_graph, graphs = posterior_grid(table, missing, delta=delta, log_width=np.log(width))
    if width[0] > 1:  # coarse pass: refine count by count where the mass is
        missing, width = _refine(missing, width, np.exp(log_n - logsumexp(log_n)))
        log_n, log_graph, graphs = posterior_grid(
            table, missing, delta=delta, log_width=np.log(width)
        )
    return missing, width, log_n, log_graph, graphs


def _edge_mass(total: np.ndarray, mass: np.ndarray) -> float:
    """Posterior mass in the last tenth of the grid, on the log scale."""
    tail_start = np.exp(np.log(total[0]) + 0.9 * (np.log(total[-1]) - np.log(total[0])))
    return float(mass[total >= tail_start].sum())


def _quantiles(
    total: np.ndarray, mass: np.ndarray, width: np.ndarray, probs: list[float]
) -> list[float]:
    """Quantiles of a distribution given as mass spread evenly over [total, total+width)."""
    cum = np.cumsum(mass)
    out = []
    for p in probs:
        i = int(np.searchsorted(cum, p))
        i = min(i, len(total) - 1)
        before = cum[i - 1] if i > 0 else 0.0
        frac = (p - before) / mass[i] if mass[i] > 0 else 0.0
        out.append(float(total[i] + np.floor(frac * width[i])))
    return out


def _grid_warnings(
    edge_mass: float, complete_mass: float, top: float, observed: float
) -> list[str]:
    warnings = []
    if edge_mass > 1e-3:
        warnings.append(
            f"{edge_mass:.1%} of the posterior lies in the last tenth of the grid (up to "
            f"{top:,.0f}): the data do not bound N from above; R's dga would truncate here"
        )
    if complete_mass > 0.05:
        warnings.append(
            f"the complete graph, which says nothing about the undocumented, has posterior "
            f"probability {complete_mass:.0%}: that share of the posterior of N reflects the "
            "prior, not the data"
        )
    return warnings


def graph_name(graph: Graph, j: int) -> str:
    """Cliques in Rcapture-like notation, e.g. "[12,23]" (lists numbered from 1)."""
    pats = pattern_matrix(j)
    names = sorted(
        ("".join(str(i + 1) for i in range(j) if pats[c, i]) for c in graph[0]),
        key=lambda s: (-len(s), s),
    )
    return "[" + ",".join(names) + "]"
