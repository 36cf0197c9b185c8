"""What a client got wrong is logged at INFO without a traceback; only faults at ERROR.

A fuzzing run logged 13,600 traceback lines for expected errors (not signed in, forbidden, bad
input), hiding the 300 that mattered.
"""

import logging
from typing import Any

import pytest

from app.people.models import Role

NOT_SIGNED_IN = "{ myStatement { edges { cursor } } }"
FORBIDDEN = "{ hubCreditTotals { issued } }"
BAD_ID = '{ node(id: "not-an-id") { id } }'
BAD_VARIABLE = "query($v: String!) { hub(slug: $v) { id } }"
SYNTAX = "{ viewer { id "
VALIDATION = "{ nope }"
TOO_MANY_ALIASES = "{ " + " ".join(f"a{i}: __typename" for i in range(100)) + " }"
TOO_COSTLY = "{ organisations(first: 100) { edges { node { members(first: 100) { edges { node { id } } } } } } }"
UPDATE_HUB = 'mutation { updateHub(input: {name: "x"}) { errors { code } } }'

CLIENT_ERRORS = {
    "not signed in": (NOT_SIGNED_IN, None),
    "forbidden": (FORBIDDEN, None),
    "bad id": (BAD_ID, None),
    "unstorable text": (BAD_VARIABLE, {"v": "a\x00"}),
    "wrong variable type": (BAD_VARIABLE, {"v": 5}),
    "syntax error": (SYNTAX, None),
    "validation error": (VALIDATION, None),
    "too many aliases": (TOO_MANY_ALIASES, None),
    "too costly": (TOO_COSTLY, None),
}


@pytest.mark.parametrize(("query", "variables"), CLIENT_ERRORS.values(), ids=CLIENT_ERRORS.keys())
async def test_a_client_error_is_logged_at_info_without_a_traceback(
    http: Any,
    make_person: Any,
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    # given: a member without roles (anonymous for the read that needs sign-in)
    member = await make_person()
    headers = {} if query == NOT_SIGNED_IN else member.headers
    caplog.set_level(logging.INFO)
    # when
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    # then: the client got an error, the log an INFO line and no traceback
    assert response.json()["errors"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
    assert any(r.getMessage().startswith("client error:") for r in caplog.records)


async def test_an_unexpected_error_is_logged_at_error_with_the_request_id(
    http: Any, make_person: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a service that fails
    from app.hubs import service

    admin = await make_person(roles=[Role.HUB_ADMIN])

    async def boom(**_: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "update_hub", boom)
    caplog.set_level(logging.INFO)
    # when
    await http.post(
        "/graphql",
        json={"query": UPDATE_HUB},
        headers={**admin.headers, "X-Request-ID": "req-87654321"},
    )
    # then: one ERROR record, with the traceback and the request id
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert record.request_id == "req-87654321"  # type: ignore[attr-defined]


async def test_an_unexpected_error_in_the_http_view_is_logged_with_the_request_id(
    http: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a fault before any GraphQL runs (building the context)
    from schema import view

    async def boom(_: str | None) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(view, "_authenticate", boom)
    caplog.set_level(logging.INFO)
    # when
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "req-11223344"}
    )
    # then: a JSON 500 naming the request id, and one ERROR record with the traceback
    assert response.status_code == 500
    assert "secret" not in response.text
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-11223344"}
    assert "req-11223344" in error["message"]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None
    assert record.request_id == "req-11223344"  # type: ignore[attr-defined]
