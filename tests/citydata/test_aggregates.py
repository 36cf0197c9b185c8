"""Every aggregate against the hand-computed fixture of conftest.py (k = 3)."""

from datetime import date
from typing import Any

import pytest

from app.actor import Actor
from app.citydata import aggregates, gaps
from app.citydata.grid import AreaBy, PeriodBy
from app.citydata.metrics import Metric
from app.people.models import Role
from app.policy import Viewer
from tests.citydata.conftest import W1, W2, W3, World

M = Metric


def analyst(world: World) -> Viewer:
    member = world.people["p9"]
    return Viewer.of(Actor(member=member, roles=frozenset({Role.ANALYST})))


async def ask(world: World, metrics: list[Metric], **kw: Any) -> dict[tuple[Any, ...], Any]:
    question: dict[str, Any] = {
        "area_by": AreaBy.CELL, "resolution": 7, "areas": None, "period": PeriodBy.WEEK,
        "since": W1, "until": W3, "by_dimension": True,
    } | kw  # fmt: skip
    answer = await aggregates.answer(viewer=analyst(world), metrics=metrics, **question)
    return {(r.metric, r.area, r.period, r.dimension): r for r in answer.rows}


def numbers(row: Any) -> tuple[Any, Any, int]:
    return (row.count, row.amount, row.withheld_cells)


async def test_demand_by_cell_week_and_category(world: World) -> None:
    # given: the fixture; when
    rows = await ask(world, [M.REQUESTS_POSTED, M.URGENT_REQUESTS])
    a, b = world.cell("A"), world.cell("B")
    # then
    assert numbers(rows[(M.REQUESTS_POSTED, a, W1, "food")]) == (4, 0, 0)
    assert numbers(rows[(M.REQUESTS_POSTED, a, W2, "care")]) == (3, 0, 0)
    assert numbers(rows[(M.REQUESTS_POSTED, a, W3, "food")]) == (3, 0, 0)
    assert numbers(rows[(M.URGENT_REQUESTS, a, W1, "food")]) == (3, 0, 0)
    b_row = rows[(M.REQUESTS_POSTED, b, W1, "food")]
    assert b_row.suppressed and numbers(b_row) == (None, None, 1)
    assert len(rows) == 5


async def test_filled_unfilled_and_time_to_fill(world: World) -> None:
    rows = await ask(world, [M.REQUESTS_FILLED, M.REQUESTS_UNFILLED])
    a = world.cell("A")
    filled = rows[(M.REQUESTS_FILLED, a, W1, "food")]
    assert numbers(filled) == (3, 360, 0) and filled.mean == 120.0  # (60 + 120 + 180) / 3
    assert rows[(M.REQUESTS_UNFILLED, a, W1, "food")].suppressed  # p4 alone
    assert numbers(rows[(M.REQUESTS_UNFILLED, a, W2, "care")]) == (3, 3, 0)
    assert numbers(rows[(M.REQUESTS_UNFILLED, a, W3, "food")]) == (3, 3, 0)
    assert rows[(M.REQUESTS_UNFILLED, world.cell("B"), W1, "food")].suppressed


async def test_supply_offers_skills_and_hours(world: World) -> None:
    rows = await ask(world, [M.OFFERS_POSTED, M.SKILL_VOLUNTEERS, M.HOURS_GIVEN, M.SKILL_REQUESTS])
    a, b, c = world.cell("A"), world.cell("B"), world.cell("C")
    assert numbers(rows[(M.OFFERS_POSTED, a, W1, "food")]) == (3, 0, 0)
    assert rows[(M.OFFERS_POSTED, c, W2, "food")].suppressed
    # a stock: no period
    assert numbers(rows[(M.SKILL_VOLUNTEERS, a, None, "cooking")]) == (3, 0, 0)
    assert rows[(M.SKILL_VOLUNTEERS, c, None, "driving")].suppressed
    assert numbers(rows[(M.HOURS_GIVEN, a, W1, "food")]) == (3, 180, 0)  # pending not counted
    assert rows[(M.HOURS_GIVEN, b, W1, "food")].suppressed
    assert numbers(rows[(M.SKILL_REQUESTS, a, W1, "cooking")]) == (3, 0, 0)
    assert rows[(M.SKILL_REQUESTS, a, W1, "driving")].suppressed


async def test_credits_earned_and_where_spent(world: World) -> None:
    rows = await ask(world, [M.CREDITS_EARNED, M.CREDITS_SPENT])
    a = world.cell("A")
    assert numbers(rows[(M.CREDITS_EARNED, a, W1, "hours")]) == (3, 180, 0)  # pending left out
    assert numbers(rows[(M.CREDITS_SPENT, a, W2, "exchange:member")]) == (3, 60, 0)
    assert rows[(M.CREDITS_SPENT, a, W2, "voucher:voucher_settlement")].suppressed
    assert len(rows) == 3


async def test_assets_used_and_trials_run(world: World) -> None:
    rows = await ask(world, [M.ASSETS_USED])
    assert numbers(rows[(M.ASSETS_USED, world.cell("A"), W2, "tools")]) == (1, 4, 0)
    hub_rows = await ask(world, [M.TRIALS_RUN], area_by=AreaBy.HUB, resolution=None)
    assert numbers(hub_rows[(M.TRIALS_RUN, "hub", W1, "all")]) == (1, 3, 0)
    # a trial has no area: not in answers by cell
    assert not await ask(world, [M.TRIALS_RUN])


async def test_months_coarser_cells_and_the_whole_hub(world: World) -> None:
    # by month, resolution 6 (A and B together), no dimension
    rows = await ask(
        world, [M.REQUESTS_POSTED], period=PeriodBy.MONTH, resolution=6, by_dimension=False
    )
    six = world.cell("A", 6)
    assert world.cell("B", 6) == six
    march, april = date(2026, 3, 1), date(2026, 4, 1)
    # March: A W1 food 4 + A W2 care 3 shown; B W1 (2 people) withheld
    assert numbers(rows[(M.REQUESTS_POSTED, six, march, "all")]) == (7, 0, 1)
    assert numbers(rows[(M.REQUESTS_POSTED, six, april, "all")]) == (3, 0, 0)
    hub = await ask(world, [M.REQUESTS_POSTED], area_by=AreaBy.HUB, period=PeriodBy.MONTH,
                    by_dimension=False)  # fmt: skip
    assert numbers(hub[(M.REQUESTS_POSTED, "hub", march, "all")]) == (7, 0, 1)
    four = await ask(world, [M.REQUESTS_POSTED], resolution=4, by_dimension=False)
    assert numbers(four[(M.REQUESTS_POSTED, world.cell("A", 4), W1, "all")]) == (4, 0, 1)


async def test_only_the_asked_areas(world: World) -> None:
    rows = await ask(world, [M.REQUESTS_POSTED], areas=[world.cell("B")])
    assert {k[1] for k in rows} == {world.cell("B")}


async def test_trends_fill_every_period(world: World) -> None:
    found = await gaps.trends(
        viewer=analyst(world), metrics=[M.REQUESTS_POSTED], period=PeriodBy.WEEK,
        since=W1, until=W3,
    )  # fmt: skip
    (trend,) = found.trends
    counts = [(p.period, p.count, p.change) for p in trend.points]
    assert counts[0] == (W1, 4, None)
    assert counts[1] == (W2, 3, -25.0)
    assert counts[2:5] == [(date(2026, 3, 16), 0, -100.0), (date(2026, 3, 23), 0, None),
                           (date(2026, 3, 30), 0, None)]  # fmt: skip
    assert counts[5] == (W3, 3, None)
    assert trend.points[0].withheld_cells == 1  # B


async def test_gaps_rank_areas_where_demand_outruns_supply(world: World) -> None:
    found = await gaps.gaps(
        viewer=analyst(world), area_by=AreaBy.CELL, resolution=7, areas=None,
        period=PeriodBy.MONTH, since=W1, until=W3,
    )  # fmt: skip
    # A: demand 4 + 3 + 3 = 10; unfilled 3 + 3 (p4 withheld); supply 3 offers + 3 cooks = 6
    # B: demand withheld (0 shown); C: supply only (withheld)
    assert [(g.area, g.demand, g.unfilled, g.supply, g.gap) for g in found.gaps] == [
        (world.cell("A"), 10, 6, 6, 4)
    ]
    assert found.gaps[0].rank == 1 and found.gaps[0].ratio == pytest.approx(10 / 6, abs=1e-3)
