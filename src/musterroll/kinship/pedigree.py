"""Pedigrees: members, their parents and sexes, founders, and the nuclear families.

A pedigree is plain data: member ids, the index of each member's father and mother (-1 for
a founder) and each member's sex (1 male, 2 female, 0 unknown). Members may be untyped; the
likelihood sums over their genotypes. The peeling in `likelihood.py` runs on the tree of
nuclear families that a loop-free pedigree forms; loops (marriages between relatives) are
broken by splitting members (`loop_breakers`, `split`) and summing over their genotypes.
Someone who is their own ancestor is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MALE",
    "FEMALE",
    "Pedigree",
    "PedigreeError",
    "PedigreeLoopError",
    "NuclearFamily",
    "singleton",
]

MALE = 1
FEMALE = 2


class PedigreeError(ValueError):
    """A pedigree that cannot be: unknown parent, a father who is female, a cycle."""


class PedigreeLoopError(PedigreeError):
    """A pedigree with a loop, which this peeling does not handle."""


@dataclass(frozen=True)
class NuclearFamily:
    """Two parents (member indices) and their children in one pedigree."""

    father: int
    mother: int
    children: tuple[int, ...]


@dataclass(frozen=True)
class Pedigree:
    """Members with fathers, mothers and sexes; a parent index of -1 marks a founder."""

    ids: tuple[str, ...]
    father: tuple[int, ...]
    mother: tuple[int, ...]
    sex: tuple[int, ...]
    families: tuple[NuclearFamily, ...] = field(init=False, repr=False, compare=False)
    has_loops: bool = field(init=False, repr=False, compare=False)
    """Whether members and nuclear families form a graph with a cycle (a loop)."""

    def __post_init__(self) -> None:
        n = len(self.ids)
        if not (len(self.father) == len(self.mother) == len(self.sex) == n):
            raise PedigreeError("ids, fathers, mothers and sexes differ in length")
        if len(set(self.ids)) != n:
            raise PedigreeError(f"duplicated member ids in {list(self.ids)}")
        for i in range(n):
            self._check_parents(i)
        object.__setattr__(self, "families", self._nuclear_families())
        self._check_no_loop()
        object.__setattr__(self, "has_loops", _count_cycles(self) > 0)

    def _check_parents(self, i: int) -> None:
        fa, mo = self.father[i], self.mother[i]
        who = self.ids[i]
        if (fa < 0) != (mo < 0):
            raise PedigreeError(f"member {who!r} has one parent; give both or neither")
        if fa < 0:
            return
        if self.sex[fa] == FEMALE:
            raise PedigreeError(f"father of {who!r}, {self.ids[fa]!r}, is female")
        if self.sex[mo] == MALE:
            raise PedigreeError(f"mother of {who!r}, {self.ids[mo]!r}, is male")
        if self.sex[i] not in (0, MALE, FEMALE):
            raise PedigreeError(f"member {who!r} has sex {self.sex[i]!r}; use 0, 1 or 2")

    def _nuclear_families(self) -> tuple[NuclearFamily, ...]:
        kids: dict[tuple[int, int], list[int]] = {}
        for i in range(len(self.ids)):
            if self.father[i] >= 0:
                kids.setdefault((self.father[i], self.mother[i]), []).append(i)
        return tuple(NuclearFamily(f, m, tuple(c)) for (f, m), c in kids.items())

    def _check_no_loop(self) -> None:
        """Refuse anyone who is their own ancestor; loops of marriage are allowed."""
        state = [0] * len(self.ids)  # 0 unseen, 1 on the path, 2 done

        def visit(i: int) -> None:
            state[i] = 1
            for p in (self.father[i], self.mother[i]):
                if p >= 0 and state[p] == 1:
                    raise PedigreeError(f"member {self.ids[p]!r} is their own ancestor")
                if p >= 0 and state[p] == 0:
                    visit(p)
            state[i] = 2

        for i in range(len(self.ids)):
            if state[i] == 0:
                visit(i)

    def split(self, member: int) -> Pedigree:
        """A copy where `member` keeps its parents and a new founder twin takes its children.

        The twin is named `<id>*`; conditioning both on one genotype and summing over it
        gives the likelihood of the original (the classic loop-breaking device).
        """
        twin = len(self.ids)
        father = [twin if f == member else f for f in self.father] + [-1]
        mother = [twin if m == member else m for m in self.mother] + [-1]
        return Pedigree(ids=(*self.ids, self.ids[member] + "*"), father=tuple(father),
                        mother=tuple(mother), sex=(*self.sex, self.sex[member]))

    def loop_breakers(self) -> tuple[int, ...]:
        """Members whose splitting removes every loop (empty for a loop-free pedigree).

        Greedy: split the member whose splitting removes most cycles, until none is left.
        Raises PedigreeLoopError if no member helps (should not happen).
        """
        breakers: list[int] = []
        ped: Pedigree = self
        while _count_cycles(ped) > 0:
            has_children = {p for fam in ped.families for p in (fam.father, fam.mother)}
            options = [i for i in range(len(self.ids)) if i in has_children
                       and i not in breakers]
            if not options:
                raise PedigreeLoopError(f"cannot break the loops of {list(self.ids)}")
            best = min(options, key=lambda i: _count_cycles(ped.split(i)))
            if _count_cycles(ped.split(best)) >= _count_cycles(ped):
                raise PedigreeLoopError(f"cannot break the loops of {list(self.ids)}")
            breakers.append(best)
            ped = ped.split(best)
        return tuple(breakers)

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.ids)

    def index(self, member: str) -> int:
        """Index of a member by id; raises PedigreeError naming the id when absent."""
        try:
            return self.ids.index(member)
        except ValueError:
            raise PedigreeError(f"no member {member!r} in pedigree {list(self.ids)}") from None

    def is_founder(self, i: int) -> bool:
        """Whether member i has no parents in the pedigree."""
        return self.father[i] < 0

    @classmethod
    def from_columns(
        cls,
        ids: Sequence[Any],
        fid: Sequence[Any],
        mid: Sequence[Any],
        sex: Sequence[Any],
    ) -> Pedigree:
        """Build from pedtools-style columns: id, fid, mid ("0" = founder), sex (1, 2, 0)."""
        names = tuple(str(x) for x in ids)
        pos = {name: k for k, name in enumerate(names)}

        def parent(value: Any, child: str) -> int:
            value = str(value)
            if value in ("0", "", "NA"):
                return -1
            if value not in pos:
                raise PedigreeError(f"parent {value!r} of {child!r} is not a member")
            return pos[value]

        return cls(
            ids=names,
            father=tuple(parent(f, c) for f, c in zip(fid, names, strict=True)),
            mother=tuple(parent(m, c) for m, c in zip(mid, names, strict=True)),
            sex=tuple(int(s) for s in sex),
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Pedigree:
        """Build from `{id: [...], fid: [...], mid: [...], sex: [...]}` or a list of rows."""
        if isinstance(data, Mapping):
            cols = data
            if isinstance(cols["id"], str):
                cols = {k: [v] for k, v in data.items() if k in ("id", "fid", "mid", "sex")}
            return cls.from_columns(cols["id"], cols["fid"], cols["mid"], cols["sex"])
        rows = list(data)
        return cls.from_columns(
            [r["id"] for r in rows], [r["fid"] for r in rows],
            [r["mid"] for r in rows], [r["sex"] for r in rows],
        )


def _count_cycles(ped: Pedigree) -> int:
    """Independent cycles of the member-family graph: edges - nodes + components."""
    n_nodes = len(ped.ids) + len(ped.families)
    parent = list(range(n_nodes))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cycles = 0
    for k, fam in enumerate(ped.families):
        node = len(ped.ids) + k
        for member in (fam.father, fam.mother, *fam.children):
            a, b = root(node), root(member)
            if a == b:
                cycles += 1
            else:
                parent[a] = b
    return cycles


def singleton(member: str, sex: int = 0) -> Pedigree:
    """A pedigree of one founder."""
    return Pedigree(ids=(member,), father=(-1,), mother=(-1,), sex=(sex,))
