"""k-suppression on every aggregate, and the differencing attack.

The defence (app/citydata/grid.py): every number served is a sum of base cells with at least
k people. So the answers cannot depend on what a withheld cell holds: the attack test asks a
battery of overlapping questions (every metric; cells at resolutions 4 to 7, wards, the whole
hub; weeks and months; with and without dimensions; some areas only; trends, gaps, CSV), then
adds activity inside the withheld cells only (the same few people doing more), and finds every
answer unchanged. No combination of answers can recover a withheld cell, since none moved
when it did. A control then adds a third person to a withheld cell: it is shown, and the
answers change (the battery would have seen it).
"""

import json
from datetime import timedelta
from typing import Any

import h3

from app.citydata import aggregates, export, gaps, refresh
from app.citydata.grid import AreaBy, PeriodBy
from app.citydata.metrics import Metric
from app.citydata.models import CityWard
from app.hubs.models import Hub
from app.opportunities.models import (
    Category,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
)
from app.portfolios.models import HoursRecord, HoursStatus
from app.privacy import suppress
from app.ratings import privacy as ratings_privacy
from tests.citydata.conftest import W1, W2, W3, World, at
from tests.citydata.test_aggregates import analyst

ALL = list(Metric)
CIVIC = {
    Metric.PROBLEMS_REPORTED,
    Metric.PROBLEMS_FIXED,
    Metric.IDEAS_POSTED,
    Metric.IDEA_SUPPORTS,
    Metric.ENVIRONMENT,
}


async def battery(world: World) -> str:
    """Overlapping answers of every kind, as one comparable text."""
    viewer = analyst(world)
    answers: list[Any] = []
    shapes: list[dict[str, Any]] = [{"area_by": AreaBy.HUB, "resolution": None}]
    shapes += [{"area_by": AreaBy.CELL, "resolution": r} for r in (4, 5, 6, 7)]
    shapes += [{"area_by": AreaBy.WARD, "resolution": None}]
    shapes += [{"area_by": AreaBy.CELL, "resolution": 7, "areas": [world.cell("A")]}]
    shapes += [{"area_by": AreaBy.CELL, "resolution": 7, "areas": [world.cell("B")]}]
    for shape in shapes:
        for period in PeriodBy:
            for by_dimension in (False, True):
                found = await aggregates.answer(
                    viewer=viewer, metrics=ALL, period=period, since=W1, until=W3,
                    by_dimension=by_dimension, **{"areas": None} | shape,
                )  # fmt: skip
                answers.append(export.answer_csv(found))
        if shape["area_by"] != AreaBy.HUB and not shape.get("areas"):
            found_gaps = await gaps.gaps(
                viewer=viewer, period=PeriodBy.MONTH, since=W1, until=W3, **{"areas": None} | shape
            )
            answers.append(repr(found_gaps.gaps))
    for period in PeriodBy:
        trends = await gaps.trends(
            viewer=viewer, metrics=ALL, period=period, since=W1 - timedelta(weeks=4), until=W3
        )
        answers.append(repr(trends.trends))
    return json.dumps(answers)


async def wards_over(world: World) -> None:
    """Two overlapping wards: A alone, and A with B."""
    await CityWard.create(hub_id=world.hub.id, name="A", code="a", geometry={},
                          cells=[world.cell("A")])  # fmt: skip
    await CityWard.create(hub_id=world.hub.id, name="AB", code="ab", geometry={},
                          cells=[world.cell("A"), world.cell("B")])  # fmt: skip


async def more_inside_withheld_cells(world: World) -> None:
    """The same people do more in cells that are withheld (each keeps fewer than k people)."""
    p, hub_id = world.people, world.hub.id
    food = await Category.get(hub_id=hub_id, slug="food")
    for who in ("p5", "p6", "p6"):  # requests in B, W1, food: still p5 and p6 only
        await Opportunity.create(
            hub_id=hub_id, kind=OpportunityKind.REQUEST, status=OpportunityStatus.PUBLISHED,
            title="more", category_id=food.id, poster_id=p[who].id, cell8=world.b8, places=5,
            published_at=at(W1, 30),
        )  # fmt: skip
    # offers in C, W2: v4 again; hours in B, W1: v4 again
    await Opportunity.create(
        hub_id=hub_id, kind=OpportunityKind.OFFER, status=OpportunityStatus.PUBLISHED,
        title="more", category_id=food.id, poster_id=p["v4"].id, cell8=world.c8,
        published_at=at(W2, 30),
    )  # fmt: skip
    record = await HoursRecord.filter(volunteer_id=p["v4"].id).first()
    assert record is not None
    await HoursRecord.create(
        hub_id=hub_id, application_id=record.application_id, opportunity_id=record.opportunity_id,
        volunteer_id=p["v4"].id, worked_on=record.worked_on, minutes=480,
        status=HoursStatus.VERIFIED,
    )  # fmt: skip
    await refresh.refresh()


async def test_differencing_overlapping_answers_recovers_nothing(world: World) -> None:
    # given: wards over A and over A+B, and the answers of the battery
    await wards_over(world)
    before = await battery(world)
    # when: more happens inside withheld cells only
    await more_inside_withheld_cells(world)
    # then: not one answer moved, so no difference of answers can reveal the withheld cells
    assert await battery(world) == before


async def test_the_battery_sees_a_cell_once_it_is_shown(world: World) -> None:
    # given
    await wards_over(world)
    before = await battery(world)
    # when: a third person posts in B's withheld cell (now 3 = k people)
    food = await Category.get(hub_id=world.hub.id, slug="food")
    await Opportunity.create(
        hub_id=world.hub.id, kind=OpportunityKind.REQUEST, status=OpportunityStatus.PUBLISHED,
        title="third", category_id=food.id, poster_id=world.people["p7"].id, cell8=world.b8,
        published_at=at(W1),
    )  # fmt: skip
    await refresh.refresh()
    # then
    after = await battery(world)
    assert after != before
    rows = await aggregates.answer(
        viewer=analyst(world), metrics=[Metric.REQUESTS_POSTED], area_by=AreaBy.CELL,
        resolution=6, areas=None, period=PeriodBy.WEEK, since=W1, until=W1, by_dimension=False,
    )  # fmt: skip
    assert [(r.count, r.withheld_cells) for r in rows.rows] == [(4 + 4, 0)]  # A 4, B 3 + 1


async def test_every_aggregate_is_suppressed_under_k(world: World) -> None:
    # given: k raised to 5, above every base cell of the fixture (4 people at most)
    await Hub.filter(id=world.hub.id).update(privacy_k=5)
    viewer = analyst(world)
    for area_by, resolution in ((AreaBy.HUB, None), (AreaBy.CELL, 7), (AreaBy.CELL, 4)):
        for by_dimension in (False, True):
            # when
            found = await aggregates.answer(
                viewer=viewer, metrics=ALL, area_by=area_by, resolution=resolution, areas=None,
                period=PeriodBy.MONTH, since=W1, until=W3, by_dimension=by_dimension,
            )  # fmt: skip
            # then: every metric has rows, all marked and empty
            # (the fixture has no civic data: tests/civic/test_citydata.py suppresses those)
            assert {r.metric for r in found.rows} == (
                set(Metric) - CIVIC
                if area_by == AreaBy.HUB
                else set(Metric) - CIVIC - {Metric.TRIALS_RUN}
            )
            assert all(r.suppressed and r.count is None and r.amount is None for r in found.rows)
            assert all(r.withheld_cells >= 1 for r in found.rows)
            assert found.k == 5 and found.suppressed_rows == len(found.rows)
    trends = await gaps.trends(viewer=viewer, metrics=ALL, period=PeriodBy.WEEK, since=W1,
                               until=W3)  # fmt: skip
    assert all(p.count in (None, 0) for t in trends.trends for p in t.points)
    found_gaps = await gaps.gaps(viewer=viewer, area_by=AreaBy.CELL, resolution=7, areas=None,
                                 period=PeriodBy.MONTH, since=W1, until=W3)  # fmt: skip
    assert found_gaps.gaps == []


def test_one_rule_for_every_aggregate_ratings_included() -> None:
    # the ratings queries use the very same function (and the hub's privacy_k)
    assert ratings_privacy.suppress is suppress
    assert suppress({"a": 9, "b": 5, "c": 1}, 4) == {"b", "c"}
    assert h3.get_resolution(h3.latlng_to_cell(0, 0, 7)) == 7


async def test_precomputed_answers_equal_the_answers_from_the_cells(
    world: World, monkeypatch: Any
) -> None:
    # given: the battery answered from the precomputed grid (the hub's k unchanged)
    from_grid = await battery(world)
    # when: answered from the base cells instead
    monkeypatch.setattr(aggregates, "_grid", lambda *args: None)
    aggregates._CACHE.clear()
    from_cells = await battery(world)
    # then
    assert from_cells == from_grid
