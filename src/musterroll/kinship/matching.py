"""Many remains against many families that each miss one person: LR matrix and proposals.

When a family misses one person, the likelihood ratio of "victim v is the family's missing
person" is, per marker, P(missing person has v's genotype | references) / P(v's genotype
in the population). The first factor is one peeling per family and marker (the missing
person's genotype distribution given the references), after which the whole LR matrix is
a gather and a product over markers: 1,000 x 1,000 pairs cost about as much as 1,000
families.

With one missing person per family the joint log-likelihood of an assignment is a constant
plus the sum of log LRs of its pairs, so the most likely assignment (nobody allowed) is a
maximum-weight matching, found exactly by the Hungarian method (scipy's
`linear_sum_assignment`), not by enumerating assignments.
"""

from __future__ import annotations

import csv
import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from musterroll.kinship.dropout import dropout_evidence
from musterroll.kinship.dvi import Family, Victim
from musterroll.kinship.files import read_families, read_frequencies, read_remains
from musterroll.kinship.likelihood import PreparedMarker, peel_member, point_evidence
from musterroll.kinship.panel import Panel
from musterroll.kinship.reproduce import _DEFAULT_STEPWISE, format_number, variant_models

__all__ = [
    "Proposal",
    "family_lr_matrix",
    "best_assignment",
    "propose_identifications",
    "match_files",
    "top_assignments",
    "propose_per_sample",
]


def _missing_distribution(
    family: Family, panel: Panel, k: int, full: PreparedMarker
) -> NDArray[np.float64] | None:
    """P(missing person's genotype | references) at marker k; None if references impossible."""
    ped = family.pedigree
    locus = panel.loci[k]
    genotypes = [family.references.get(m, {}).get(locus.name) for m in ped.ids]
    pairs = panel.allele_pairs(k, genotypes)
    evidence = [None if g is None else point_evidence(full.n, g) for g in pairs]
    joint = peel_member(ped, full, evidence, ped.index(family.missing[0]))
    total = float(joint.sum())
    return None if total == 0 else joint / total


def _victim_genotype_index(victims: Sequence[Victim], panel: Panel, k: int) -> NDArray[np.intp]:
    locus = panel.loci[k]
    full = panel.full_marker(k)
    out = np.full(len(victims), -1, dtype=np.intp)
    for i, v in enumerate(victims):
        g = v.profile.get(locus.name)
        if g is not None:
            a, b = locus.allele_index(g[0]), locus.allele_index(g[1])
            out[i] = full.index[a, b]
    return out


def family_lr_matrix(
    victims: Sequence[Victim],
    families: Sequence[Family],
    panel: Panel,
    *,
    dropout: Mapping[str, float] | None = None,
    dropin: float = 0.0,
) -> NDArray[np.float64]:
    """log10 LR of victim i = family j's missing person (victims x families).

    `dropout` gives degraded remains their per-allele dropout probability and `dropin` the
    drop-in probability of every victim (`dropout.py`; references are taken as clean
    samples); for those victims the LR per marker
    is sum_g P(g | references) P(seen | g) / sum_g P(g) P(seen | g), a product with the
    evidence instead of a lookup. -inf where a marker excludes the pair; nan where the
    sexes differ or the family's references are themselves impossible under the model
    (never a number). Families must miss exactly one person.
    """
    for fam in families:
        if len(fam.missing) != 1:
            raise ValueError(f"family {fam.id} misses {len(fam.missing)} persons; "
                             "use the joint DVI search (dvi.py) for it")
        if fam.pedigree.has_loops:
            raise ValueError(f"family {fam.id} has a pedigree loop, which the LR matrix "
                             "does not handle; use the joint DVI search (dvi.py) for it")
    out = np.zeros((len(victims), len(families)))
    bad_family = np.zeros(len(families), dtype=bool)
    with np.errstate(divide="ignore"):
        for k in range(len(panel.loci)):
            full = panel.full_marker(k)
            dist = np.empty((len(families), full.size))
            for j, fam in enumerate(families):
                d = _missing_distribution(fam, panel, k, full)
                if d is None:
                    bad_family[j] = True
                    d = np.ones(full.size)
                dist[j] = d
            gi = _victim_genotype_index(victims, panel, k)
            degraded = _degraded(victims, dropout, dropin)
            typed = (gi >= 0) & ~degraded
            ratio = dist[:, gi[typed]] / full.prior[gi[typed]]
            out[typed] += np.log10(ratio).T
            for i in np.flatnonzero((gi >= 0) & degraded).tolist():
                a, b = full.first[gi[i]], full.second[gi[i]]
                rate = 0.0 if dropout is None else dropout.get(victims[i].id, 0.0)
                seen = dropout_evidence(full.freqs, (int(a), int(b)), dropout=rate,
                                        dropin=dropin)
                out[i] += np.log10((dist @ seen) / float(full.prior @ seen))
    out[:, bad_family] = np.nan
    out[_sex_conflicts(victims, families)] = np.nan
    return out


def _degraded(
    victims: Sequence[Victim], dropout: Mapping[str, float] | None, dropin: float
) -> NDArray[np.bool_]:
    if dropin > 0:
        return np.ones(len(victims), dtype=bool)
    rates = dropout or {}
    return np.array([rates.get(v.id, 0.0) > 0 for v in victims], dtype=bool)


def _sex_conflicts(victims: Sequence[Victim], families: Sequence[Family]) -> NDArray[np.bool_]:
    vs = np.array([v.sex for v in victims])
    ms = np.array([f.pedigree.sex[f.pedigree.index(f.missing[0])] for f in families])
    return (vs[:, None] != 0) & (ms[None, :] != 0) & (vs[:, None] != ms[None, :])


def best_assignment(log10_lr: NDArray[np.float64]) -> list[int]:
    """The most likely assignment: for each victim a family index, or -1 for nobody.

    Exact under a flat prior when every family misses one person: maximises the sum of
    log LRs over pairings, each victim and family used at most once, "nobody" worth 0.
    """
    n_v, n_f = log10_lr.shape
    weights = np.where(np.isfinite(log10_lr), log10_lr, -1e9)
    # Each victim may instead take its own "nobody" column, of weight 0.
    nobody = np.full((n_v, n_v), -1e9)
    np.fill_diagonal(nobody, 0.0)
    rows, cols = linear_sum_assignment(np.hstack([weights, nobody]), maximize=True)
    choice = [-1] * n_v
    for r, c in zip(rows, cols, strict=True):
        if c < n_f and weights[r, c] > 0:
            choice[r] = int(c)
    return choice


_FORBIDDEN = -1e12


def _augmented(log10_lr: NDArray[np.float64]) -> NDArray[np.float64]:
    """Weights victims x (families + one "nobody" column per victim)."""
    n_v = log10_lr.shape[0]
    weights = np.where(np.isfinite(log10_lr), log10_lr, _FORBIDDEN)
    nobody = np.full((n_v, n_v), _FORBIDDEN)
    np.fill_diagonal(nobody, 0.0)
    return np.hstack([weights, nobody])


def _solve_constrained(
    w: NDArray[np.float64], forced: dict[int, int], forbidden: set[tuple[int, int]]
) -> tuple[float, NDArray[np.intp]] | None:
    w2 = w.copy()
    for r, c in forbidden:
        w2[r, c] = _FORBIDDEN
    for r, c in forced.items():
        keep = w[r, c]
        w2[r, :] = _FORBIDDEN
        w2[:, c] = _FORBIDDEN
        w2[r, c] = keep
    rows, cols = linear_sum_assignment(w2, maximize=True)
    if np.any(w2[rows, cols] <= _FORBIDDEN / 2):
        return None
    order = np.empty(w.shape[0], dtype=np.intp)
    order[rows] = cols
    return float(w[rows, cols].sum()), order


def top_assignments(log10_lr: NDArray[np.float64], k: int) -> list[tuple[float, list[int]]]:
    """The k most likely assignments, best first, exactly (Murty 1968), without enumerating.

    For families that each miss one person: an assignment's log10 likelihood ratio against
    "nobody identified" is the sum of its pairs' log10 LRs. Returns (that sum, the family
    index per victim or -1). A bounded search: each assignment output costs one constrained
    assignment problem per victim, instead of enumerating every assignment (planecrash's
    200 best: a few hundred small problems, not 19,081 assignments). With V victims it
    solves about k V problems, so it suits tens of victims, not thousands.
    """
    w = _augmented(log10_lr)
    n_f = log10_lr.shape[1]
    first = _solve_constrained(w, {}, set())
    if first is None:
        return []
    Node = tuple[float, int, dict[int, int], frozenset[tuple[int, int]], NDArray[np.intp]]
    heap: list[Node] = [(-first[0], 0, {}, frozenset(), first[1])]
    counter = 1
    out: list[tuple[float, list[int]]] = []
    while heap and len(out) < k:
        neg, _, forced, forbidden, cols = heapq.heappop(heap)
        out.append((-neg, [int(c) if c < n_f else -1 for c in cols]))
        fixed = dict(forced)
        for r in range(w.shape[0]):
            if r in forced:
                continue
            child_forbidden = set(forbidden) | {(r, int(cols[r]))}
            solved = _solve_constrained(w, fixed, child_forbidden)
            if solved is not None:
                heapq.heappush(heap, (-solved[0], counter, dict(fixed),
                                      frozenset(child_forbidden), solved[1]))
                counter += 1
            fixed[r] = int(cols[r])
    return out


@dataclass(frozen=True)
class Proposal:
    """A proposed identification for a forensic reviewer to confirm or reject."""

    victim: str
    family: str
    missing: str
    log10_lr: float
    posterior: float
    competitors: int


def propose_identifications(
    victims: Sequence[Victim],
    families: Sequence[Family],
    log10_lr: NDArray[np.float64],
    *,
    threshold: float = 1e4,
) -> list[Proposal]:
    """Pairs of the best assignment whose LR reaches `threshold`, with a posterior.

    The posterior is the victim's, under a flat prior over its own pairings ("nobody"
    counting as LR 1): LR / (1 + sum of the victim's LRs). `competitors` counts the other
    victims whose LR for the same family also reaches the threshold: a proposal with
    competitors is disputed and needs a joint look.
    """
    choice = best_assignment(log10_lr)
    finite = np.where(np.isfinite(log10_lr), log10_lr, -np.inf)
    proposals = []
    for i, j in enumerate(choice):
        if j < 0 or log10_lr[i, j] < math.log10(threshold):
            continue
        row = finite[i]
        top = row.max()
        denom = 10.0 ** (-top) + np.sum(10.0 ** (row - top))
        posterior = float(10.0 ** (row[j] - top) / denom)
        above = np.flatnonzero(finite[:, j] >= math.log10(threshold))
        proposals.append(Proposal(
            victims[i].id, families[j].id, families[j].missing[0], float(log10_lr[i, j]),
            posterior, int(np.sum(above != i))))
    return proposals


def propose_per_sample(
    victims: Sequence[Victim],
    families: Sequence[Family],
    log10_lr: NDArray[np.float64],
    *,
    threshold: float = 1e4,
) -> list[Proposal]:
    """Each sample's best family when its LR reaches `threshold`, samples judged apart.

    For remains that come in several bags: two bags of one person may both match its
    family, which the one-to-one assignment (`propose_identifications`) forbids. A
    proposal's `competitors` counts the sample's other families at or above the threshold
    (a proposal with competitors is disputed); its posterior is as there.
    """
    finite = np.where(np.isfinite(log10_lr), log10_lr, -np.inf)
    limit = math.log10(threshold)
    proposals = []
    for i, v in enumerate(victims):
        row = finite[i]
        if row.size == 0 or row.max() < limit:
            continue
        j = int(np.argmax(row))
        top = row[j]
        posterior = float(1.0 / (10.0 ** (-top) + np.sum(10.0 ** (row - top))))
        proposals.append(Proposal(v.id, families[j].id, families[j].missing[0], float(top),
                                  posterior, int(np.sum(row >= limit)) - 1))
    return proposals


def match_files(
    remains: str | Path,
    families: str | Path,
    freqs: str | Path,
    out_dir: str | Path,
    *,
    threshold: float = 1e4,
    variant: str = "stepwise",
) -> tuple[list[Path], int]:
    """Read remains, families and frequencies; write the LR matrix and the proposals.

    Markers are those of the frequency database that any remains or reference carries.
    Returns the files written and the number of proposals.
    """
    victims = read_remains(remains)
    fams = read_families(families)
    db = read_frequencies(freqs)
    used = {m for v in victims for m in v.profile} | {
        m for f in fams for p in f.references.values() for m in p}
    unknown = sorted(used - set(db))
    if unknown:
        raise ValueError(f"{freqs}: no frequencies for markers {unknown}")
    loci = [locus for name, locus in db.items() if name in used]
    panel = Panel(loci, variant_models(variant, loci, _DEFAULT_STEPWISE))
    lr = family_lr_matrix(victims, fams, panel)
    proposals = propose_identifications(victims, fams, lr, threshold=threshold)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    matrix_path, proposals_path = out / "lr_matrix.csv", out / "proposals.csv"
    with matrix_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sample", "family", "missing", "log10LR"])
        for i, v in enumerate(victims):
            for j, f in enumerate(fams):
                w.writerow([v.id, f.id, f.missing[0], format_number(float(lr[i, j]))])
    with proposals_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["sample", "family", "missing", "log10LR", "posterior", "competitors"])
        for p in proposals:
            w.writerow([p.victim, p.family, p.missing, format_number(p.log10_lr),
                        format_number(p.posterior), p.competitors])
    return [matrix_path, proposals_path], len(proposals)
