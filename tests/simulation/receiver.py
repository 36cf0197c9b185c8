"""A webhook receiver for the simulation: records every request, and now and then answers 500
(never twice in a row, so the endpoint is never disabled) to make the workers retry."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from random import Random
from typing import Any

import orjson


@dataclass
class Received:
    webhook_id: str
    event: str
    data: dict[str, Any]
    answered: int


@dataclass
class Receiver:
    rng: Random
    url: str = ""
    received: list[Received] = field(default_factory=list)
    failed_last: bool = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode().split("\r\n")[1:]
            headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines if x)}
            body = orjson.loads(await reader.readexactly(int(headers.get("content-length", "0"))))
            fail = not self.failed_last and self.rng.random() < 0.15
            self.failed_last = fail
            status = 500 if fail else 200
            self.received.append(
                Received(headers.get("webhook-id", ""), body.get("type", ""), body["data"], status)
            )
            reason = "Internal Server Error" if fail else "OK"
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the worker died mid-request
        finally:
            writer.close()


@asynccontextmanager
async def receiving(rng: Random) -> AsyncIterator[Receiver]:
    receiver = Receiver(rng)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0)
    receiver.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hooks"
    async with server:
        yield receiver
