"""Features of each record that linkage compares: name keys and the parts of everything else.

Records come from the register as an Arrow table (``musterroll.store.read_records``). Each
feature is computed once per distinct value (a million records hold few distinct oblasts,
units or dates) and spread back, so the cost follows distinct values, not rows.

Features, beside the name keys of ``musterroll.names.KEY_COLUMNS``:

- ``birth_year``, ``birth_month``, ``birth_day`` (integers, null where the date stops
  short) and ``birth_date`` (the full ISO date, null when partial);
- ``unit_key`` (``в/ч А 1234`` -> ``А1234``, Latin look-alikes read as Cyrillic);
- ``oblast_key`` (a code from ``data/oblasts.csv``: Харківщина, Харківська обл. and
  Kharkiv are one oblast), ``settlement_key`` (the skeleton without ``м.``/``с.``);
- ``service_key`` (service number without spaces and dashes, upper case);
- ``sex_key``: the record's sex, else the sex its patronymic or surname shows;
- ``event_day`` (the event date as a day number) and ``event_place_key`` (its skeleton);
- ``status_group``: the group of the record's status (dead, missing, captive, alive), from the
  list's kind where the record has none (a burial register lists the dead);
- ``dedup``: whether the record's list is deduplicated by its publisher.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from musterroll.names import (
    KEY_COLUMNS,
    name_keys_frame,
    normalise_sex,
    parse_full_name,
    parse_full_names,
    skeleton_key,
)

__all__ = [
    "FEATURE_COLUMNS",
    "birth_parts",
    "build_features",
    "oblast_key",
    "settlement_key",
    "unit_key",
]

_BIRTH = ("birth_year", "birth_month", "birth_day", "birth_date")
_OTHER = ("unit_key", "oblast_key", "settlement_key", "service_key", "sex_key",
          "event_day", "event_place_key", "status_group")
# Identifying columns beyond names and dates, each null where the register has none.
_CONTACT = ("surname_initial", "service_sorted", "service_head", "service_tail",
            "document_key", "document_sorted", "document_head", "document_tail",
            "birth_place_key", "address_key", "address_compact", "address_numbers",
            "postcode_sorted",
            "postcode_key", "phone_key", "phone_tail", "email_key", "email_local",
            "occupation_key")
_NAME_FALLBACK = ("surname", "given_name", "patronymic")


FEATURE_COLUMNS: tuple[str, ...] = (
    ("unique_id", "source", "kind", "row", "dedup") + tuple(KEY_COLUMNS) + _BIRTH + _OTHER
    + _CONTACT
)


def birth_parts(text: object) -> tuple[int | None, int | None, int | None, str | None]:
    """Split a (possibly partial) ISO birth date into year, month, day and the full date.

    Args:
        text: "1990", "1990-05", "1990-05-12" or None.
    Returns:
        (year, month, day, full ISO date); None for each part the text lacks, and all None
        for text that is not an ISO date.
    """
    if not isinstance(text, str):
        return None, None, None, None
    parts = text.strip().split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None, None, None, None
    numbers = [int(p) if p.isdigit() else None for p in parts[:3]]
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else None
    day = numbers[2] if len(numbers) > 2 and month is not None else None
    full = f"{year:04d}-{month:02d}-{day:02d}" if day is not None and month else None
    return year, month, day, full


# Latin letters typed for their Cyrillic look-alikes in unit numbers (A1234 = А1234).
_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTX", "АВСЕНКМОРТХ")
_UNIT_PREFIX_RE = re.compile(r"^(в\s*/\s*ч|в\.\s*ч\.?|military unit|unit)\s*", re.IGNORECASE)


def unit_key(text: object) -> str | None:
    """Return a unit number's key: no "в/ч" prefix, no spaces, Cyrillic letters, upper case."""
    if not isinstance(text, str) or not text.strip():
        return None
    stripped = _UNIT_PREFIX_RE.sub("", text.strip())
    key = re.sub(r"[\s\-./]", "", stripped).upper().translate(_LATIN_TO_CYRILLIC)
    return key or None


def service_key(text: object) -> str | None:
    """Return a service number's key: upper case, Cyrillic look-alikes, no separators."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = re.sub(r"[\s\-./]", "", text).upper().translate(_LATIN_TO_CYRILLIC)
    return key or None


def identifier_parts(key: object) -> tuple[str | None, str | None, str | None]:
    """An identifier key's sorted characters, first half and second half.

    Two numbers one digit apart agree on one half, and two digits transposed have the
    same sorted characters: blocking on a half and comparing the sorted form find typos.
    """
    if not isinstance(key, str) or not key:
        return None, None, None
    middle = len(key) // 2
    return "".join(sorted(key)), key[:middle] or None, key[middle:]


_WORD_RE = re.compile(r"\w+")
# Words that say what kind of street a name is, in the languages lists come in: a list
# writes "вул." where another writes "вулиця" or nothing.
_STREET_WORDS = frozenset({
    "вул", "вулиця", "ул", "улица", "пров", "провулок", "пер", "переулок", "просп",
    "проспект", "пр", "бульв", "бульвар", "пл", "площа", "площадь", "буд", "будинок", "д",
    "дом", "кв", "квартира", "street", "st", "road", "rd", "avenue", "ave", "lane", "ln",
    "place", "pl", "drive", "dr", "circuit", "cct", "crescent", "cres", "court", "ct",
})


def address_key(text: object) -> str | None:
    """An address's words, script-free, without street-kind words, in sorted order.

    Sorted, so that the same parts written in another order (street before house, the
    two address lines swapped) give one key; a typo stays a small edit distance.
    """
    if not isinstance(text, str):
        return None
    words = [w for w in _WORD_RE.findall(text.casefold()) if w not in _STREET_WORDS]
    keys = sorted(skeleton_key(w) or w for w in words)
    return " ".join(keys) or None


def address_compact(text: object) -> str | None:
    """An address's letters and digits in their order, without spaces: a space typed
    inside a word ("s treet") or two lines run together change nothing."""
    if not isinstance(text, str):
        return None
    return "".join(_WORD_RE.findall(text.casefold())).replace("_", "") or None


def address_numbers(text: object) -> str | None:
    """The numbers of an address (house, flat), in order: specific to a household where
    the street's words are mistyped."""
    if not isinstance(text, str):
        return None
    return " ".join(re.findall(r"\d+", text)) or None


def address_parts(text: object) -> tuple[str | None, str | None, str | None]:
    """An address's three keys: sorted words, letters run together, its numbers."""
    return address_key(text), address_compact(text), address_numbers(text)


def postcode_key(text: object) -> str | None:
    """A postcode without spaces, upper case."""
    if not isinstance(text, str):
        return None
    return re.sub(r"\W", "", text).upper() or None


def phone_parts(text: object) -> tuple[str | None, str | None]:
    """A phone number's digits (ingest stores E.164) and its last seven digits."""
    if not isinstance(text, str):
        return None, None
    digits = re.sub(r"\D", "", text)
    if len(digits) < 5:
        return None, None
    return digits, digits[-7:]


def email_parts(text: object) -> tuple[str | None, str | None]:
    """An e-mail address in lower case and its mailbox name (the part before @)."""
    if not isinstance(text, str) or "@" not in text:
        return None, None
    email = text.strip().casefold()
    return email, email.split("@", 1)[0] or None


def text_key(text: object) -> str | None:
    """Free text (an occupation) folded: lower case, one space between words."""
    if not isinstance(text, str):
        return None
    return " ".join(_WORD_RE.findall(text.casefold())) or None


@lru_cache(maxsize=1)
def _oblast_stems() -> list[tuple[str, str]]:
    """(stem, code) pairs from data/oblasts.csv, longest stem first."""
    text = resources.files("musterroll.linkage").joinpath("data/oblasts.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    pairs = [
        (stem, row["code"])
        for row in csv.DictReader(lines)
        for stem in row["stems"].split("|")
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


_OBLAST_NOISE_RE = re.compile(
    r"\b(обл\.?|область|області|oblast|region|м\.|г\.|ар|ар\.|автономна республіка)(?=\s|$)",
    re.IGNORECASE,
)


def oblast_key(text: object) -> str | None:
    """Return the code of the oblast a list names in any style, or None when unknown."""
    if not isinstance(text, str) or not text.strip():
        return None
    cleaned = _OBLAST_NOISE_RE.sub(" ", text.casefold().replace("’", "'"))
    cleaned = " ".join(cleaned.split())
    for stem, code in _oblast_stems():
        if cleaned.startswith(stem):
            return code
    return None


_SETTLEMENT_PREFIX_RE = re.compile(
    r"^(м\.|с\.|смт\.?|сел\.|г\.|пос\.|село|місто|city of|m\.|s\.)\s*", re.IGNORECASE
)


def settlement_key(text: object) -> str | None:
    """Return a settlement's key: without "м."/"с." and the like, as a script-free skeleton."""
    if not isinstance(text, str) or not text.strip():
        return None
    key = skeleton_key(_SETTLEMENT_PREFIX_RE.sub("", text.strip()))
    return key or None


_STATUS_GROUPS = {
    "killed": "dead", "remains_recovered": "dead", "identified": "dead",
    "declared_dead": "dead", "missing": "missing", "captured": "captive",
    "released": "captive", "found_alive": "alive",
}
# The status a list of each kind implies when its rows carry none (official lists hold
# both the dead and the missing, so they imply nothing).
_KIND_STATUS_GROUPS = {
    "family_report": "missing", "burial": "dead", "repatriation": "dead",
    "open_source": "dead", "exchange": "captive", "adversary": "captive",
}


def _status_groups(status: pd.Series, kinds: pd.Series) -> pd.Series:
    """The status group of each record: from its status, else from its list's kind."""
    groups = status.map(_STATUS_GROUPS)
    groups = groups.fillna(kinds.map(_KIND_STATUS_GROUPS)).astype(object)
    return groups.where(lambda v: v.notna(), None)


_EPOCH = pd.Timestamp("1970-01-01")


def event_day(text: object) -> int | None:
    """Return a full ISO event date as days since 1970-01-01 (None when partial or absent).

    Days as integers compare alike in DuckDB and Spark (their date functions differ).
    """
    year, month, day, full = birth_parts(text)
    if full is None:
        return None
    try:
        return int((pd.Timestamp(full) - _EPOCH).days)
    except ValueError:
        return None


def _spread(values: pd.Series, compute: Callable[[Any], Any]) -> np.ndarray:
    """Apply `compute` to each distinct value of `values` and spread back to every row.

    Returns an object array aligned with `values`; indexing a table of the distinct
    results is vectorised, so the cost follows the distinct values, not the rows.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        table[i] = compute(value)
    table[-1] = compute(None)  # the code -1 (a missing value) takes the last entry
    return table[codes]


def _spread_parts(values: pd.Series, compute: Callable[[Any], tuple[Any, ...]],
                  parts: int) -> list[np.ndarray]:
    """Like `_spread` for a `compute` returning a tuple: one array per part."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    results = [compute(value) for value in uniques] + [compute(None)]
    columns = []
    for k in range(parts):
        table = np.empty(len(results), dtype=object)
        for i, result in enumerate(results):
            table[i] = result[k]
        columns.append(table[codes])
    return columns


def _column(table: pa.Table, name: str) -> pd.Series:
    if name not in table.column_names:
        return pd.Series([None] * table.num_rows, dtype=object)
    values = table.column(name).to_pandas()
    return values.astype(object).where(values.notna(), None)


# A call sign in quotes inside a full name (Ivan "Sokil" Melnyk) is not a name part.
_CALL_SIGN_RE = re.compile(r"[\"«“„”][^\"«»“”„]*[\"»”“]")


def _reparse(full_name: object) -> tuple[str | None, str | None, str | None] | None:
    """Parts of a full name with any call sign dropped; None when it needs no repair.

    Ingest splits ``Ivan "Sokil" Melnyk`` into surname Melnyk, given Ivan and the call sign
    as patronymic, and ``Oles Plastovych`` (a surname in -ovych) into given name and
    patronymic with no surname. A list gives a surname far more often than a bare
    patronymic, so the second word of a two-word name is read as the surname here.
    """
    if not isinstance(full_name, str):
        return None
    cleaned = " ".join(_CALL_SIGN_RE.sub(" ", full_name).split())
    if not cleaned:
        return None
    parsed = parse_full_name(cleaned)
    surname, given, patronymic = parsed.surname, parsed.given_name, parsed.patronymic
    if surname is None and patronymic is not None and len(cleaned.split()) == 2:
        surname, patronymic = patronymic, None
    return surname, given, patronymic


def _needs_repair(parts: pd.DataFrame, full_names: pd.Series) -> np.ndarray:
    has_call_sign = full_names.str.contains(_CALL_SIGN_RE, na=False).to_numpy()
    no_surname = (
        parts["surname"].isna() & parts["patronymic"].notna() & full_names.notna()
    ).to_numpy()
    return has_call_sign | no_surname


def _name_parts(table: pa.Table) -> pd.DataFrame:
    """Surname, given name and patronymic of each record.

    Parsed from full_name where all three are empty, and re-parsed where ingest read a
    call sign or a two-word name wrongly (see `_reparse`).
    """
    parts = pd.DataFrame({name: _column(table, name) for name in _NAME_FALLBACK})
    full_names = _column(table, "full_name")
    empty = parts.isna().all(axis=1).to_numpy() & full_names.notna().to_numpy()
    if empty.any():
        parsed = parse_full_names(full_names[empty].tolist())
        for name in _NAME_FALLBACK:
            parts.loc[empty, name] = parsed[name].to_numpy()
    repair = _needs_repair(parts, full_names)
    if repair.any():
        fixed = _spread(full_names[repair].reset_index(drop=True), _reparse)
        rows = np.flatnonzero(repair)
        for k, value in zip(rows.tolist(), fixed, strict=True):
            if value is not None:
                parts.iloc[k, :] = list(value)
    return parts


# Notes by which a publisher marks a row as a correction re-issued for a person it has
# listed before (the simulated death notices' "уточнення"): its lists are deduplicated
# but for these rows, which may join that person's earlier row.
CORRECTION_NOTES = ("уточнення", "уточнение", "correction")


def _is_correction(notes: pd.Series) -> np.ndarray:
    folded = notes.map(lambda v: v.strip().lower() if isinstance(v, str) else "")
    return folded.isin(CORRECTION_NOTES).to_numpy()


def build_features(table: pa.Table, *, dedup_kinds: Iterable[str] = ("official",)) -> pd.DataFrame:
    """Return the linkage features of every record, one row per record, in input order.

    Args:
        table: records as ``musterroll.store.read_records`` returns them (record_id,
            source, kind, row and the canonical fields).
        dedup_kinds: source kinds whose lists the publisher deduplicates (two records of
            one such list are two people), but for rows it marks as corrections
            (``CORRECTION_NOTES``).
    Returns:
        A DataFrame with the columns of ``FEATURE_COLUMNS``; ``unique_id`` is record_id.
        Missing values are None (numbers: pandas nullable Int64).
    """
    parts = _name_parts(table)
    keys = name_keys_frame(parts, sex=None)
    sex_given = pd.Series(_spread(_column(table, "sex"), normalise_sex), dtype=object)
    sex = sex_given.fillna(keys["patronymic_sex"]).fillna(keys["surname_sex"])
    births = dict(zip(_BIRTH, _spread_parts(_column(table, "birth_date"), birth_parts, 4),
                      strict=True))
    kinds = _column(table, "kind")
    out = pd.DataFrame({
        "unique_id": np.asarray(table.column("record_id").to_numpy(), dtype=np.int64),
        "source": _column(table, "source"),
        "kind": kinds,
        "row": np.asarray(table.column("row").to_numpy(), dtype=np.int64),
        "dedup": kinds.isin(list(dedup_kinds)).to_numpy()
        & ~_is_correction(_column(table, "note")),
    })
    out = pd.concat([out, keys.reset_index(drop=True)], axis=1)
    for name in ("birth_year", "birth_month", "birth_day"):
        out[name] = pd.array(births[name], dtype="Int64")
    out["birth_date"] = births["birth_date"]
    out["unit_key"] = _spread(_column(table, "unit"), unit_key)
    out["oblast_key"] = _spread(_column(table, "oblast"), oblast_key)
    out["settlement_key"] = _spread(_column(table, "settlement"), settlement_key)
    out["service_key"] = _spread(_column(table, "service_number"), service_key)
    out["sex_key"] = sex.where(sex.notna(), None)
    out["event_day"] = pd.array(_spread(_column(table, "event_date"), event_day), dtype="Int64")
    out["event_place_key"] = _spread(_column(table, "event_place"), settlement_key)
    out["status_group"] = _status_groups(_column(table, "status"), kinds).to_numpy()
    _add_contact_features(out, table)
    return out[list(FEATURE_COLUMNS)]


def _add_contact_features(out: pd.DataFrame, table: pa.Table) -> None:
    """Identifier halves, places, address, postcode, phone, e-mail and occupation keys."""
    out["surname_initial"] = out["surname_translit"].str[:1]
    service = _spread_parts(out["service_key"], identifier_parts, 3)
    out["service_sorted"], out["service_head"], out["service_tail"] = service
    out["document_key"] = _spread(_column(table, "document_number"), service_key)
    document = _spread_parts(out["document_key"], identifier_parts, 3)
    out["document_sorted"], out["document_head"], out["document_tail"] = document
    out["birth_place_key"] = _spread(_column(table, "birth_place"), settlement_key)
    addresses = _spread_parts(_column(table, "address"), address_parts, 3)
    out["address_key"], out["address_compact"], out["address_numbers"] = addresses
    out["postcode_key"] = _spread(_column(table, "postcode"), postcode_key)
    out["postcode_sorted"] = _spread_parts(out["postcode_key"], identifier_parts, 3)[0]
    out["phone_key"], out["phone_tail"] = _spread_parts(_column(table, "phone"), phone_parts, 2)
    out["email_key"], out["email_local"] = _spread_parts(_column(table, "email"), email_parts, 2)
    out["occupation_key"] = _spread(_column(table, "occupation"), text_key)
