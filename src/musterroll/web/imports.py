"""Exchange and repatriation lists uploaded from the browser, imported as the CLI does.

The upload is written under its own (cleaned) file name into a private temporary folder
and handed to ``casework.exchange.import_exchange`` or
``casework.repatriation.import_repatriation`` exactly as ``musterroll exchange import``
and ``musterroll repatriation import`` hand it: the sources stage keeps every row
verbatim with the file's sha256 and row numbers, so nothing is lost when the folder goes.
The report adds the rows that could not be read (row, column, reason) and the rows
accepted with warnings, so that a caseworker can fix the file.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from musterroll.store.models import files_table, quarantine_table, records_table

__all__ = ["MAX_UPLOAD_BYTES", "ImportFailed", "clean_name", "import_upload"]

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
SHOWN_ROWS = 200


class ImportFailed(ValueError):
    """An upload that could not be imported; the message names the file and the fix."""


def clean_name(name: str | None, *, default: str = "upload.csv") -> str:
    """Return a safe file name for an upload: its last path part, odd characters as '_'."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = re.sub(r"[^\w.\- ]", "_", base)[:120].lstrip(".")
    return base or default


def _problems(engine: Engine, file_id: int) -> dict[str, Any]:
    q, r = quarantine_table.c, records_table.c
    with engine.connect() as conn:
        quarantined = conn.execute(select(q.row, q.column, q.reason).where(
            q.file_id == file_id).order_by(q.row).limit(SHOWN_ROWS)).all()
        warned = conn.execute(select(r.row, r.warnings).where(
            r.file_id == file_id, r.warnings.is_not(None)).order_by(r.row)
            .limit(SHOWN_ROWS)).all()
        stored = conn.execute(select(files_table.c.sha256, files_table.c.version,
                                     files_table.c.accepted).where(
            files_table.c.id == file_id)).one()
    return {
        "quarantined_rows": [{"row": x.row, "column": x.column, "reason": x.reason}
                             for x in quarantined],
        "warned_rows": [{"row": x.row, "warnings": json.loads(x.warnings)} for x in warned
                        if x.warnings and x.warnings != "[]"],
        "sha256": stored.sha256, "version": stored.version, "accepted": stored.accepted,
    }


def import_upload(engine: Engine, filename: str | None, data: bytes,
                  run: Callable[[Path, Path | None], Any], *,
                  mapping: bytes | None = None) -> dict[str, Any]:
    """Import uploaded bytes with `run` and return its report with the problem rows.

    Args:
        engine: the register.
        filename: the name the browser sent (only its cleaned last part is used).
        data: the file's bytes (at most ``MAX_UPLOAD_BYTES``).
        run: called with the saved file's path and the saved mapping's path (or None);
            returns a report with ``as_dict()`` and ``file_id`` (the import functions).
        mapping: an optional YAML mapping (header -> field), as ``--mapping`` takes.
    Returns:
        The report as a dict, with ``file`` (the name), ``sha256``, ``version``,
        ``accepted``, ``quarantined_rows`` and ``warned_rows`` (each at most 200).
    Raises:
        ImportFailed: an empty or too large upload, or the import's ValueError (a bad
            date or side, a file that cannot be read), its message naming the file.
    """
    name = clean_name(filename)
    if not data:
        raise ImportFailed(f"{name}: the file is empty; choose the list to import")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFailed(f"{name}: larger than {MAX_UPLOAD_BYTES // 2**20} MiB; import it "
                           "with the command line")
    with tempfile.TemporaryDirectory(prefix="musterroll-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        mapping_path = None
        if mapping:
            mapping_path = Path(folder) / "mapping.yaml"
            mapping_path.write_bytes(mapping)
        try:
            report = run(path, mapping_path)
        except ValueError as exc:
            message = str(exc).replace(str(path), name).replace(f"{folder}/", "")
            raise ImportFailed(message) from exc
    out: dict[str, Any] = {"file": name, **report.as_dict()}
    out.update(_problems(engine, int(report.file_id)))
    return out
