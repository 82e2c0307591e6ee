"""The likelihood of a pedigree's genotypes at one marker, by peeling (Elston–Stewart).

A loop-free pedigree's members and nuclear families form a tree. The likelihood is summed
over the genotypes of the untyped by passing messages along that tree towards one member
(the root), each message a vector over the member's unordered genotypes (Lange and Elston
1975, "Extensions to pedigree analysis I"). A nuclear family's message to a parent costs
O(G^2) per child (G genotypes); to a child, O(G^2 n) when siblings are present and O(G n)
when not. The root is chosen to make the sum of these costs smallest.

Transmission goes through a parent's mutation matrix (fathers the male, mothers the
female): a parent with genotype {x, y} transmits allele a with probability
(M[x, a] + M[y, a]) / 2. Founders are in Hardy–Weinberg equilibrium.

Alleles that nobody in the pedigree carries are lumped into one where the mutation matrices
are exactly lumpable for that partition (always without mutation), which makes
likelihoods without mutation cost next to nothing and leaves the answer unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from musterroll.kinship.mutation import is_always_lumpable, lump_matrix
from musterroll.kinship.pedigree import Pedigree, PedigreeLoopError

__all__ = [
    "genotype_index",
    "point_evidence",
    "peel",
    "peel_member",
    "peel_cached",
    "plan_roots",
    "MessageCache",
    "cached_root",
    "marker_likelihood",
    "prepare_marker",
    "PreparedMarker",
]

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]
AllelePair = tuple[int, int] | None


@lru_cache(maxsize=256)
def genotype_index(n: int) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Unordered genotypes of n alleles: first alleles, second alleles, ordered->index map.

    Genotype k is the pair (first[k], second[k]) with first <= second; `index[a, b]` is the
    genotype of the ordered pair (a, b).
    """
    first, second = np.triu_indices(n)
    index = np.empty((n, n), dtype=np.intp)
    index[first, second] = np.arange(len(first))
    index[second, first] = np.arange(len(first))
    return first, second, index


def point_evidence(n: int, pair: tuple[int, int]) -> Vector:
    """Evidence vector of one observed genotype: 1 at it, 0 elsewhere."""
    e = np.zeros(len(genotype_index(n)[0]))
    e[genotype_index(n)[2][pair[0], pair[1]]] = 1.0
    return e


class PreparedMarker:
    """One marker ready for peeling: frequencies, transmission matrices, genotype maps."""

    __slots__ = ("n", "freqs", "male", "female", "t_male", "t_female", "prior", "first",
                 "second", "index", "mutation")

    def __init__(self, freqs: Vector, male: Matrix, female: Matrix) -> None:
        self.n = len(freqs)
        self.freqs = freqs
        self.male = male
        self.female = female
        self.first, self.second, self.index = genotype_index(self.n)
        self.mutation = not (np.array_equal(male, np.eye(self.n))
                             and np.array_equal(female, np.eye(self.n)))
        # Transmission matrices, genotype x transmitted allele.
        self.t_male = 0.5 * (male[self.first] + male[self.second])
        self.t_female = 0.5 * (female[self.first] + female[self.second])
        hom = self.first == self.second
        self.prior = np.where(hom, 1.0, 2.0) * freqs[self.first] * freqs[self.second]

    @property
    def size(self) -> int:
        """Number of unordered genotypes."""
        return len(self.first)


def prepare_marker(
    freqs: Vector,
    male: Matrix,
    female: Matrix,
    genotypes: Sequence[AllelePair],
    *,
    lumpable: bool | None = None,
    full: PreparedMarker | None = None,
) -> tuple[PreparedMarker, list[AllelePair]]:
    """Lump unobserved alleles where exact; return the marker and the re-indexed genotypes.

    `lumpable` says whether both matrices are always lumpable (checked when None); `full`
    is the unlumped marker to reuse when lumping is not possible.
    """
    n = len(freqs)
    seen = sorted({a for g in genotypes if g is not None for a in g})
    if lumpable is None:
        lumpable = is_always_lumpable(male) and is_always_lumpable(female)
    lumped_male = lumped_female = None
    if lumpable and len(seen) < n - 1:
        if full is not None and not full.mutation or full is None and _is_identity(male, female):
            lumped_male = lumped_female = np.eye(len(seen) + 1)
        else:
            lumped_male = lump_matrix(male, seen, check=False)
            lumped_female = lumped_male if female is male else lump_matrix(female, seen,
                                                                           check=False)
    if lumped_male is None or lumped_female is None:
        return (full or PreparedMarker(freqs, male, female)), list(genotypes)
    rest = np.ones(n, dtype=bool)
    rest[seen] = False
    lumped_freqs = np.append(freqs[seen], freqs[rest].sum())
    where = {a: k for k, a in enumerate(seen)}
    regenotyped: list[AllelePair] = [
        None if g is None else (where[g[0]], where[g[1]]) for g in genotypes
    ]
    return PreparedMarker(lumped_freqs, lumped_male, lumped_female), regenotyped


def _is_identity(male: Matrix, female: Matrix) -> bool:
    eye = np.eye(male.shape[0])
    return bool(np.array_equal(male, eye) and np.array_equal(female, eye))


def marker_likelihood(
    ped: Pedigree,
    freqs: Vector,
    male: Matrix,
    female: Matrix,
    genotypes: Sequence[AllelePair],
) -> float:
    """Likelihood of observed genotypes (allele index pairs, None = untyped) at one marker."""
    marker, regenotyped = prepare_marker(freqs, male, female, genotypes)
    evidence = [None if g is None else point_evidence(marker.n, g) for g in regenotyped]
    return peel(ped, marker, evidence)


def peel(ped: Pedigree, marker: PreparedMarker, evidence: Sequence[Vector | None]) -> float:
    """Sum the pedigree over untyped genotypes; `evidence[i]` is P(observation | genotype).

    None means no observation (all ones). The result is the likelihood of all observations.
    A pedigree with loops is split at its loop breakers, and the likelihood summed over the
    breakers' genotypes (each breaker and its founder twin conditioned on the same one).
    """
    if ped.has_loops:
        return _peel_looped(ped, marker, evidence)
    return _Peeler(ped, marker, evidence).likelihood()


def _peel_looped(ped: Pedigree, marker: PreparedMarker,
                 evidence: Sequence[Vector | None]) -> float:
    breakers = ped.loop_breakers()
    split = ped
    for b in breakers:
        split = split.split(b)
    base = list(evidence) + [None] * len(breakers)
    total = 0.0
    # The twin is a founder only by construction: dividing by the prior cancels its
    # Hardy-Weinberg term, leaving the genotype the breaker passes down.
    for genotypes in np.ndindex(*([marker.size] * len(breakers))):
        ev = list(base)
        weight_ok = True
        for j, (b, g) in enumerate(zip(breakers, genotypes, strict=True)):
            own = np.zeros(marker.size)
            own[g] = 1.0 if evidence[b] is None else float(evidence[b][g])  # type: ignore[index]
            if own[g] == 0 or marker.prior[g] == 0:
                weight_ok = False
                break
            ev[b] = own
            twin = np.zeros(marker.size)
            twin[g] = 1.0 / marker.prior[g]
            ev[ped.size + j] = twin
        if weight_ok:
            total += _Peeler(split, marker, ev).likelihood()
    return total


def peel_member(
    ped: Pedigree, marker: PreparedMarker, evidence: Sequence[Vector | None], member: int
) -> Vector:
    """Joint probability of all observations and each genotype of `member` (a vector).

    Its sum is `peel`'s likelihood; divided by that sum it is the member's genotype
    distribution given the others' data. Pedigrees of several unrelated groups are refused.
    """
    if ped.has_loops:
        raise PedigreeLoopError("peel_member does not handle loops; use peel per genotype")
    peeler = _Peeler(ped, marker, evidence)
    if len(peeler.plan.roots) != 1:
        raise ValueError("peel_member needs a connected pedigree")
    return peeler._member_vector(member, exclude=-1)


class _Peeler:
    """Message passing over the tree of members and nuclear families of one pedigree."""

    def __init__(
        self,
        ped: Pedigree,
        marker: PreparedMarker,
        evidence: Sequence[Vector | None],
        *,
        sparse: tuple[bool, ...] | None = None,
        cache: MessageCache | None = None,
    ) -> None:
        self.ped = ped
        self.m = marker
        self.evidence = evidence
        self.sparse = sparse if sparse is not None else tuple(
            e is not None and np.count_nonzero(e) <= 2 for e in evidence)
        self.plan = _plan(ped, self.sparse)
        self.cache = cache

    def likelihood(self) -> float:
        """Sum over the genotypes of each connected group of members, multiplied."""
        total = 1.0
        roots = self.plan.roots if self.cache is None else self.cache.roots
        for root in roots:
            total *= float(self._member_vector(root, exclude=-1).sum())
            if total == 0.0:
                break
        return total

    # A member's vector: evidence, founder prior, and messages of its families but one.
    def _member_vector(self, y: int, exclude: int) -> Vector:
        e = self.evidence[y]
        vec = np.ones(self.m.size) if e is None else e.copy()
        if self.ped.is_founder(y):
            vec *= self.m.prior
        for k in self.plan.fams_of[y]:
            if k != exclude:
                vec *= self._message(k, y)
        return vec

    def _message(self, k: int, target: int) -> Vector:
        if self.cache is None:
            return self._compute_message(k, target)
        key = self.cache.key(k, target)
        found = self.cache.messages.get(key)
        if found is None:
            found = self.cache.messages[key] = self._compute_message(k, target)
        return found

    def _compute_message(self, k: int, target: int) -> Vector:
        fam = self.ped.families[k]
        m = self.m
        others = [c for c in fam.children if c != target]
        if target == fam.father and len(others) == 1:
            return m.t_male @ self._allele_message(k, target)
        if target == fam.mother and len(others) == 1:
            return m.t_female @ self._allele_message(k, target)
        father = self._member_vector(fam.father, k) if target != fam.father else None
        mother = self._member_vector(fam.mother, k) if target != fam.mother else None
        terms, dense = self._children_factor(others)
        if target == fam.father:
            assert mother is not None
            if dense is not None:
                return dense @ mother
            return sum((u * float(v @ mother) for u, v in terms), np.zeros(m.size))
        if target == fam.mother:
            assert father is not None
            if dense is not None:
                return father @ dense
            return sum((v * float(father @ u) for u, v in terms), np.zeros(m.size))
        assert father is not None and mother is not None
        if dense is not None:
            x = m.t_male.T @ (dense * np.outer(father, mother)) @ m.t_female
        else:
            # The parents' joint weight is a sum of outer products, so is the message.
            x = sum(
                (np.outer(m.t_male.T @ (father * u), m.t_female.T @ (mother * v))
                 for u, v in terms),
                np.zeros((m.n, m.n)),
            )
        return _unordered(x, m)

    def _allele_message(self, k: int, target: int) -> Vector:
        """A one-child family's message to a parent, per allele the parent transmits.

        The message is T_parent @ r: r[a] sums the child's vector over the other parent's
        transmitted allele, so it costs O(n^2 + G n) instead of O(G^2).
        """
        fam = self.ped.families[k]
        m = self.m
        (child,) = fam.children
        if target == fam.father:
            q = m.t_female.T @ self._member_vector(fam.mother, k)
        else:
            q = m.t_male.T @ self._member_vector(fam.father, k)
        h = self._member_vector(child, k)
        return np.asarray(h[m.index] @ q)  # symmetric in (paternal, maternal) alleles

    def _children_factor(
        self, children: Sequence[int]
    ) -> tuple[list[tuple[Vector, Vector]], Matrix | None]:
        """Product over children of P(child's data below | father's, mother's genotypes).

        Returned as rank-one terms (father vector, mother vector) while each child is typed
        (at most two terms per genotype it allows) or untyped with one line of descendants
        (two terms), else as a dense matrix over (father's genotype, mother's genotype).
        """
        m = self.m
        terms: list[tuple[Vector, Vector]] = [(np.ones(m.size), np.ones(m.size))]
        dense: Matrix | None = None
        for c in children:
            if self.plan.is_bare[c] and self.evidence[c] is None:
                continue  # an untyped child with no descendants says nothing: factor 1
            line = self.plan.line_of_descent[c]
            if self.sparse[c]:
                child_terms = self._child_terms(self._member_vector(c, self.plan.parent_of[c]))
            elif line is not None:
                child_terms = self._line_terms(c, line)
            else:
                h = self._member_vector(c, self.plan.parent_of[c])
                s = m.t_male @ h[m.index] @ m.t_female.T
                dense = s if dense is None else dense * s
                continue
            terms = [(u * cu, v * cv) for u, v in terms for cu, cv in child_terms]
            if len(terms) > _MAX_TERMS:
                dense = _terms_to_matrix(terms) * (1.0 if dense is None else dense)
                terms = [(np.ones(m.size), np.ones(m.size))]
        if dense is not None:
            # No terms left means a child's data are impossible: the factor is zero.
            dense = dense * _terms_to_matrix(terms) if terms else np.zeros_like(dense)
        return terms, dense

    def _line_terms(self, c: int, k: int) -> list[tuple[Vector, Vector]]:
        """An untyped child whose data come from one one-child family below: two terms.

        Its vector is h{x, y} = (w[x] + w[y]) / 2 with w = M_c r, so the factor over its
        parents' genotypes is (T_father w) / 2 + (T_mother w) / 2.
        """
        m = self.m
        own = m.male if self.ped.families[k].father == c else m.female
        w = own @ self._allele_message(k, c)
        ones = np.ones(m.size)
        return [(0.5 * (m.t_male @ w), ones), (ones, 0.5 * (m.t_female @ w))]

    def _child_terms(self, h: Vector) -> list[tuple[Vector, Vector]]:
        m = self.m
        out = []
        for g in np.flatnonzero(h):
            a, b = m.first[g], m.second[g]
            out.append((h[g] * m.t_male[:, a], m.t_female[:, b]))
            if a != b:
                out.append((h[g] * m.t_male[:, b], m.t_female[:, a]))
        return out


class MessageCache:
    """Messages of one pedigree and marker kept across calls whose evidence differs.

    A message from a nuclear family to a member depends only on the evidence beyond it, so
    `labels[i]` names member i's evidence (for instance which victim's profile is placed on
    a missing person) and a message is reused whenever the labels beyond it repeat. The
    roots are fixed so that messages keep their direction; `variable` lists the members
    whose evidence may change (all by default).
    """

    def __init__(
        self, ped: Pedigree, roots: tuple[int, ...], variable: Sequence[int] | None = None
    ) -> None:
        self.ped = ped
        self.roots = roots
        # Only members whose evidence may change need to be in a key.
        self.variable = set(range(ped.size) if variable is None else variable)
        self.labels: list[object] = [None] * ped.size
        self.messages: dict[tuple[object, ...], Vector] = {}
        self._beyond: dict[tuple[int, int], tuple[int, ...]] = {}

    def key(self, k: int, target: int) -> tuple[object, ...]:
        """The cache key of family k's message to `target` under the current labels."""
        beyond = self._beyond.get((k, target))
        if beyond is None:
            beyond = self._beyond[(k, target)] = tuple(
                i for i in _members_beyond(self.ped, k, target) if i in self.variable)
        return (k, target, *(self.labels[i] for i in beyond))


def cached_root(ped: Pedigree, variable: Sequence[int], *, base: float = 4.0) -> int:
    """A root for cached peeling when the evidence of `variable` members changes.

    A message must be recomputed for every new combination of the variable members beyond
    it, roughly base ** (their number); the root minimising the sum over the messages
    peeling uses keeps the variable members in small groups behind each message.
    """
    var = set(variable)
    members = {(k, t): set(_members_beyond(ped, k, t))
               for k, fam in enumerate(ped.families)
               for t in (fam.father, fam.mother, *fam.children)}

    def cost(root: int) -> float:
        total = 0.0
        for k, fam in enumerate(ped.families):
            for t in (fam.father, fam.mother, *fam.children):
                if root == t or root not in members[(k, t)]:
                    total += base ** len(members[(k, t)] & var)
                    break
        return total

    return min(range(ped.size), key=cost)


def _members_beyond(ped: Pedigree, k: int, target: int) -> tuple[int, ...]:
    """Members reached from family k without passing through `target`."""
    fams_of: list[list[int]] = [[] for _ in range(ped.size)]
    for j, fam in enumerate(ped.families):
        for member in (fam.father, fam.mother, *fam.children):
            fams_of[member].append(j)
    seen_fams, seen = {k}, {target}
    stack = [k]
    while stack:
        fam = ped.families[stack.pop()]
        for member in (fam.father, fam.mother, *fam.children):
            if member in seen:
                continue
            seen.add(member)
            for j in fams_of[member]:
                if j not in seen_fams:
                    seen_fams.add(j)
                    stack.append(j)
    return tuple(sorted(seen - {target}))


def peel_cached(
    ped: Pedigree,
    marker: PreparedMarker,
    evidence: Sequence[Vector | None],
    sparse: tuple[bool, ...],
    cache: MessageCache,
) -> float:
    """`peel` reusing `cache`'s messages; `cache.labels` must name the current evidence.

    A pedigree with loops is peeled without the cache.
    """
    if ped.has_loops:
        return peel(ped, marker, evidence)
    return _Peeler(ped, marker, evidence, sparse=sparse, cache=cache).likelihood()


def plan_roots(ped: Pedigree, sparse: tuple[bool, ...]) -> tuple[int, ...]:
    """The roots peeling would choose for this pattern of typed members."""
    return _plan(ped, sparse).roots


class _Plan:
    """What peeling a pedigree needs beyond genotypes: families per member, roots."""

    def __init__(self, ped: Pedigree, sparse: tuple[bool, ...]) -> None:
        self.ped = ped
        self.sparse = sparse
        self.fams_of: list[list[int]] = [[] for _ in range(ped.size)]
        self.parent_of = [-1] * ped.size
        for k, fam in enumerate(ped.families):
            for member in (fam.father, fam.mother, *fam.children):
                self.fams_of[member].append(k)
            for c in fam.children:
                self.parent_of[c] = k
        self.line_of_descent: list[int | None] = [self._line(c) for c in range(ped.size)]
        self.is_bare = [self.fams_of[c] == [self.parent_of[c]] for c in range(ped.size)]
        self._roots: tuple[int, ...] | None = None

    @property
    def roots(self) -> tuple[int, ...]:
        """One root per connected group, the cheapest to peel towards (computed once)."""
        if self._roots is None:
            self._roots = tuple(min(group, key=self._cost)
                                for group in _components(self.ped, self.fams_of))
        return self._roots

    def _line(self, c: int) -> int | None:
        """The one-child family below an untyped non-founder with no other family, or None."""
        if self.sparse[c] or self.parent_of[c] < 0:
            return None
        own = [k for k in self.fams_of[c] if k != self.parent_of[c]]
        if len(own) == 1 and len(self.ped.families[own[0]].children) == 1:
            return own[0]
        return None

    def _cost(self, root: int) -> float:
        """Estimated operations of peeling towards `root`, for a typical marker."""
        g, n = 200.0, 20.0

        def member(y: int, exclude: int) -> float:
            return sum(family(k, y) for k in self.fams_of[y] if k != exclude)

        def family(k: int, target: int) -> float:
            fam = self.ped.families[k]
            cost = sum(member(y, k) for y in (fam.father, fam.mother, *fam.children)
                       if y != target)
            others = [c for c in fam.children if c != target]
            dense = [c for c in others if not self.sparse[c] and self.line_of_descent[c] is None
                     and not self.is_bare[c]]
            if target in fam.children or len(others) > 1:
                cost += g * g * n * len(dense) + g * n * 2 ** (len(others) - len(dense))
            return cost + g * n

        return member(root, -1)


@lru_cache(maxsize=4096)
def _plan(ped: Pedigree, sparse: tuple[bool, ...]) -> _Plan:
    return _Plan(ped, sparse)


_MAX_TERMS = 32


def _terms_to_matrix(terms: Sequence[tuple[Vector, Vector]]) -> Matrix:
    if len(terms) == 1:
        return np.outer(terms[0][0], terms[0][1])
    us = np.stack([u for u, _ in terms], axis=1)
    vs = np.stack([v for _, v in terms], axis=1)
    return us @ vs.T


def _unordered(x: Matrix, m: PreparedMarker) -> Vector:
    """Genotype probabilities from ordered (paternal, maternal) allele probabilities."""
    vec = x[m.first, m.second] + x[m.second, m.first]
    hom = m.first == m.second
    vec[hom] = x[m.first[hom], m.first[hom]]
    return vec


def _components(ped: Pedigree, fams_of: list[list[int]]) -> list[list[int]]:
    """Connected groups of members (unrelated members are independent)."""
    seen = [False] * ped.size
    groups = []
    for start in range(ped.size):
        if seen[start]:
            continue
        stack, group = [start], []
        seen[start] = True
        while stack:
            y = stack.pop()
            group.append(y)
            for k in fams_of[y]:
                fam = ped.families[k]
                for z in (fam.father, fam.mother, *fam.children):
                    if not seen[z]:
                        seen[z] = True
                        stack.append(z)
        groups.append(group)
    return groups


