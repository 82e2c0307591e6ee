"""k-anonymity for the analysts' rows: no released row describes fewer than k persons.

Quasi-identifiers (``QUASI_IDENTIFIERS``) are what someone outside the register may
already know about a person and could match a row on:

- ``sex`` and ``birth_years``: in every obituary, every social-media post and in what
  neighbours and comrades know; released as ten-year birth bands (``1980-1989``), not years;
- ``region``: the home oblast is in lists and obituaries; released as one of five regions
  (west, centre, north, south, east), not the oblast;
- ``event_period``: the day of death or disappearance is published at funerals and in
  obituaries; released as a quarter (``2024-Q1``), never a month or day;
- ``status``: whether a person was killed or is missing is what lists publish, and it says
  which event the period dates; it is never coarsened, being what analysts count.

Generalised rows whose combination is still shared by fewer than k persons are coarsened
step by step (``COARSENING``: quarter to year, region, birth band, period, sex to ``*``);
what is rare even then is left out. A person whose status or history is captivity is
never a row (``is_captive`` is decided by the caller from the register): the captor's
side could find and punish a named prisoner; captives are counted in aggregates only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

__all__ = ["COARSENING", "HIDDEN", "QUASI_IDENTIFIERS", "REGIONS", "birth_band",
           "combination", "k_anonymous", "quarter", "rare", "region"]

QUASI_IDENTIFIERS: tuple[str, ...] = ("status", "sex", "birth_years", "region",
                                      "event_period")
HIDDEN = "*"  # a value coarsened away in this row

# Oblast codes (``linkage.features.oblast_key``) by region, as Ukrainian statistics group
# them; Kyiv city counts as the north, with Kyiv oblast.
REGIONS: dict[str, tuple[str, ...]] = {
    "west": ("vol", "zak", "ivf", "lvi", "riv", "ter", "khm", "chv"),
    "center": ("vin", "dni", "kir", "pol", "che"),
    "north": ("zhy", "kyo", "sum", "chn", "kyc"),
    "south": ("zap", "myk", "ode", "khe", "cri"),
    "east": ("don", "luh", "kha"),
}
_REGION_OF = {code: name for name, codes in REGIONS.items() for code in codes}

Row = dict[str, str | None]


def birth_band(year: int | None) -> str | None:
    """Return the ten-year band of a birth year: 1987 -> ``1980-1989``."""
    if year is None:
        return None
    start = year - year % 10
    return f"{start}-{start + 9}"


def quarter(day: str | None) -> str | None:
    """Return the quarter of an ISO (partial) date: ``2024-05-17`` -> ``2024-Q2``; a bare
    year stays a year."""
    if not day or not day[:4].isdigit():
        return None
    if len(day) < 7 or not day[5:7].isdigit():
        return day[:4]
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"


def region(oblast_code: str | None) -> str | None:
    """Return the region of an oblast code, or None when the oblast is unknown."""
    return _REGION_OF.get(oblast_code or "")


def combination(row: Row) -> tuple[str | None, ...]:
    """Return a row's values of the quasi-identifiers, in ``QUASI_IDENTIFIERS`` order."""
    return tuple(row.get(name) for name in QUASI_IDENTIFIERS)


def rare(rows: list[Row], k: int) -> list[int]:
    """Return the indexes of the rows whose combination fewer than k rows share."""
    counts = Counter(combination(row) for row in rows)
    return [i for i, row in enumerate(rows) if counts[combination(row)] < k]


def _to_year(row: Row) -> Row:
    period = row.get("event_period")
    return {**row, "event_period": period[:4] if period and period != HIDDEN else period}


def _hide(name: str) -> Callable[[Row], Row]:
    return lambda row: {**row, name: HIDDEN}


# Each step coarsens the rows still rare; the first steps lose the least.
COARSENING: tuple[Callable[[Row], Row], ...] = (
    _to_year, _hide("region"), _hide("birth_years"), _hide("event_period"), _hide("sex"),
)


def k_anonymous(rows: Iterable[Row], k: int) -> list[Row]:
    """Return the rows coarsened so that each combination of quasi-identifiers is shared
    by at least k of them; rows still rare after every step are left out.

    Args:
        rows: generalised rows (birth band, region, quarter), captives already left out.
        k: the least number of persons any released combination describes.
    Returns:
        The released rows, in the order given, fewer where some were left out.
    """
    released = list(rows)
    for step in COARSENING:
        for i in rare(released, k):
            released[i] = step(released[i])
    left_out = set(rare(released, k))
    return [row for i, row in enumerate(released) if i not in left_out]
