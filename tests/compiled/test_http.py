"""A request answered wholly compiled skips strawberry's request handling
(schema/view.py `_compiled_only`) and still answers over HTTP exactly as `run` does: status,
media type and body, for every Accept a client sends; anything else goes through `run`."""

from typing import Any

import pytest

from app.config import get_settings
from bench.documents import LIST
from schema.view import HubGraphQL
from tests.compiled import world as worlds
from tests.helpers import GraphQLClient

ACCEPTS = [None, "*/*", "application/json", "application/graphql-response+json, application/json"]


@pytest.fixture(scope="module")
async def world() -> worlds.World:
    return await worlds.build()


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many requests went through strawberry's `run`."""
    calls: list[int] = []
    original = HubGraphQL.run

    async def counted(self: HubGraphQL, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(HubGraphQL, "run", counted)
    return calls


async def _post(gql: GraphQLClient, body: Any, headers: dict[str, str]) -> Any:
    return await gql.http.post("/graphql", json=body, headers=headers)


@pytest.mark.parametrize("accept", ACCEPTS)
async def test_a_compiled_answer_is_the_same_over_http(
    gql: GraphQLClient, world: worlds.World, runs: list[int], accept: str | None
) -> None:
    headers = {"CH-Hub": world.hub.slug, **({"Accept": accept} if accept else {})}
    body = {"query": LIST, "variables": {"first": 3}}
    fast = await _post(gql, body, headers)
    assert runs == [], "answered without strawberry's run"
    get_settings().compile_reads = False
    try:
        slow = await _post(gql, body, headers)
    finally:
        get_settings().compile_reads = True
    assert runs == [1]
    assert fast.status_code == slow.status_code == 200
    assert fast.headers["content-type"] == slow.headers["content-type"]
    assert _spent(fast.json()) == _spent(slow.json())


def _spent(body: dict[str, Any]) -> dict[str, Any]:
    """The body with extensions.cost reduced to what the operation cost: what is left of the
    budget moves with every request."""
    cost = body["extensions"]["cost"]
    return {**body, "extensions": {**body["extensions"], "cost": cost["requested"]}}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"query": LIST, "variables": {"first": 3}, "extensions": {}}, {}),  # extensions
        ([{"query": LIST, "variables": {"first": 3}}], {}),  # a batch
        ({"query": LIST, "variables": {"first": "x"}}, {}),  # variables that do not coerce
        ({"query": LIST + " x"}, {}),  # not a document
        ({"query": LIST, "variables": {"first": 3}}, {"Accept": "text/event-stream"}),
    ],
)
async def test_anything_else_goes_through_run(
    gql: GraphQLClient, world: worlds.World, runs: list[int], body: Any, headers: dict[str, str]
) -> None:
    await _post(gql, body, {"CH-Hub": world.hub.slug, **headers})
    assert runs == [1]
