"""app/web/protocol.py: a response's writes leave in one send, in order, keep-alive intact."""

import asyncio
import socket

import httpx
import pytest
import uvicorn

from app.web.protocol import JoinedWritesProtocol, _Joined


class FakeTransport:
    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


async def test_writes_of_one_turn_leave_together_and_close_sends_what_is_held() -> None:
    # given a joined transport over a fake one
    inner = FakeTransport()
    joined = _Joined(inner, asyncio.get_running_loop())  # type: ignore[arg-type]

    # when headers and body are written in one turn of the loop
    joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
    joined.write(b"")
    joined.write(b"body")
    assert inner.sent == []  # held until the turn ends
    await asyncio.sleep(0)

    # then they leave in one write, in order
    assert inner.sent == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    # and closing sends what is held before closing; other calls reach the transport
    joined.write(b"last")
    joined.close()
    assert inner.sent[-1] == b"last" and inner.closed
    assert joined.get_extra_info("peername") == "info:peername"


async def app(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
    assert scope["type"] == "http"
    body = f"answer to {scope['path']}".encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": body})  # type: ignore[operator]


@pytest.fixture
async def served() -> object:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=JoinedWritesProtocol, log_config=None, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # polling uvicorn's flag: it has no event to wait on
        if server.started:
            break
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_a_server_with_joined_writes_answers_in_turn_on_one_connection(served: str) -> None:
    # given uvicorn serving with the joined-writes protocol
    async with httpx.AsyncClient(base_url=served) as client:
        # when one keep-alive connection sends three requests
        answers = [await client.get(f"/{n}") for n in range(3)]

    # then each answer is whole and its own
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.text for a in answers] == ["answer to /0", "answer to /1", "answer to /2"]
