"""Reading the simulator's data files (data/*.csv, *.txt, *.yaml) and small array helpers."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

StrArray = np.ndarray  # one-dimensional object array of str


def read(name: str) -> str:
    """Return the text of a file under data/."""
    return resources.files("musterroll.simulate").joinpath("data").joinpath(name).read_text(
        "utf-8"
    )


def read_rows(name: str) -> list[dict[str, str]]:
    """Read a data CSV, skipping `#` comment lines."""
    text = read(name)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def text_lines(name: str) -> list[str]:
    """Read a one-entry-a-line data file, skipping comments and blanks."""
    text = read(name)
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def obj(values: list[str]) -> StrArray:
    """Return a one-dimensional object array of strings."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def zipf(n: int, exponent: float, offset: float) -> np.ndarray:
    """Return normalised Zipf-like weights 1/(rank+offset)^exponent for ranks 1..n."""
    w = 1.0 / (np.arange(1, n + 1) + offset) ** exponent
    return np.asarray(w / w.sum())
