"""The register's estimates table: stored estimation runs, for the dashboard and claims.

- ``estimates``: one row per stratum of one estimation run, and one for the run's total
  (``stratum`` "all", or the single stratum of an unstratified run); stratum rows point to
  their total through ``total_id``. A row keeps the documented count (``observed``: persons
  on at least one list) and the estimated total (``estimate``, documented + undocumented)
  in separate columns: they are never added or mixed into one number. Each row records
  what it was computed from (link and status runs, lists, settings, seed, code version) and,
  on the total, the spread over linkage thresholds when it was computed. Never updated: a
  newer run for the same metric supersedes an older one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, BigInteger, DateTime, Float, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from musterroll.store.models import Base

__all__ = ["StoredEstimate", "estimates_table"]


class StoredEstimate(Base):
    """One stored estimate: a metric in one stratum, by one method, as of one day."""

    __tablename__ = "estimates"
    __table_args__ = (Index("ix_estimates_metric_as_of", "metric", "as_of"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The total's row for a stratum row; None on the total itself.
    total_id: Mapped[int | None] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(40))  # register.counts metric, e.g. killed
    by: Mapped[str | None] = mapped_column(String(20))  # stratification, None: none
    stratum: Mapped[str] = mapped_column(Text)  # "all" on a total
    method: Mapped[str] = mapped_column(String(20))
    as_of: Mapped[str] = mapped_column(String(10))  # the register as known on this day
    observed: Mapped[int] = mapped_column(Integer)  # documented: persons on >= 1 list
    estimate: Mapped[float] = mapped_column(Float)  # documented + undocumented
    lower: Mapped[float | None] = mapped_column(Float)
    upper: Mapped[float | None] = mapped_column(Float)
    level: Mapped[float] = mapped_column(Float)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    lists: Mapped[list[str]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    diagnostics: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    link_run_id: Mapped[int | None] = mapped_column(Integer)
    status_run_id: Mapped[int | None] = mapped_column(Integer)
    # Persons in scope whose status no list record states (documented, not in the table).
    outside: Mapped[int] = mapped_column(Integer)
    spread: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source: Mapped[str | None] = mapped_column(Text)
    code_version: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


estimates_table = cast(Table, StoredEstimate.__table__)
