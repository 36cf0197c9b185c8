"""Malformed requests get the GraphQL-over-HTTP error they deserve, and the connection lives on.

Each used to be a plain-text 500 from Starlette, after which uvicorn closed the keep-alive
connection. These run against a real uvicorn server on loopback: the bad request, then a good
one on the same connection.
"""

import http.client
import json
import logging
from typing import Any
from unittest.mock import ANY

import httpx
import pytest

GOOD = json.dumps({"query": "{ __typename }"}).encode()
FIRST_N = "query($n: Int) { organisations(first: $n) { edges { cursor } } }"
DEEP = 50_000


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# (request body, expected status, expected extensions.code)
MALFORMED = {
    "bare JSON string": (b'"x"', 400, "BAD_REQUEST"),
    "JSON number": (b"42", 400, "BAD_REQUEST"),
    "JSON null": (b"null", 400, "BAD_REQUEST"),
    "array of non-objects": (b"[1, 2]", 400, "BAD_REQUEST"),
    "invalid UTF-8 in the body": (b'\xff{"query": "{ __typename }"}', 400, "BAD_REQUEST"),
    "invalid UTF-8 in a variable": (
        b'{"query": "query($v: String) { __typename }", "variables": {"v": "\xff\xfe"}}',
        400,
        "BAD_REQUEST",
    ),
    "variable nested 50,000 arrays deep": (
        (
            '{"query": "query($v: [String]) { __typename }", "variables": {"v": '
            + _nested(DEEP)
            + "}}"
        ).encode(),
        400,
        "BAD_REQUEST",
    ),
    "variable nested 500 arrays deep": (
        (
            '{"query": "query($v: [String]) { __typename }", "variables": {"v": '
            + _nested(500)
            + "}}"
        ).encode(),
        400,
        "BAD_REQUEST",
    ),
    "first = 2**63 in a variable": (
        json.dumps({"query": FIRST_N, "variables": {"n": 2**63}}).encode(),
        200,
        "BAD_USER_INPUT",
    ),
    "operationName not a string": (
        json.dumps({"query": "{ __typename }", "operationName": 5}).encode(),
        400,
        "BAD_REQUEST",
    ),
    "lone surrogate in operationName": (
        json.dumps({"query": "query A { __typename }", "operationName": "\ud800"}).encode(),
        400,
        "BAD_REQUEST",
    ),
}


def _post(conn: http.client.HTTPConnection, body: bytes) -> tuple[http.client.HTTPResponse, Any]:
    conn.request("POST", "/graphql", body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    return response, json.loads(response.read())


@pytest.mark.parametrize(("body", "status", "code"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_gets_a_json_error_and_the_connection_stays_open(
    live_api: Any, body: bytes, status: int, code: str
) -> None:
    # given: one keep-alive connection to a real server
    conn = http.client.HTTPConnection(live_api.host, live_api.port, timeout=10)
    try:
        # when: the malformed request
        response, answer = _post(conn, body)
        socket_used = conn.sock
        # then: GraphQL over HTTP, typed, with the request id, and no plan to close
        assert response.status == status, answer
        assert response.getheader("content-type") == "application/json"
        assert response.getheader("x-request-id")
        assert response.getheader("connection") != "close"
        assert answer.get("data") is None
        assert [e["extensions"]["code"] for e in answer["errors"]] == [code], answer
        assert all(e["message"] for e in answer["errors"])
        # and when: a good request on the same connection
        response, answer = _post(conn, GOOD)
        # then: it is served there
        assert conn.sock is socket_used
        assert response.status == 200
        assert answer == {"data": {"__typename": "Query"}, "extensions": {"cost": ANY}}
    finally:
        conn.close()


def test_the_spec_media_type_gets_400_for_a_request_error(live_api: Any) -> None:
    # given: a client that accepts application/graphql-response+json
    conn = http.client.HTTPConnection(live_api.host, live_api.port, timeout=10)
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/graphql-response+json",
    }
    try:
        # when: a body that is not a GraphQL request
        conn.request("POST", "/graphql", body=b'"x"', headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read())
        # then
        assert response.status == 400
        assert response.getheader("content-type") == "application/graphql-response+json"
        assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    finally:
        conn.close()


def test_no_malformed_request_logged_an_error(live_api: Any) -> None:
    # given: the malformed requests above, sent again
    conn = http.client.HTTPConnection(live_api.host, live_api.port, timeout=10)
    try:
        for body, _, _ in MALFORMED.values():
            _post(conn, body)
    finally:
        conn.close()
    # then: client errors are not the operators' errors
    assert live_api.errors_logged() == []


async def test_variables_over_get_that_are_not_an_object_are_400(http: Any) -> None:
    # when: GET, with variables that are JSON but not an object
    response = await http.get("/graphql", params={"query": "{ __typename }", "variables": '"x"'})
    # then
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_route_that_fails_answers_json_500_with_the_request_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given: any route behind the request middleware that raises before answering
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    from app.web.middleware import RequestContextMiddleware

    async def fails(_: Any) -> None:
        raise RuntimeError("secret internals")

    app = Starlette(
        routes=[Route("/fails", fails)], middleware=[Middleware(RequestContextMiddleware)]
    )
    # when
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/fails", headers={"X-Request-ID": "req-99887766"})
    # then: JSON naming the request id, no internals, logged once at ERROR with the id
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-99887766"
    assert "secret" not in response.text
    assert response.json()["errors"][0]["extensions"] == {
        "code": "INTERNAL_SERVER_ERROR",
        "requestId": "req-99887766",
    }
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.request_id == "req-99887766"  # type: ignore[attr-defined]


def test_a_body_over_the_limit_gets_a_json_413_with_the_request_id(live_api: Any) -> None:
    # given: a body over CH_MAX_BODY_BYTES (1 MB)
    body = json.dumps({"query": "{ " + "__typename " * 100_000 + "}"}).encode()
    conn = http.client.HTTPConnection(live_api.host, live_api.port, timeout=10)
    try:
        # when
        conn.request(
            "POST",
            "/graphql",
            body=body,
            headers={"Content-Type": "application/json", "X-Request-ID": "req-413-live"},
        )
        response = conn.getresponse()
        answer = json.loads(response.read())
    finally:
        conn.close()
    # then: not Starlette's plain text, which answered outside the request middleware
    assert response.status == 413
    assert response.getheader("content-type") == "application/json"
    assert response.getheader("x-request-id") == "req-413-live"
    assert answer["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
