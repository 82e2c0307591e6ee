"""The map of oblasts: TopoJSON decoded right, every oblast drawn once, shaded by the
dashboard's own suppressed counts (issue 15)."""

from __future__ import annotations

import csv
import html as html_lib
import math
import re
from collections.abc import Callable
from importlib import resources
from typing import Any

from musterroll.web.oblast_map import CLASS_COLOURS, build_shapes, choropleth, load_shapes

from . import caseworker
from .caseworker import ANONYMOUS

as_role, linked_engine = caseworker.as_role, caseworker.linked_engine
Client = Callable[[str], Any]

# Two unit squares side by side sharing the arc 0 (their common border), as TopoJSON
# writes them: quantised, delta-encoded; arc 1 is the left square's outer edge, arc 2 the
# right square's; ~0 walks arc 0 backwards. Names are taken from Natural Earth's.
SQUARES = {
    "type": "Topology",
    "transform": {"scale": [1.0, 1.0], "translate": [30.0, 48.0]},
    "arcs": [[[1, 0], [0, 1]],
             [[1, 1], [-1, 0], [0, -1], [1, 0]],
             [[1, 0], [1, 0], [0, 1], [-1, 0]]],
    "objects": {"ukr": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0, 1]], "properties": {"name": "Poltava"}},
        {"type": "Polygon", "arcs": [[2, ~0]], "properties": {"name": "Sumy"}}]}},
}


def _points(path: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", path)]


def test_topojson_arcs_are_decoded_and_shared_borders_drawn_once_alike() -> None:
    shapes = build_shapes(SQUARES, width=200.0)
    # two degrees of longitude at latitude 48.5 span as much as 2 cos(48.5°) degrees of
    # latitude: 200 units wide, and one degree of latitude is 100 / cos(48.5°) high
    height = round(100 / math.cos(math.radians(48.5)), 1)
    assert (shapes["width"], shapes["height"]) == (200, math.ceil(height))
    left, right = (s for s in shapes["shapes"])
    assert (left["code"], right["code"]) == ("pol", "sum")
    unit = 100.0  # one degree of longitude
    assert _points(left["path"]) == [
        (unit, height), (unit, 0.0), (0.0, 0.0), (0.0, height), (unit, height)]
    assert _points(right["path"]) == [
        (unit, height), (2 * unit, height), (2 * unit, 0.0), (unit, 0.0), (unit, height)]


def test_every_oblast_of_the_register_is_drawn_once() -> None:
    text = resources.files("musterroll.linkage").joinpath("data/oblasts.csv").read_text("utf-8")
    codes = {row["code"] for row in csv.DictReader(
        line for line in text.splitlines() if line and not line.startswith("#"))}
    shapes = load_shapes()
    drawn = [s["code"] for s in shapes["shapes"] if s["code"]]
    assert sorted(drawn) == sorted(codes) and len(codes) == 26  # 24 oblasts, Crimea, Kyiv
    for shape in shapes["shapes"]:
        xs, ys = zip(*_points(shape["path"]), strict=True)
        assert min(xs) >= 0 and max(xs) <= shapes["width"] + 0.1
        assert min(ys) >= 0 and max(ys) <= shapes["height"] + 0.1
    assert "public domain" in shapes["source"]


def test_a_larger_count_is_never_lighter_and_small_cells_are_hatched() -> None:
    values = {"kha": 900, "don": 450, "luh": 120, "sum": 40, "pol": 12, "lvi": 7, "ode": None}
    shaded = {p["code"]: p for p in choropleth(values)["paths"] if p["code"]}
    rank = {code: CLASS_COLOURS.index(shaded[code]["fill"])
            for code, v in values.items() if v is not None}
    by_value = sorted(rank, key=lambda code: values[code] or 0)
    assert [rank[c] for c in by_value] == sorted(rank[c] for c in by_value)
    assert rank["kha"] == len(CLASS_COLOURS) - 1 and rank["lvi"] == 0
    assert shaded["ode"]["fill"] == "url(#oblast-suppressed)" and shaded["ode"]["suppressed"]
    assert shaded["vin"]["fill"] == "#ffffff" and shaded["vin"]["value"] is None
    legend = choropleth(values)["legend"]
    assert legend[0]["low"] == 7 and legend[-1]["high"] == 900  # the values held, no more
    assert all(a["high"] < b["low"] for a, b in zip(legend, legend[1:], strict=False))
    for entry in legend:  # every shown value lies in the class its colour says
        for code, v in values.items():
            if v is not None and entry["low"] <= v <= entry["high"]:
                assert shaded[code]["fill"] == entry["colour"]


def test_the_dashboard_map_shows_the_table_figures(as_role: Client) -> None:
    client = as_role(ANONYMOUS)
    data = client.get("/api/dashboard").json()
    threshold = data["threshold"]
    for metric in ("killed", "missing_now"):
        page = client.get("/", params={"lang": "en", "map": metric}).text
        figure = re.search(r'<figure class="chart" id="oblast-map">(.*?)</figure>', page, re.S)
        assert figure, metric
        titles = dict(re.findall(r'data-oblast="(\w+)"><title>([^<]*)</title>',
                                 html_lib.unescape(figure.group(1)).replace("<" + str(threshold),
                                                                             "&lt;")))
        shown = 0
        for row in data["by_oblast"]:
            if row["oblast"] == "unknown":
                continue
            value = row[metric]
            title = titles[row["oblast"]]
            if value is None:
                assert title.endswith(": &lt;")
            else:
                assert title.endswith(f": {value:,}")
                shown += 1
        assert shown >= 5
        name = {"killed": "Killed", "missing_now": "Missing now"}[metric]
        assert f"Map of oblasts: {name}" in figure.group(1)  # the map says what it shows
        assert "Natural Earth admin-1 (public domain)" in figure.group(1)  # and whence
        assert re.findall(r"<strong>([^<]*)</strong>", figure.group(1)) == [name]
    fallback = client.get("/", params={"lang": "en", "map": "birth_date"}).text
    assert 'id="oblast-map"' in fallback  # an unknown metric shows the default one
