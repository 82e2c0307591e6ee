"""Allele frequency databases and STR genotypes.

A marker (locus) has allele labels (strings, as the database writes them: "9.3", "17")
and their population frequencies. Databases come as the reference JSON
(`{marker: {alleles: [...], freq: [...]}}`) or as the Familias/pedtools "list" text format
that labs exchange: a line with the marker name, then one `allele frequency` line per
allele, markers separated by blank lines or not at all.

A genotype is written "a/b"; "-/-" (or "", "NA") is untyped. Genotypes are unordered.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "Genotype",
    "Locus",
    "FrequencyError",
    "parse_genotype",
    "read_frequencies_json",
    "read_familias_frequencies",
    "frequencies_from_mapping",
]

Genotype = tuple[str, str] | None
"""An unordered pair of allele labels, or None when untyped."""

_UNTYPED = {"-/-", "", "NA", "NA/NA", "0/0", "-"}


class FrequencyError(ValueError):
    """A frequency database or genotype that cannot be read."""


@dataclass(frozen=True)
class Locus:
    """One marker: its allele labels and frequencies (same order)."""

    name: str
    alleles: tuple[str, ...]
    freqs: NDArray[np.float64]

    def __post_init__(self) -> None:
        if len(self.alleles) != len(self.freqs):
            raise FrequencyError(f"marker {self.name}: {len(self.alleles)} alleles but "
                                 f"{len(self.freqs)} frequencies")
        if len(set(self.alleles)) != len(self.alleles):
            raise FrequencyError(f"marker {self.name}: duplicated allele labels")
        if np.any(self.freqs < 0):
            raise FrequencyError(f"marker {self.name}: negative frequency")
        # pedtools accepts frequencies summing to 1 after rounding to 3 decimals.
        if round(float(np.sum(self.freqs)), 3) != 1:
            raise FrequencyError(
                f"marker {self.name}: frequencies sum to {float(np.sum(self.freqs))}, not 1"
            )

    @property
    def size(self) -> int:
        """Number of alleles."""
        return len(self.alleles)

    def allele_index(self, label: str) -> int:
        """Position of an allele label; raises FrequencyError naming marker and allele."""
        try:
            return self.alleles.index(label)
        except ValueError:
            raise FrequencyError(
                f"marker {self.name}: allele {label!r} is not in the frequency database"
            ) from None


def parse_genotype(text: Any, *, where: str = "") -> Genotype:
    """Parse "a/b" into a pair of labels; "-/-", "" or NA mean untyped (None).

    Raises FrequencyError naming `where` (file, row, field) when the text has no "/".
    """
    if text is None:
        return None
    s = str(text).strip()
    if s in _UNTYPED:
        return None
    parts = s.split("/")
    if len(parts) != 2 or not parts[0] or not parts[1] or "-" in parts:
        raise FrequencyError(f"{where}: genotype {s!r} is not of the form 'a/b'")
    return (parts[0].strip(), parts[1].strip())


def frequencies_from_mapping(data: Mapping[str, Any], *, source: str = "") -> dict[str, Locus]:
    """Build loci from `{marker: {alleles: [...], freq: [...]}}` (or `afreq`)."""
    loci: dict[str, Locus] = {}
    for name, entry in data.items():
        try:
            freqs = entry["freq"] if "freq" in entry else entry["afreq"]
            loci[name] = Locus(
                name, tuple(str(a) for a in entry["alleles"]), np.asarray(freqs, dtype=float)
            )
        except (KeyError, TypeError) as exc:
            raise FrequencyError(f"{source}: marker {name}: needs alleles and freq") from exc
    return loci


def read_frequencies_json(path: str | Path) -> dict[str, Locus]:
    """Read the reference JSON database `{marker: {alleles: [...], freq: [...]}}`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FrequencyError(f"{path}: not JSON ({exc})") from exc
    return frequencies_from_mapping(data, source=str(path))


def read_familias_frequencies(path: str | Path) -> dict[str, Locus]:
    """Read the Familias/pedtools "list" text format: a marker line, then allele lines.

    A line with one field names a marker; a line `allele frequency` (tab or spaces) adds an
    allele to the current marker. Blank lines are skipped. Raises FrequencyError naming the
    file and line for an allele before any marker or a frequency that is not a number.
    """
    path = Path(path)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return _parse_list_format(lines, source=str(path))


def _parse_list_format(lines: Iterable[str], *, source: str) -> dict[str, Locus]:
    blocks: dict[str, tuple[list[str], list[float]]] = {}
    current: str | None = None
    for lineno, raw in enumerate(lines, start=1):
        fields = raw.replace(",", "\t").split() if raw.strip() else []
        if not fields:
            continue
        if len(fields) == 1:
            current = fields[0]
            if current in blocks:
                raise FrequencyError(f"{source}:{lineno}: marker {current} appears twice")
            blocks[current] = ([], [])
            continue
        if current is None:
            raise FrequencyError(f"{source}:{lineno}: allele line before any marker name")
        try:
            freq = float(fields[1])
        except ValueError as exc:
            raise FrequencyError(
                f"{source}:{lineno}: frequency {fields[1]!r} of allele {fields[0]} in "
                f"marker {current} is not a number"
            ) from exc
        blocks[current][0].append(fields[0])
        blocks[current][1].append(freq)
    loci = {}
    for name, (alleles, freqs) in blocks.items():
        try:
            loci[name] = Locus(name, tuple(alleles), np.asarray(freqs, dtype=float))
        except FrequencyError as exc:
            raise FrequencyError(f"{source}: {exc}") from exc
    return loci


