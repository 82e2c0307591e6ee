"""Disaster-victim identification: many remains (victims) against many reference families.

The model is dvir's (Vigeland and Egeland 2021, "DNA-based disaster victim
identification"). An *assignment* pairs some victims with distinct missing persons of the
families, each victim with one of its sex-consistent *pairings* ("*" = nobody). Its
log-likelihood is the sum over families of the family's log-likelihood with the assigned
victims' profiles placed on their missing persons, plus the unassigned victims' own
log-likelihoods. From these:

- the pairwise LR matrix: V_i = M_j against nobody assigned;
- the exclusion matrix: markers where V_i on M_j is impossible without mutation;
- the joint table: every assignment ranked by log-likelihood (ties broken by the
  assignment, alphabetically, "*" last, as dvir does), with the LR of the best against it;
- posterior pairing probabilities under a flat prior over assignments.

Unlike dvir, which recomputes every family for every assignment, a family's likelihood is
computed once per sub-assignment (the victims placed in that family) and cached; the joint
log-likelihood of an assignment is then a sum of cached numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from musterroll.kinship.alleles import Genotype
from musterroll.kinship.likelihood import (
    MessageCache,
    cached_root,
    peel_cached,
    plan_roots,
    point_evidence,
)
from musterroll.kinship.panel import Panel
from musterroll.kinship.pedigree import Pedigree, singleton

__all__ = [
    "NOBODY",
    "Victim",
    "Family",
    "DviCase",
    "DviLikelihoods",
    "JointTable",
    "sex_consistent_pairings",
    "lr_matrix",
    "exclusion_matrix",
    "joint_table",
    "posterior_pairings",
]

NOBODY = "*"


@dataclass(frozen=True)
class Victim:
    """A post-mortem sample: its id, sex (0 unknown) and profile by marker."""

    id: str
    sex: int
    profile: Mapping[str, Genotype]


@dataclass(frozen=True)
class Family:
    """A reference family: its pedigree, its missing members and the references' profiles."""

    id: str
    pedigree: Pedigree
    missing: tuple[str, ...]
    references: Mapping[str, Mapping[str, Genotype]]


@dataclass(frozen=True)
class DviCase:
    """Victims, families and candidate pairings (victim -> "*" and missing persons)."""

    victims: tuple[Victim, ...]
    families: tuple[Family, ...]
    pairings: Mapping[str, tuple[str, ...]]

    @property
    def missing(self) -> tuple[str, ...]:
        """Missing persons of all families, in family order."""
        return tuple(m for fam in self.families for m in fam.missing)

    def family_of(self, missing: str) -> int:
        """Index of the family a missing person belongs to."""
        for k, fam in enumerate(self.families):
            if missing in fam.missing:
                return k
        raise KeyError(f"no family has a missing person {missing!r}")


def sex_consistent_pairings(
    victims: Sequence[Victim], families: Sequence[Family]
) -> dict[str, tuple[str, ...]]:
    """Each victim's pairings: "*" and every missing person of its sex (any, if unknown)."""
    out = {}
    for v in victims:
        options = [NOBODY]
        for fam in families:
            for m in fam.missing:
                sex = fam.pedigree.sex[fam.pedigree.index(m)]
                if v.sex == 0 or sex == 0 or sex == v.sex:
                    options.append(m)
        out[v.id] = tuple(options)
    return out


class _FamilySession:
    """One family's markers prepared once for every victim that may be placed in it.

    Unobserved alleles are lumped over the union of the references' and the candidate
    victims' alleles (still exact), so that every sub-assignment shares one allele
    indexing per marker and the peeling messages can be cached across sub-assignments
    (`likelihood.MessageCache`).
    """

    def __init__(self, family: Family, victims: Sequence[Victim], panel: Panel) -> None:
        ped = family.pedigree
        self.ped = ped
        self.missing_index = {m: ped.index(m) for m in family.missing}
        self.markers = []
        # Pedigrees of several unrelated groups keep peeling's own roots, one per group; a
        # pedigree with loops is peeled without the cache (`peel_cached`), roots unused.
        roots: tuple[int, ...] = (0,)
        if not ped.has_loops:
            roots = plan_roots(ped, tuple(m in family.references for m in ped.ids))
            if len(roots) == 1:
                roots = (cached_root(ped, list(self.missing_index.values())),)
        for k, locus in enumerate(panel.loci):
            refs = [family.references.get(m, {}).get(locus.name) for m in ped.ids]
            vics = [v.profile.get(locus.name) for v in victims]
            marker, pairs = panel.prepared(k, panel.allele_pairs(k, refs + vics))
            base = [None if g is None else point_evidence(marker.n, g) for g in pairs[:ped.size]]
            placed = {v.id: (None if g is None else point_evidence(marker.n, g))
                      for v, g in zip(victims, pairs[ped.size:], strict=True)}
            sparse = tuple(g is not None for g in pairs[:ped.size])
            cache = MessageCache(ped, roots, variable=list(self.missing_index.values()))
            self.markers.append((marker, base, placed, sparse, cache))

    def loglik(self, placed: frozenset[tuple[str, str]]) -> float:
        """Log-likelihood with victims placed on missing persons ((M, V) pairs)."""
        total = 0.0
        for marker, base, evidence_of, sparse, cache in self.markers:
            evidence = list(base)
            typed = list(sparse)
            labels: list[object] = [None] * self.ped.size
            for missing, victim in placed:
                i = self.missing_index[missing]
                evidence[i] = evidence_of[victim]
                typed[i] = evidence[i] is not None
                labels[i] = victim
            cache.labels = labels
            lik = peel_cached(self.ped, marker, evidence, tuple(typed), cache)
            if lik == 0:
                return -math.inf
            total += math.log(lik)
        return total


@dataclass
class DviLikelihoods:
    """Log-likelihoods of victims alone and of families per sub-assignment, cached."""

    case: DviCase
    panel: Panel
    victim_loglik: dict[str, float] = field(init=False)
    _cache: dict[tuple[int, frozenset[tuple[str, str]]], float] = field(
        init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.victim_loglik = {
            v.id: _log_sum(self.panel.likelihoods(singleton(v.id, v.sex), {v.id: v.profile}))
            for v in self.case.victims
        }
        self._sessions: dict[int, _FamilySession] = {}

    def _session(self, k: int) -> _FamilySession:
        if k not in self._sessions:
            fam = self.case.families[k]
            candidates = [v for v in self.case.victims
                          if any(m in fam.missing for m in self.case.pairings[v.id])]
            self._sessions[k] = _FamilySession(fam, candidates, self.panel)
        return self._sessions[k]

    def family_loglik(self, k: int, placed: frozenset[tuple[str, str]]) -> float:
        """Log-likelihood of family k with victims placed on missing persons ((M, V) pairs)."""
        key = (k, placed)
        if key not in self._cache:
            self._cache[key] = self._session(k).loglik(placed)
        return self._cache[key]

    @property
    def cached(self) -> int:
        """Number of family likelihoods computed."""
        return len(self._cache)


def _log_sum(liks: NDArray[np.float64]) -> float:
    if np.any(liks == 0):
        return -math.inf
    return float(np.sum(np.log(liks)))


def lr_matrix(lik: DviLikelihoods) -> NDArray[np.float64]:
    """LR of V_i = M_j against the null (nobody identified); nan where not a pairing."""
    case = lik.case
    missing = case.missing
    out = np.full((len(case.victims), len(missing)), np.nan)
    for i, v in enumerate(case.victims):
        for m in case.pairings[v.id]:
            if m == NOBODY:
                continue
            k = case.family_of(m)
            delta = (lik.family_loglik(k, frozenset({(m, v.id)}))
                     - lik.family_loglik(k, frozenset()) - lik.victim_loglik[v.id])
            out[i, missing.index(m)] = math.exp(delta) if delta > -math.inf else 0.0
    return out


def exclusion_matrix(case: DviCase, nomut_panel: Panel) -> NDArray[np.float64]:
    """Markers at which V_i on M_j is impossible without mutation; nan where not a pairing.

    A marker counts when the family with the victim placed has likelihood 0 there while the
    family alone does not (forrel's `findExclusions`).
    """
    missing = case.missing
    out = np.full((len(case.victims), len(missing)), np.nan)
    alone = [nomut_panel.likelihoods(f.pedigree, f.references) for f in case.families]
    for i, v in enumerate(case.victims):
        for m in case.pairings[v.id]:
            if m == NOBODY:
                continue
            k = case.family_of(m)
            fam = case.families[k]
            liks = nomut_panel.likelihoods(fam.pedigree, {**fam.references, m: v.profile})
            out[i, missing.index(m)] = int(np.sum((liks == 0) & (alone[k] > 0)))
    return out


@dataclass(frozen=True)
class JointTable:
    """Assignments (victim -> missing or "*") ranked by log-likelihood, best first."""

    victims: tuple[str, ...]
    assignments: tuple[tuple[str, ...], ...]
    loglik: NDArray[np.float64]

    @property
    def lr_best_against(self) -> NDArray[np.float64]:
        """LR of the best assignment against each (1 for the best)."""
        return np.exp(self.loglik[0] - self.loglik)


def _assignments(case: DviCase) -> Iterator[tuple[str, ...]]:
    """All assignments: one pairing per victim, no missing person used twice."""
    victims = [v.id for v in case.victims]
    chosen: list[str] = []
    used: set[str] = set()

    def extend(i: int) -> Iterator[tuple[str, ...]]:
        if i == len(victims):
            yield tuple(chosen)
            return
        for m in case.pairings[victims[i]]:
            if m != NOBODY and m in used:
                continue
            chosen.append(m)
            if m != NOBODY:
                used.add(m)
            yield from extend(i + 1)
            chosen.pop()
            used.discard(m)

    yield from extend(0)


def joint_table(
    lik: DviLikelihoods, *, max_assignments: int = 10_000_000, drop_impossible: bool = False
) -> JointTable:
    """Every assignment with its log-likelihood, ranked as dvir's `dviJoint` ranks them.

    With `drop_impossible`, pairings whose pairwise LR is 0 are left out first: adding
    victims to a family only adds data, so every assignment holding such a pairing has
    likelihood 0 and no possible assignment is lost (dvir lists the impossible ones too,
    last; victims that are possible one by one but not together still appear). Raises
    ValueError when there are more than `max_assignments` assignments.
    """
    case = lik.case
    if drop_impossible:
        case = _possible_pairings(lik)
    victims = tuple(v.id for v in case.victims)
    family_index = {m: case.family_of(m) for m in case.missing}
    rows: list[tuple[str, ...]] = []
    logliks: list[float] = []
    for a in _assignments(case):
        if len(rows) >= max_assignments:
            raise ValueError(f"more than {max_assignments} assignments; restrict the pairings")
        placed: dict[int, set[tuple[str, str]]] = {}
        total = 0.0
        for v, m in zip(victims, a, strict=True):
            if m == NOBODY:
                total += lik.victim_loglik[v]
            else:
                placed.setdefault(family_index[m], set()).add((m, v))
        for k in range(len(case.families)):
            total += lik.family_loglik(k, frozenset(placed.get(k, ())))
        rows.append(a)
        logliks.append(total)
    order = _dvir_order(rows, np.array(logliks))
    return JointTable(victims, tuple(rows[i] for i in order), np.array(logliks)[order])


def _possible_pairings(lik: DviLikelihoods) -> DviCase:
    lrm = lr_matrix(lik)
    missing = list(lik.case.missing)
    pairings = {
        v.id: tuple(m for m in lik.case.pairings[v.id]
                    if m == NOBODY or lrm[i, missing.index(m)] > 0)
        for i, v in enumerate(lik.case.victims)
    }
    return DviCase(lik.case.victims, lik.case.families, pairings)


def _dvir_order(
    rows: Sequence[tuple[str, ...]], loglik: NDArray[np.float64], *, tie: float = 1e-7
) -> list[int]:
    """Decreasing log-likelihood; ties by the assignment, alphabetically, "*" last (dvir).

    Log-likelihoods within `tie` of the first of a run are ties, as they are in exact
    arithmetic (a victim on a founder without typed relatives changes nothing).
    """
    by_value = sorted(range(len(rows)), key=lambda i: -loglik[i])
    order: list[int] = []
    run: list[int] = []
    for i in by_value:
        if run and not _is_tie(float(loglik[i]), float(loglik[run[0]]), tie):
            order += sorted(run, key=lambda j: [(m == NOBODY, m) for m in rows[j]])
            run = []
        run.append(i)
    return order + sorted(run, key=lambda j: [(m == NOBODY, m) for m in rows[j]])


def _is_tie(a: float, b: float, tie: float) -> bool:
    return a == b or (math.isfinite(a) and math.isfinite(b) and abs(a - b) <= tie)


def posterior_pairings(table: JointTable, missing: Sequence[str]) -> NDArray[np.float64]:
    """P(V_i = M_j | data) under a flat prior over assignments; last column "*"."""
    weights = np.exp(table.loglik - table.loglik.max())
    weights /= weights.sum()
    cols = {m: j for j, m in enumerate([*missing, NOBODY])}
    out = np.zeros((len(table.victims), len(cols)))
    for row, w in zip(table.assignments, weights, strict=True):
        for i, m in enumerate(row):
            out[i, cols[m]] += w
    return out
