"""A request seen before skips coercion, the cost walk and the search's SQL building
(schema/compiled/runner.py `_prepare`, `_inner`); what it remembers must never answer a
request that differs: another value type, another limit, a search from a home that moved."""

from typing import Any

import pytest

from app.config import get_settings
from app.metrics import GRAPHQL_OPERATIONS
from bench.documents import LIST
from tests.compiled import world as worlds
from tests.helpers import GraphQLClient

NEAR_HOME = """query NearHome($first: Int!) {
  opportunities(first: $first, filter: {nearHome: true, withinKm: 20}, sort: NEAREST) {
    edges { node { id title } }
  }
}"""

MOVE = """mutation Move($input: UpdateProfileInput!) {
  updateProfile(input: $input) { errors { code field } }
}"""


@pytest.fixture(scope="module")
async def world() -> worlds.World:
    return await worlds.build()


def _compiled() -> float:
    return float(GRAPHQL_OPERATIONS.labels(path="compiled")._value.get())


async def test_a_value_of_another_type_gets_the_interpreters_error(
    gql: GraphQLClient, world: worlds.World
) -> None:
    headers = {"CH-Hub": world.hub.slug}
    # given the list answered compiled with first: 1 (remembered)
    await gql(LIST, {"first": 1}, headers=headers)
    before = _compiled()
    data = await gql(LIST, {"first": 1}, headers=headers)
    assert _compiled() == before + 1 and len(data["opportunities"]["edges"]) == 1
    # when first is true (equal to 1 as a Python key) then the interpreter refuses it
    body = await gql.raw(LIST, {"first": True}, headers=headers)
    assert body.get("data") is None and "Int" in body["errors"][0]["message"]


async def test_a_lower_cost_limit_applies_to_a_remembered_request(
    gql: GraphQLClient, world: worlds.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {"CH-Hub": world.hub.slug}
    await gql(LIST, {"first": 5}, headers=headers)
    # when the cost limit drops below the request's cost
    monkeypatch.setattr(get_settings(), "max_query_cost", 1)
    body = await gql.raw(LIST, {"first": 5}, headers=headers)
    # then it is refused as the interpreter refuses it
    assert body.get("data") is None and body["errors"], body


async def test_a_search_near_home_follows_the_members_move(
    gql: GraphQLClient, world: worlds.World
) -> None:
    member = world.callers["member"]
    assert member is not None

    async def nearest(home: tuple[float, float]) -> Any:
        location = {"lat": home[0], "lng": home[1]}
        moved = await gql(MOVE, {"input": {"homeLocation": location}}, as_=member)
        assert moved["updateProfile"]["errors"] == []
        before = _compiled()
        data = await gql(NEAR_HOME, {"first": 1}, as_=member)
        assert _compiled() == before + 1, "the interpreter answered"
        return data["opportunities"]["edges"][0]["node"]["title"]

    # given the member at home in Manchester (the nearest listing is a Manchester one)
    in_manchester = await nearest(worlds.MANCHESTER)
    assert await nearest(worlds.MANCHESTER) == in_manchester
    # when they move to Salford then the same request measures from Salford
    in_salford = await nearest(worlds.SALFORD)
    assert in_salford != in_manchester
