"""Hierarchical log-linear models over J lists: terms, enumeration, names, design.

A term is a bitmask over lists in the pattern-index convention of `table` (list 1 is the
most significant bit). A hierarchical model contains every main effect and, with each
interaction, all its lower-order margins. As Rcapture's `closedpMS.t` (Baillargeon and
Rivest 2007; Rivest and Baillargeon's `getAllModels`), models go up to order J-1: the
J-way interaction is not identifiable from the 2^J - 1 observed cells.
"""

from __future__ import annotations

from itertools import combinations, product

import numpy as np

__all__ = ["all_terms", "design_matrix", "hierarchical_models", "model_name", "parse_model"]


def term_mask(lists: tuple[int, ...], j: int) -> int:
    """Bitmask of a term given 0-based list numbers."""
    return sum(1 << (j - 1 - i) for i in lists)


def term_lists(mask: int, j: int) -> tuple[int, ...]:
    """0-based list numbers of a term bitmask, ascending."""
    return tuple(i for i in range(j) if mask & (1 << (j - 1 - i)))


def all_terms(j: int, max_order: int) -> list[int]:
    """Every term of order 1..max_order, sorted by order then by list numbers."""
    return [
        term_mask(c, j) for order in range(1, max_order + 1) for c in combinations(range(j), order)
    ]


def design_matrix(j: int, terms: list[int]) -> np.ndarray:
    """Design over all 2^J cells: intercept column, then one 0/1 column per term.

    Row i is pattern index i; a term's column is 1 when every list of the term is 1.
    """
    idx = np.arange(1 << j)[:, None]
    masks = np.asarray(terms, dtype=np.int64)[None, :]
    cols = ((idx & masks) == masks).astype(np.float64)
    return np.hstack([np.ones((1 << j, 1)), cols])


def hierarchical_models(j: int, max_order: int | None = None) -> list[frozenset[int]]:
    """All hierarchical models with every main effect and interactions up to max_order.

    Args:
        j: number of lists.
        max_order: highest interaction order, default J-1 (as Rcapture).
    Returns:
        Each model as the frozenset of its interaction terms (order >= 2); main effects are
        implied. For J = 3, 4, 5 there are 8, 113 and 6,893 models.
    """
    max_order = j - 1 if max_order is None else max_order
    models: list[frozenset[int]] = [frozenset()]
    for order in range(2, max_order + 1):
        grown: list[frozenset[int]] = []
        candidates = [term_mask(c, j) for c in combinations(range(j), order)]
        for model in models:
            eligible = [t for t in candidates if _margins_present(t, model, j)]
            for choice in product((False, True), repeat=len(eligible)):
                grown.append(model | {t for t, keep in zip(eligible, choice, strict=True) if keep})
        models = grown
    return models


def _margins_present(term: int, model: frozenset[int], j: int) -> bool:
    """True when every margin of order |term|-1 >= 2 of `term` is in `model`."""
    lists = term_lists(term, j)
    if len(lists) == 2:
        return True
    return all(term_mask(sub, j) in model for sub in combinations(lists, len(lists) - 1))


def generators(model: frozenset[int], j: int) -> list[int]:
    """The maximal terms of a model, main effects included when not implied."""
    terms = set(model) | {1 << (j - 1 - i) for i in range(j)}
    return [t for t in terms if not any(t != u and (t & u) == t for u in terms)]


def model_name(model: frozenset[int], j: int) -> str:
    """Rcapture's notation: maximal terms, higher orders first, lists numbered from 1.

    Example: "[124,23,34]" or "[1,2,3,4]" for independence.
    """
    gens = sorted((term_lists(t, j) for t in generators(model, j)), key=lambda ls: (-len(ls), ls))
    return "[" + ",".join("".join(str(i + 1) for i in ls) for ls in gens) + "]"


def parse_model(name: str, j: int) -> frozenset[int]:
    """Inverse of `model_name`: "[12,23]" -> the model's interaction terms.

    Raises:
        ValueError: on a malformed name or a list number outside 1..J.
    """
    body = name.strip().strip("[]")
    terms: set[int] = set()
    for part in filter(None, (p.strip() for p in body.split(","))):
        if not part.isdigit() or any(not 1 <= int(c) <= j for c in part):
            raise ValueError(f"bad model term {part!r} in {name!r} (lists are 1..{j})")
        lists = tuple(sorted({int(c) - 1 for c in part}))
        for order in range(2, len(lists) + 1):
            terms.update(term_mask(c, j) for c in combinations(lists, order))
    return frozenset(terms)
