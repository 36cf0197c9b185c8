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


REGISTER = (
    "mutation($input: RegisterInput!) { register(input: $input) { member { id } errors { code } } }"
)
CREATE_ORGANISATION = "mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id } errors { code } } }"


async def test_unstorable_text_in_a_mutation_input_writes_nothing(http: Any, alice: Any) -> None:
    # given: a registration and an organisation whose text carries a NUL (these used to be
    # refused field by field by each service; now once, before any resolver)
    from app.organisations.models import Organisation
    from app.people.models import Member

    hub_id = alice.member.hub_id
    registration = {
        "hubSlug": (await alice.member.hub).slug,
        "email": "nul@example.org",
        "password": "a sturdy passphrase 42",
        "displayName": "bad\x00name",
    }
    organisation = {"name": "Good", "kind": "CHARITY", "description": "nul\x00byte"}
    # when
    registered = await post(http, REGISTER, {"input": registration})
    created = await post(http, CREATE_ORGANISATION, {"input": organisation}, as_=alice)
    # then: typed bad input, and not one row written
    assert_bad_user_input(registered)
    assert_bad_user_input(created)
    assert await Member.filter(hub_id=hub_id, email="nul@example.org").count() == 0
    assert await Organisation.filter(hub_id=hub_id).count() == 0


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


def test_a_nul_in_the_hub_header_closes_a_subscription_socket_with_4400(app: Any) -> None:
    # given: the same header on a graphql-transport-ws handshake
    from starlette.testclient import TestClient

    client = TestClient(app)
    headers = {"CH-Hub": "demo\x00"}
    # when
    with client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
    ) as ws:
        message = ws.receive()
    # then: closed as bad input, not an exception in the server
    assert message == {"type": "websocket.close", "code": 4400, "reason": ""}


# --- ids and cursors beyond 64 bits ---------------------------------------------------------

BEYOND_INT64 = 10**20
ID_MUTATIONS = {
    "payMember": (
        'mutation($id: ID!) { payMember(input: {payeeId: $id, amount: 1, idempotencyKey: "k-2"}) { errors { code field } } }',
        "Member",
        "payeeId",
    ),
    "applyToOpportunity": (
        "mutation($id: ID!) { applyToOpportunity(input: {opportunityId: $id}) { errors { code field } } }",
        "Opportunity",
        "opportunityId",
    ),
    "verifyHours": (
        "mutation($id: ID!) { verifyHours(input: {hoursRecordId: $id}) { errors { code field } } }",
        "HoursRecord",
        "hoursRecordId",
    ),
    "markNotificationsRead": (
        "mutation($id: ID!) { markNotificationsRead(input: {notificationIds: [$id]}) { errors { code field } } }",
        "Notification",
        "notificationIds",
    ),
}
STATEMENT_AFTER = "query($after: String!) { myStatement(after: $after) { edges { cursor } } }"
ORGANISATIONS_AFTER = "query($after: String!) { organisations(after: $after) { edges { cursor } } }"


def cursor(prefix: str, value: object) -> str:
    return base64.b64encode(f"{prefix}:{value}".encode()).decode()


async def test_node_with_an_id_beyond_64_bits_is_bad_user_input(gql: Any, alice: Any) -> None:
    # given
    from schema.relay import encode_id

    huge = str(encode_id("Member", BEYOND_INT64))
    # when
    body = await gql.raw(NODE_BY_ID, {"v": huge}, as_=alice)
    # then
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("mutation", ID_MUTATIONS.values(), ids=ID_MUTATIONS.keys())
async def test_an_id_beyond_64_bits_in_a_mutation_is_a_typed_input_error(
    gql: Any, alice: Any, mutation: tuple[str, str, str]
) -> None:
    # given
    from schema.relay import encode_id

    document, type_name, field = mutation
    huge = str(encode_id(type_name, BEYOND_INT64))
    # when
    data = await gql(document, {"id": huge}, as_=alice)
    # then: the mutation's own error, on the field, and no internal error
    (payload,) = data.values()
    assert payload["errors"] == [{"code": "INVALID", "field": field}]


@pytest.mark.parametrize(
    "after",
    [
        cursor("key", BEYOND_INT64),
        cursor("key", 2**63),
        cursor("key", "+5"),
        cursor("key", "\u0665"),
    ],
    ids=["10^20", "2^63", "signed", "arabic digit"],
)
async def test_a_statement_cursor_beyond_64_bits_is_bad_user_input(
    gql: Any, alice: Any, after: str
) -> None:
    # when
    body = await gql.raw(STATEMENT_AFTER, {"after": after}, as_=alice)
    # then
    assert_bad_user_input(body)


@pytest.mark.parametrize(
    "after",
    [cursor("arrayconnection", BEYOND_INT64), cursor("arrayconnection", "9" * 5000)],
    ids=["10^20", "5000 digits"],
)
async def test_an_offset_cursor_beyond_the_limit_is_bad_user_input(
    gql: Any, hub: Any, after: str
) -> None:
    # when
    body = await gql.raw(ORGANISATIONS_AFTER, {"after": after}, headers={"CH-Hub": hub.slug})
    # then
    assert_bad_user_input(body)


# --- dates at the calendar's edge ---------------------------------------------------------

EDGE_DATETIMES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
EDGE_DATES = ["0001-01-01", "9999-12-31"]
DATETIME_INPUTS = {
    "statement since": "query($t: DateTime!) { myStatement(since: $t) { edges { cursor } } }",
    "statement until": "query($t: DateTime!) { myStatement(until: $t) { edges { cursor } } }",
    "search startsAfter": "query($t: DateTime!) { opportunities(filter: {startsAfter: $t}) { edges { cursor } } }",
    "books since": 'query($t: DateTime!) { hubTransfersByCategory(since: $t, until: "2030-01-01T00:00:00Z") { category } }',
    "create startsAt": 'mutation($t: DateTime!) { createOpportunity(input: {fields: {kind: REQUEST, title: "Edge", categoryId: "Q2F0ZWdvcnk6MQ==", startsAt: $t}}) { errors { code } } }',
}
DATE_INPUTS = {
    "logHours workedOn": 'mutation($t: Date!) { logHours(input: {applicationId: "QXBwbGljYXRpb246MQ==", workedOn: $t, minutes: 60}) { errors { code } } }',
    "trust check expiresOn": 'mutation($t: Date!) { submitTrustCheck(input: {kind: DBS_BASIC, reference: "r-1", expiresOn: $t}) { errors { code } } }',
}


@pytest.mark.parametrize("value", EDGE_DATETIMES)
@pytest.mark.parametrize("document", DATETIME_INPUTS.values(), ids=DATETIME_INPUTS.keys())
async def test_a_datetime_off_the_calendar_in_utc_is_bad_user_input(
    gql: Any, admin: Any, document: str, value: str
) -> None:
    # when
    body = await gql.raw(document, {"t": value}, as_=admin)
    # then
    error = assert_bad_user_input(body)
    assert "$t" in error["message"]


@pytest.mark.parametrize("value", EDGE_DATES)
@pytest.mark.parametrize("document", DATE_INPUTS.values(), ids=DATE_INPUTS.keys())
async def test_a_date_at_the_calendar_edge_is_bad_user_input(
    gql: Any, alice: Any, document: str, value: str
) -> None:
    # when
    body = await gql.raw(document, {"t": value}, as_=alice)
    # then
    assert_bad_user_input(body)


async def test_a_datetime_literal_off_the_calendar_is_bad_user_input(gql: Any, alice: Any) -> None:
    # when
    body = await gql.raw(
        '{ myStatement(since: "0001-01-01T00:00:00+14:00") { edges { cursor } } }', as_=alice
    )
    # then
    assert_bad_user_input(body)


async def test_a_date_literal_at_the_calendar_edge_is_bad_user_input(gql: Any, alice: Any) -> None:
    # given: found by schemathesis, a literal the validation step parses
    document = 'mutation { submitTrustCheck(input: {kind: DBS_BASIC, reference: "r", expiresOn: "0001-01-01"}) { errors { code } } }'
    # when
    body = await gql.raw(document, as_=alice)
    # then
    assert_bad_user_input(body)


async def test_dates_inside_the_calendar_still_work(gql: Any, alice: Any) -> None:
    # given: the first and last times every time zone can hold
    variables = {"since": "0001-01-02T00:00:00Z", "until": "9999-12-30T23:59:59Z"}
    # when
    data = await gql(
        "query($since: DateTime!, $until: DateTime!) { myStatement(since: $since, until: $until) { edges { cursor } } }",
        variables,
        as_=alice,
    )
    # then
    assert data["myStatement"]["edges"] == []
