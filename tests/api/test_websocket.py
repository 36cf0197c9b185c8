"""graphql-transport-ws on a live server: text frames, coded errors for every failure, and
persisted documents on the socket too. (The graphql-ws npm client itself: tests/clients.)"""

import asyncio
import base64
import hashlib
import json
import os
import socket
from collections.abc import AsyncGenerator, Iterator
from typing import Any
from unittest.mock import ANY

import httpx
import pytest
import strawberry
import websockets
from strawberry.extensions import SchemaExtension
from websockets.typing import Subprotocol

from app.hubs import documents as trusted
from app.hubs.models import Hub
from app.logs import request_id_var
from schema.errors import ClassifyErrors, HubSchema
from tests.clients.live import LiveAPI

TEXT, BINARY = 0x1, 0x2


class RawSocket:
    """Just enough of RFC 6455 to see each frame's opcode, which websockets hides."""

    def __init__(self, api: LiveAPI) -> None:
        self.sock = socket.create_connection((api.host, api.port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                "GET /graphql HTTP/1.1\r\n"
                f"Host: {api.host}:{api.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head

    def send(self, message: dict[str, Any]) -> None:
        payload = json.dumps(message).encode()
        assert len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x80 | TEXT, 0x80 | len(payload)]) + mask + masked)

    def receive(self) -> tuple[int, bytes]:
        first, second = self._exactly(2)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(self._exactly(2), "big")
        elif length == 127:
            length = int.from_bytes(self._exactly(8), "big")
        return first & 0x0F, self._exactly(length)

    def _exactly(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            assert chunk, "the server closed the connection"
            data += chunk
        return data


@pytest.fixture
def raw(live_api: LiveAPI) -> Iterator[RawSocket]:
    ws = RawSocket(live_api)
    try:
        yield ws
    finally:
        ws.sock.close()


def test_every_graphql_transport_ws_message_is_a_text_frame(raw: RawSocket) -> None:
    # when
    raw.send({"type": "connection_init", "payload": {}})
    ack = raw.receive()
    raw.send({"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}})
    result, complete = raw.receive(), raw.receive()
    raw.send({"id": "2", "type": "subscribe", "payload": {"query": "subscription {"}})
    error = raw.receive()
    # then: opcode 1, each a JSON message with its type
    assert [frame[0] for frame in (ack, result, complete, error)] == [TEXT] * 4
    assert json.loads(ack[1]) == {"type": "connection_ack"}
    assert json.loads(result[1]) == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"__typename": "Query"}},
    }
    assert json.loads(complete[1]) == {"id": "1", "type": "complete"}
    assert json.loads(error[1])["type"] == "error"


async def _connect(api: LiveAPI, token: str | None = None) -> Any:
    ws = await websockets.connect(api.websocket, subprotocols=[Subprotocol("graphql-transport-ws")])
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    assert json.loads(await ws.recv()) == {"type": "connection_ack"}
    return ws


async def _answer(ws: Any, id_: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The first message for operation `id_` (an earlier operation's `complete` is skipped)."""
    await ws.send(json.dumps({"id": id_, "type": "subscribe", "payload": payload}))
    while True:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if message.get("id") == id_:
            return message


async def test_a_syntax_error_on_the_socket_is_an_error_with_a_code_and_the_socket_lives_on(
    live_api: LiveAPI,
) -> None:
    ws = await _connect(live_api)
    try:
        # when: a document that does not parse, then one with too many tokens
        broken = await _answer(ws, "1", {"query": "subscription { notificationAdded {"})
        tokens = await _answer(ws, "2", {"query": "{ " + "__typename " * 6_000 + "}"})
        # then: each is an `error` for its operation, with a code, and nothing logged as ours
        for id_, message in (("1", broken), ("2", tokens)):
            assert message["id"] == id_ and message["type"] == "error"
            assert message["payload"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
        # and the socket still serves
        fine = await _answer(ws, "3", {"query": "{ __typename }"})
        assert fine["payload"] == {"data": {"__typename": "Query"}}
    finally:
        await ws.close()
    assert live_api.errors_logged() == []


async def test_a_subscribe_may_send_a_persisted_document_by_hash(live_api: LiveAPI) -> None:
    # given: a document the server remembered (APQ, over HTTP)
    query = f"# {os.urandom(8).hex()}\n{{ __typename }}"
    extensions = {
        "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
    }
    async with httpx.AsyncClient() as http:
        sent = await http.post(live_api.graphql, json={"query": query, "extensions": extensions})
    assert sent.json() == {"data": {"__typename": "Query"}, "extensions": {"cost": ANY}}
    ws = await _connect(live_api)
    try:
        # when
        by_hash = await _answer(ws, "1", {"extensions": extensions})
        unknown = await _answer(
            ws, "2", {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
        )
    finally:
        await ws.close()
    # then
    assert by_hash == {"id": "1", "type": "next", "payload": {"data": {"__typename": "Query"}}}
    assert unknown["type"] == "error"
    assert unknown["payload"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_FOUND"}


async def test_a_trusted_documents_hub_refuses_other_documents_on_the_socket(
    live_api: LiveAPI, hub: Any, alice: Any
) -> None:
    # given: alice's hub runs only its registered subscription
    registered = "subscription { notificationAdded { title } }"
    digest = hashlib.sha256(registered.encode()).hexdigest()
    await trusted.register(hub.slug, trusted.read_manifest({digest: registered}))
    await Hub.filter(id=hub.id).update(trusted_documents_only=True)
    # when: she signs the socket in with connection_init and subscribes
    ws = await _connect(live_api, alice.token)
    try:
        other = await _answer(ws, "1", {"query": "{ __typename }"})
        await ws.send(
            json.dumps({"id": "2", "type": "subscribe", "payload": {"query": registered}})
        )
        await asyncio.sleep(0.3)  # a registered subscription waits for notifications
        await ws.send(json.dumps({"type": "ping"}))
        pong = json.loads(await asyncio.wait_for(ws.recv(), 5))
    finally:
        await ws.close()
    # then
    assert other["type"] == "error"
    assert other["payload"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_IN_LIST"}
    assert pong == {"type": "pong"}  # the registered one did not fail


# The safety net of subscriptions (HubSchema.stream), on a schema whose extension fails


@strawberry.type
class _Query:
    ok: bool = True


@strawberry.type
class _Subscription:
    @strawberry.subscription
    async def ticks(self) -> AsyncGenerator[int, None]:  # pragma: no cover - never reached
        yield 1


class _Broken(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        raise RuntimeError("secret internals")


async def test_an_exception_in_an_extension_reaches_a_subscriber_masked_with_a_code() -> None:
    # given
    schema = HubSchema(
        query=_Query, subscription=_Subscription, extensions=[ClassifyErrors, _Broken]
    )
    token = request_id_var.set("req-ws-12345678")
    try:
        # when
        stream = await schema.stream("subscription { ticks }")
        results = [result async for result in stream]
    finally:
        request_id_var.reset(token)
    # then
    [result] = results
    [error] = result.errors
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-ws-12345678"}
    assert "secret" not in error.message
