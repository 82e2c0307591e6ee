"""What each method assumes, and the caveats a stored estimate's own figures call for.

Triangulation (the practice of the human-rights statistics field: Ball and Price 2019,
"Using statistics to assess lethal violence in civil and inter-state war") sets methods
with different assumptions side by side; a reader needs each method's assumptions to
judge where they disagree. `caveats_from_result` turns an estimate's figures and
diagnostics (as stored, see `store.latest_estimate`) into sentences, so that a page shows
what this estimate calls for rather than fixed text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ASSUMPTIONS", "caveats_from_result"]

ASSUMPTIONS = {
    "chapman": "two lists, independent of each other, with every person equally likely to be "
               "on each (no heterogeneity); the same population, closed, and perfect linkage",
    "loglinear": "the dependence between lists is captured by the chosen log-linear model's "
                 "interactions, and the highest-order interaction is absent; heterogeneity "
                 "only as far as those interactions mimic it; the interval repeats the "
                 "model selection",
    "lcmcr": "persons fall into latent classes within which lists are independent: capture "
             "heterogeneity is modelled, direct dependence between lists (referrals) is not",
    "dga": "the lists' dependence is a decomposable graph, averaged over all graphs by "
           "their posterior probability; no heterogeneity beyond what the graphs mimic",
}
WIDE = 2.0  # an interval whose upper bound is more than twice its lower one is wide


def caveats_from_result(
    method: str,
    *,
    observed: int,
    point: float,
    lower: float | None,
    upper: float | None,
    diagnostics: Mapping[str, Any],
    converged: bool | None,
) -> list[str]:
    """Caveats computed from an estimate's own figures: what it assumes, how much of it
    is inferred, how wide it is, and how precise its Monte Carlo is.

    Args:
        method: the method's name; observed: the documented count; point, lower, upper:
            the estimated total and its interval (None: no bound); diagnostics: as
            stored; converged: as stored (None: nothing was drawn).
    Returns:
        Sentences, in the order a reader needs them.
    """
    out = []
    if method in ASSUMPTIONS:
        out.append(f"{method} assumes {ASSUMPTIONS[method]}.")
    if point > 0:
        share = 1 - observed / point
        out.append(f"{share:.0%} of the estimated total ({point - observed:,.0f} persons) is "
                   "on no list: inferred from how the lists overlap, not counted.")
    if lower and upper and upper > WIDE * lower:
        out.append(f"The interval is wide: its upper end is {upper / lower:.1f} times its lower "
                   "end; the data do not pin the total down.")
    out.extend(_monte_carlo(method, diagnostics, converged))
    return out


def _monte_carlo(method: str, d: Mapping[str, Any], converged: bool | None) -> list[str]:
    """The precision of the draws behind the figures."""
    if converged is False:
        return ["The Monte Carlo behind this estimate did not converge: no figure is shown "
                "until it is run longer."]
    if method == "lcmcr" and "rhat" in d:
        return [f"Its chains converged (R-hat {d['rhat']:.3f}, effective draws {d['ess']:,.0f})."]
    if method == "loglinear" and "bootstrap_mc_error_relative" in d:
        worst = max(d["bootstrap_mc_error_relative"])
        return [f"Its interval bounds come from {d['bootstrap_replicates']:,} bootstrap "
                f"replicates, each known within {worst:.1%}."]
    shape = d.get("shape")
    if method == "dga" and isinstance(shape, Mapping) and len(shape.get("modes", [])) > 1:
        return [f"Its posterior has {len(shape['modes'])} separate modes: the median "
                "summarises none of them."]
    return []
