"""The dashboard for analysts and journalists: counts by the date of the event and by the
date the register learnt of it, by oblast and by month as tables, small cells suppressed,
every chart's data as a table, every series in a colour of its own (issue 15)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from musterroll.counts.documented import count_by_month, count_by_oblast, count_statuses
from musterroll.linkage.features import oblast_key
from musterroll.web.charts import COLOURS, line_chart
from musterroll.web.dashboard import OBLAST_METRICS, suppress_column

from . import caseworker
from .caseworker import ANONYMOUS

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]


def test_both_bases_count_the_same_persons_in_different_months(linked_engine: Engine
                                                                ) -> None:
    with linked_engine.connect() as conn:
        now = count_statuses(conn)
        event = count_by_month(conn, basis="event")
        learnt = count_by_month(conn, basis="learnt")
        with pytest.raises(ValueError, match="basis"):
            count_by_month(conn, basis="published")
    for name in ("killed", "missing_ever"):
        for counted in (event, learnt):
            assert sum(counted["metrics"][name].values()) + counted["undated"][name] == now[
                name]
        # The simulated war's losses spread over years; lists reach the register in a few
        # months, so the two bases must not tell the same story.
        assert len(event["metrics"][name]) > 2 * len(learnt["metrics"][name])
        assert event["metrics"][name] != learnt["metrics"][name]
    assert learnt["undated"] == {"killed": 0, "missing_ever": 0}


def test_counts_by_oblast_fold_the_ways_lists_write_an_oblast(linked_engine: Engine) -> None:
    with linked_engine.connect() as conn:
        raw = count_statuses(conn, by="oblast")["groups"]
        folded = count_by_oblast(conn, oblast_key)
        now = count_statuses(conn)
    assert len(folded) < len(raw)  # "Львівська", "Львівська обл.", ... are one oblast
    assert set(folded) <= {oblast_key(name) for name in raw} | {"unknown"}
    for metric in ("killed", "missing_now", "captured", "casualties"):
        assert sum(counts[metric] for counts in folded.values()) == now[metric]


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it() -> None:
    assert suppress_column([10, 3, 7, 0, 20], 5) == [10, None, None, 0, 20]
    assert suppress_column([10, 3, 2, 20], 5) == [10, None, None, 20]
    assert suppress_column([10, 6, 20], 5) == [10, 6, 20]


def _cells(values: list[Any], threshold: int) -> None:
    assert all(v is None or v == 0 or v >= threshold for v in values)
    assert sum(1 for v in values if v is None) != 1  # a lone hidden cell is given away


def test_the_tables_by_month_and_oblast_are_suppressed(as_role: Client) -> None:
    data = as_role(ANONYMOUS).get("/api/dashboard").json()
    threshold = data["threshold"]
    months = data["by_month"]["months"]
    assert months == sorted(months) and len(months) > 12
    for basis in ("event", "learnt"):
        for name, values in data["by_month"][basis].items():
            assert len(values) == len(months)
            _cells([*values, data["by_month"][f"{basis}_undated"][name]], threshold)
    rows = data["by_oblast"]
    assert len(rows) > 10 and all(set(r) == {"oblast", *OBLAST_METRICS} for r in rows)
    for metric in OBLAST_METRICS:
        _cells([r[metric] for r in rows], threshold)
    assert any(r[m] is None for r in rows for m in OBLAST_METRICS)  # the war has small ones


def _figure(html: str, figure_id: str) -> str:
    match = re.search(rf'<figure class="chart" id="{figure_id}">(.*?)</figure>', html, re.S)
    assert match, figure_id
    return match.group(1)


@pytest.mark.parametrize("language", ["uk", "en"])
def test_each_chart_says_its_basis_and_has_its_table(as_role: Client, language: str) -> None:
    client = as_role(ANONYMOUS)
    html = client.get("/", params={"lang": language}).text
    data = client.get("/api/dashboard").json()
    says = {"uk": ("коли реєстр дізнався", "За датою події"),
            "en": ("the date the register learnt", "By the date of the event")}[language]
    captions = {}
    for figure_id, table_id, rows in (
            ("chart-known", "table-known", len(data["series"]["days"])),
            ("chart-event", "table-event", len(data["by_month"]["months"]) + 1),
            ("chart-learnt", "table-learnt", len(data["by_month"]["months"]) + 1)):
        figure = _figure(html, figure_id)
        captions[figure_id] = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", figure).group(1)
        strokes = re.findall(r'<polyline[^>]*stroke="(#[0-9A-F]{6})"', figure)
        legend = re.findall(r'<rect width="14" height="10" fill="(#[0-9A-F]{6})"', figure)
        assert strokes and len(set(legend)) == len(legend)  # one colour per series
        table = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S)
        assert table, table_id
        assert table.group(1).count('<th scope="row">') == rows
    assert says[0] in captions["chart-known"] and says[0] in captions["chart-learnt"]
    assert says[1] in captions["chart-event"]
    assert '<table id="by-oblast">' in html
    assert {"uk": "Харківська", "en": "Kharkiv"}[language] in html
    assert "oblast_" not in re.sub(r"<[^>]+>", " ", html)


def test_no_two_series_of_a_chart_share_a_colour() -> None:
    series = {f"s{i}": [1, 2] for i in range(len(COLOURS))}
    chart = line_chart(["2024-01-31", "2024-02-29"], series)
    assert len({line["colour"] for line in chart["lines"]}) == len(COLOURS) >= 7
    with pytest.raises(ValueError, match="colours"):
        line_chart(["2024-01-31"], {**series, "one too many": [1]})
