"""Freshness off the write path: the periodic job refreshes the cells CONCURRENTLY, one at a
time, idempotently; every answer reports the last refresh; a read costs a fixed number of
statements whatever it returns."""

import importlib
from typing import Any

import asyncpg
from tortoise import Tortoise

from app.citydata import refresh
from app.citydata.metrics import Metric
from app.citydata.models import CityDataRefresh
from app.config import get_settings
from app.hubs.models import Hub
from app.opportunities.models import Category, Opportunity, OpportunityKind, OpportunityStatus
from app.people.models import Role
from tests.citydata.conftest import W1, World, at
from tests.citydata.test_aggregates import ask
from tests.citydata.test_api import CITY_DATA_QUERY, demand_by_cell_and_month
from tests.helpers import GraphQLClient, count_sql, create_person
from workers.main import build_periodic_settings
from workers.tasks import refresh_citydata


async def test_the_periodic_job_refreshes_idempotently(world: World) -> None:
    # given: a new request after the last refresh
    food = await Category.get(hub_id=world.hub.id, slug="food")
    await Opportunity.create(
        hub_id=world.hub.id, kind=OpportunityKind.REQUEST, status=OpportunityStatus.PUBLISHED,
        title="new", category_id=food.id, poster_id=world.people["p5"].id, cell8=world.a8,
        published_at=at(W1),
    )  # fmt: skip
    a = world.cell("A")
    stale = await ask(world, [Metric.REQUESTS_POSTED])
    # when: the job runs twice
    first = await refresh_citydata({})
    second = await refresh_citydata({})
    fresh = await ask(world, [Metric.REQUESTS_POSTED])
    # then: the answer moved once (4 -> 5 people and requests), the second run changed nothing
    assert stale[(Metric.REQUESTS_POSTED, a, W1, "food")].count == 4
    assert fresh[(Metric.REQUESTS_POSTED, a, W1, "food")].count == 5
    assert first is not None and second is not None and first["rows"] == second["rows"]
    assert fresh == await ask(world, [Metric.REQUESTS_POSTED])
    names = [p.name for p in build_periodic_settings(burst=True)["cron_jobs"]]
    assert any("refresh_citydata" in n for n in names)


async def test_one_refresh_at_a_time(world: World) -> None:
    # given: another refresh (another connection, as another worker's) holds the lock
    other = await asyncpg.connect(get_settings().database_url)
    try:
        async with other.transaction():
            await other.execute("SELECT pg_advisory_xact_lock($1)", refresh._LOCK)
            count = await CityDataRefresh.all().count()
            # when
            skipped = await refresh_citydata({})
    finally:
        await other.close()
    # then: the tick returns at once without refreshing
    assert skipped is None
    assert await CityDataRefresh.all().count() == count


async def test_reads_cost_the_same_statements_whatever_they_return(
    gql: GraphQLClient, world: World
) -> None:
    # given
    analyst = await create_person(hub=world.hub, roles=[Role.ANALYST])
    small = demand_by_cell_and_month(metrics=["TRIALS_RUN"])
    large = demand_by_cell_and_month(metrics=[m.name for m in Metric], byDimension=True,
                                     period="WEEK")  # fmt: skip
    counts: dict[str, Any] = {}
    for name, variables in (("small", small), ("large", large)):
        # when
        with count_sql() as counter:
            data = await gql(CITY_DATA_QUERY, variables, as_=analyst)
        counts[name] = (len(counter.statements), len(data["cityData"]["rows"]))
    # then
    assert counts["small"][1] == 0 and counts["large"][1] > 15
    assert counts["small"][0] == counts["large"][0] <= 3


def _select_of(migration: str, view: str = "grid") -> str:
    """The SELECT of the citydata_<view> view a migration creates."""
    sql = str(
        getattr(
            importlib.import_module(f"migrations.{migration}"),
            "CELLS_SQL" if view == "cell" else "GRID_SQL",
        )
    )
    body = sql.split(f"CREATE MATERIALIZED VIEW citydata_{view} AS", 1)[1]
    return body.split("WITH DATA;", 1)[0]


async def test_the_cells_of_0031_are_the_cells_of_0026(world: World) -> None:
    # given
    conn = Tortoise.get_connection("default")
    before, after = (
        _select_of("0026_citydata", "cell"),
        _select_of("0032_citydata_grid_rollup", "cell"),
    )
    # when
    only_before = await conn.execute_query_dict(
        f"SELECT count(*) AS n FROM (({before}) EXCEPT ALL ({after})) d"
    )
    only_after = await conn.execute_query_dict(
        f"SELECT count(*) AS n FROM (({after}) EXCEPT ALL ({before})) d"
    )
    skills = await conn.execute_query_dict(
        f"SELECT count(*) AS n FROM ({after}) c WHERE hub_id = $1 AND metric = 'skill_requests'",
        [world.hub.id],
    )
    # then: the same rows, the requests' skills among them
    assert (only_before[0]["n"], only_after[0]["n"]) == (0, 0)
    assert skills[0]["n"] == 2  # cooking and driving in A, W1


async def test_the_rolled_up_grid_is_the_grid_placed_at_once(world: World) -> None:
    # given: the hand-computed city under two thresholds (k = 3 and, for another copy of the
    # numbers, k = 2: other cells withheld)
    conn = Tortoise.get_connection("default")
    placed, rolled = _select_of("0026_citydata"), _select_of("0032_citydata_grid_rollup")
    for k in (3, 2):
        await Hub.filter(id=world.hub.id).update(privacy_k=k)
        # when: both views' queries, as they stand in their migrations
        only_placed = await conn.execute_query_dict(
            f"SELECT count(*) AS n FROM (({placed}) EXCEPT ALL ({rolled})) d"
        )
        only_rolled = await conn.execute_query_dict(
            f"SELECT count(*) AS n FROM (({rolled}) EXCEPT ALL ({placed})) d"
        )
        total = await conn.execute_query_dict(
            f"SELECT count(*) AS n, count(*) FILTER (WHERE withheld > 0) AS w,"
            f" count(DISTINCT level) AS levels FROM ({rolled}) g WHERE hub_id = $1",
            [world.hub.id],
        )
        # then: the same rows, every level there, some cells withheld
        assert (only_placed[0]["n"], only_rolled[0]["n"]) == (0, 0), k
        assert total[0]["n"] > 100 and total[0]["w"] > 0 and total[0]["levels"] == 5, total
