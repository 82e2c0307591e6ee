"""Degraded samples: allele dropout and drop-in in the observation model.

The R pedsuite has no such model; Familias 3 has one. Ours, per typed member and marker:

- Dropout: each allele of a heterozygote is lost independently with probability d; a
  homozygote is lost only when both copies are (d^2), the usual simplification (Tvedebrink
  et al. 2009, Forensic Sci Int Genet 3:222).
- Drop-in: after dropout, with probability c one allele x of the population is added
  (probability c p_x); an allele already seen changes nothing.
- The observation is the set of alleles seen ("a/b", or "a/a" for a single allele).

So P(seen O | true genotype g) = sum over what survived S of P(S | g) P(O | S), with
P(O | S) = (1 - c) + c sum_{x in S} p_x when O = S, c p_x when O = S + {x}, else 0.
With d = c = 0 this is 1 at the genotype seen and 0 elsewhere: the plain model exactly.
Lumping alleles nobody shows stays exact: such an allele can only have dropped out.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from musterroll.kinship.likelihood import genotype_index

__all__ = ["dropout_evidence"]


def dropout_evidence(
    freqs: NDArray[np.float64],
    seen: tuple[int, int],
    *,
    dropout: float,
    dropin: float,
) -> NDArray[np.float64]:
    """P(alleles seen | genotype) for every genotype of a marker with these frequencies.

    Args:
        freqs: allele frequencies of the (possibly lumped) marker.
        seen: the alleles reported, as indices; a homozygote report means one allele seen.
        dropout: per-allele dropout probability d in [0, 1].
        dropin: drop-in probability c in [0, 1].

    Raises ValueError for probabilities outside [0, 1].
    """
    for name, value in (("dropout", dropout), ("drop-in", dropin)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} probability must be in [0, 1], not {value}")
    observed = frozenset(seen)
    first, second, _ = genotype_index(len(freqs))
    out = np.zeros(len(first))
    d, c = dropout, dropin
    for k, (a, b) in enumerate(zip(first.tolist(), second.tolist(), strict=True)):
        if a == b:
            survivals = [(frozenset({a}), 1 - d * d), (frozenset(), d * d)]
        else:
            survivals = [(frozenset({a, b}), (1 - d) ** 2), (frozenset({a}), d * (1 - d)),
                         (frozenset({b}), d * (1 - d)), (frozenset(), d * d)]
        out[k] = sum(p * _seen_given_survived(observed, s, freqs, c) for s, p in survivals
                     if p > 0)
    return out


def _seen_given_survived(
    observed: frozenset[int], survived: frozenset[int], freqs: NDArray[np.float64], c: float
) -> float:
    if observed == survived:
        return (1 - c) + c * float(sum(freqs[x] for x in survived))
    extra = observed - survived
    if survived <= observed and len(extra) == 1:
        return c * float(freqs[next(iter(extra))])
    return 0.0
