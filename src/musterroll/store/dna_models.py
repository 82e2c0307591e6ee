"""The register's DNA tables (issue 16): genetic data, special-category personal data.

Only the forensic role reads them (web ``routes_dna``), every read is audit-logged, and
nothing of them reaches a public page.

- ``dna_frequencies``: allele frequency databases, one row per import (the newest is used).
- ``dna_samples``: remains' STR profiles, one row per sample (bag), with its sex and the
  lab's per-allele dropout estimate (0: not degraded).
- ``dna_references``: a family's reference profiles as a pedigree (members, parents,
  sexes, genotypes, each typed relative's relationship to the missing person), and what the
  family is about: a person id, or the case (list and row) of the missing person.
- ``dna_proposals``: proposed identifications from ``musterroll dna match`` (sample,
  family, person, log10 LR, posterior), then confirmed or rejected by a forensic reviewer;
  a confirmation names the ``identified`` event it became.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from musterroll.store.models import Base, BigId

__all__ = [
    "DnaFrequencies",
    "DnaProposal",
    "DnaReference",
    "DnaSample",
    "dna_frequencies_table",
    "dna_proposals_table",
    "dna_references_table",
    "dna_samples_table",
]


class DnaFrequencies(Base):
    """An allele frequency database: `{marker: {alleles: [...], freq: [...]}}`."""

    __tablename__ = "dna_frequencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    loci: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))


class DnaSample(Base):
    """One sample of remains: its profile `{marker: "a/b"}`."""

    __tablename__ = "dna_samples"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sample: Mapped[str] = mapped_column(String(100), unique=True)
    sex: Mapped[int] = mapped_column(Integer)  # 0 unknown, 1 male, 2 female
    dropout: Mapped[float] = mapped_column(Float)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))


class DnaReference(Base):
    """A family's references: the pedigree entry, and the missing person it is about."""

    __tablename__ = "dna_references"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    family: Mapped[str] = mapped_column(String(100), unique=True)
    pedigree: Mapped[dict[str, Any]] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(BigId)  # when given as a person id
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))  # else a case
    case_list: Mapped[str | None] = mapped_column(Text)
    case_row: Mapped[int | None] = mapped_column(Integer)
    file_sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))


class DnaProposal(Base):
    """A proposed identification, and a forensic reviewer's decision on it."""

    __tablename__ = "dna_proposals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sample: Mapped[str] = mapped_column(String(100), index=True)
    family: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[int | None] = mapped_column(BigId, index=True)
    log10_lr: Mapped[float] = mapped_column(Float)
    posterior: Mapped[float] = mapped_column(Float)
    competitors: Mapped[int] = mapped_column(Integer)
    threshold: Mapped[float] = mapped_column(Float)
    mutation: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # proposed, confirmed, rejected
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    event_id: Mapped[int | None] = mapped_column(BigId)
    note: Mapped[str | None] = mapped_column(Text)


dna_frequencies_table = cast(Table, DnaFrequencies.__table__)
dna_samples_table = cast(Table, DnaSample.__table__)
dna_references_table = cast(Table, DnaReference.__table__)
dna_proposals_table = cast(Table, DnaProposal.__table__)
