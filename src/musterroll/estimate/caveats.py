"""What each method assumes, and the caveats a stored estimate's own figures call for.

Triangulation (the practice of the human-rights statistics field: Ball and Price 2019,
"Using statistics to assess lethal violence in civil and inter-state war") sets methods
with different assumptions side by side; a reader needs each method's assumptions to
judge where they disagree. `caveats_from_result` turns an estimate's figures and
diagnostics (as stored, see `store.latest_estimate`) into sentences, so that a page shows
what this estimate calls for rather than fixed text.

`scope_caveats` gives the caveats a scope of the register carries (the death toll misses
the dead no list of the dead can hold; what the casualty scope counts), with figures read
from the stored simulation check (`data/validation.json`, written by `make validate`), so
that the next validation run updates the caveat without editing code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "ASSUMPTIONS",
    "VALIDATION",
    "casualty_caveat",
    "caveats_from_result",
    "load_validation",
    "missing_dead_caveat",
    "scope_caveats",
]

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


# The stored summaries of the simulation check (bench/validate_coverage.py --summary).
VALIDATION = resources.files("musterroll.estimate") / "data" / "validation.json"
README = "src/musterroll/estimate/README.md"


def load_validation(path: str | Path | None = None) -> dict[str, Any]:
    """The simulation check's stored summaries: {"runs": [...]}, one run per size.

    Args:
        path: a validation file; None: the one shipped in the package (`VALIDATION`).
    Raises:
        ValueError: a file that is not JSON or holds no runs (named in the message).
    """
    source = VALIDATION if path is None else Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        if not data["runs"]:
            raise KeyError("runs")
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{source}: not a validation summary with runs ({exc})") from exc
    return dict(data)


def scope_caveats(statuses: Sequence[str], *,
                  validation: Mapping[str, Any] | None = None) -> list[str]:
    """The caveats an estimate of this scope of the register carries.

    Args:
        statuses: the derived statuses in scope (``CaptureHistories.statuses``), or
            ("casualty",).
        validation: as `load_validation`; None: the shipped file.
    Returns:
        For a death toll without the missing, what it cannot see; for the casualty scope,
        what it counts and how it fared on simulated wars; otherwise nothing.
    """
    if "killed" in statuses and "missing" not in statuses:
        return [missing_dead_caveat(validation or load_validation())]
    if tuple(statuses) == ("casualty",):
        return [casualty_caveat(validation or load_validation())]
    return []


def missing_dead_caveat(validation: Mapping[str, Any]) -> str:
    """The death toll's caveat: the dead no list of the dead can hold are not in it."""
    run = _run(validation, "killed", most="wars")
    share = run["scopes"]["killed"].get("missing_dead_share")
    figure = ""
    if share:
        figure = (f"on {run['wars']} simulated wars of {run['people']:,} people "
                  f"{share['mean']:.0%} of the dead, {share['min']:.0%}-{share['max']:.0%}; "
                  f"{_checked([run])}; ")
    return ("the estimate counts deaths that a list of the dead could record; the missing who "
            "are dead but whose death no list states (remains never found) have no chance to "
            "be on these lists and are not in it: they are among the missing "
            f"({figure}see {README})")


def casualty_caveat(validation: Mapping[str, Any]) -> str:
    """The casualty scope's caveat: what it counts, and its coverage on simulated wars."""
    run = _run(validation, "casualty", most="wars")
    mine = run["scopes"]["casualty"]
    text = ("the casualty estimate counts the killed, the missing, the captive and the "
            "released, not those found alive; a person found alive whom no list reports "
            f"found is held missing and counted. On {mine['wars']} simulated wars of "
            f"{run['people']:,} people its {run['level']:.0%} interval covered the true total "
            f"in {mine['covered']}")
    runs = [run]
    large = _run(validation, "casualty", most="people")
    if large is not run:
        bias = large["scopes"]["casualty"]["estimate_over_truth"]["median"] - 1
        side = "above" if bias >= 0 else "below"
        text += (f"; on wars of {large['people']:,} people the estimate lay about "
                 f"{abs(bias):.0%} {side} the truth")
        runs.append(large)
    return f"{text} ({_checked(runs)}; see {README})"


def _run(validation: Mapping[str, Any], scope: str, *, most: str) -> Mapping[str, Any]:
    """The stored run with the most wars (or people) that checked `scope`."""
    runs = [r for r in validation["runs"] if scope in r.get("scopes", {})]
    if not runs:
        raise ValueError(f"the validation summary has no run of scope {scope!r}: run "
                         f"make validate SCOPES={scope}")
    return max(runs, key=lambda r: (r[most], r["wars"], r["people"]))


def _checked(runs: Sequence[Mapping[str, Any]]) -> str:
    """Where the figures come from: the simulation check's date(s) and command(s)."""
    dates = sorted({r["date"] for r in runs})
    return (f"simulation check{'s' if len(runs) > 1 else ''} of {', '.join(dates)}: "
            + "; ".join(r["command"] for r in runs))
