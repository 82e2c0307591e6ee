"""A plain Splink 5 set-up in the style of Splink's tutorials: the yardstick for musterroll.

Every comparable column present gets a comparison from Splink's library with its usual
levels (NameComparison, DateOfBirthComparison, DamerauLevenshtein for identifiers,
Levenshtein for places and streets, ExactMatch for codes), term frequencies on names and
places; lambda from deterministic rules, u by random sampling, m by EM on several
blocking rules; predictions clustered at probability 0.95. Nothing is tuned to the data
beyond lower-casing and, for war records with only a full name, splitting it in words.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, cast

from _linkage_common import duckdb_connection, read_register_records, write_cluster_persons

__all__ = ["link_plain", "read_febrl_frame", "read_war_frame"]

CLUSTER_THRESHOLD = 0.95
# Above this many records, name-only blocks get too big for a baseline of minutes.
BIG = 300_000


def _comparison(column: str, kind: str, *, date_format: str) -> Any:
    """One Splink comparison for `column` of `kind` (name, date, id, place, code)."""
    import splink.comparison_library as cl

    if kind == "name":
        return cl.NameComparison(column).configure(term_frequency_adjustments=True)
    if kind == "date":
        return cl.DateOfBirthComparison(column, input_is_string=True,
                                        datetime_format=date_format, invalid_dates_as_null=True)
    if kind == "id":
        return cl.DamerauLevenshteinAtThresholds(column, [1, 2])
    if kind == "place":
        return cl.LevenshteinAtThresholds(column, [1, 2]).configure(
            term_frequency_adjustments=True)
    if kind == "code":
        return cl.ExactMatch(column).configure(term_frequency_adjustments=True)
    raise ValueError(f"unknown comparison kind {kind!r} for {column}")


FEBRL_KINDS = {"given_name": "name", "surname": "name", "date_of_birth": "date",
               "soc_sec_id": "id", "street_number": "code", "address_1": "place",
               "address_2": "place", "suburb": "place", "postcode": "id", "state": "code"}
WAR_KINDS = {"surname": "name", "given_name": "name", "patronymic": "name",
             "birth_date": "date", "sex": "code", "oblast": "code", "settlement": "place",
             "unit": "code", "service_number": "id"}


def read_febrl_frame(lists: list[tuple[str, Path]]) -> list[Any]:
    """Read FEBRL lists (their own headers) into one pandas frame per list."""
    import pandas as pd

    frames = []
    for source, path in lists:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
        frame.insert(0, "row", range(1, len(frame) + 1))
        frame.insert(0, "source", source)
        frame.insert(0, "unique_id", [f"{source}-{n}" for n in frame["row"]])
        frames.append(frame)
    return frames


def read_war_frame(url: str) -> list[Any]:
    """Read a register's records, lower-cased; a lone full name split into its words."""
    import pandas as pd

    records = read_register_records(url)
    frame = pd.DataFrame({"unique_id": records["record_id"].astype(str),
                          "source": records["source"], "row": records["row"]})
    for column in WAR_KINDS:
        if column in records:
            frame[column] = records[column].str.lower().str.strip().replace("", None)
    if "full_name" in records:
        # Lists that give only "Surname Given Patronymic" would otherwise never compare.
        words = [str(name).lower().split() if isinstance(name, str) else []
                 for name in records["full_name"]]
        lone = (frame["surname"].isna() & records["full_name"].notna()).to_numpy()
        for k, column in enumerate(("surname", "given_name", "patronymic")):
            frame.loc[lone, column] = [w[k] if len(w) > k else None
                                       for w, alone in zip(words, lone, strict=True) if alone]
    return [frame]


def _war_rules(records: int) -> tuple[list[Any], list[Any], list[Any]]:
    """Blocking, EM and lambda rules for war records (ISO dates, partial ones too)."""
    from splink import block_on

    full = "l.birth_date = r.birth_date AND length(l.birth_date) = 10"
    names = (block_on("surname", "given_name") if records <= BIG
             else "l.surname = r.surname AND l.given_name = r.given_name"
                  " AND substr(l.birth_date, 1, 4) = substr(r.birth_date, 1, 4)")
    blocking = [names, f"l.surname = r.surname AND {full}",
                f"l.given_name = r.given_name AND {full}", block_on("service_number"),
                block_on("surname", "patronymic", "settlement")]
    training = [full, names, block_on("service_number")]
    deterministic = [block_on("surname", "given_name", "birth_date")]
    return blocking, training, deterministic


def _febrl_rules() -> tuple[list[Any], list[Any], list[Any]]:
    """Blocking, EM and lambda rules of Splink's FEBRL4 tutorial."""
    from splink import block_on

    blocking = [block_on("given_name", "surname"),
                "l.given_name = r.surname AND l.surname = r.given_name",
                block_on("date_of_birth"), block_on("soc_sec_id"),
                block_on("state", "address_1"), block_on("street_number", "address_1"),
                block_on("postcode")]
    training = [block_on("date_of_birth"), block_on("given_name", "surname"),
                block_on("soc_sec_id"), block_on("postcode")]
    deterministic = [block_on("given_name", "surname", "date_of_birth"),
                     "l.given_name = r.surname AND l.surname = r.given_name"
                     " AND l.date_of_birth = r.date_of_birth"]
    return blocking, training, deterministic


def link_plain(frames: list[Any], *, family: str, link_type: str, out: Path,
               date_format: str = "%Y-%m-%d") -> dict[str, Any]:
    """Train and run the plain set-up on `frames`; write a persons CSV to `out`.

    Args:
        frames: one pandas frame per list, each with unique_id, source, row and fields.
        family: "febrl" (yyyymmdd dates, FEBRL columns) or "war" (register fields).
        link_type: "dedupe_only" or "link_only" (one frame per list).
        date_format: how birth dates are written (FEBRL: %Y%m%d).
        out: the persons CSV (record_id, source, row, person_id).
    Returns:
        Records, persons, comparisons used and training rules that failed.
    """
    import pandas as pd
    from splink import DuckDBAPI, Linker, SettingsCreator

    records = sum(len(frame) for frame in frames)
    kinds = FEBRL_KINDS if family == "febrl" else WAR_KINDS
    used = [column for column, _kind in kinds.items()
            if any(column in f and f[column].notna().any() for f in frames)]
    blocking, training, deterministic = (_febrl_rules() if family == "febrl"
                                         else _war_rules(records))
    settings = SettingsCreator(
        link_type=cast(Any, link_type),  # "dedupe_only" or "link_only", checked by Splink
        comparisons=[_comparison(c, kinds[c], date_format=date_format) for c in used],
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
    )
    con = duckdb_connection(out.parent / "splink_duckdb_tmp")
    api = DuckDBAPI(con)
    # Every known column goes in, compared or not: blocking rules may name it.
    tables = [api.register(frame[["unique_id", "source", "row", *(c for c in kinds if c in frame)]],
                           dataset_display_name=f"list{k}") for k, frame in enumerate(frames)]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    failed = []
    for rule in training:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule,
                                                                               max_pairs=2e6)
        except Exception as exc:  # a rule with too few pairs: the baseline goes on
            failed.append(f"{rule}: {type(exc).__name__}: {exc}"[:300])
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_THRESHOLD).as_pandas_dataframe()
    persons = write_cluster_persons(pd.concat(frames, ignore_index=True), clusters, out)
    return {"records": records, "persons": persons, "comparisons": used,
            "em_failures": failed}


def main(spec_path: Path) -> None:
    """Run the set-up a spec file describes and print its summary as JSON (one process)."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    spec = json.loads(spec_path.read_text())
    out = Path(spec["out"])
    if spec["family"] == "febrl":
        frames = read_febrl_frame([(s, Path(p)) for s, p in spec["lists"]])
    else:
        frames = read_war_frame(spec["url"])
    print(json.dumps(link_plain(frames, family=spec["family"], link_type=spec["link_type"],
                                out=out, date_format=spec.get("date_format", "%Y-%m-%d"))))
