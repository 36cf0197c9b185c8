"""The plain list and the nested detail cost one SQL statement when signed in with a token
the process has seen, whatever the page size (issue 15)."""

from typing import Any

import pytest

from app.metrics import GRAPHQL_OPERATIONS
from bench.documents import DETAIL as BENCH_DETAIL
from bench.documents import LIST as LIST_QUERY
from bench.documents import NODE_DETAIL
from tests.compiled import world as worlds
from tests.helpers import GraphQLClient, count_sql

DETAIL = """
query Detail($id: ID!, $first: Int) {
  node(id: $id) {
    ... on Opportunity {
      id title address organisation { name } category { name } skills { name }
      applications(first: $first) {
        edges { node { id status message applicant { id displayName } } }
        pageInfo { hasNextPage }
      }
    }
  }
}"""


@pytest.fixture(scope="module")
async def world() -> worlds.World:
    return await worlds.build()


def compiled() -> float:
    return float(GRAPHQL_OPERATIONS.labels(path="compiled")._value.get())


async def _count(gql: GraphQLClient, document: str, variables: dict[str, Any], **kw: Any) -> int:
    before = compiled()
    with count_sql() as counter:
        data = await gql(document, variables, **kw)
    assert compiled() == before + 1, "the interpreter answered"
    assert data
    return len(counter.statements)


@pytest.mark.parametrize("caller", ["anonymous", "member", "hub admin"])
async def test_the_list_is_one_statement_at_any_page_size(
    gql: GraphQLClient, world: worlds.World, caller: str
) -> None:
    person = world.callers[caller]
    headers = {} if person else {"CH-Hub": world.hub.slug}
    await gql(LIST_QUERY, {"first": 1}, as_=person, headers=headers)  # the CH-Hub slug, once
    counts = [
        await _count(gql, LIST_QUERY, {"first": first}, as_=person, headers=headers)
        for first in (1, 5, 13)
    ]
    assert counts == [1, 1, 1]


@pytest.mark.parametrize("caller", ["poster", "organisation staff"])
async def test_the_detail_is_one_statement_at_any_page_size(
    gql: GraphQLClient, world: worlds.World, caller: str
) -> None:
    person = world.callers[caller]
    target = world.opportunities[1]  # an organisation's, with applications
    counts = [
        await _count(gql, DETAIL, {"id": world.gid(target), "first": first}, as_=person)
        for first in (1, 20)
    ]
    assert counts == [1, 1]


@pytest.mark.parametrize("caller", ["poster", "organisation staff"])
async def test_scenario_2s_nested_detail_is_one_statement(
    gql: GraphQLClient, world: worlds.World, caller: str
) -> None:
    """bench/run scenario 2's nested detail (node with organisation, category, skills, first 20
    applications with applicants), signed in with a seen token."""
    person = world.callers[caller]
    variables = {"id": world.gid(world.opportunities[1])}
    await gql(NODE_DETAIL, variables, as_=person)  # the token, once
    assert await _count(gql, NODE_DETAIL, variables, as_=person) == 1


async def test_the_bench_detail_is_one_statement_and_the_interpreter_for_the_portfolio(
    gql: GraphQLClient, world: worlds.World
) -> None:
    """bench/run's detail: node(id:) compiled, `portfolio` (no compiled form) interpreted."""
    poster = world.callers["poster"]
    variables = {"id": world.gid(world.opportunities[1])}
    await gql(BENCH_DETAIL, variables, as_=poster)
    before = float(GRAPHQL_OPERATIONS.labels(path="partly compiled")._value.get())
    with count_sql() as counter:
        data = await gql(BENCH_DETAIL, variables, as_=poster)
    assert float(GRAPHQL_OPERATIONS.labels(path="partly compiled")._value.get()) == before + 1
    assert data["node"]["viewerCanManage"] is True
    assert "totalMinutes" in data["portfolio"]
    compiled_statements = [s for s in counter.statements if "json_build_object" in s]
    assert len(compiled_statements) == 1, counter.statements
