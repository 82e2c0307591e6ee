"""Small SVG line charts drawn on the server: no script, no library, readable offline.

The template draws what ``line_chart`` returns: polylines and labelled ticks. Colours are
presentation attributes (allowed by the strict CSP), chosen to stay apart for the most
common colour blindness (Okabe-Ito palette).
"""

from __future__ import annotations

from typing import Any

__all__ = ["COLOURS", "line_chart"]

# Okabe-Ito without its yellow (too pale on white), then black and grey: eight series.
COLOURS: tuple[str, ...] = ("#0072B2", "#D55E00", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                            "#000000", "#777777")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP, RIGHT = 640, 260, 56, 28, 12, 12


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float(((int(value) // step) + 1) * step)


def line_chart(days: list[str], series: dict[str, list[int | float | None]]) -> dict[str, Any]:
    """Return the geometry of a line chart: one polyline per series, x and y ticks.

    Args:
        days: the x labels (ISO days), oldest first.
        series: name -> values, one per day; None (a suppressed or missing value) breaks
            the line there.
    Returns:
        ``width``, ``height``, ``lines`` (name, colour, list of point strings, one per
        unbroken run), ``xticks`` and ``yticks`` (position, label).
    Raises:
        ValueError: more series than ``COLOURS``: two would share a colour.
    """
    if len(series) > len(COLOURS):
        raise ValueError(f"{len(series)} series, {len(COLOURS)} distinct colours")
    known = [v for values in series.values() for v in values if v is not None]
    top = _nice_top(max(known, default=0))
    span_x = max(len(days) - 1, 1)

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * i / span_x

    def y(v: float) -> float:
        return HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * v / top

    lines = []
    for k, (name, values) in enumerate(series.items()):
        runs: list[str] = []
        current: list[str] = []
        dots: list[tuple[float, float]] = []
        for i, value in enumerate(values):
            if value is None:
                if current:
                    runs.append(" ".join(current))
                current = []
                continue
            current.append(f"{x(i):.1f},{y(value):.1f}")
            dots.append((round(x(i), 1), round(y(value), 1)))
        if current:
            runs.append(" ".join(current))
        lines.append({"name": name, "colour": COLOURS[k], "runs": runs,
                      "dots": dots})
    step = max(1, len(days) // 6)
    xticks = [{"x": round(x(i), 1), "label": day[:7]} for i, day in enumerate(days)
              if i % step == 0]
    yticks = [{"y": round(y(top * f), 1), "label": f"{top * f:,.0f}"}
              for f in (0, 0.25, 0.5, 0.75, 1)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "bottom": HEIGHT - BOTTOM,
            "right": WIDTH - RIGHT, "lines": lines, "xticks": xticks, "yticks": yticks}
