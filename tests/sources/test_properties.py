"""Property tests: whatever bytes arrive as a CSV, every row is ingested or quarantined."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from musterroll.sources import IngestError, ingest_file
from musterroll.store import list_quarantine, read_records
from musterroll.store.models import quarantine_table, records_table

# MUSTERROLL_HYPOTHESIS_EXAMPLES raises the number of examples for a deeper search.
SETTINGS = settings(
    max_examples=int(os.environ.get("MUSTERROLL_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def stored(engine: Engine, file_id: int) -> tuple[int, int]:
    with engine.connect() as conn:
        records = conn.execute(
            select(func.count()).where(records_table.c.file_id == file_id)
        ).scalar_one()
        quarantined = conn.execute(
            select(func.count()).where(quarantine_table.c.file_id == file_id)
        ).scalar_one()
    return records, quarantined


_counter = iter(range(10**9))


def ingest_bytes(engine: Engine, folder: Path, data: bytes) -> tuple[int, int, int, int]:
    path = folder / f"list{next(_counter)}.csv"
    path.write_bytes(data)
    try:
        summary = ingest_file(engine, path, source=path.stem)
    except IngestError as exc:
        # Binary data is refused whole, in one line naming the file, and nothing is written.
        assert str(exc).startswith(f"{path}: this is not a list") and "\n" not in str(exc)
        assert list_quarantine(engine, source=path.stem, limit=10) == []
        return 0, 0, 0, -1
    assert summary.accepted + summary.quarantined == summary.rows
    assert stored(engine, summary.file_id) == (summary.accepted, summary.quarantined)
    reasons = [q["reason"] for q in list_quarantine(engine, source=path.stem, limit=10**6)]
    assert all(reasons), "every quarantined row has a reason"
    return summary.rows, summary.accepted, summary.quarantined, summary.file_id


HEADERS = st.one_of(
    st.sampled_from(
        [b"surname,given_name,birth_date,status\n",
         "Прізвище;Ім'я;Дата народження;Статус\n".encode(),
         "Фамилия\tИмя\n".encode("cp1251"), b""]
    ),
    st.binary(max_size=40).map(lambda header: header + b"\n"),  # NUL, bad bytes, anything
)  # fmt: skip


@SETTINGS
@given(header=HEADERS, body=st.binary(max_size=400))
def test_any_bytes_are_ingested_or_quarantined_never_lost(
    register: Engine, tmp_path: Path, header: bytes, body: bytes
) -> None:
    ingest_bytes(register, tmp_path, header + body)


CELL = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff"),
               max_size=12)  # fmt: skip
STATUS = st.sampled_from(["загинув", "MIA", "в полоні", "", "на лікуванні"])
DATE = st.sampled_from(["01.02.1990", "1990", "31.02.1990", "", "44927", "вчора"])


@SETTINGS
@given(rows=st.lists(st.tuples(CELL, CELL, DATE, STATUS, CELL), max_size=12))
def test_every_written_row_comes_back_verbatim_as_a_record_or_in_quarantine(
    register: Engine, tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["surname", "given_name", "birth_date", "status", "note"])
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    # Rows that are blank at the very end of a file are not data (see readers.py).
    expected = list(rows)
    while expected and not "".join(expected[-1]).strip():
        expected.pop()
    count, accepted, quarantined, file_id = ingest_bytes(register, tmp_path, data)
    assert count == len(expected)
    source = f"list{next(_counter) - 1}"
    back: dict[int, list[str]] = {}
    for record in read_records(register, sources=[source], include_verbatim=True).to_pylist():
        back[record["row"]] = json.loads(record["verbatim"])
    for row in list_quarantine(register, source=source, limit=10**6):
        back[row["row"]] = json.loads(row["verbatim"])
    assert sorted(back) == list(range(1, count + 1))
    for number, cells in back.items():
        original = list(expected[number - 1])
        # A line that is empty holds no cells; csv writes a row of empty cells that way.
        assert cells == original or (not "".join(original) and cells in ([], [""] * 5)), number


NAME = st.text(st.characters(whitelist_categories=("Lu", "Ll")), min_size=1, max_size=10)
ANY = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@SETTINGS
@given(rows=st.lists(st.tuples(NAME, ANY, ANY, ANY, ANY, ANY), min_size=1, max_size=10))
def test_a_row_with_a_name_is_never_quarantined_for_its_other_fields(
    register: Engine, tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    # Issue 14: whatever garbage fills the dates, status, sex, phone and e-mail.
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["surname", "birth_date", "status", "sex", "phone", "email"])
    writer.writerows(rows)
    count, accepted, quarantined, _ = ingest_bytes(
        register, tmp_path, buffer.getvalue().encode("utf-8")
    )
    assert (count, accepted, quarantined) == (len(rows), len(rows), 0)
