"""Mutation models equal to R pedmut's `mutationMatrix` (pedmut 0.9.1).

Row i is the parental allele, column j the transmitted one; rows sum to 1. Models:
`trivial` (no mutation), `equal`, `proportional` (to the target allele's frequency),
`stepwise` (integer alleles mutate to integer alleles, with probability falling by `range`
per step; microvariants such as 9.3 mutate within their group, and across groups at
`rate2`), and `custom`. A `MutationModel` holds one matrix per sex (fathers transmit
through the male matrix).

Lumping (merging alleles nobody in a pedigree carries into one) is exact only for models
whose matrix is lumpable for that partition; `lump_matrix` checks and refuses otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "MODELS",
    "MutationError",
    "MutationModel",
    "mutation_matrix",
    "lump_matrix",
    "is_always_lumpable",
]

MODELS = ("trivial", "equal", "proportional", "stepwise", "custom")

Matrix = NDArray[np.float64]


class MutationError(ValueError):
    """Mutation parameters or matrices that cannot be used."""


def mutation_matrix(
    model: str,
    alleles: Sequence[str],
    *,
    afreq: Sequence[float] | NDArray[np.float64] | None = None,
    rate: float = 0.0,
    rate2: float = 0.0,
    range_: float = 0.1,
    matrix: Any = None,
) -> Matrix:
    """Return pedmut's mutation matrix for `model` over `alleles`.

    Args:
        model: one of MODELS.
        alleles: allele labels; `stepwise` needs numbers with at most one decimal.
        afreq: allele frequencies (same order), needed by `proportional`.
        rate: mutation rate (probability a transmitted allele differs).
        rate2: `stepwise`: rate between integer alleles and microvariants.
        range_: `stepwise`: relative probability of n+1 steps versus n steps.
        matrix: `custom`: the square matrix itself.

    Raises MutationError for unknown models, missing or impossible parameters.
    """
    n = len(alleles)
    if model == "custom":
        return _custom(matrix, n)
    if model not in MODELS:
        raise MutationError(f"unknown mutation model {model!r}; use one of {MODELS}")
    if rate < 0 or rate2 < 0:
        raise MutationError(f"mutation rates must be nonnegative (rate {rate}, rate2 {rate2})")
    if n == 1 or model == "trivial":
        return np.eye(n)
    if model == "equal":
        m = np.full((n, n), rate / (n - 1))
        np.fill_diagonal(m, 1 - rate)
        return m
    if model == "proportional":
        if afreq is None:
            raise MutationError("the proportional model needs allele frequencies")
        p = np.asarray(afreq, dtype=float)
        alpha = rate / float(np.sum(p * (1 - p)))
        m = (1 - alpha) * np.eye(n) + alpha * np.tile(p, (n, 1))
        if np.any(m > 1):
            raise MutationError(f"impossible proportional matrix at rate {rate}; lower it")
        return m
    return _stepwise(alleles, rate, rate2, range_)


def _custom(matrix: Any, n: int) -> Matrix:
    m = np.asarray(matrix, dtype=float)
    if m.shape != (n, n):
        raise MutationError(f"custom matrix has shape {m.shape}, expected {(n, n)}")
    if np.any(m < 0) or np.any(np.round(m.sum(axis=1), 3) != 1):
        raise MutationError("custom matrix needs nonnegative entries and rows summing to 1")
    return m


def _stepwise(alleles: Sequence[str], rate: float, rate2: float, range_: float) -> Matrix:
    if rate + rate2 > 1:
        raise MutationError(f"rate + rate2 must be at most 1: {rate + rate2}")
    if range_ <= 0:
        raise MutationError(f"range must be positive: {range_}")
    try:
        num = np.array([float(a) for a in alleles])
    except ValueError as exc:
        raise MutationError(f"the stepwise model needs numeric alleles: {list(alleles)}") from exc
    if np.any(np.round(num, 1) != num):
        raise MutationError("stepwise: microvariants must have one decimal, like 9.3")
    # The microvariant group is the decimal digit. Rounded, so that 24.2 and 35.2 fall in
    # one group although their binary fractions differ (as pedmut 0.9.1's matrices show).
    group = np.round((num - np.round(num)) * 10)
    n = len(num)
    m = np.empty((n, n))
    for i in range(n):
        same = group == group[i]
        n_same = int(same.sum())
        for j in range(n):
            if i == j:
                if n_same == n:
                    m[i, j] = 1 - rate
                elif n_same == 1:
                    m[i, j] = 1 - rate2
                else:
                    m[i, j] = 1 - rate - rate2
            elif same[j]:
                m[i, j] = range_ ** abs(num[i] - num[j])
            else:
                m[i, j] = rate2 / (n - n_same)
        same[i] = False
        if same.any():
            m[i, same] = m[i, same] / m[i, same].sum() * rate
    return m


@dataclass(frozen=True)
class MutationModel:
    """A mutation matrix per sex for one marker, with the parameters that made them."""

    female: Matrix
    male: Matrix
    model: str = "custom"
    params: Mapping[str, Any] | None = None

    @classmethod
    def build(
        cls,
        model: str,
        alleles: Sequence[str],
        *,
        afreq: Sequence[float] | NDArray[np.float64] | None = None,
        rate: float = 0.0,
        rate2: float = 0.0,
        range_: float = 0.1,
        male_rate: float | None = None,
    ) -> MutationModel:
        """Build one model for both sexes, or sex-specific with `male_rate` (rate = female)."""
        female = mutation_matrix(model, alleles, afreq=afreq, rate=rate, rate2=rate2,
                                 range_=range_)
        male = female if male_rate is None else mutation_matrix(
            model, alleles, afreq=afreq, rate=male_rate, rate2=rate2, range_=range_)
        params = {"rate": rate, "rate2": rate2, "range": range_,
                  "male_rate": rate if male_rate is None else male_rate}
        return cls(female=female, male=male, model=model, params=params)

    @property
    def is_trivial(self) -> bool:
        """Whether no mutation is possible (both matrices are the identity)."""
        n = self.female.shape[0]
        return bool(np.array_equal(self.female, np.eye(n)) and
                    np.array_equal(self.male, np.eye(n)))


def is_always_lumpable(m: Matrix, *, tol: float = 1e-15) -> bool:
    """Whether every partition lumps exactly: each column is constant off its diagonal.

    True for no mutation, `equal` and `proportional`; false for `stepwise` in general.
    """
    off = m.copy()
    np.fill_diagonal(off, np.nan)
    spread = np.nanmax(off, axis=0) - np.nanmin(off, axis=0)
    return bool(np.all(spread <= tol * np.maximum(1.0, np.nanmax(off, axis=0))))


def lump_matrix(
    m: Matrix, keep: Sequence[int], *, tol: float = 1e-13, check: bool = True
) -> Matrix | None:
    """Lump all alleles not in `keep` into one (placed last); None if not exactly lumpable.

    `check=False` skips the test, for matrices known to be always lumpable.

    Lumping is exact when, for every target block, the rows of the lumped alleles give the
    same block sum (strong lumpability of the Markov chain, Kemeny and Snell 1960, 6.3).
    """
    n = m.shape[0]
    keep = list(keep)
    rest = [i for i in range(n) if i not in set(keep)]
    if len(rest) <= 1:
        order = keep + rest
        return m[np.ix_(order, order)]
    into_rest = m[:, rest].sum(axis=1)
    block_rows = m[rest]
    if check and (np.ptp(block_rows[:, keep], axis=0).max(initial=0.0) > tol
                  or np.ptp(into_rest[rest]) > tol):
        return None
    k = len(keep)
    out = np.empty((k + 1, k + 1))
    out[:k, :k] = m[np.ix_(keep, keep)]
    out[:k, k] = into_rest[keep]
    out[k, :k] = block_rows[0, keep]
    out[k, k] = into_rest[rest[0]]
    return out
