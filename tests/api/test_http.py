"""GraphQL over HTTP: GET for queries, media types, status codes, malformed requests."""

from typing import Any
from unittest.mock import ANY

import pytest

VIEWER = "query { viewer { id } }"


async def test_queries_work_over_get(http: Any, hub: Any) -> None:
    query = '{ hub(slug: "' + hub.slug + '") { slug } }'
    response = await http.get("/graphql", params={"query": query})
    assert response.status_code == 200
    assert response.json() == {"data": {"hub": {"slug": hub.slug}}, "extensions": {"cost": ANY}}
    assert response.json()["extensions"]["cost"]["requested"] == 2


async def test_mutations_are_refused_over_get(http: Any) -> None:
    response = await http.get("/graphql", params={"query": "mutation { logout { ok } }"})
    assert response.status_code == 405


async def test_graphql_response_media_type_and_400_for_request_errors(http: Any) -> None:
    accept = {"Accept": "application/graphql-response+json"}
    ok = await http.post("/graphql", json={"query": VIEWER}, headers=accept)
    assert ok.status_code == 200
    assert ok.headers["content-type"] == "application/graphql-response+json"
    bad = await http.post("/graphql", json={"query": "{ nope }"}, headers=accept)
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/graphql-response+json"


@pytest.mark.parametrize(
    "query", ["{ viewer { id ", "{ nope }", "query($n: Int!) { viewer { id } }"]
)
async def test_a_request_error_has_no_data_entry_in_graphql_response_json(
    http: Any, query: str
) -> None:
    # given: a parse error, a validation error and a missing variable
    accept = {"Accept": "application/graphql-response+json"}
    # when
    response = await http.post("/graphql", json={"query": query}, headers=accept)
    # then: GraphQL over HTTP, not even "data": null
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"]
    # and application/json keeps the legacy 200 with "data": null
    legacy = await http.post("/graphql", json={"query": query})
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None


@pytest.mark.parametrize(
    "body",
    ['{"query": "{ viewer { id "}', "not json", '{"query": 42}', '{"variables": {}}'],
)
async def test_malformed_requests_get_clear_errors_not_500(http: Any, body: str) -> None:
    response = await http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in {200, 400}
    assert response.status_code != 500
    if response.status_code == 200:
        assert response.json()["errors"][0]["message"]


async def test_unsupported_content_type_is_refused(http: Any) -> None:
    response = await http.post(
        "/graphql", content="{ viewer { id } }", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 400


async def test_unknown_fields_give_validation_errors_without_suggestions(gql: Any) -> None:
    body = await gql.raw("{ viewr { id } }")
    assert body["errors"][0]["message"] == "Cannot query field 'viewr' on type 'Query'."


async def test_unexpected_errors_are_masked_with_the_request_id(
    http: Any, monkeypatch: pytest.MonkeyPatch, make_person: Any
) -> None:
    from app.hubs import service
    from app.people.models import Role

    admin = await make_person(roles=[Role.HUB_ADMIN])

    async def boom(**_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "update_hub", boom)
    response = await http.post(
        "/graphql",
        json={"query": 'mutation { updateHub(input: {name: "x"}) { errors { code } } }'},
        headers={**admin.headers, "X-Request-ID": "req-12345678"},
    )
    error = response.json()["errors"][0]
    assert "secret" not in response.text
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-12345678"}
    assert "req-12345678" in error["message"]
    assert response.headers["x-request-id"] == "req-12345678"


async def test_node_with_a_malformed_id_is_a_clear_error(gql: Any) -> None:
    body = await gql.raw('{ node(id: "not-an-id") { id } }')
    assert body["data"] is None or body["data"]["node"] is None
    assert body["errors"][0]["message"]
    assert "Unexpected" not in body["errors"][0]["message"]


async def test_node_of_an_unknown_id_is_null(gql: Any, alice: Any) -> None:
    from schema.relay import encode_id

    data = await gql(
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": str(encode_id("Member", 10**12))},
        as_=alice,
    )
    assert data["node"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("first: 1000", "cannot be higher than 100"),
        ("first: -1", "non-negative"),
        ('after: "garbage!"', "Not a valid cursor"),
        ('after: "YXJyYXljb25uZWN0aW9uOi01"', "Not a valid cursor"),  # offset -5
        ('before: "YXJyYXljb25uZWN0aW9uOjU="', "together with `first` or `last`"),
        ("last: 5", "together with `before`"),
    ],
)
async def test_bad_pagination_arguments_are_bad_user_input(
    gql: Any, hub: Any, args: str, message: str
) -> None:
    body = await gql.raw(
        f"{{ organisations({args}) {{ edges {{ node {{ id }} }} }} }}",
        headers={"CH-Hub": hub.slug},
    )
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert message in error["message"]


async def test_node_with_an_id_of_an_unknown_type_is_bad_user_input(gql: Any) -> None:
    import base64

    body = await gql.raw(
        "query($id: ID!) { node(id: $id) { id } }", {"id": base64.b64encode(b"Nope:1").decode()}
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_slugify_keeps_accented_letters() -> None:
    from app.validation import slugify

    assert slugify("Café Tàvola, Sevilla") == "cafe-tavola-sevilla"
