"""uvicorn's HTTP protocol with a response's writes joined into one send (issue 19).

uvicorn writes a response's status line and headers (`http.response.start`) and then its
body (`http.response.body`) with two `transport.write` calls, each a `send` system call and,
with TCP_NODELAY, a TCP segment of its own that the client must read separately. For a small
GraphQL answer those two writes cost about as much CPU as the view's Python. Here the
connection's writes within one turn of the event loop are held and sent together at the end
of the turn (`loop.call_soon`): the same bytes in the same order, one system call. Closing
or half-closing the connection sends what is held first; an upgrade to WebSocket hands the
socket's own transport to the WebSocket protocol.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _Joined:
    """A transport whose writes are held until the end of the event loop's turn."""

    __slots__ = ("_held", "_loop", "inner")

    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self.inner = inner
        self._held: list[bytes] = []
        self._loop = loop

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        if not self._held:
            return
        held, self._held = self._held, []
        if self.inner.is_closing():  # the client went away: nothing to send to
            return
        self.inner.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()
        self.inner.close()

    def write_eof(self) -> None:
        self.flush()
        self.inner.write_eof()

    def abort(self) -> None:
        self._held = []
        self.inner.abort()

    def get_write_buffer_size(self) -> int:
        return self.inner.get_write_buffer_size() + sum(len(b) for b in self._held)

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, pause_reading...
        return getattr(self.inner, name)


class JoinedWritesProtocol(HttpToolsProtocol):
    """HttpToolsProtocol whose transport joins each turn's writes (see the module)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_Joined(transport, self.loop))  # type: ignore[arg-type]

    def handle_websocket_upgrade(self) -> None:
        joined = self.transport
        if isinstance(joined, _Joined):
            joined.flush()
            self.transport = joined.inner
        super().handle_websocket_upgrade()
