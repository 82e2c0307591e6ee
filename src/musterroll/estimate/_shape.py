"""The shape of a posterior of N on a grid: heavy tails and separate modes.

A median and an equal-tailed interval describe a posterior with one hump. When two
groups of models each explain the data but extrapolate differently, the posterior of N
has two modes and the median may fall in the valley between them; when the data barely
bound N, the mean runs far above the median. Both must be said beside the number.
"""

from __future__ import annotations

import numpy as np

__all__ = ["HEAVY_TAIL_RATIO", "posterior_shape", "shape_warnings"]

HEAVY_TAIL_RATIO = 1.5  # undocumented: posterior mean over median beyond which the tail rules
MULTIPLES = (2, 5, 10)  # multiples of the documented count whose tail mass is reported
BINS = 120  # bins over log N for finding modes
MIN_MODE_MASS = 0.05  # a mode holds at least this share of the posterior
VALLEY = 0.5  # two peaks are separate modes when the density between falls below half


def posterior_shape(total: np.ndarray, mass: np.ndarray, observed: int) -> dict[str, object]:
    """Mean, median, tail masses and modes of a posterior of N given on a grid.

    Args:
        total: grid of N (increasing); mass: posterior mass of each point (sums to 1).
        observed: the documented count.
    Returns:
        ``mean``, ``median``, ``mean_over_median_undocumented`` (of the undocumented
        counts), ``mass_beyond`` (multiple of the documented count -> mass above it) and
        ``modes`` (each: ``at`` the peak's N, ``mass``, ``from``/``to`` its basin).
    """
    mean = float((total * mass).sum())
    median = float(total[min(int(np.searchsorted(np.cumsum(mass), 0.5)), len(total) - 1)])
    ratio = (mean - observed) / max(median - observed, 1.0)
    return {
        "mean": mean,
        "median": median,
        "mean_over_median_undocumented": float(ratio),
        "mass_beyond": {f"{m}x": float(mass[total > m * observed].sum()) for m in MULTIPLES},
        "modes": find_modes(total, mass),
    }


def find_modes(total: np.ndarray, mass: np.ndarray) -> list[dict[str, float]]:
    """Separate modes of the posterior, on the log scale of N.

    Mass is binned over log N (N's posterior is skewed: on the log scale its one hump
    looks like one), lightly smoothed, and split at every valley where the density falls
    below half the lower of the two peaks beside it; basins with under 5% of the mass
    join their neighbour.
    """
    keep = mass > 1e-12
    if keep.sum() < 3 or total[keep].max() <= total[keep].min() + 2:
        return [{"at": float(total[np.argmax(mass)]), "mass": 1.0,
                 "from": float(total[0]), "to": float(total[-1])}]
    logs = np.log(total[keep])
    edges = np.linspace(logs.min(), logs.max() + 1e-9, BINS + 1)
    density = np.histogram(logs, bins=edges, weights=mass[keep])[0]
    density = np.convolve(density, np.ones(3) / 3, mode="same")
    basins = _split(density)
    modes = []
    for lo, hi in basins:
        peak = lo + int(np.argmax(density[lo:hi]))
        modes.append({
            "at": float(np.exp((edges[peak] + edges[peak + 1]) / 2)),
            "mass": float(density[lo:hi].sum() / density.sum()),
            "from": float(np.exp(edges[lo])),
            "to": float(np.exp(edges[hi])),
        })
    return modes


def _split(density: np.ndarray) -> list[tuple[int, int]]:
    """Bin ranges of the basins: peaks apart from a deep valley, light basins merged."""
    n = len(density)
    peaks = [i for i in range(n) if density[i] > 0
             and (i == 0 or density[i] >= density[i - 1])
             and (i == n - 1 or density[i] > density[i + 1])]
    kept, cuts = peaks[:1], []
    for p in peaks[1:]:
        q = kept[-1]
        valley = q + int(np.argmin(density[q : p + 1]))
        if density[valley] < VALLEY * min(density[q], density[p]):
            kept.append(p)
            cuts.append(valley)
        elif density[p] > density[q]:
            kept[-1] = p  # the same hump, higher here
    bounds = [0, *cuts, n]
    total = density.sum()
    merged: list[tuple[int, int]] = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        light = density[lo:hi].sum() < MIN_MODE_MASS * total
        if merged and (light or density[merged[-1][0] : merged[-1][1]].sum()
                       < MIN_MODE_MASS * total):
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


def shape_warnings(shape: dict[str, object], observed: int) -> list[str]:
    """Caveats of a posterior with separate modes or a tail that rules its mean."""
    warnings = []
    modes = shape["modes"]
    assert isinstance(modes, list)
    if len(modes) > 1:
        parts = ", ".join(f"around {m['at']:,.0f} ({m['mass']:.0%})" for m in modes)
        warnings.append(
            f"the posterior of N has {len(modes)} separate modes: {parts}; the median "
            f"{shape['median']:,.0f} summarises none of them: the models that fit the data "
            "disagree, and the interval spans their disagreement"
        )
    ratio = float(shape["mean_over_median_undocumented"])  # type: ignore[arg-type]
    beyond = shape["mass_beyond"]
    assert isinstance(beyond, dict)
    if ratio > HEAVY_TAIL_RATIO:
        warnings.append(
            f"heavy upper tail: the posterior mean {shape['mean']:,.0f} is far above the "
            f"median {shape['median']:,.0f} ({ratio:.1f} times its undocumented count); "
            f"{beyond['5x']:.1%} of the mass lies above 5 x and {beyond['10x']:.1%} above "
            f"10 x the {observed:,} documented"
        )
    return warnings
