"""The few tables `musterroll status` reads, declared without the store's models.

Why: importing ``musterroll.store`` loads Alembic (with Mako and Pygments) and PyArrow,
some three seconds of CPU, more than counting a million-record register takes. Counting
and the freshness check need only these columns; ``open_for_counts`` opens a register with
SQLAlchemy alone. The full models stay in ``musterroll.store.status_models``; a test checks
that the columns named here exist there.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Integer,
    String,
    column,
    create_engine,
    func,
    select,
    table,
    text,
)

__all__ = [
    "conflicts",
    "events",
    "is_stale",
    "link_runs",
    "open_for_counts",
    "records",
    "runs",
    "statuses",
]

statuses = table(
    "statuses",
    column("person_id", Integer), column("valid_from", String), column("valid_to", String),
    column("status", String), column("substatus", String), column("source", String),
    column("death_date", String), column("identified_date", String),
    column("missing_date", String), column("released_date", String),
    column("missing_ever", Boolean), column("declared_dead", Boolean),
    column("remains_recovered", Boolean), column("conflicts", Integer),
    column("oblast", String),
)  # fmt: skip
conflicts = table("status_conflicts", column("id", Integer))
runs = table("status_runs", column("id", Integer), column("finished_at", String),
             column("last_event_id", Integer), column("link_run_id", Integer),
             column("counts", String))
events = table("events", column("id", Integer))
link_runs = table("link_runs", column("id", Integer))
records = table("records", column("id", Integer))


def open_for_counts(url: str) -> Engine:
    """Open a register for counting with SQLAlchemy alone; check it has the status tables.

    Raises:
        ValueError: the register cannot be read or has no status tables (then the caller
            opens it with ``musterroll.store.open_register`` for the full message).
    """
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(select(func.count()).select_from(runs)).scalar_one()
            conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception as exc:  # noqa: BLE001 - any failure: let the full path explain
        engine.dispose()
        raise ValueError(f"cannot count in the register at {url}: {exc}") from exc
    return engine


def is_stale(conn: Connection | Engine) -> bool:
    """Return whether records, events or linkage changed since the last derivation.

    Cheap (four lookups of a maximum), so ``musterroll status`` can check before counting.
    """
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return is_stale(c)
    run = conn.execute(select(runs.c.finished_at, runs.c.last_event_id, runs.c.link_run_id,
                              runs.c.counts).order_by(runs.c.id.desc()).limit(1)).first()
    if run is None or run.finished_at is None:
        return True
    counts = run.counts if isinstance(run.counts, dict) else _json(run.counts)
    last_event = conn.execute(select(func.max(events.c.id))).scalar() or 0
    last_link = conn.execute(select(func.max(link_runs.c.id))).scalar()
    last_record = conn.execute(select(func.max(records.c.id))).scalar() or 0
    return bool(last_event != run.last_event_id or last_link != run.link_run_id
                or last_record != counts.get("last_record_id"))


def _json(value: object) -> dict[str, object]:
    import json

    return json.loads(value) if isinstance(value, str) and value else {}
