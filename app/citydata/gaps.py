"""Gaps (areas where demand outruns supply, ranked) and trends (hub-wide series over time).

Both are built from `aggregates` answers, so every number in them is a sum of shown base
cells (app/citydata/grid.py): a ranking or a change between periods reveals nothing a
withheld cell holds.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.citydata import aggregates, grid, policy
from app.citydata.aggregates import Answer
from app.citydata.errors import CityDataErrorCode as E
from app.citydata.grid import AreaBy
from app.citydata.metrics import Metric
from app.errors import DomainError
from app.i18n import _
from app.policy import Viewer

GAPS_LIMIT = 50


@dataclass(frozen=True)
class Gap:
    rank: int
    area: str
    demand: int  # requests posted in the window (shown cells)
    unfilled: int  # of those, still unfilled at the refresh
    supply: int  # offers posted in the window, and volunteers holding a skill now
    gap: int  # demand - supply
    ratio: float | None  # demand / supply (None when supply is 0)
    withheld_cells: int


@dataclass(frozen=True)
class Gaps:
    answer: Answer
    gaps: list[Gap]


async def gaps(*, viewer: Viewer, **question: Any) -> Gaps:
    """Areas (cells or wards) where requests outnumber offers and skilled volunteers, most
    first (at most GAPS_LIMIT)."""
    hub_id = policy.require_reader(viewer)
    if question.get("area_by") == AreaBy.HUB:
        raise DomainError(E.INVALID, _("Gaps are ranked between areas: CELL or WARD."), "areaBy")
    question["metrics"] = [
        Metric.REQUESTS_POSTED,
        Metric.REQUESTS_UNFILLED,
        Metric.OFFERS_POSTED,
        Metric.SKILL_VOLUNTEERS,
    ]
    question["by_dimension"] = False
    ask = await aggregates.build_ask(hub_id=hub_id, **question)
    answer = await aggregates.answer_ask(hub_id=hub_id, ask=ask)
    sums: dict[str, dict[Metric, int]] = {}
    withheld: dict[str, int] = {}
    for row in answer.rows:
        by_metric = sums.setdefault(row.area, {})
        by_metric[row.metric] = by_metric.get(row.metric, 0) + (row.count or 0)
        withheld[row.area] = withheld.get(row.area, 0) + row.withheld_cells
    found = []
    for area, s in sums.items():
        demand = s.get(Metric.REQUESTS_POSTED, 0)
        supply = s.get(Metric.OFFERS_POSTED, 0) + s.get(Metric.SKILL_VOLUNTEERS, 0)
        if demand > supply:
            found.append((area, demand, s.get(Metric.REQUESTS_UNFILLED, 0), supply))
    found.sort(key=lambda g: (-(g[1] - g[3]), -g[2], g[0]))
    return Gaps(
        answer=answer,
        gaps=[
            Gap(
                rank=i + 1,
                area=area,
                demand=demand,
                unfilled=unfilled,
                supply=supply,
                gap=demand - supply,
                ratio=round(demand / supply, 3) if supply else None,
                withheld_cells=withheld[area],
            )
            for i, (area, demand, unfilled, supply) in enumerate(found[:GAPS_LIMIT])
        ],
    )


@dataclass(frozen=True)
class TrendPoint:
    period: date
    count: int | None
    amount: int | None
    change: float | None  # % change of count from the period before (None: unknown)
    withheld_cells: int


@dataclass(frozen=True)
class Trend:
    metric: Metric
    points: list[TrendPoint]


@dataclass(frozen=True)
class Trends:
    answer: Answer
    trends: list[Trend]


def _change(before: int | None, now: int | None) -> float | None:
    if before is None or now is None or before == 0:
        return None
    return round(100 * (now - before) / before, 1)


async def trends(*, viewer: Viewer, **question: Any) -> Trends:
    """Hub-wide series of each metric by week or month, every period of the window present
    (0 where nothing happened), with the change from the period before."""
    hub_id = policy.require_reader(viewer)
    question.update(area_by=AreaBy.HUB, resolution=None, areas=None, by_dimension=False)
    ask = await aggregates.build_ask(hub_id=hub_id, **question)
    answer = await aggregates.answer_ask(hub_id=hub_id, ask=ask)
    by_key = {(r.metric, r.period): r for r in answer.rows}
    result = []
    for metric in ask.metrics:
        points: list[TrendPoint] = []
        for period in periods_of(ask.window):
            row = by_key.get((metric, period)) or by_key.get((metric, None))
            count = row.count if row else 0
            amount = row.amount if row else 0
            before = points[-1].count if points else None
            points.append(
                TrendPoint(
                    period=period,
                    count=count,
                    amount=amount,
                    change=_change(before, count),
                    withheld_cells=row.withheld_cells if row else 0,
                )
            )
        result.append(Trend(metric=metric, points=points))
    return Trends(answer=answer, trends=result)


def periods_of(window: grid.Window) -> list[date]:
    """The periods of a window: its Mondays, or the first days of its months."""
    from datetime import timedelta

    if window.period == grid.PeriodBy.WEEK:
        return [window.first + timedelta(weeks=i) for i in range(window.periods)]
    months = []
    day = window.first.replace(day=1)
    for _period in range(window.periods):
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months
