"""The register's linkage tables: persons, membership, link runs, decisions, review queue.

- ``persons``: one row per person id ever given; a person id is stable across runs (a
  family's case number) and is retired, never reused, when its records go elsewhere.
- ``person_records``: the current person of every linked record (replaced by each run;
  merges and splits between runs are in the audit log).
- ``link_runs``: every run with its settings, seed, code version, input hash and counts.
- ``link_decisions``: reviewers' same / different / unsure decisions on a pair of records;
  they bind every later run (must-link, cannot-link). Never updated: a new decision on the
  same pair supersedes the older one.
- ``review_items``: the queue of pairs and whole clusters the model was least sure of, most
  informative first; ``review_item_records`` and ``review_item_pairs`` hold a cluster
  item's records and the scored pairs between them.
- ``link_term_frequencies``: the share of records holding each name value the last run
  adjusted its weights for (explanations add the same adjustment).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from musterroll.store.models import Base, BigId

__all__ = [
    "DECISIONS",
    "ITEM_KINDS",
    "LinkDecision",
    "LinkRun",
    "Person",
    "PersonRecord",
    "ReviewItem",
    "ReviewItemPair",
    "ReviewItemRecord",
    "TermFrequency",
    "decisions_table",
    "person_records_table",
    "persons_table",
    "review_item_pairs_table",
    "review_item_records_table",
    "review_items_table",
    "runs_table",
    "term_frequencies_table",
]

DECISIONS: tuple[str, ...] = ("same", "different", "unsure")
ITEM_KINDS: tuple[str, ...] = ("pair", "cluster")


class LinkRun(Base):
    """One linkage run: what went in, with which settings, and what came out."""

    __tablename__ = "link_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    engine: Mapped[str] = mapped_column(String(20))
    seed: Mapped[int] = mapped_column(Integer)
    code_version: Mapped[str] = mapped_column(String(40))
    input_hash: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Person(Base):
    """A person id: given by one run, kept while the person's records stay together."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"))
    retired_run_id: Mapped[int | None] = mapped_column(ForeignKey("link_runs.id"))
    records: Mapped[int] = mapped_column(Integer)


class PersonRecord(Base):
    """The current person of one record."""

    __tablename__ = "person_records"
    __table_args__ = (Index("ix_person_records_person_id", "person_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"))


class LinkDecision(Base):
    """A reviewer's decision on a pair of records (record_id_l < record_id_r)."""

    __tablename__ = "link_decisions"
    __table_args__ = (Index("ix_link_decisions_pair", "record_id_l", "record_id_r"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id_l: Mapped[int] = mapped_column(ForeignKey("records.id"))
    record_id_r: Mapped[int] = mapped_column(ForeignKey("records.id"))
    decision: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewItem(Base):
    """A pair of records or a whole cluster waiting for a reviewer, with why and priority.

    A cluster item keeps its deciding pair (weakest link, or the join a constraint
    refused) in record_id_l / record_id_r; its records are in ``review_item_records``.
    """

    __tablename__ = "review_items"
    __table_args__ = (Index("ix_review_items_status_priority", "status", "priority"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"))
    record_id_l: Mapped[int] = mapped_column(ForeignKey("records.id"))
    record_id_r: Mapped[int] = mapped_column(ForeignKey("records.id"))
    match_weight: Mapped[float] = mapped_column(Float)
    priority: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # open, decided, stale
    kind: Mapped[str] = mapped_column(String(10), server_default="pair")  # ITEM_KINDS


class ReviewItemRecord(Base):
    """One record of a cluster review item."""

    __tablename__ = "review_item_records"
    __table_args__ = (PrimaryKeyConstraint("item_id", "record_id"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"))
    record_id: Mapped[int] = mapped_column(BigId, ForeignKey("records.id"))


class ReviewItemPair(Base):
    """A scored pair between two records of a cluster review item (l < r), as the run saw it."""

    __tablename__ = "review_item_pairs"
    __table_args__ = (PrimaryKeyConstraint("item_id", "record_id_l", "record_id_r"),)

    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"))
    record_id_l: Mapped[int] = mapped_column(BigId)
    record_id_r: Mapped[int] = mapped_column(BigId)
    match_weight: Mapped[float] = mapped_column(Float)


class TermFrequency(Base):
    """The share of the linked records holding one value of a frequency-adjusted column."""

    __tablename__ = "link_term_frequencies"
    __table_args__ = (PrimaryKeyConstraint("column_name", "value"),)

    run_id: Mapped[int] = mapped_column(ForeignKey("link_runs.id"))
    column_name: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    frequency: Mapped[float] = mapped_column(Float)


runs_table = cast(Table, LinkRun.__table__)
persons_table = cast(Table, Person.__table__)
person_records_table = cast(Table, PersonRecord.__table__)
decisions_table = cast(Table, LinkDecision.__table__)
review_items_table = cast(Table, ReviewItem.__table__)
review_item_records_table = cast(Table, ReviewItemRecord.__table__)
review_item_pairs_table = cast(Table, ReviewItemPair.__table__)
term_frequencies_table = cast(Table, TermFrequency.__table__)
