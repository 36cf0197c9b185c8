"""Safety limits: depth, aliases, tokens, body size and query cost are rejected before running."""

import time
from typing import Any

import pytest
import strawberry
from strawberry import relay

from schema.cost import QueryCostLimiter

# Each refusal costs under FAST seconds of this process's CPU (the app runs in it, over ASGI):
# CPU time, not wall time, which another process's work could stretch. Alone the 1000 aliases
# cost 0.13 s; in a full suite run on 2 cores 0.55-0.58 s (the other worker's CPU-heavy tests
# slow this one's caches and clock). What the bound catches is a refusal that runs the document
# or validates it quadratically (seconds), not a slow machine. Under xdist each still runs
# alone (tests/conftest.py).
pytestmark = pytest.mark.exclusive
FAST = 1.5


async def test_a_query_50_levels_deep_is_rejected_fast() -> None:
    # The production limits on a schema that, unlike ours today, can nest without end.
    from app.config import get_settings
    from schema.build import safety_extensions

    schema = strawberry.Schema(query=CostQuery, extensions=safety_extensions(get_settings()))
    inner = "id"
    for _ in range(50):
        inner = f"children(first: 1) {{ edges {{ node {{ {inner} }} }} }}"
    started = time.process_time()
    result = await schema.execute(f"{{ items(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}")
    assert time.process_time() - started < FAST
    assert result.data is None
    assert result.errors and "exceeds maximum operation depth" in result.errors[0].message


async def test_1000_aliases_are_rejected_fast(gql: Any) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }"
    started = time.process_time()
    body = await gql.raw(query)
    assert time.process_time() - started < FAST
    assert "aliases" in body["errors"][0]["message"]


async def test_a_1mb_document_is_rejected_fast_with_a_clear_message(http: Any) -> None:
    query = "{ " + "__typename " * 100_000 + "}"  # 1.1 MB
    started = time.process_time()
    response = await http.post(
        "/graphql", json={"query": query}, headers={"X-Request-ID": "req-413-body"}
    )
    assert time.process_time() - started < FAST
    # a GraphQL error in JSON, with the request id, like every other answer
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "req-413-body"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert "too large" in error["message"]


async def test_a_body_over_the_limit_without_a_content_length_is_refused_the_same_way(
    http: Any,
) -> None:
    async def chunks() -> Any:  # chunked: the size is only known while reading
        yield b'{"query": "{ '
        for _ in range(110):
            yield b"__typename " * 1_000
        yield b'}"}'

    response = await http.post(
        "/graphql",
        content=chunks(),
        headers={"Content-Type": "application/json", "Accept": "application/graphql-response+json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert response.headers["x-request-id"]
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


async def test_a_document_with_too_many_tokens_is_rejected(gql: Any) -> None:
    query = "{ " + "__typename " * 6_000 + "}"  # 60 kB, under the body limit
    body = await gql.raw(query)
    assert "token" in body["errors"][0]["message"].lower()


@strawberry.type
class Item(relay.Node):
    id: relay.NodeID[int]

    @relay.connection(relay.ListConnection["Item"])  # type: ignore[misc]
    def children(self) -> list["Item"]:
        return [Item(id=i) for i in range(3)]


@strawberry.type
class CostQuery:
    @relay.connection(relay.ListConnection[Item])
    def items(self) -> list[Item]:
        return [Item(id=i) for i in range(3)]


COST_SCHEMA = strawberry.Schema(
    query=CostQuery,
    extensions=[lambda: QueryCostLimiter(max_cost=1000, default_page_size=100)],
)
NESTED = """
query Nested($n: Int) {
  items(first: $n) { edges { node { id children(first: $n) { edges { node { id } } } } } }
}"""


@pytest.mark.parametrize(("n", "allowed"), [(5, True), (30, False)])
async def test_query_cost_multiplies_by_page_sizes_from_variables(n: int, allowed: bool) -> None:
    result = await COST_SCHEMA.execute(NESTED, variable_values={"n": n})
    if allowed:
        assert result.errors is None
    else:
        assert result.errors and (result.errors[0].extensions or {})["code"] == "QUERY_TOO_COMPLEX"


async def test_connections_without_first_cost_a_full_page() -> None:
    result = await COST_SCHEMA.execute(
        "{ items { edges { node { children { edges { node { id } } } } } } }"
    )
    assert result.errors and "exceeds the maximum of 1000" in result.errors[0].message
