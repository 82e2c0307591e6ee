"""The register store: schema, migrations, and bulk reads of what was ingested.

Open a register with ``open_register(url)`` (after ``init_register(url)`` created or
upgraded it); read accepted records for linkage with ``read_records(engine)`` or, a batch at
a time, ``iter_record_batches(engine)``.

Cheap to import: the bulk reads (PyArrow) load on first use (PEP 562), and Alembic only
when a register is created or upgraded (``engine.py``).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from musterroll.store import dna_models as dna_models  # noqa: F401 - tables on Base
from musterroll.store import linkage_models as linkage_models  # noqa: F401 - tables on Base
from musterroll.store import search_models as search_models  # noqa: F401 - tables on Base
from musterroll.store import status_models as status_models  # noqa: F401 - tables on Base
from musterroll.store import web_models as web_models  # noqa: F401 - tables on Base
from musterroll.store.audit import append_audit, read_audit
from musterroll.store.engine import (
    RegisterError,
    create_register_engine,
    head_revision,
    init_register,
    open_register,
    register_revision,
    session_factory,
)
from musterroll.store.models import (
    CANONICAL_FIELDS,
    CANONICAL_STATUSES,
    SOURCE_KINDS,
    AuditEntry,
    Base,
    File,
    QuarantinedRow,
    Record,
    Source,
)

if TYPE_CHECKING:
    from musterroll.store.read import (
        RECORD_COLUMNS,
        iter_record_batches,
        list_files,
        list_quarantine,
        list_records,
        list_sources,
        read_records,
    )

_READ = {"RECORD_COLUMNS", "iter_record_batches", "list_files", "list_quarantine",
         "list_records", "list_sources", "read_records"}

__all__ = [
    "CANONICAL_FIELDS",
    "CANONICAL_STATUSES",
    "RECORD_COLUMNS",
    "SOURCE_KINDS",
    "AuditEntry",
    "Base",
    "File",
    "QuarantinedRow",
    "Record",
    "RegisterError",
    "Source",
    "append_audit",
    "create_register_engine",
    "head_revision",
    "init_register",
    "iter_record_batches",
    "list_files",
    "list_quarantine",
    "list_records",
    "list_sources",
    "open_register",
    "read_audit",
    "read_records",
    "register_revision",
    "session_factory",
]


def __getattr__(name: str) -> Any:
    """Load the bulk reads (and PyArrow) on first use of one of them."""
    if name in _READ:
        return getattr(import_module("musterroll.store.read"), name)
    raise AttributeError(f"module 'musterroll.store' has no attribute {name!r}")
