"""Realistic dirt, at low rates: typos, Latin look-alikes, apostrophe forms, partial and
impossible dates, empty fields, diminutives.

Each function changes a chosen share of rows of one column in place and draws only from
the generator it is given, so the same seed gives the same dirt.
"""

from __future__ import annotations

import numpy as np

from musterroll.simulate.render import dates

# Keyboard rows of the Ukrainian and Russian ЙЦУКЕН layouts: a slip hits a neighbour.
LAYOUTS = {"uk": ["йцукенгшщзхї", "фівапролджє", "ячсмитьбю"],
           "ru": ["йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"]}
NEIGHBOURS: dict[str, dict[str, str]] = {
    name: {ch: row[max(i - 1, 0): i] + row[i + 1: i + 2]
           for row in rows for i, ch in enumerate(row)}
    for name, rows in LAYOUTS.items()
}
# Sounds that spelling confuses (Ukrainian и/і, е/є; Russian е/и, ы/и; unstressed о/а).
CONFUSABLE = {"uk": {"и": "і", "і": "и", "е": "и", "є": "е", "о": "а", "а": "о", "ї": "і",
                     "г": "х", "ц": "с", "ш": "щ", "щ": "ш"},
              "ru": {"е": "и", "и": "е", "ы": "и", "о": "а", "а": "о", "э": "е", "ш": "щ",
                     "щ": "ш"}}
# Cyrillic letters and the Latin letters that look the same (typed on the wrong layout).
LOOKALIKES = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "і": "i",
              "у": "y", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
              "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "І": "I"}
IMPOSSIBLE_DAYS = ["31.02", "30.02", "29.02", "31.04", "31.06", "31.09", "31.11", "00.05",
                   "15.13", "32.01"]


def pick(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    """Indices of the rows (out of n) that get a kind of dirt at `rate`."""
    return np.flatnonzero(rng.random(n) < rate)


def typo(text: str, op: int, pos: float, alt: float, layout: str = "uk") -> str:
    """Make one typing slip in text.

    Args:
        text: the word.
        op: 0 neighbouring key, 1 dropped letter, 2 doubled letter, 3 swapped letters,
            4 confused sound.
        pos: where, as a share of the length (0..1).
        alt: choice among alternatives (0..1).
        layout: "uk" or "ru": the typist's keyboard and spelling habits.
    Returns:
        the word with the slip; words of one or two letters come back unchanged.
    """
    if len(text) < 3:
        return text
    i = 1 + int(pos * (len(text) - 2))  # keep the first letter: it is rarely mistyped
    ch = text[i].lower()
    if op == 0 and NEIGHBOURS[layout].get(ch):
        keys = NEIGHBOURS[layout][ch]
        return text[:i] + keys[int(alt * len(keys))] + text[i + 1:]
    if op == 1:
        return text[:i] + text[i + 1:]
    if op == 2:
        return text[:i] + text[i] + text[i:]
    if op == 3 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if ch in CONFUSABLE[layout]:
        return text[:i] + CONFUSABLE[layout][ch] + text[i + 1:]
    return text[:i] + text[i + 1:]


def add_typos(rng: np.random.Generator, column: np.ndarray, rate: float, layout: str = "uk"
              ) -> None:
    """Put one typing slip into `rate` of the non-empty values of a column, in place;
    layout "uk" or "ru" is the typist's keyboard."""
    rows = pick(rng, len(column), rate)
    ops, pos, alt = rng.integers(0, 5, len(rows)), rng.random(len(rows)), rng.random(len(rows))
    for k, r in enumerate(rows.tolist()):
        if column[r]:
            column[r] = typo(column[r], int(ops[k]), float(pos[k]), float(alt[k]), layout)


def add_lookalikes(rng: np.random.Generator, column: np.ndarray, rate: float) -> None:
    """Replace one Cyrillic letter by its Latin look-alike in `rate` of values, in place."""
    rows = pick(rng, len(column), rate)
    pos = rng.random(len(rows))
    for k, r in enumerate(rows.tolist()):
        text = column[r]
        spots = [i for i, ch in enumerate(text) if ch in LOOKALIKES]
        if spots:
            i = spots[int(pos[k] * len(spots))]
            column[r] = text[:i] + LOOKALIKES[text[i]] + text[i + 1:]


def set_apostrophes(
    rng: np.random.Generator, column: np.ndarray, forms: str, weights: list[float]
) -> None:
    """Write the apostrophe of each value in one of `forms` (', ’, ʼ, `), in place.

    Args:
        forms: the candidate characters.
        weights: their shares on this list (a list keeps to one form mostly).
    """
    rows = [i for i, v in enumerate(column.tolist()) if "'" in v]
    choice = rng.choice(len(forms), len(rows), p=np.array(weights) / sum(weights))
    for r, c in zip(rows, choice.tolist(), strict=True):
        column[r] = column[r].replace("'", forms[c])


def impossible_dates(rng: np.random.Generator, column: np.ndarray, rate: float) -> np.ndarray:
    """Replace `rate` of dd.mm.yyyy values by impossible dates (31.02.1990), in place.

    Returns:
        the indices of the rows changed.
    """
    rows = np.array([r for r in pick(rng, len(column), rate).tolist() if len(column[r]) == 10],
                    dtype=np.int64)
    bad = rng.integers(0, len(IMPOSSIBLE_DAYS), len(rows))
    for r, b in zip(rows.tolist(), bad.tolist(), strict=True):
        column[r] = IMPOSSIBLE_DAYS[b] + column[r][5:]
    return rows


def misdate(rng: np.random.Generator, column: np.ndarray, rate: float) -> None:
    """Get `rate` of dd.mm.yyyy dates wrong the way clerks do, in place: day and month
    swapped, the year off by one, or a mistyped day (dates stay valid)."""
    rows = [r for r in pick(rng, len(column), rate).tolist() if len(column[r]) == 10]
    kinds, deltas = rng.integers(0, 3, len(rows)), rng.integers(1, 28, len(rows))
    for r, kind, delta in zip(rows, kinds.tolist(), deltas.tolist(), strict=True):
        day, month, year = column[r].split(".")
        if kind == 0 and int(day) <= 12 and day != month:
            column[r] = f"{month}.{day}.{year}"
        elif kind == 1:
            column[r] = f"{day}.{month}.{int(year) + (1 if delta % 2 else -1)}"
        else:
            column[r] = f"{delta:02d}.{month}.{year}"


def duplicate(rng: np.random.Generator, idx: np.ndarray, rate: float) -> np.ndarray:
    """Repeat `rate` of the persons of a list (the same person entered twice, from two
    sources or by two volunteers); the repeats get their own dirt later."""
    return np.concatenate([idx, idx[pick(rng, len(idx), rate)]])


def swap_columns(rng: np.random.Generator, first: np.ndarray, second: np.ndarray,
                 rate: float) -> None:
    """Swap two columns' values in `rate` of rows, in place (a surname typed into the
    given-name box and the other way round)."""
    rows = pick(rng, len(first), rate)
    first[rows], second[rows] = second[rows].copy(), first[rows].copy()


def sloppy_spacing(rng: np.random.Generator, column: np.ndarray, rate: float) -> None:
    """Add a trailing space, or a leading one (doubled inside two-word values), to `rate`
    of the non-empty values, in place."""
    rows = pick(rng, len(column), rate)
    kind = rng.random(len(rows)) < 0.7
    for r, trailing in zip(rows.tolist(), kind.tolist(), strict=True):
        value = column[r]
        if not value:
            continue
        if trailing:
            column[r] = value + " "
        else:
            column[r] = value.replace(" ", "  ", 1) if " " in value else " " + value


def capitalise_rows(rng: np.random.Generator, columns: list[np.ndarray], rate: float
                    ) -> None:
    """Write `rate` of rows in capitals across the given columns, in place (caps lock)."""
    rows = pick(rng, len(columns[0]), rate)
    for column in columns:
        column[rows] = [v.upper() for v in column[rows].tolist()]


def blank(rng: np.random.Generator, column: np.ndarray, rate: float) -> np.ndarray:
    """Empty `rate` of the values of a column (a surname left out), in place."""
    rows = pick(rng, len(column), rate)
    column[rows] = ""
    return rows


def partial_dates(
    rng: np.random.Generator, days: np.ndarray, shares: dict[str, float]
) -> np.ndarray:
    """Format birth days as a family writes them: full, year only, month and year, none.

    Args:
        days: day numbers.
        shares: shares of "dmy", "my", "y" and "" (no date); they are normalised.
    Returns:
        an object array of strings.
    """
    styles = list(shares)
    which = rng.choice(len(styles), len(days), p=np.array(list(shares.values())) /
                       sum(shares.values()))
    out = np.full(len(days), "", dtype=object)
    for k, style in enumerate(styles):
        rows = which == k
        if style:
            out[rows] = dates(days[rows], style, valid=np.ones(int(rows.sum()), bool))
    return out


def swap_some(rng: np.random.Generator, column: np.ndarray, options: list[list[str]],
              codes: np.ndarray, rate: float) -> None:
    """Replace `rate` of values by one of their alternatives (a diminutive), in place.

    Args:
        column: the values (e.g. given names).
        options: alternatives per code (e.g. diminutives per given name).
        codes: the code of each row's value.
    """
    rows = pick(rng, len(column), rate)
    alt = rng.random(len(rows))
    for r, a in zip(rows.tolist(), alt.tolist(), strict=True):
        choices = options[codes[r]]
        if choices and choices[0]:
            column[r] = choices[int(a * len(choices))]
