"""A compiled statement is planned once per connection, not once per request (issue 15):
its parameters are InitPlans (schema/compiled/plans.as_init_plans), so PostgreSQL's
estimates cannot depend on the values and, after the five custom plans of a prepared
statement, it keeps the generic plan (for the node detail and the feed, whose SQL has no
plain parameter left). With plain parameters the plain list was planned anew on every
request on the bench hub (0 generic plans of 320)."""

import logging
from typing import Any

import asyncpg
import pytest

from bench.documents import FEED, LIST, NODE_DETAIL
from schema.compiled.plans import as_init_plans
from tests.compiled import world as worlds
from tests.helpers import GraphQLClient


@pytest.fixture(scope="module")
async def world() -> worlds.World:
    return await worlds.build()


class Sent(logging.Handler):
    """The statements Tortoise sends, with their parameters (it logs (query, values))."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.args, tuple) and len(record.args) == 2:
            query, values = record.args
            if isinstance(query, str) and "fallback" in query:  # a compiled statement
                assert isinstance(values, list | tuple | None)
                self.sent.append((query, list(values or ())))


async def _statement(
    gql: GraphQLClient, document: str, variables: dict[str, Any], **kw: Any
) -> tuple[str, list[Any]]:
    await gql(document, variables, **kw)  # the token or the CH-Hub slug, once
    logger, handler = logging.getLogger("tortoise.db_client"), Sent()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        assert await gql(document, variables, **kw)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(handler.sent) == 1, "not one compiled statement"
    return handler.sent[0]


async def _plans(database: str, query: str, values: list[Any], times: int = 8) -> tuple[int, int]:
    """(generic, custom) plans after running the statement `times` on one connection, as
    asyncpg runs it in the app (prepared once, then executed)."""
    conn = await asyncpg.connect(database.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("SET jit = off")
        for _ in range(times):
            await conn.fetch(query, *values)
        row = await conn.fetchrow(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
            query,
        )
    finally:
        await conn.close()
    assert row is not None
    return row["generic_plans"], row["custom_plans"]


async def test_the_lists_own_parameters_are_init_plans(
    gql: GraphQLClient, world: worlds.World
) -> None:
    """The list's page, hub and member are InitPlans (PostgreSQL's estimates never see them);
    the search SQL inside it keeps its own plain parameters (the hub, the filters), so whether
    PostgreSQL keeps the generic plan depends on them: on the one-hub bench hub it did
    (bench/README), in a database where hubs differ in size it may plan per request."""
    # given: the plain list's one statement, as an anonymous visitor of the hub sends it
    query, _ = await _statement(
        gql, LIST, {"first": 20}, as_=None, headers={"CH-Hub": world.hub.slug}
    )
    # then: the plan's own parameters (hub, member, after, first) are read only as InitPlans
    for n in range(1, 5):
        assert query.count(f"${n}") == query.count(f"(SELECT ${n}::") > 0, n


FILTERED_LIST = """query Filtered($first: Int!, $filter: OpportunityFilter) {
  opportunities(first: $first, filter: $filter) {
    edges { node { id title organisation { name } } }
  }
}"""


@pytest.mark.parametrize(
    "given",
    [
        {},
        {"kind": "REQUEST", "urgency": "NORMAL", "organisationId": None},
        {
            "near": {"lat": 53.48, "lng": -2.24},
            "withinKm": 20,
            "startsAfter": "2020-01-01T00:00:00Z",
        },
    ],
    ids=["plain", "kind and urgency", "within a radius, starting after"],
)
async def test_the_lists_statement_keeps_its_generic_plan_with_its_filters(
    gql: GraphQLClient, world: worlds.World, database: str, given: dict[str, Any]
) -> None:
    """The search SQL inside the list reads its own parameters (the hub, the filters) as
    InitPlans too (app/opportunities/search.py Sql.value), so the whole statement is planned
    once per connection whatever the hub's size or the filters' values (all but the words
    of a text search, which decide the index: tests/opportunities/test_indexes.py)."""
    # given: the list with these filters, as a signed-in member sends it
    variables = {"first": 20, "filter": {**given, "categoryIds": world.category_ids[:2]}}
    query, values = await _statement(gql, FILTERED_LIST, variables, as_=world.callers["member"])
    # then: no plain parameter is left, and the prepared statement keeps the generic plan
    assert query.count("$") == query.count("(SELECT $")
    assert await _plans(database, query, values) == (3, 5)


async def test_the_nested_details_statement_keeps_its_generic_plan(
    gql: GraphQLClient, world: worlds.World, database: str
) -> None:
    person = world.callers["poster"]
    variables = {"id": world.gid(world.opportunities[1])}
    query, values = await _statement(gql, NODE_DETAIL, variables, as_=person)
    assert await _plans(database, query, values) == (3, 5)


async def test_the_feeds_statement_keeps_its_generic_plan(
    gql: GraphQLClient, world: worlds.World, database: str
) -> None:
    query, values = await _statement(gql, FEED, {"first": 20}, as_=world.callers["member"])
    assert await _plans(database, query, values) == (3, 5)


def test_every_parameter_of_a_plan_becomes_an_init_plan() -> None:
    sql = "SELECT $1::bigint AS hub, $2 AS member WHERE x = $3::text[] LIMIT $4::int + 1"
    assert as_init_plans(sql) == (
        "SELECT (SELECT $1::bigint) AS hub, (SELECT $2::bigint) AS member"
        " WHERE x = (SELECT $3::text[]) LIMIT (SELECT $4::int) + 1"
    )
