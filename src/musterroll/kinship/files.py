"""Files of remains and reference families, for `musterroll dna match`.

- Remains (CSV, long format): `sample,sex,marker,genotype`, one row per sample and marker;
  sex 1 male, 2 female, 0 or empty unknown; genotype "a/b" ("-/-" untyped).
- Families (JSON): `{family_id: {id: [...], fid: [...], mid: [...], sex: [...],
  missing: "MP" or [...], genotypes: {marker: ["a/b" or "-/-" per member]}}}`, the
  pedigree format of the reference cases.
- Frequencies: the reference JSON or the Familias text format (by extension: .json or
  anything else).

Errors name the file, row and field.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from musterroll.kinship.alleles import (
    FrequencyError,
    Genotype,
    Locus,
    parse_genotype,
    read_familias_frequencies,
    read_frequencies_json,
)
from musterroll.kinship.dvi import Family, Victim
from musterroll.kinship.pedigree import Pedigree, PedigreeError

__all__ = ["read_remains", "read_families", "read_frequencies"]


def read_frequencies(path: str | Path) -> dict[str, Locus]:
    """A frequency database: JSON by extension, else the Familias text format."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_frequencies_json(path)
    return read_familias_frequencies(path)


def read_remains(path: str | Path) -> list[Victim]:
    """Remains' profiles from the long CSV `sample,sex,marker,genotype`."""
    path = Path(path)
    profiles: dict[str, dict[str, Genotype]] = {}
    sexes: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = {"sample", "marker", "genotype"} - set(reader.fieldnames or [])
        if missing:
            raise FrequencyError(f"{path}: missing columns {sorted(missing)}")
        for row_no, row in enumerate(reader, start=2):
            sample = row["sample"].strip()
            sex_text = (row.get("sex") or "0").strip() or "0"
            if sex_text not in ("0", "1", "2"):
                raise FrequencyError(f"{path}:{row_no}: field sex is {sex_text!r}; use 0, 1, 2")
            sexes[sample] = int(sex_text)
            g = parse_genotype(row["genotype"], where=f"{path}:{row_no} field genotype")
            if g is not None:
                profiles.setdefault(sample, {})[row["marker"].strip()] = g
            else:
                profiles.setdefault(sample, {})
    return [Victim(s, sexes[s], profiles[s]) for s in profiles]


def read_families(path: str | Path) -> list[Family]:
    """Reference families from JSON; each names its missing person(s)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PedigreeError(f"{path}: not JSON ({exc})") from exc
    families = []
    for fid, entry in data.items():
        where = f"{path}: family {fid}"
        try:
            ped = Pedigree.from_mapping(entry)
            missing = entry["missing"]
        except KeyError as exc:
            raise PedigreeError(f"{where}: missing field {exc}") from exc
        except PedigreeError as exc:
            raise PedigreeError(f"{where}: {exc}") from exc
        missing = (missing,) if isinstance(missing, str) else tuple(missing)
        for m in missing:
            ped.index(m)
        refs: dict[str, dict[str, Genotype]] = {}
        for marker, column in entry.get("genotypes", {}).items():
            if len(column) != ped.size:
                raise PedigreeError(f"{where}: marker {marker} has {len(column)} genotypes "
                                    f"for {ped.size} members")
            for member, text in zip(ped.ids, column, strict=True):
                g = parse_genotype(text, where=f"{where} member {member} marker {marker}")
                if g is not None:
                    if member in missing:
                        raise PedigreeError(f"{where}: missing person {member} is typed")
                    refs.setdefault(member, {})[marker] = g
        families.append(Family(str(fid), ped, missing, refs))
    return families
