"""Input PostgreSQL or Python cannot hold is refused at the edge as typed bad input.

NUL characters and lone surrogates in any string, ids and cursors beyond 64 bits and dates
whose UTC form falls off the calendar used to reach asyncpg and come back as masked internal
errors. Each is now a BAD_USER_INPUT request error (or, for the id inside a mutation input, the
mutation's typed payload error) and never reaches a resolver.
"""

import base64
import json
from typing import Any

import pytest

from app.people.models import Role

NUL, SURROGATE = "\x00", "\ud800"

# The operations fuzzing found, each taking the bad string as $v (a String, or an ID for
# `node`); the caller is a hub admin, and `$payee` is another member.
STRING_INPUTS = {
    "hub slug": ("query", "String", "{ hub(slug: $v) { id } }"),
    "login hubSlug": (
        "mutation",
        "String",
        '{ login(input: {hubSlug: $v, email: "a@example.org", password: "a sturdy passphrase 42"}) { errors { code } } }',
    ),
    "idempotency key": (
        "mutation",
        "String",
        "{ payMember(input: {payeeId: $payee, amount: 1, idempotencyKey: $v}) { errors { code } } }",
    ),
    "payment category": (
        "mutation",
        "String",
        '{ payMember(input: {payeeId: $payee, amount: 1, category: $v, idempotencyKey: "k-1"}) { errors { code } } }',
    ),
    "voucher code (query)": ("query", "String", "{ voucherByCode(code: $v) { status } }"),
    "voucher code (mutation)": (
        "mutation",
        "String",
        "{ useVoucher(input: {code: $v}) { errors { code } } }",
    ),
    "webhook url": (
        "mutation",
        "String",
        '{ createWebhookEndpoint(input: {url: $v, eventTypes: ["opportunity.published"]}) { errors { code } } }',
    ),
    "statement category": (
        "query",
        "String",
        "{ myStatement(category: $v) { edges { node { id } } } }",
    ),
    "search text": (
        "query",
        "String",
        "{ opportunities(filter: {text: $v}) { edges { node { id } } } }",
    ),
    "member search": ("query", "String", "{ members(search: $v) { edges { node { id } } } }"),
    "ID": ("query", "ID", "{ node(id: $v) { id } }"),
}
NODE_BY_ID = "query($v: ID!) { node(id: $v) { id } }"
NESTED_WEBHOOK = "mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { errors { code } } }"
CURRENT_HUB = "{ currentHub { id } }"


def with_variables(kind: str, scalar: str, body: str) -> str:
    payee = ", $payee: ID!" if "$payee" in body else ""
    return f"{kind}($v: {scalar}!{payee}) {body}"


def with_literals(kind: str, body: str, value: str, payee: str) -> str:
    return f"{kind} " + body.replace("$v", value).replace("$payee", f'"{payee}"')


async def post(
    http: Any, query: str, variables: dict[str, Any] | None = None, *, as_: Any = None
) -> dict[str, Any]:
    """POSTs with the JSON escaped to ASCII: "\\ud800" as a JSON escape, as an attacker sends it."""
    body = json.dumps({"query": query, "variables": variables or {}})
    headers = {"Content-Type": "application/json", **(as_.headers if as_ else {})}
    response = await http.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def assert_bad_user_input(body: dict[str, Any]) -> dict[str, Any]:
    """One top-level request error with code BAD_USER_INPUT, and nothing executed."""
    assert body.get("data") is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body
    return body["errors"][0]  # type: ignore[no-any-return]


@pytest.fixture
async def admin(make_person: Any) -> Any:
    return await make_person(roles=[Role.HUB_ADMIN])


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["NUL", "lone surrogate"])
@pytest.mark.parametrize("operation", STRING_INPUTS.values(), ids=STRING_INPUTS.keys())
async def test_unstorable_text_in_a_variable_is_bad_user_input(
    http: Any, admin: Any, alice: Any, operation: tuple[str, str, str], bad: str
) -> None:
    # given: a string variable with a character PostgreSQL text cannot hold
    kind, scalar, body_ = operation
    variables = {"v": f"x{bad}y", "payee": alice.gid}
    # when
    body = await post(http, with_variables(kind, scalar, body_), variables, as_=admin)
    # then: refused before any resolver, naming the variable
    error = assert_bad_user_input(body)
    assert "$v" in error["message"]


@pytest.mark.parametrize("operation", STRING_INPUTS.values(), ids=STRING_INPUTS.keys())
async def test_nul_in_a_literal_is_bad_user_input(
    gql: Any, admin: Any, alice: Any, operation: tuple[str, str, str]
) -> None:
    # given: the same operations with the string written into the document as "\u0000"
    kind, _, body_ = operation
    document = with_literals(kind, body_, '"x\\u0000y"', alice.gid)
    # when
    body = await gql.raw(document, as_=admin)
    # then
    assert_bad_user_input(body)


async def test_a_lone_surrogate_escape_in_a_literal_is_a_syntax_error(gql: Any) -> None:
    # given: GraphQL itself forbids "\ud800" in a string literal
    # when
    body = await gql.raw('{ hub(slug: "x\\ud800") { id } }')
    # then: a parse error, typed as such
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_unstorable_text_nested_in_an_input_list_is_bad_user_input(
    gql: Any, admin: Any
) -> None:
    # given: the bad character deep inside an input object's list
    variables = {"input": {"url": "https://example.org/h", "eventTypes": ["a", f"b{NUL}"]}}
    # when
    body = await gql.raw(NESTED_WEBHOOK, variables, as_=admin)
    # then: the message points at the element
    error = assert_bad_user_input(body)
    assert "$input.eventTypes[1]" in error["message"]


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["NUL", "lone surrogate"])
async def test_unstorable_text_in_an_id_is_bad_user_input(http: Any, alice: Any, bad: str) -> None:
    # given: a global ID whose database id part carries the character
    gid = base64.b64encode(f"Member:1{bad}".encode("utf-8", "surrogatepass")).decode()
    # when
    body = await post(http, NODE_BY_ID, {"v": gid}, as_=alice)
    # then: BAD_USER_INPUT from the id decoder (it is valid base64 and valid text)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_nul_in_the_hub_header_is_bad_user_input(http: Any) -> None:
    # given: an anonymous read naming its hub with a NUL in the CH-Hub header
    headers = {"CH-Hub": "demo\x00"}
    # when
    response = await http.post("/graphql", json={"query": CURRENT_HUB}, headers=headers)
    # then: a GraphQL-over-HTTP request error, not a 500
    assert response.status_code == 400
    assert_bad_user_input(response.json())
