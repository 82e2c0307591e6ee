"""Public pages: the dashboard and its JSON twin. Aggregates only, small cells suppressed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from musterroll.web.charts import line_chart
from musterroll.web.dashboard import OBLAST_METRICS, build_dashboard
from musterroll.web.deps import CurrentUser, Language, Register, Settings
from musterroll.web.oblast_map import choropleth
from musterroll.web.pages import render
from musterroll.web.schemas import DashboardOut

__all__ = ["router"]

router = APIRouter()


def _dashboard(engine: Register, settings: Settings) -> dict[str, Any]:
    return build_dashboard(engine, threshold=settings.small_cell_threshold,
                           points=settings.dashboard_points)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(request: Request, engine: Register, settings: Settings, language: Language,
                   user: CurrentUser, map: str = "killed") -> HTMLResponse:
    """The public dashboard: counts, counts over time, by oblast (table and a map of the
    metric `map`), estimates, claims."""
    data = _dashboard(engine, settings)
    chart = line_chart(data["series"]["days"], data["series"]["metrics"])
    months = data["by_month"]["months"]
    by_basis = {basis: line_chart(months, data["by_month"][basis])
                for basis in ("event", "learnt") if months}
    map_metric = map if map in OBLAST_METRICS else "killed"
    oblast_map = (choropleth({row["oblast"]: row[map_metric] for row in data["by_oblast"]
                              if row["oblast"] != "unknown"})
                  if data["by_oblast"] else None)
    return render(request, "dashboard.html", language, data=data, chart=chart,
                  by_basis=by_basis, user=user, oblast_map=oblast_map, map_metric=map_metric,
                  map_metrics=OBLAST_METRICS)


@router.get("/api/dashboard", response_model=DashboardOut, tags=["public"])
def dashboard_json(engine: Register, settings: Settings) -> dict[str, Any]:
    """The dashboard's figures as JSON (the same query as the page)."""
    return _dashboard(engine, settings)
