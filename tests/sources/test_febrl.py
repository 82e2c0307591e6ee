"""A list shaped like the FEBRL benchmark files ingests whole (issue 14).

The rows are synthetic: made up here from small word lists with a seeded generator, in
the raw FEBRL shape (English headers, ", " between cells, yyyymmdd dates, some impossible
and some empty, a record id column the vocabulary does not know).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from sqlalchemy import Engine

from musterroll.sources import ingest_file
from musterroll.store import list_quarantine, read_records

HEADER = ["rec_id", "given_name", "surname", "street_number", "address_1", "address_2",
          "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"]  # fmt: skip
GIVEN = ["alice", "bruno", "chloe", "dmytro", "ella", "felix", "greta", "hugo", ""]
SURNAMES = ["adams", "baker", "carter", "dolan", "evans", "foster", "grant", ""]
STREETS = ["elm street", "oak avenue", "hill road", "", "river parade"]
PLACES = ["wintersloe", "", "the oaks", "kirribilli"]
SUBURBS = ["northgate", "westmead", "", "eastwood"]
STATES = ["nsw", "vic", "qld", ""]
IMPOSSIBLE = ["19451393", "19371233", "19600230", "19990000", "2001o101"]


def _date(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return ""
    if roll < 0.2:
        return rng.choice(IMPOSSIBLE)
    return f"{rng.randint(1900, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        rows.append([
            f"rec-{i}-org", rng.choice(GIVEN), rng.choice(SURNAMES),
            rng.choice(["", str(rng.randint(1, 200))]), rng.choice(STREETS),
            rng.choice(PLACES), rng.choice(SUBURBS), str(rng.randint(2000, 7999)),
            rng.choice(STATES), _date(rng), str(rng.randint(1_000_000, 9_999_999)),
        ])  # fmt: skip
    # Hand-made edge rows: the dates the issue measured, a birth year before 1850, no
    # name but an identifier, and nothing that identifies anybody.
    rows += [
        ["rec-a-org", "ivy", "hart", "4", "elm street", "", "westmead", "2145", "nsw",
         "19451393", "1234567"],
        ["rec-b-org", "jack", "lane", "", "", "", "", "", "", "18120101", "2345678"],
        ["rec-c-org", "", "", "", "oak avenue", "", "", "", "", "19700101", "3456789"],
        ["rec-d-org", "", "", "9", "hill road", "", "eastwood", "2122", "nsw", "1937123", ""],
    ]  # fmt: skip
    return rows


def _write(path: Path, rows: list[list[str]]) -> Path:
    lines = [", ".join(HEADER), *(", ".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def test_a_febrl_shaped_list_loses_no_row_to_a_date(register: Engine, tmp_path: Path) -> None:
    rows = _rows(300, seed=14)
    summary = ingest_file(register, _write(tmp_path / "febrl.csv", rows), source="febrl")
    assert summary.rows == len(rows)
    # Only the row without a name part or an identifier is quarantined, and not for a date.
    assert [(q["row"], q["reason"].split(" (")[0]) for q in list_quarantine(register)] == [
        (len(rows), "no name and no identifier")
    ]
    assert summary.extras == ["rec_id"]
    records = {r["row"]: r for r in read_records(register).to_pylist()}
    for number, row in enumerate(rows, start=1):
        if number == len(rows):
            continue
        record, written = records[number], row[9]
        warnings = json.loads(record["warnings"] or "[]")
        about_birth = [w for w in warnings if "date_of_birth" in w]
        if written in IMPOSSIBLE:
            assert record["birth_date"] is None
            assert about_birth and f"'{written}'" in about_birth[0], (number, warnings)
        elif written:
            assert record["birth_date"] == f"{written[:4]}-{written[4:6]}-{written[6:]}"
            assert not about_birth
        assert record["document_number"] == (row[10] or None)
        assert record["settlement"] == (row[6] or None)
        assert record["address"] == (", ".join(p for p in row[3:6] if p) or None)


def test_a_birth_year_before_1850_is_kept_with_a_warning(register: Engine, tmp_path: Path) -> None:
    rows = _rows(0, seed=0)
    ingest_file(register, _write(tmp_path / "febrl.csv", rows), source="febrl")
    lane = next(r for r in read_records(register).to_pylist() if r["surname"] == "lane")
    assert lane["birth_date"] == "1812-01-01"
    assert json.loads(lane["warnings"]) == [
        "birth_date 1812-01-01 is before 1850: implausible, kept as read"
    ]
    nameless = next(r for r in read_records(register).to_pylist() if r["row"] == 3)
    assert (nameless["surname"], nameless["document_number"]) == (None, "3456789")
